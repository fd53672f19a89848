import { defineConfig } from 'vite'
// In your project: import { singletonGuard } from 'rolldown-plugin-singleton-guard'
import { singletonGuard } from '../../dist/index.mjs'

// One plugin instance serves both environments. `src/session-store.ts` is bundled into the
// server and into the client: two realms by design (a browser and Node), never a finding.
// `shared-state` is another matter: `legacy-tool` brings its own older install, and the client
// bundle evaluates both copies in one page. That one fails the build.
export default defineConfig({
  builder: { sharedPlugins: true },
  plugins: [singletonGuard({ singletons: ['src/session-store.ts', 'shared-state'] })],
  environments: {
    ssr: { build: { outDir: 'dist/server', ssr: 'src/server.ts' } },
    client: { build: { outDir: 'dist/client', rollupOptions: { input: 'src/client.ts' } } },
  },
})
