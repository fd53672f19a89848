import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { singletonGuard } from '../src/index.ts'
import { writeFixture } from './helpers/fixture.ts'
import { startHost, type Host } from './helpers/host.ts'
import { rewrite, service, serviceProject } from './helpers/service.ts'
import { findFile, listFiles, viteBuild } from './helpers/vite.ts'

let host: Host | undefined
afterEach(() => host?.kill())

const singletons = 'src/delegate-store.js'

/** Vite's SSR build of the service: `dist/main.js` for a Node process, outDir emptied on each build. */
function ssrConfig(dir: string, promote: boolean) {
  return {
    plugins: [singletonGuard({ root: dir, singletons, promote, report: promote })],
    build: { outDir: 'dist', ssr: 'src/main.js' },
  }
}

/**
 * A client entry that acts when loaded (Vite drops entry exports) and hands the page's functions
 * to whoever loaded it; `modulePreload: false` keeps Vite's preload helper off `document` in Node.
 */
const clientEntry = `import { continueWork } from './tools/continue-work.js'
globalThis.app = {
  continueWork,
  runAgent: async (id) => (await import('./auto-reply/reply/agent-runner.runtime.js')).pending(id),
}
`

/**
 * The page: loads the client bundle once, as a browser tab keeps it loaded. `window` is an event
 * target, where Vite's preload helper reports a failed lazy import before rethrowing it.
 */
function page(entry: string): string {
  return `globalThis.window ??= new EventTarget()\nawait import('./dist/${entry}')\nexport const { continueWork, runAgent } = globalThis.app\n`
}

function clientConfig(dir: string, promote: boolean) {
  return {
    plugins: [singletonGuard({ root: dir, singletons, promote })],
    build: { outDir: 'dist', modulePreload: false as const, rollupOptions: { input: 'src/client.js' } },
  }
}

describe('Vite: promote keeps its word', () => {
  it('SSR: stable names without a hash, and a rebuild under a running process keeps one realm', async () => {
    const dir = writeFixture('vite-promote-ssr', serviceProject())
    const first = await viteBuild(dir, ssrConfig(dir, true))
    expect(first.error).toBeUndefined()
    // Vite's chunking puts the store into the entry, which every lazy chunk follows: promote
    // leaves it there (moving it could change the order the program runs in) and says so.
    expect(listFiles(path.join(dir, 'dist'))).toEqual([
      'auto-reply/reply/agent-runner.runtime.js',
      'main.js',
      'singleton-report.json',
    ])
    const logs = first.logs.join('\n')
    expect(logs).toContain('SINGLETON_PROMOTED: 1 module promoted to stable entries')
    expect(logs).toContain(
      '1 singleton already in a file with a stable name, left where the bundler put it (safe across rebuilds): src/delegate-store.js in main.js (an entry)',
    )
    expect(logs).not.toContain('SINGLETON_PROMOTE_INCOMPLETE')
    // The report of the environment's output records what was promoted, with the files written.
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'dist/singleton-report.json'), 'utf8'))
    expect(report.output.realm).toBe('ssr')
    expect(report.promoted.map((promotion: { fileName: string }) => promotion.fileName)).toEqual([
      'auto-reply/reply/agent-runner.runtime.js',
    ])

    host = startHost(dir, 'dist/main.js')
    expect(await host.ready).toEqual({ runnerEvaluated: 0, realms: 1 })
    rewrite(dir, service(2))
    expect((await viteBuild(dir, ssrConfig(dir, true))).error).toBeUndefined()
    expect(fs.readFileSync(path.join(dir, 'dist/auto-reply/reply/agent-runner.runtime.js'), 'utf8')).toContain(
      'runner v2',
    )
    expect(await host.release()).toEqual({ ok: true, seen: true, realms: 1, runnerEvaluated: 1 })
  })

  it('SSR without promote: the same rebuild strands the running process', async () => {
    const dir = writeFixture('vite-no-promote-ssr', serviceProject())
    expect((await viteBuild(dir, ssrConfig(dir, false))).error).toBeUndefined()
    host = startHost(dir, 'dist/main.js')
    await host.ready
    rewrite(dir, service(2))
    expect((await viteBuild(dir, ssrConfig(dir, false))).error).toBeUndefined()
    expect(await host.release()).toMatchObject({ ok: false, code: 'ERR_MODULE_NOT_FOUND' })
  })

  it("client: promoted chunks and the entry holding the singleton drop Vite's [hash], and a loaded page survives a rebuild", async () => {
    const dir = writeFixture('vite-promote-client', { ...serviceProject(), 'src/client.js': clientEntry })
    const first = await viteBuild(dir, clientConfig(dir, true))
    expect(first.error).toBeUndefined()
    // The store rides in the client entry (Vite's chunking): the entry is named without its hash,
    // so a boundary rebuilt later imports the very file the page has loaded.
    expect(listFiles(path.join(dir, 'dist'))).toEqual([
      'assets/auto-reply/reply/agent-runner.runtime.js',
      'assets/client.js',
    ])
    const logs = first.logs.join('\n')
    expect(logs).toContain('SINGLETON_PROMOTED: 1 module promoted to stable entries')
    expect(logs).toContain('src/delegate-store.js in assets/client.js (an entry)')
    expect(logs).not.toContain('SINGLETON_PROMOTE_INCOMPLETE')

    const entry = findFile(path.join(dir, 'dist'), /^assets\/client\.js$/)
    fs.writeFileSync(path.join(dir, 'page.mjs'), page(entry))
    host = startHost(dir, 'page.mjs')
    expect(await host.ready).toEqual({ runnerEvaluated: 0, realms: 1 })
    rewrite(dir, service(2))
    expect((await viteBuild(dir, clientConfig(dir, true))).error).toBeUndefined()
    expect(await host.release()).toEqual({ ok: true, seen: true, realms: 1, runnerEvaluated: 1 })
  })

  it('client without promote: the loaded page is stranded by the rebuild', async () => {
    const dir = writeFixture('vite-no-promote-client', { ...serviceProject(), 'src/client.js': clientEntry })
    expect((await viteBuild(dir, clientConfig(dir, false))).error).toBeUndefined()
    const entry = findFile(path.join(dir, 'dist'), /^assets\/client-[\w-]+\.js$/)
    fs.writeFileSync(path.join(dir, 'page.mjs'), page(entry))
    host = startHost(dir, 'page.mjs')
    await host.ready
    rewrite(dir, service(2))
    expect((await viteBuild(dir, clientConfig(dir, false))).error).toBeUndefined()
    expect(await host.release()).toMatchObject({ ok: false, code: 'ERR_MODULE_NOT_FOUND' })
  })

  it('claims only what was promoted: nothing for one inlined file, not a lazy part that was tree-shaken', async () => {
    const dir = writeFixture('vite-promote-nothing', {
      ...serviceProject(),
      'src/client.js': `import './tools/continue-work.js'\n`,
    })
    const inlined = await viteBuild(dir, {
      plugins: [singletonGuard({ root: dir, singletons, promote: true })],
      build: { outDir: 'dist', ssr: 'src/main.js', rollupOptions: { output: { inlineDynamicImports: true } } },
    })
    expect(inlined.error).toBeUndefined()
    expect(listFiles(path.join(dir, 'dist'))).toEqual(['main.js'])
    expect(inlined.logs.join('\n')).not.toMatch(/SINGLETON_PROMOTE/)

    // The client entry only runs the tools' side effects: the lazy runner is not in the output, so
    // only the store (kept for its side effects) is promoted, and only the store is claimed.
    const shaken = await viteBuild(dir, clientConfig(dir, true))
    expect(shaken.error).toBeUndefined()
    const logs = shaken.logs.join('\n')
    expect(logs).toContain(
      'SINGLETON_PROMOTED: 1 singleton already in a file with a stable name, left where the bundler put it (safe across rebuilds): src/delegate-store.js in assets/client.js (an entry)',
    )
    expect(logs).not.toContain('agent-runner')
    expect(logs).not.toContain('SINGLETON_PROMOTE_INCOMPLETE')
    expect(listFiles(path.join(dir, 'dist'))).toEqual(['assets/client.js'])
  })

  it('library mode (one entry name for every file): promoted chunks keep their own names, and a rebuild keeps one realm', async () => {
    const dir = writeFixture('vite-promote-lib', serviceProject())
    const libConfig = () => ({
      plugins: [singletonGuard({ root: dir, singletons, promote: true })],
      build: { outDir: 'dist', lib: { entry: 'src/main.js', formats: ['es' as const, 'cjs' as const] } },
    })
    const first = await viteBuild(dir, libConfig())
    expect(first.error).toBeUndefined()
    expect(listFiles(path.join(dir, 'dist'))).toEqual([
      'agent-service.cjs',
      'agent-service.js',
      'auto-reply/reply/agent-runner.runtime.cjs',
      'auto-reply/reply/agent-runner.runtime.js',
      'delegate-store.cjs',
      'delegate-store.js',
    ])
    host = startHost(dir, 'dist/agent-service.js')
    expect(await host.ready).toEqual({ runnerEvaluated: 0, realms: 1 })
    rewrite(dir, service(2))
    expect((await viteBuild(dir, libConfig())).error).toBeUndefined()
    expect(await host.release()).toEqual({ ok: true, seen: true, realms: 1, runnerEvaluated: 1 })
  })
})
