import fs from 'node:fs'
import path from 'node:path'
import type { Plugin } from 'rolldown'
import { describe, expect, it } from 'vitest'
import { singletonGuard, type SingletonReport } from '../src/index.ts'
import { build } from './helpers/build.ts'
import { execute, statefulModule, writeFixture, type FixtureFiles } from './helpers/fixture.ts'
import { queryLoader } from './helpers/query-loader.ts'
import { lazyReaderProject, manifest, truthOf, twoInstallsProject } from './helpers/realms.ts'

/**
 * `detect`: modules nobody declared, whose top level holds state, in more than one copy. Every
 * case is built with no `singletons` at all, and its truth comes from running the plain build:
 * how many times the module's top level ran, and whether a write through one copy is seen
 * through the other.
 */

/** A module with no state, whose evaluations are counted on globalThis like statefulModule's. */
function statelessModule(name = 'state'): string {
  return `export const store = { get: (k) => k, set: (k, v) => v }
globalThis.__evaluations ??= {}
globalThis.__evaluations[${JSON.stringify(name)}] = (globalThis.__evaluations[${JSON.stringify(name)}] ?? 0) + 1
`
}

/** Two installs of an undeclared `shared-state`, each `index.js` being `code`. */
function twoInstalls(code: string, extra: FixtureFiles = {}): FixtureFiles {
  return {
    ...twoInstallsProject(
      { 'package.json': manifest({ name: 'shared-state', version: '2.0.0', exports: './index.js' }), 'index.js': code },
      { 'package.json': manifest({ name: 'shared-state', version: '1.4.0', exports: './index.js' }), 'index.js': code },
    ),
    ...extra,
  }
}

const detectedCodes = (result: { warnings: { code: string | undefined }[]; infos: { code: string | undefined }[] }) =>
  [...result.warnings, ...result.infos].map((log) => log.code).filter((code) => code?.startsWith('SINGLETON_STATE'))

describe('detect: an undeclared module that holds state, in more than one copy', () => {
  it('reports two installs of a stateful module, naming the binding (warn by default)', async () => {
    const dir = writeFixture('detect-installs', twoInstalls(statefulModule()))
    const result = await build(dir, { input: { main: 'src/main.js' } })
    expect(result.error).toBeUndefined()
    expect(result.warnings.map((w) => w.code)).toEqual(['SINGLETON_STATEFUL_DUPLICATED'])
    const message = result.warnings[0]?.message ?? ''
    expect(message).toContain('shared-state/index.js holds state at its top level and nobody declared it a singleton')
    expect(message).toContain('state: `store` new Map() (line 1: export const store = new Map())')
    expect(message).toContain('cause: same package, two installs')
    expect(message).toContain('shared-state@1.4.0/index.js')
    expect(message).toContain('shared-state@2.0.0/index.js')
    expect(message).toContain('src/main.js (entry) --> src/writer.js --> src/state.js --> shared-state@2.0.0/index.js')
    expect(message).toContain('singletons: ["shared-state/index.js"]')
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
  })

  it("fails the build with detect: 'error', and says it once per module", async () => {
    const dir = writeFixture('detect-installs-error', twoInstalls(statefulModule()))
    const result = await build(dir, { input: { main: 'src/main.js' }, guard: { detect: 'error' } })
    expect(result.errorCode).toBe('SINGLETON_STATEFUL_DUPLICATED')
    expect(result.error).toContain('`store` new Map()')
    expect(result.error?.match(/SINGLETON_STATEFUL_DUPLICATED:/g)).toHaveLength(1)
  })

  it('never goes above the level a declared singleton gets: onDuplicate: warn keeps it a warning', async () => {
    const dir = writeFixture('detect-installs-capped', twoInstalls(statefulModule()))
    const result = await build(dir, { input: { main: 'src/main.js' }, guard: { detect: 'error', onDuplicate: 'warn' } })
    expect(result.error).toBeUndefined()
    expect(result.warnings.map((w) => w.code)).toEqual(['SINGLETON_STATEFUL_DUPLICATED'])
  })

  it("says it as information with detect: 'info', and nothing with detect: false", async () => {
    const dir = writeFixture('detect-installs-off', twoInstalls(statefulModule()))
    const info = await build(dir, { input: { main: 'src/main.js' }, guard: { detect: 'info' } })
    expect(info.warnings).toEqual([])
    expect(info.infos.map((i) => i.code)).toEqual(['SINGLETON_STATEFUL_DUPLICATED'])
    const off = await build(dir, { input: { main: 'src/main.js' }, guard: { detect: false } })
    expect(off.warnings).toEqual([])
    expect(off.infos).toEqual([])
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
  })

  it('does not report a stateless module duplicated the same way, though both copies run', async () => {
    const dir = writeFixture('detect-installs-stateless', twoInstalls(statelessModule()))
    const result = await build(dir, { input: { main: 'src/main.js' } })
    expect(result.warnings).toEqual([])
    expect(result.infos).toEqual([])
    const truth = await execute<{ realms: number }>(
      dir,
      `await import('./dist/main.js').then((main) => main.lazyRead('k'))\nconsole.log(JSON.stringify({ realms: globalThis.__evaluations.state }))`,
    )
    expect(truth.realms).toBe(2)
  })

  it('reports a declared singleton once, as declared', async () => {
    const dir = writeFixture('detect-declared', twoInstalls(statefulModule()))
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'shared-state', onDuplicate: 'warn' },
    })
    expect(result.warnings.map((w) => w.code)).toEqual(['SINGLETON_DUPLICATED'])
    expect(detectedCodes(result)).toEqual([])
  })

  it('reports one file under two ids: a query a plugin added', async () => {
    const dir = writeFixture('detect-query', lazyReaderProject('./state.js?fresh'))
    const result = await build(dir, { input: { main: 'src/main.js' }, plugins: [queryLoader] })
    expect(result.warnings.map((w) => w.code)).toEqual(['SINGLETON_STATEFUL_DUPLICATED'])
    expect(result.warnings[0]?.message).toContain('cause: same file, two ids')
    expect(result.warnings[0]?.message).toContain('query ?fresh makes it a separate module')
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
  })

  it('reports one file under two ids: a symlinked path the build keeps', async () => {
    const dir = writeFixture(
      'detect-symlink',
      lazyReaderProject('linked/state.js', { 'node_modules/linked': { symlink: '../src' } }),
    )
    const result = await build(dir, { input: { main: 'src/main.js' }, inputOptions: { resolve: { symlinks: false } } })
    expect(result.warnings.map((w) => w.code)).toEqual(['SINGLETON_STATEFUL_DUPLICATED'])
    expect(result.warnings[0]?.message).toContain('a symlinked path to src/state.js')
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
  })

  it('reports a copy in each of two builds sharing the instance, and fails the second with detect: error', async () => {
    const files: FixtureFiles = {
      'package.json': JSON.stringify({ name: 'app', type: 'module' }),
      'src/cache.js': `let hits = 0\nexport function hit() { return ++hits }\n`,
      'src/server.js': `import { hit } from './cache.js'\nexport const serve = () => hit()\n`,
      'src/worker.js': `import { hit } from './cache.js'\nexport const work = () => hit()\n`,
    }
    const dir = writeFixture('detect-builds', files)
    const guard = singletonGuard({ root: dir })
    const first = await build(dir, {
      input: { server: 'src/server.js' },
      outputs: [{ dir: 'dist/server' }],
      plugin: guard,
    })
    expect(first.warnings).toEqual([])
    const second = await build(dir, {
      input: { worker: 'src/worker.js' },
      outputs: [{ dir: 'dist/worker' }],
      plugin: guard,
    })
    // builds: 'error' by default, detect: 'warn': the milder of the two.
    expect(second.warnings.map((w) => w.code)).toEqual(['SINGLETON_STATEFUL_DUPLICATED'])
    const message = second.warnings[0]?.message ?? ''
    expect(message).toContain('src/cache.js holds state at its top level')
    expect(message).toContain('has a copy in each of 2 separate builds')
    expect(message).toContain(
      'state: `hits` let updated in a function (line 2: export function hit() { return ++hits })',
    )
    expect(message).toContain('src/worker.js (entry) --> src/cache.js')

    const strict = singletonGuard({ root: dir, detect: 'error' })
    await build(dir, { input: { server: 'src/server.js' }, outputs: [{ dir: 'dist/server' }], plugin: strict })
    const failing = await build(dir, {
      input: { worker: 'src/worker.js' },
      outputs: [{ dir: 'dist/worker' }],
      plugin: strict,
    })
    expect(failing.errorCode).toBe('SINGLETON_STATEFUL_DUPLICATED')

    // Both builds loaded in one process: two counters.
    const truth = await execute<{ server: number; worker: number }>(
      dir,
      `const { serve } = await import('./dist/server/server.js')\nconst { work } = await import('./dist/worker/worker.js')\nserve(); serve()\nconsole.log(JSON.stringify({ server: serve(), worker: work() }))`,
    )
    expect(truth).toEqual({ server: 3, worker: 1 })
  })

  it('reports the esm and cjs outputs of one build, unless formats: ignore', async () => {
    const files: FixtureFiles = {
      'package.json': JSON.stringify({ name: 'app', type: 'module' }),
      'src/registry.js': `const handlers = []\nexport function register(h) { handlers.push(h) }\nexport function count() { return handlers.length }\n`,
      'src/main.js': `export { register, count } from './registry.js'\n`,
    }
    const outputs = [
      { dir: 'dist/esm', format: 'es' as const },
      { dir: 'dist/cjs', format: 'cjs' as const, entryFileNames: '[name].cjs' },
    ]
    const dir = writeFixture('detect-dual', files)
    const result = await build(dir, { input: { main: 'src/main.js' }, outputs })
    expect(result.warnings.map((w) => w.code)).toEqual(['SINGLETON_STATEFUL_DUPLICATED'])
    expect(result.warnings[0]?.message).toContain('cause: separate formats of one build')
    expect(result.warnings[0]?.message).toContain('`handlers` array mutated by push() in a function')
    const ignored = await build(dir, { input: { main: 'src/main.js' }, outputs, guard: { formats: 'ignore' } })
    expect(ignored.warnings).toEqual([])

    const truth = await execute<{ esm: number; cjs: number }>(
      dir,
      `import { createRequire } from 'node:module'\nconst esm = await import('./dist/esm/main.js')\nconst cjs = createRequire(import.meta.url)('./dist/cjs/main.cjs')\nesm.register(() => {})\nconsole.log(JSON.stringify({ esm: esm.count(), cjs: cjs.count() }))`,
    )
    expect(truth).toEqual({ esm: 1, cjs: 0 })
  })

  it('says copies sharing their state on globalThis[Symbol.for()] are information, as for a declared singleton', async () => {
    const shared = `export const store = (globalThis[Symbol.for('app.store')] ??= new Map())
globalThis.__evaluations ??= {}
globalThis.__evaluations.state = (globalThis.__evaluations.state ?? 0) + 1
`
    const dir = writeFixture('detect-shared', twoInstalls(shared))
    const result = await build(dir, { input: { main: 'src/main.js' } })
    expect(result.warnings).toEqual([])
    expect(result.infos.map((i) => i.code)).toEqual(['SINGLETON_COPIES_SHARE_STATE'])
    // Two evaluations, one Map: the write through one copy is seen through the other.
    const truth = await execute(
      dir,
      `const main = await import('./dist/main.js')
main.write('key', 42)
const seen = (await main.lazyRead('key')) === 42
console.log(JSON.stringify({ realms: globalThis.__evaluations.state, seen }))`,
    )
    expect(truth).toEqual({ realms: 2, seen: true })
  })

  it('says "could not classify" (info) for a source the parser rejects, and the build passes', async () => {
    // A loader plugin turns the file into JavaScript; the file on disk is not.
    const unparsable = `export const store = new Map() @@ not javascript\nglobalThis.__evaluations ??= {}\nglobalThis.__evaluations.state = (globalThis.__evaluations.state ?? 0) + 1\n`
    const stripper: Plugin = {
      name: 'strip-marks',
      transform: { filter: { code: '@@' }, handler: (code) => code.replace('@@ not javascript', '') },
    }
    const dir = writeFixture('detect-unparsable', twoInstalls(unparsable))
    const result = await build(dir, { input: { main: 'src/main.js' }, plugins: [stripper] })
    expect(result.error).toBeUndefined()
    expect(result.warnings).toEqual([])
    expect(result.infos.map((i) => i.code)).toEqual(['SINGLETON_STATE_UNKNOWN'])
    expect(result.infos[0]?.message).toContain(
      'shared-state/index.js (2 copies: same package, two installs): could not classify it: its code could not be parsed',
    )
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
  })

  it('says a module made by a call it cannot see into is unsure (info), not stateful', async () => {
    const unsure = `import { createStore } from 'store-factory'\nexport const store = createStore()\nglobalThis.__evaluations ??= {}\nglobalThis.__evaluations.state = (globalThis.__evaluations.state ?? 0) + 1\n`
    const dir = writeFixture(
      'detect-unsure',
      twoInstalls(unsure, {
        'node_modules/store-factory/package.json': manifest({
          name: 'store-factory',
          version: '1.0.0',
          exports: './index.js',
        }),
        'node_modules/store-factory/index.js': `export const createStore = () => new Map()\n`,
      }),
    )
    const result = await build(dir, { input: { main: 'src/main.js' } })
    expect(result.warnings).toEqual([])
    expect(result.infos.map((i) => i.code)).toEqual(['SINGLETON_STATE_UNKNOWN'])
    expect(result.infos[0]?.message).toContain('`store` made by createStore(), a call the classifier cannot see into')
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
  })

  it('lists detected modules and their evidence in the report', async () => {
    const dir = writeFixture('detect-report', twoInstalls(statefulModule()))
    await build(dir, { input: { main: 'src/main.js' }, guard: { report: true } })
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'dist/singleton-report.json'), 'utf8')) as SingletonReport
    expect(report.detected).toEqual([
      {
        module: 'shared-state/index.js',
        state: 'stateful',
        evidence: [{ binding: 'store', why: 'new Map()', line: 1, text: 'export const store = new Map()' }],
        reason: null,
        findings: ['SINGLETON_STATEFUL_DUPLICATED'],
      },
    ])
    const finding = report.findings.find((f) => f.code === 'SINGLETON_STATEFUL_DUPLICATED')
    expect(finding?.detected).toBe(true)
    expect(finding?.copies).toHaveLength(2)
  })
})
