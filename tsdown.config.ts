import { defineConfig, type UserConfig } from 'tsdown'

const config: UserConfig = defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli/main.ts' },
  platform: 'node',
  format: 'esm',
  dts: true,
})

export default config
