import { defineConfig } from 'tsdown'
// In your project: import { singletonGuard } from 'rolldown-plugin-singleton-guard'
import { singletonGuard } from '../../dist/index.mjs'

// `report-tool` asked for shared-state ^2.0.0 when 2.0.3 was current, so npm installed a second
// copy under it. `dedupe` serves its imports from the root's 2.1.0, which that range accepts:
// one registry, and the build says what it merged and why that was safe.
export default defineConfig({
  entry: ['src/main.ts'],
  noExternal: ['shared-state', 'report-tool'],
  plugins: [singletonGuard({ singletons: 'shared-state', dedupe: { packages: 'compatible' } })],
})
