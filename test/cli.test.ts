import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildWithout, runCli, type Bundler } from './helpers/cli.ts'
import { execute, statefulModule, writeFixture, type FixtureFiles } from './helpers/fixture.ts'

/**
 * The incident: static consumers of a store, lazy `.runtime` boundaries that read it, and a
 * direct `import()` of the store itself (which esbuild and rolldown turn into a re-export shim
 * of the canonical chunk when the store is also an entry).
 */
function incident(runnerImport = '../../delegate-store.js'): FixtureFiles {
  return {
    'package.json': JSON.stringify({ name: 'agent-service', type: 'module' }),
    'src/ids.js': `export const nextId = () => 'request-1'\n`,
    'src/delegate-store.js': `import { nextId } from './ids.js'\n${statefulModule()}export const firstId = nextId()\n`,
    'src/tools/continue-work.js': `import { store } from '../delegate-store.js'\nexport const continueWork = (id) => store.set(id, 'pending')\n`,
    'src/tools/index.js': `export * from './continue-work.js'\n`,
    'src/auto-reply/reply/agent-runner.runtime.js': `import { store } from ${JSON.stringify(runnerImport)}\nexport const pending = (id) => store.get(id)\n`,
    'src/auto-reply/reply/pipeline.js': `import { continueWork } from '../../tools/index.js'
import { nextId } from '../../ids.js'
export async function reply(id = nextId()) {
  continueWork(id)
  const runner = await import('./agent-runner.runtime.js')
  const direct = await import('../../delegate-store.js')
  return runner.pending(id) === 'pending' && direct.store.get(id) === 'pending'
}
`,
    'src/main.js': `export { reply } from './auto-reply/reply/pipeline.js'\n`,
  }
}

/** A second copy: the runtime boundary reaches the store through a symlinked folder, kept as its own path. */
function incidentWithTwin(): FixtureFiles {
  return { ...incident('linked/delegate-store.js'), 'node_modules/linked': { symlink: '../src' } }
}

const PIPELINE = incident()['src/auto-reply/reply/pipeline.js'] as string

const INPUT = { main: 'src/main.js', 'delegate-store': 'src/delegate-store.js' }

interface Truth {
  realms: number
  seen: boolean
}

/** The executed truth: how often the store's top level ran, and whether a write is seen across the boundary. */
async function truthOf(dir: string, outDir: string): Promise<Truth> {
  const main = fs.readdirSync(`${dir}/${outDir}`).find((file) => /^main\.m?js$/.test(file))
  return execute<Truth>(
    dir,
    `const { reply } = await import('./${outDir}/${main}')
const seen = await reply('request-1')
console.log(JSON.stringify({ realms: globalThis.__evaluations.state, seen }))
`,
  )
}

interface ModuleJson {
  exitCode: number
  verdict: string
  modules: { module: string; copies: number; verdict: string; shims: { chunk: string }[]; files: { chunk: string }[] }[]
  findings: { module: string; causes: string[]; copies: { module: string; detail?: string }[] }[]
}

const BUNDLERS: Bundler[] = ['rolldown', 'tsdown', 'esbuild', 'vite']

describe.each(BUNDLERS)('audit of a %s build made without the plugin', (bundler) => {
  it('audits the incident topology to 1 copy: one realm, and execution agrees', async () => {
    const dir = writeFixture(`cli-incident-${bundler}`, incident())
    const out = await buildWithout(bundler, dir, { input: INPUT })
    const truth = await truthOf(dir, out)
    const run = await runCli(dir, ['audit', out, '--module', 'src/delegate-store.js'])
    expect(run.stderr).toBe('')
    expect(run.stdout).toContain('[singleton-guard] src/delegate-store.js: 1 copy: one realm')
    expect(run.exitCode).toBe(0)
    expect(truth).toEqual({ realms: 1, seen: true })

    const json = JSON.parse(
      (await runCli(dir, ['audit', out, '--module', 'src/delegate-store.js', '--json'])).stdout,
    ) as ModuleJson
    expect(json.modules[0]?.copies).toBe(truth.realms)
    expect(json.modules[0]?.verdict).toBe('1 copy: one realm')
    // The store is also an entry that shares its chunk: its entry file is a re-export shim, not a copy.
    expect(json.modules[0]?.shims.length).toBeGreaterThanOrEqual(1)
    expect(json.modules[0]?.files).toHaveLength(1)

    const whole = await runCli(dir, ['audit', out])
    expect(whole.exitCode).toBe(0)
    expect(whole.stdout).toContain('no module with state is evaluated more than once')
  })

  it('audits the incident with a second copy injected to 2 copies, and execution agrees', async () => {
    const dir = writeFixture(`cli-twin-${bundler}`, incidentWithTwin())
    const out = await buildWithout(bundler, dir, { input: INPUT, preserveSymlinks: true })
    const truth = await truthOf(dir, out)
    const run = await runCli(dir, ['audit', out, '--module', 'src/delegate-store.js'])
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('src/delegate-store.js: 2 copies: same file, two ids')
    expect(run.stdout).toContain('a symlinked path to src/delegate-store.js')
    expect(truth).toEqual({ realms: 2, seen: false })

    const json = JSON.parse((await runCli(dir, ['audit', out, '--json'])).stdout) as ModuleJson
    expect(json.exitCode).toBe(1)
    const store = json.findings.find((finding) => finding.module === 'src/delegate-store.js')
    expect(store?.copies).toHaveLength(truth.realms)
    expect(store?.causes).toEqual(['same-file-two-ids'])
    // Whatever else the twin path dragged in (ids.js) is a copy too, and named as one.
    for (const finding of json.findings) expect(finding.causes).toEqual(['same-file-two-ids'])
  })

  it('names two installs of a package with their versions, and execution agrees', async () => {
    const manifest = (version: string) =>
      JSON.stringify({ name: 'shared-state', version, type: 'module', exports: './index.js' })
    const dir = writeFixture(`cli-installs-${bundler}`, {
      ...incident('legacy-tool'),
      'src/delegate-store.js': `export { store } from 'shared-state'\n`,
      'node_modules/shared-state/package.json': manifest('2.0.0'),
      'node_modules/shared-state/index.js': statefulModule(),
      'node_modules/legacy-tool/package.json': JSON.stringify({
        name: 'legacy-tool',
        version: '1.0.0',
        type: 'module',
        exports: './index.js',
      }),
      'node_modules/legacy-tool/index.js': `export { store } from 'shared-state'\n`,
      'node_modules/legacy-tool/node_modules/shared-state/package.json': manifest('1.4.0'),
      'node_modules/legacy-tool/node_modules/shared-state/index.js': statefulModule(),
    })
    const out = await buildWithout(bundler, dir, { input: { main: 'src/main.js' } })
    const truth = await truthOf(dir, out)
    const run = await runCli(dir, ['audit', out, '--singletons', 'shared-state'])
    expect(truth.realms).toBe(2)
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('cause: same package, two installs')
    expect(run.stdout).toContain('shared-state@1.4.0/index.js')
    expect(run.stdout).toContain('shared-state@2.0.0/index.js')
    expect(run.stdout).toContain('npm dedupe')

    const picture = JSON.parse(
      (await runCli(dir, ['audit', out, '--module', 'shared-state', '--json'])).stdout,
    ) as ModuleJson
    expect(picture.exitCode).toBe(1)
    expect(picture.modules[0]).toMatchObject({
      module: 'shared-state',
      copies: truth.realms,
      verdict: '2 copies: same package, two installs',
    })
  })
})

describe('audit across folders and formats', () => {
  it('finds the copy each separately built package of a monorepo bundles', async () => {
    const dir = writeFixture('cli-monorepo', {
      'package.json': JSON.stringify({ name: 'repo', private: true, type: 'module' }),
      'packages/shared/package.json': JSON.stringify({ name: '@repo/shared', version: '1.0.0', type: 'module' }),
      'packages/shared/src/state.js': statefulModule(),
      'packages/a/src/index.js': `import { store } from '../../shared/src/state.js'\nexport const write = (k, v) => store.set(k, v)\n`,
      'packages/b/src/index.js': `import { store } from '../../shared/src/state.js'\nexport const read = (k) => store.get(k)\n`,
    })
    await buildWithout('rolldown', dir, { input: { index: 'packages/a/src/index.js' }, outDir: 'packages/a/dist' })
    await buildWithout('esbuild', dir, { input: { index: 'packages/b/src/index.js' }, outDir: 'packages/b/dist' })
    const truth = await execute<Truth>(
      dir,
      `const a = await import('./packages/a/dist/index.js')
const b = await import('./packages/b/dist/index.js')
a.write('k', 1)
console.log(JSON.stringify({ realms: globalThis.__evaluations.state, seen: b.read('k') === 1 }))
`,
    )
    const run = await runCli(dir, ['audit', 'packages/a/dist', 'packages/b/dist', '--json'])
    const json = JSON.parse(run.stdout) as ModuleJson & { findings: { code: string; module: string }[] }
    expect(truth).toEqual({ realms: 2, seen: false })
    expect(run.exitCode).toBe(1)
    expect(json.findings).toHaveLength(1)
    expect(json.findings[0]).toMatchObject({
      code: 'SINGLETON_DUPLICATED_ACROSS_BUILDS',
      module: 'packages/shared/src/state.js',
    })
    expect(json.findings[0]?.copies).toHaveLength(truth.realms)

    // Each package alone holds one copy.
    expect((await runCli(dir, ['audit', 'packages/a/dist'])).exitCode).toBe(0)
  })

  it('follows require() edges of a CommonJS build and tells esm from cjs copies apart', async () => {
    const dir = writeFixture('cli-cjs', incident())
    await buildWithout('rolldown', dir, {
      input: INPUT,
      outDir: 'dist/cjs',
      format: 'cjs',
      rolldown: { output: { entryFileNames: '[name].cjs', chunkFileNames: '[name]-[hash].cjs' } },
    })
    await buildWithout('rolldown', dir, { input: INPUT, outDir: 'dist/esm' })
    const truth = await execute<Truth>(
      dir,
      `import { createRequire } from 'node:module'
const { reply } = createRequire(import.meta.url)('./dist/cjs/main.cjs')
const seen = await reply('request-1')
console.log(JSON.stringify({ realms: globalThis.__evaluations.state, seen }))
`,
    )
    expect(truth).toEqual({ realms: 1, seen: true })
    const cjs = await runCli(dir, ['audit', 'dist/cjs', '--module', 'src/delegate-store.js', '--json'])
    const json = JSON.parse(cjs.stdout) as ModuleJson & {
      folders: { chunks: { file: string; format: string; imports: { kind: string; target: string | null }[] }[] }[]
    }
    expect(cjs.exitCode).toBe(0)
    expect(json.modules[0]?.verdict).toBe('1 copy: one realm')
    const main = json.folders[0]?.chunks.find((chunk) => chunk.file === 'main.cjs')
    expect(main?.format).toBe('cjs')
    expect(main?.imports.some((edge) => edge.kind === 'require' && edge.target !== null)).toBe(true)

    // Both formats in one folder: one copy each, a process loading one format has one realm.
    const both = await runCli(dir, ['audit', 'dist'])
    expect(both.exitCode).toBe(0)
    expect(both.stdout).toContain('SINGLETON_DUPLICATED_ACROSS_OUTPUTS')
    expect(both.stdout).toContain('cause: separate formats of one build')
  })

  it('passes a factory rolldown prints into several chunks behind its shared registry, as execution does', async () => {
    const dir = writeFixture('cli-registry', {
      ...incident(),
      'src/auto-reply/reply/pipeline.js': PIPELINE.replace(
        "const direct = await import('../../delegate-store.js')",
        "const direct = { store: new Map([[id, 'pending']]) }",
      ),
      'src/run-main.js': `import { reply } from './auto-reply/reply/pipeline.js'\nglobalThis.__replied = await reply('request-1')\n`,
      'src/run-second.js': `import { store } from './delegate-store.js'\nglobalThis.__peek = (id) => store.get(id)\n`,
    })
    await buildWithout('rolldown', dir, {
      input: { main: 'src/run-main.js', second: 'src/run-second.js' },
      rolldown: {
        input: { preserveEntrySignatures: false },
        output: { codeSplitting: { experimentalInlineCommonChunks: { maxSize: 100_000 } } },
      },
    })
    const truth = await execute<Truth>(
      dir,
      `await import('./dist/main.js')
await import('./dist/second.js')
console.log(JSON.stringify({ realms: globalThis.__evaluations.state, seen: globalThis.__replied && globalThis.__peek('request-1') === 'pending' }))
`,
    )
    expect(truth).toEqual({ realms: 1, seen: true })
    const run = await runCli(dir, ['audit', 'dist', '--module', 'src/delegate-store.js', '--json'])
    const json = JSON.parse(run.stdout) as ModuleJson
    // The factory really is printed into more than one chunk, and still counted once.
    expect(json.modules[0]?.files.length).toBeGreaterThan(1)
    expect(json.modules[0]?.verdict).toBe('1 copy: one realm')
    expect(run.exitCode).toBe(0)
  })

  it('still names two installs when the sources are gone (audited on another machine), version unknown', async () => {
    const manifest = (version: string) =>
      JSON.stringify({ name: 'shared-state', version, type: 'module', exports: './index.js' })
    const dir = writeFixture('cli-gone', {
      ...incident('legacy-tool'),
      'src/delegate-store.js': `export { store } from 'shared-state'\n`,
      'node_modules/shared-state/package.json': manifest('2.0.0'),
      'node_modules/shared-state/index.js': statefulModule(),
      'node_modules/legacy-tool/package.json': JSON.stringify({
        name: 'legacy-tool',
        version: '1.0.0',
        type: 'module',
        exports: './index.js',
      }),
      'node_modules/legacy-tool/index.js': `export { store } from 'shared-state'\n`,
      'node_modules/legacy-tool/node_modules/shared-state/package.json': manifest('1.4.0'),
      'node_modules/legacy-tool/node_modules/shared-state/index.js': statefulModule(),
    })
    const out = await buildWithout('esbuild', dir, { input: { main: 'src/main.js' } })
    const truth = await truthOf(dir, out)
    fs.rmSync(path.join(dir, 'node_modules'), { recursive: true })
    fs.rmSync(path.join(dir, 'src'), { recursive: true })
    const run = await runCli(dir, ['audit', out])
    expect(truth.realms).toBe(2)
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('shared-state/index.js is evaluated 2 times')
    expect(run.stdout).toContain('cause: same package, two installs')
    expect(run.stdout).toContain('shared-state@unknown/index.js')
    expect(run.stdout).toContain('not on disk')
  })

  it('names a workspace package bundled from its source and from its build', async () => {
    const dir = writeFixture('cli-source-build', {
      'package.json': JSON.stringify({ name: 'app', type: 'module' }),
      'packages/shared/package.json': JSON.stringify({
        name: '@repo/shared',
        version: '1.0.0',
        type: 'module',
        exports: './dist/state.js',
      }),
      'packages/shared/src/state.js': statefulModule(),
      'node_modules/@repo/shared': { symlink: '../../packages/shared' },
      'src/writer.js': `import { store } from '@repo/shared'\nexport const write = (k, v) => store.set(k, v)\n`,
      'src/reader.runtime.js': `import { store } from '../packages/shared/src/state.js'\nexport const read = (k) => store.get(k)\n`,
      'src/main.js': `export { write } from './writer.js'\nexport const lazyRead = async (k) => (await import('./reader.runtime.js')).read(k)\n`,
    })
    // The package's own build, with its map, as a workspace build step writes it.
    await buildWithout('esbuild', path.join(dir, 'packages/shared'), { input: { state: 'src/state.js' } })
    await buildWithout('rolldown', dir, { input: { main: 'src/main.js' } })
    const truth = await execute<Truth>(
      dir,
      `const m = await import('./dist/main.js'); m.write('k', 1)
const seen = (await m.lazyRead('k')) === 1
console.log(JSON.stringify({ realms: globalThis.__evaluations.state, seen }))`,
    )
    expect(truth).toEqual({ realms: 2, seen: false })
    for (const args of [['--singletons', 'packages/shared/src/state.js'], []]) {
      const run = await runCli(dir, ['audit', 'dist', ...args])
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toContain('packages/shared/src/state.js is evaluated 2 times')
      expect(run.stdout).toContain('cause: a package bundled from its source and from its build')
    }
  })
})
