import { configDefaults, defineConfig, type ViteUserConfig } from 'vitest/config'

const config: ViteUserConfig = defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Published packages fetched for the CLI's tests ship test files of their own.
    exclude: [...configDefaults.exclude, 'test/.cache/**'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
})

export default config
