import { defineConfig, type UserConfig } from 'tsdown'

const config: UserConfig = defineConfig({
  entry: ['src/index.ts'],
  platform: 'node',
  format: 'esm',
  dts: true,
})

export default config
