import { defineConfig } from 'tsdown'
// In your project: import { singletonGuard } from 'rolldown-plugin-singleton-guard'
import { singletonGuard } from '../../dist/index.mjs'

// `legacy-tool` depends on an older `shared-state`, so npm installed a second copy under it.
// Both get bundled: the plugin fails the build and names both installs.
export default defineConfig({
  entry: ['src/main.ts'],
  plugins: [singletonGuard({ singletons: 'shared-state' })],
})
