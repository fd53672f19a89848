import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { singletonGuard } from '../src/index.ts'
import { execute, statefulModule, writeFixture, type FixtureFiles } from './helpers/fixture.ts'
import { findFile, viteBuild, viteBuildApp } from './helpers/vite.ts'

interface Truth {
  realms: number
  seen: boolean
}

/** A client entry and a server entry, each writing the singleton through one module and reading it through another. */
const app: FixtureFiles = {
  'package.json': JSON.stringify({ name: 'app', type: 'module' }),
  'src/state.ts': statefulModule(),
  'src/writer.ts': `import { store } from './state.ts'\nexport const write = (k: string, v: unknown) => store.set(k, v)\n`,
  'src/reader.ts': `import { store } from './state.ts'\nexport const read = (k: string) => store.get(k)\n`,
  'src/client.ts': `import { write } from './writer.ts'\nimport { read } from './reader.ts'\nwrite('key', 'client')\n;(globalThis as any).__seen = read('key') === 'client'\n`,
  'src/server.ts': `import { write } from './writer.ts'\nimport { read } from './reader.ts'\nexport function render(): boolean {\n  write('key', 'server')\n  return read('key') === 'server'\n}\n`,
}

const environments = {
  client: { build: { outDir: 'dist/client', rollupOptions: { input: 'src/client.ts' } } },
  ssr: { build: { outDir: 'dist/server', ssr: 'src/server.ts' } },
}

/** Runs the client bundle as a page would (in its own process) and reports its realms. */
async function runClient(dir: string, outDir = 'dist/client'): Promise<Truth> {
  const entry = findFile(path.join(dir, outDir), /^assets\/client-[\w-]+\.js$/)
  return execute<Truth>(
    dir,
    `await import('./${outDir}/${entry}')\nconsole.log(JSON.stringify({ realms: globalThis.__evaluations.state, seen: globalThis.__seen }))\n`,
    'client-probe.mjs',
  )
}

/** Runs the server bundle as a Node server would. */
async function runServer(dir: string): Promise<Truth> {
  return execute<Truth>(
    dir,
    `const { render } = await import('./dist/server/server.js')\nconst seen = render()\nconsole.log(JSON.stringify({ realms: globalThis.__evaluations.state, seen }))\n`,
    'server-probe.mjs',
  )
}

describe('Vite: each environment is its own realm', () => {
  it.each([
    ['builder.sharedPlugins', { sharedPlugins: true }],
    ['builder.sharedConfigBuild', { sharedConfigBuild: true, sharedPlugins: true }],
  ])('client + SSR with %s: silent, and each bundle holds one realm', async (_, builder) => {
    const dir = writeFixture('vite-environments', app)
    const result = await viteBuildApp(dir, {
      plugins: [singletonGuard({ root: dir, singletons: 'src/state.ts', report: true })],
      builder,
      environments,
    })
    expect(result.error).toBeUndefined()
    expect(result.logs).toEqual([])
    expect(await runClient(dir)).toEqual({ realms: 1, seen: true })
    expect(await runServer(dir)).toEqual({ realms: 1, seen: true })
    // Each output's report names its realm: both hold the store, neither holds a finding.
    for (const [outDir, realm] of [
      ['dist/client', 'client'],
      ['dist/server', 'ssr'],
    ]) {
      const report = JSON.parse(fs.readFileSync(path.join(dir, outDir as string, 'singleton-report.json'), 'utf8'))
      expect(report.output.realm).toBe(realm)
      expect(report.singletons.map((singleton: { module: string }) => singleton.module)).toEqual(['src/state.ts'])
      expect(report.findings).toEqual([])
    }
  })

  it('programmatic client and SSR builds sharing one instance: silent', async () => {
    const dir = writeFixture('vite-programmatic', app)
    const guard = singletonGuard({ root: dir, singletons: 'src/state.ts' })
    const client = await viteBuild(dir, { plugins: [guard], build: environments.client.build })
    const server = await viteBuild(dir, { plugins: [guard], build: environments.ssr.build })
    expect([client.error, server.error]).toEqual([undefined, undefined])
    expect([...client.logs, ...server.logs]).toEqual([])
    expect(await runClient(dir)).toEqual({ realms: 1, seen: true })
    expect(await runServer(dir)).toEqual({ realms: 1, seen: true })
  })

  it('copies inside one environment are still caught with shared plugins', async () => {
    const files = {
      ...app,
      'src/reader.ts': app['src/reader.ts']!.toString().replace("'./state.ts'", "'./state.ts?copy=2'"),
    }
    const dir = writeFixture('vite-environment-twin', files)
    const config = (onDuplicate: 'error' | 'warn') => ({
      plugins: [singletonGuard({ root: dir, singletons: 'src/state.ts', onDuplicate })],
      builder: { sharedPlugins: true },
      environments,
    })
    const result = await viteBuildApp(dir, config('error'))
    expect(result.errorCode).toBe('SINGLETON_DUPLICATED')
    expect(result.error).toContain('src/state.ts is evaluated 2 times in one output (dist/client, es)')
    expect(result.error).toContain('query ?copy=2 makes it a separate module')
    // The executed truth: the same bytes (built with the check downgraded to a warning) split the realm.
    expect((await viteBuildApp(dir, config('warn'))).error).toBeUndefined()
    expect(await runClient(dir)).toEqual({ realms: 2, seen: false })
    expect(await runServer(dir)).toEqual({ realms: 2, seen: false })
  })

  it('two client builds sharing one instance are still compared: one page loading both has two realms', async () => {
    const files = { ...app, 'src/other-client.ts': app['src/client.ts']!.toString() }
    const dir = writeFixture('vite-two-clients', files)
    const buildBoth = async (builds: 'error' | 'warn') => {
      const guard = singletonGuard({ root: dir, singletons: 'src/state.ts', builds })
      const first = await viteBuild(dir, { plugins: [guard], build: environments.client.build })
      const second = await viteBuild(dir, {
        plugins: [guard],
        build: { outDir: 'dist/other', rollupOptions: { input: 'src/other-client.ts' } },
      })
      return [first, second] as const
    }
    const [first, second] = await buildBoth('error')
    expect(first.error).toBeUndefined()
    expect(second.errorCode).toBe('SINGLETON_DUPLICATED_ACROSS_BUILDS')
    expect(second.error).toContain('src/state.ts has a copy in each of 2 separate builds')
    // The executed truth, from the same bytes built with the check downgraded to a warning.
    const [, warned] = await buildBoth('warn')
    expect(warned.logs.join('\n')).toContain('SINGLETON_DUPLICATED_ACROSS_BUILDS')
    const other = findFile(path.join(dir, 'dist/other'), /^assets\/other-client-[\w-]+\.js$/)
    const truth = await execute<{ realms: number }>(
      dir,
      `await import('./dist/client/${findFile(path.join(dir, 'dist/client'), /^assets\/client-[\w-]+\.js$/)}')\nawait import('./dist/other/${other}')\nconsole.log(JSON.stringify({ realms: globalThis.__evaluations.state }))\n`,
    )
    expect(truth.realms).toBe(2)
  })

  it('a worker bundle checked by the same instance is a realm of its own', async () => {
    const dir = writeFixture('vite-worker-realm', {
      ...app,
      'src/client.ts': `${app['src/client.ts']}import StateWorker from './state.ts?worker'\n;(globalThis as any).__worker = typeof StateWorker\n`,
    })
    const guard = singletonGuard({ root: dir, singletons: 'src/state.ts', report: 'report.json' })
    const result = await viteBuild(dir, {
      plugins: [guard],
      worker: { plugins: () => [guard] },
      build: environments.client.build,
    })
    expect(result.error).toBeUndefined()
    expect(result.logs).toEqual([])
    expect(await runClient(dir)).toEqual({ realms: 1, seen: true })
    // The worker's own bundle was checked too: it holds the singleton, in its own realm.
    const worker = findFile(path.join(dir, 'dist/client'), /^assets\/state-[\w-]+\.js$/)
    const inWorker = await execute<{ realms: number }>(
      dir,
      `await import('./dist/client/${worker}')\nconsole.log(JSON.stringify({ realms: globalThis.__evaluations.state }))\n`,
    )
    expect(inWorker.realms).toBe(1)
    // Each bundle reports itself: the page's, and the worker's under the worker's name.
    const page = JSON.parse(fs.readFileSync(path.join(dir, 'dist/client/report.json'), 'utf8'))
    const inWorkerReport = JSON.parse(
      fs.readFileSync(path.join(dir, 'dist/client/report.worker-state.iife.json'), 'utf8'),
    )
    expect(page.output.realm).toBe('client')
    expect(inWorkerReport.output.realm).toMatch(/^worker:.*src\/state\.ts$/)
    for (const report of [page, inWorkerReport]) {
      expect(report.singletons[0].copies).toHaveLength(1)
      expect(report.findings).toEqual([])
    }
  })

  it('a pattern matched in one environment only is not reported unmatched; one matched nowhere is, once', async () => {
    const dir = writeFixture('vite-unmatched', {
      ...app,
      'src/client-only.ts': 'export const clientOnly = new Set()\n',
    })
    fs.appendFileSync(
      path.join(dir, 'src/client.ts'),
      `import { clientOnly } from './client-only.ts'\nclientOnly.add(1)\n`,
    )
    const result = await viteBuildApp(dir, {
      plugins: [singletonGuard({ root: dir, singletons: ['src/state.ts', 'src/client-only.ts', 'src/nowhere.ts'] })],
      builder: { sharedPlugins: true },
      environments: { ssr: environments.ssr, client: environments.client },
    })
    expect(result.error).toBeUndefined()
    const unmatched = result.logs.filter((log) => log.includes('SINGLETON_PATTERN_UNMATCHED'))
    expect(unmatched).toHaveLength(1)
    expect(unmatched[0]).toContain("the singleton pattern 'src/nowhere.ts' matched no module in any output")
  })
})
