import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { singletonGuard } from '../src/index.ts'
import { hasChromium, NO_CHROMIUM } from './helpers/browser.ts'
import { writeFixture, type FixtureFiles } from './helpers/fixture.ts'
import { closeBrowser, openPage, requestModuleGraph, startDevServer, type DevServer } from './helpers/dev-server.ts'

interface Truth {
  realms: number
  seen: boolean
}

const sharedState = (version: string): Record<string, string> => ({
  'package.json': JSON.stringify({ name: 'shared-state', version, type: 'module', main: 'index.js' }),
  'index.js': `export const registry = new Map()\nglobalThis.__evaluations ??= {}\nglobalThis.__evaluations.state = (globalThis.__evaluations.state ?? 0) + 1\n`,
})

function under(prefix: string, files: Record<string, string>): FixtureFiles {
  return Object.fromEntries(Object.entries(files).map(([file, content]) => [`${prefix}/${file}`, content]))
}

/** A page whose main module writes the registry through one import and reads it through another. */
function page(main: string, extra: FixtureFiles = {}): FixtureFiles {
  return {
    'package.json': JSON.stringify({ name: 'web-app', type: 'module' }),
    'index.html': '<!doctype html>\n<script type="module" src="/src/main.js"></script>\n',
    ...under('node_modules/shared-state', sharedState('2.1.0')),
    'src/main.js': main,
    ...extra,
  }
}

const READ = 'window.__result'

let dev: DevServer | undefined
afterEach(async () => {
  await dev?.close()
  dev = undefined
})
afterAll(closeBrowser)

describe.skipIf(!hasChromium)(
  `Vite dev server: a singleton served under two ids in one environment${hasChromium ? '' : `: ${NO_CHROMIUM}`}`,
  () => {
    it('warns for a pre-bundled copy beside the file served from its own path, with both ids and the fix', async () => {
      const dir = writeFixture(
        'vite-dev-two-ids',
        page(`import { registry } from 'shared-state'
import { registry as direct } from '/node_modules/shared-state/index.js'
registry.set('key', 1)
window.__result = { realms: globalThis.__evaluations.state, seen: direct.get('key') === 1 }
`),
      )
      dev = await startDevServer(dir, { plugins: [singletonGuard({ root: dir, singletons: 'shared-state' })] })
      const requested = await requestModuleGraph(dev.url, '/src/main.js')
      expect(requested.some((id) => id.startsWith('/node_modules/.vite/deps/shared-state.js'))).toBe(true)
      expect(requested.some((id) => id.startsWith('/node_modules/shared-state/index.js'))).toBe(true)
      const warning = dev.logs.join('\n')
      expect(warning).toContain(
        'SINGLETON_SERVED_TWICE: shared-state/index.js is served under 2 ids in the client environment',
      )
      expect(warning).toContain('id 1: node_modules/.vite/deps/shared-state.js')
      expect(warning).toContain('id 2: node_modules/shared-state/index.js')
      expect(warning).toContain('`optimizeDeps.include`')
      expect(warning).toContain('`resolve.dedupe`')
      expect(dev.logs).toHaveLength(1)
      // The page agrees: two instances.
      expect(await openPage<Truth>(dev.url, READ)).toEqual({ realms: 2, seen: false })
    })

    const twoInstalls = page(
      `import { registry } from 'shared-state'
import { legacyRead } from 'legacy-tool'
registry.set('key', 1)
window.__result = { realms: globalThis.__evaluations.state, seen: legacyRead('key') === 1 }
`,
      {
        'node_modules/legacy-tool/package.json': JSON.stringify({
          name: 'legacy-tool',
          version: '3.0.0',
          type: 'module',
          main: 'index.js',
        }),
        'node_modules/legacy-tool/index.js': `import { registry } from 'shared-state'\nexport const legacyRead = (k) => registry.get(k)\n`,
        ...under('node_modules/legacy-tool/node_modules/shared-state', sharedState('1.4.2')),
      },
    )

    it('warns when two installs are each pre-bundled; resolve.dedupe, the fix it names, silences it', async () => {
      const dir = writeFixture('vite-dev-two-installs', twoInstalls)
      dev = await startDevServer(dir, { plugins: [singletonGuard({ root: dir, singletons: 'shared-state' })] })
      expect(await openPage<Truth>(dev.url, READ)).toEqual({ realms: 2, seen: false })
      const warning = dev.logs.join('\n')
      expect(warning).toContain('SINGLETON_SERVED_TWICE: shared-state/index.js is served under 2 ids')
      expect(warning).toContain('node_modules/.vite/deps/legacy-tool.js')
      expect(warning).toContain('node_modules/.vite/deps/shared-state.js')
      await dev.close()

      const fixed = writeFixture('vite-dev-deduped', twoInstalls)
      dev = await startDevServer(fixed, {
        plugins: [singletonGuard({ root: fixed, singletons: 'shared-state' })],
        resolve: { dedupe: ['shared-state'] },
      })
      expect(await openPage<Truth>(dev.url, READ)).toEqual({ realms: 1, seen: true })
      expect(dev.logs).toEqual([])
    })

    it('is silent for one id per environment, even when the SSR environment loads it too', async () => {
      const dir = writeFixture(
        'vite-dev-clean',
        page(
          `import { registry } from 'shared-state'
import { read } from './reader.js'
import raw from '/node_modules/shared-state/index.js?raw'
registry.set('key', 1)
window.__result = { realms: globalThis.__evaluations.state, seen: read('key') === 1 && raw.includes('new Map()') }
`,
          {
            'src/reader.js': `import { registry } from 'shared-state'\nexport const read = (k) => registry.get(k)\n`,
            'src/server.js': `import { registry } from 'shared-state'\nexport const size = () => registry.size\n`,
          },
        ),
      )
      dev = await startDevServer(dir, { plugins: [singletonGuard({ root: dir, singletons: 'shared-state' })] })
      expect(await openPage<Truth>(dev.url, READ)).toEqual({ realms: 1, seen: true })
      const server = await dev.server.ssrLoadModule('/src/server.js')
      expect(server.size()).toBe(0)
      expect(dev.logs).toEqual([])
    })

    it('a module declared by // @singleton: ?raw and ?worker of it are silent, a ?copy=2 twin is named', async () => {
      const state = `// @singleton\nexport const store = new Map()\nglobalThis.__evaluations ??= {}\nglobalThis.__evaluations.state = (globalThis.__evaluations.state ?? 0) + 1\n`
      const main = (reader: string) => `import { store } from './state.js'
import raw from './state.js?raw'
import StateWorker from './state.js?worker'
import { store as read } from '${reader}'
store.set('key', 1)
window.__result = { realms: globalThis.__evaluations.state, seen: read.get('key') === 1 && raw.includes('new Map()') && typeof StateWorker === 'function' }
`
      const clean = writeFixture('vite-dev-marker-clean', page(main('./state.js'), { 'src/state.js': state }))
      dev = await startDevServer(clean, { plugins: [singletonGuard({ root: clean })] })
      expect(await openPage<Truth>(dev.url, READ)).toEqual({ realms: 1, seen: true })
      expect(dev.logs).toEqual([])
      await dev.close()

      const twin = writeFixture('vite-dev-marker-twin', page(main('./state.js?copy=2'), { 'src/state.js': state }))
      dev = await startDevServer(twin, { plugins: [singletonGuard({ root: twin })] })
      expect(await openPage<Truth>(dev.url, READ)).toEqual({ realms: 2, seen: false })
      const warning = dev.logs.join('\n')
      expect(warning).toContain('SINGLETON_SERVED_TWICE: src/state.js is served under 2 ids in the client environment')
      expect(warning).toContain('id 1: src/state.js\n')
      expect(warning).toContain('id 2: src/state.js?copy=2')
    })
  },
)
