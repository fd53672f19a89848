import { defineConfig } from 'tsdown'
// In your project: import { singletonGuard } from 'rolldown-plugin-singleton-guard'
import { singletonGuard } from '../../dist/index.mjs'

// One instance in both configs: it compares their outputs. The server and the worker are
// separate builds, each bundling its own copy of the session registry; a process that loads
// both (the worker runs in-process in development) gets two registries.
const guard = singletonGuard({ singletons: 'src/sessions.ts' })

export default defineConfig([
  { entry: { server: 'src/server.ts' }, outDir: 'dist/server', plugins: [guard] },
  { entry: { worker: 'src/worker.ts' }, outDir: 'dist/worker', plugins: [guard] },
])
