// In your project: import { singletonGuard } from 'rolldown-plugin-singleton-guard'
import { singletonGuard } from '../../dist/index.mjs'

// A plugin library built with Rollup 4: its registry must stay one instance while a host
// application lazily loads the library's runtime. `promote` gives the lazy runtime and the
// registry file names without a hash, so an app that loaded one build keeps working after the
// library is rebuilt under it.
export default {
  input: 'src/index.js',
  output: { dir: 'dist', format: 'es' },
  plugins: [singletonGuard({ singletons: 'src/registry.js', promote: true })],
}
