import { defineConfig } from 'tsdown'
// In your project: import { singletonGuard } from 'rolldown-plugin-singleton-guard'
import { singletonGuard } from '../../dist/index.mjs'

// The incident's service: the reply pipeline statically imports tools that write the delegate
// store, and lazily imports an agent runner that reads it. `promote` keeps the runner and the
// store on stable file names, so a rebuild under the running service cannot strand it.
export default defineConfig({
  entry: ['src/main.ts'],
  plugins: [singletonGuard({ promote: true, report: true })],
})
