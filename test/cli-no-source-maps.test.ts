import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildWithout, expectOneLine, runCli } from './helpers/cli.ts'
import { execute, statefulModule, writeFixture, type FixtureFiles } from './helpers/fixture.ts'
import { runTsdown } from './helpers/tsdown.ts'

/**
 * The incident's shape in TypeScript, built as its team built it: tsdown with its defaults, so no
 * source maps. The store is also an entry (its entry file a re-export shim of the shared chunk).
 */
function incident(): FixtureFiles {
  return {
    'package.json': JSON.stringify({ name: 'agent-service', version: '1.0.0', type: 'module' }),
    'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, skipLibCheck: true, target: 'es2023' } }),
    'src/ids.ts': `export const nextId = (): string => 'request-1'\n`,
    'src/delegate-store.ts': `import { nextId } from './ids.ts'
export const store: Map<string, string> = new Map()
const g = globalThis as { __evaluations?: Record<string, number> }
g.__evaluations ??= {}
g.__evaluations.state = (g.__evaluations.state ?? 0) + 1
export const firstId: string = nextId()
`,
    'src/tools/continue-work.ts': `import { store } from '../delegate-store.ts'\nexport const continueWork = (id: string): void => void store.set(id, 'pending')\n`,
    'src/auto-reply/reply/agent-runner.runtime.ts': `import { store } from '../../delegate-store.ts'\nexport const pending = (id: string): string | undefined => store.get(id)\n`,
    'src/auto-reply/reply/pipeline.ts': `import { continueWork } from '../../tools/continue-work.ts'
export async function reply(id: string): Promise<boolean> {
  continueWork(id)
  const runner = await import('./agent-runner.runtime.ts')
  return runner.pending(id) === 'pending'
}
`,
    'src/main.ts': `export { reply } from './auto-reply/reply/pipeline.ts'\n`,
    'tsdown.config.mjs': `export default { entry: { main: 'src/main.ts', 'delegate-store': 'src/delegate-store.ts', 'auto-reply/reply/agent-runner.runtime': 'src/auto-reply/reply/agent-runner.runtime.ts' }, dts: false }\n`,
    // The runner built again by a config of its own into the same folder: its bundle, with its
    // own copy of the store, replaces the file the app's lazy import loads.
    'tsdown.runner.mjs': `export default { entry: { 'auto-reply/reply/agent-runner.runtime': 'src/auto-reply/reply/agent-runner.runtime.ts' }, dts: false, clean: false }\n`,
  }
}

interface Truth {
  realms: number
  seen: boolean
}

async function truthOf(dir: string, main: string): Promise<Truth> {
  return execute<Truth>(
    dir,
    `const { reply } = await import('./${main}')
const seen = await reply('request-1')
console.log(JSON.stringify({ realms: globalThis.__evaluations.state, seen }))
`,
  )
}

async function tsdown(dir: string, config: string): Promise<void> {
  const result = await runTsdown(dir, ['--config', config, '--log-level', 'warn'])
  if (result.exitCode !== 0) throw new Error(`tsdown failed:\n${result.output}`)
}

interface AuditJson {
  exitCode: number
  verdict: string
  folders: {
    chunks: { file: string; kind: string; attributedBy: string; modules: string[]; unattributed: string | null }[]
  }[]
  summary: { modulesWithCopies: number; byCause: { cause: string; modules: number }[] }
  builds: { label: string; chunks: string[] }[]
  findings: {
    code: string
    module: string
    causes: string[]
    copies: { module: string; chunks: string[] }[]
    stateful: string
    evidence?: { binding: string; why: string }[]
  }[]
  unattributed: { chunk: string; reason: string }[]
}

const json = async (dir: string, args: string[]): Promise<AuditJson> =>
  JSON.parse((await runCli(dir, [...args, '--json'])).stdout) as AuditJson

describe('the incident built by tsdown with its defaults (no source maps)', () => {
  it('clean: one copy, read from its path comments, the shim named, exit 0; as execution shows', async () => {
    const dir = writeFixture('nomaps-incident', incident())
    await tsdown(dir, 'tsdown.config.mjs')
    expect(fs.readdirSync(path.join(dir, 'dist')).some((file) => file.endsWith('.map'))).toBe(false)
    expect(await truthOf(dir, 'dist/main.mjs')).toEqual({ realms: 1, seen: true })

    const run = await runCli(dir, ['audit', 'dist', '--singletons', 'src/delegate-store.ts'])
    expect(run.exitCode).toBe(0)
    expect(run.stderr).toBe('')
    // Not only "no module is evaluated more than once": the file holding the one copy, and its shim.
    const line = run.stdout
      .split('\n')
      .find((text) => text.startsWith('[singleton-guard] src/delegate-store.ts: 1 copy: '))
    expect(line).toMatch(/1 copy: dist\/[\w.-]+\.mjs; re-export shims \(not copies\): dist\/delegate-store\.mjs$/)
    expect(run.stdout).toContain('no module is evaluated more than once')

    const whole = await json(dir, ['audit', 'dist'])
    expect(whole.exitCode).toBe(0)
    expect(whole.findings).toEqual([])
    expect(whole.unattributed).toEqual([])
    const withCode = whole.folders[0]?.chunks.filter((chunk) => chunk.kind !== 'shim') ?? []
    expect(new Set(withCode.map((chunk) => chunk.attributedBy))).toEqual(new Set(['path comments']))
    expect(withCode.flatMap((chunk) => chunk.modules)).toContain('src/delegate-store.ts')
  })

  it('with the runner built again into the same folder by a second config: two copies, separate builds, exit 1', async () => {
    const dir = writeFixture('nomaps-second-build', incident())
    await tsdown(dir, 'tsdown.config.mjs')
    await tsdown(dir, 'tsdown.runner.mjs')
    const runner = 'auto-reply/reply/agent-runner.runtime.mjs'
    expect(await truthOf(dir, 'dist/main.mjs')).toEqual({ realms: 2, seen: false })

    const result = await json(dir, ['audit', 'dist'])
    expect(result.exitCode).toBe(1)
    const store = result.findings.find((finding) => finding.module === 'src/delegate-store.ts')
    expect(store?.copies).toHaveLength(2)
    expect(store?.causes).toEqual(['separate-builds'])
    expect(store?.code).toBe('SINGLETON_DUPLICATED_ACROSS_BUILDS')
    // Its top level holds a Map: read from the code the chunks print, as no source is needed.
    expect(store?.stateful).toBe('yes')
    expect(store?.evidence?.[0]).toMatchObject({ binding: 'store', why: expect.stringContaining('Map') })
    expect(store?.copies.flatMap((copy) => copy.chunks)).toContain(runner)
    expect(result.builds.length).toBeGreaterThanOrEqual(2)

    // --module agrees, and so does the text.
    const view = await runCli(dir, ['audit', 'dist', '--module', 'src/delegate-store.ts'])
    expect(view.exitCode).toBe(1)
    expect(view.stdout).toContain('src/delegate-store.ts: 2 copies: separate builds')
    const text = await runCli(dir, ['audit', 'dist'])
    const first = text.stdout.split('\n')
    expect(first[0]).toMatch(
      /^\[singleton-guard\] \d+ modules? with state or declared (is|are) evaluated more than once\b/,
    )
    expect(text.stdout).toContain('by cause: separate builds')

    const markdown = await runCli(dir, ['audit', 'dist', '--format', 'markdown'])
    expect(markdown.exitCode).toBe(1)
    expect(markdown.stdout).toContain('| module | copies | files | cause |')
    expect(markdown.stdout).toMatch(
      /^\| `src\/delegate-store\.ts` \| 2 \| `dist\/[^|]+` \| separate builds \| yes: `store` [^|]*Map[^|]* \|$/m,
    )
  })

  it('diff --format markdown shows the copies appearing', async () => {
    const dir = writeFixture('nomaps-diff', incident())
    await tsdown(dir, 'tsdown.config.mjs')
    fs.cpSync(path.join(dir, 'dist'), path.join(dir, 'before'), { recursive: true })
    await tsdown(dir, 'tsdown.runner.mjs')
    expect(await truthOf(dir, 'before/main.mjs')).toEqual({ realms: 1, seen: true })
    expect(await truthOf(dir, 'dist/main.mjs')).toEqual({ realms: 2, seen: false })
    const run = await runCli(dir, ['diff', 'before', 'dist', '--format', 'markdown'])
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('| module | copies | files | change |')
    expect(run.stdout).toMatch(/^\| `src\/delegate-store\.ts` \| 1 → 2 \| .+ \| copies appeared \|$/m)
  })
})

describe('esbuild without source maps', () => {
  /** Two installs of a package, in a pnpm store's layout: the store folder names each version. */
  function twoInstalls(): FixtureFiles {
    const manifest = (version: string) =>
      JSON.stringify({ name: 'shared-state', version, type: 'module', exports: './index.js' })
    const store = 'node_modules/.pnpm'
    return {
      'package.json': JSON.stringify({ name: 'app', type: 'module' }),
      'src/writer.js': `import { store } from 'shared-state'\nexport const write = (k, v) => store.set(k, v)\n`,
      'src/reader.js': `import { store } from 'legacy-tool'\nexport const read = (k) => store.get(k)\n`,
      'src/main.js': `export { write } from './writer.js'\nexport { read } from './reader.js'\n`,
      [`${store}/shared-state@2.0.0/node_modules/shared-state/package.json`]: manifest('2.0.0'),
      [`${store}/shared-state@2.0.0/node_modules/shared-state/index.js`]: statefulModule(),
      [`${store}/shared-state@1.4.0/node_modules/shared-state/package.json`]: manifest('1.4.0'),
      [`${store}/shared-state@1.4.0/node_modules/shared-state/index.js`]: statefulModule(),
      [`${store}/legacy-tool@1.0.0/node_modules/legacy-tool/package.json`]: JSON.stringify({
        name: 'legacy-tool',
        version: '1.0.0',
        type: 'module',
        exports: './index.js',
      }),
      [`${store}/legacy-tool@1.0.0/node_modules/legacy-tool/index.js`]: `export { store } from 'shared-state'\n`,
      [`${store}/legacy-tool@1.0.0/node_modules/shared-state`]: {
        symlink: '../../shared-state@1.4.0/node_modules/shared-state',
      },
      'node_modules/shared-state': { symlink: '.pnpm/shared-state@2.0.0/node_modules/shared-state' },
      'node_modules/legacy-tool': { symlink: '.pnpm/legacy-tool@1.0.0/node_modules/legacy-tool' },
    }
  }

  it('two installs: both versions named, from the files and, once they are gone, from the store folders', async () => {
    const dir = writeFixture('nomaps-esbuild-installs', twoInstalls())
    await buildWithout('esbuild', dir, { input: { main: 'src/main.js' }, sourcemap: false })
    const truth = await execute<Truth>(
      dir,
      `const m = await import('./dist/main.js'); m.write('k', 1)
console.log(JSON.stringify({ realms: globalThis.__evaluations.state, seen: m.read('k') === 1 }))`,
    )
    expect(truth).toEqual({ realms: 2, seen: false })
    const run = await runCli(dir, ['audit', 'dist'])
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('cause: same package, two installs')
    expect(run.stdout).toContain('shared-state@1.4.0/index.js')
    expect(run.stdout).toContain('shared-state@2.0.0/index.js')
    const read = await json(dir, ['audit', 'dist'])
    expect(read.folders[0]?.chunks.map((chunk) => chunk.attributedBy)).toEqual(['path comments'])

    // Audited where the sources are not (a published dist): the pnpm store's folders still give the versions.
    fs.rmSync(path.join(dir, 'node_modules'), { recursive: true })
    fs.rmSync(path.join(dir, 'src'), { recursive: true })
    const elsewhere = await runCli(dir, ['audit', 'dist'])
    expect(elsewhere.exitCode).toBe(1)
    expect(elsewhere.stdout).toContain('shared-state@1.4.0/index.js')
    expect(elsewhere.stdout).toContain('shared-state@2.0.0/index.js')
    expect(elsewhere.stdout).toContain('not on disk')
  })
})

describe('what cannot be read, and what is no copy', () => {
  const project: FixtureFiles = {
    'package.json': JSON.stringify({ name: 'app', type: 'module' }),
    'src/state.js': `${statefulModule()}export const page = \`<pre>
//#region src/not-a-module.ts
// src/not-a-module-either.js
</pre>\`
`,
    'src/reader.runtime.js': `import { store } from './state.js'\nexport const read = (k) => store.get(k)\n`,
    'src/main.js': `import { store, page } from './state.js'\nexport const write = (k, v) => store.set(k, v)\nexport const lazyRead = async (k) => (await import('./reader.runtime.js')).read(k)\nexport { page }\n`,
  }

  it('a minified build without maps: exit 2, the reason names source maps', async () => {
    const dir = writeFixture('nomaps-minified', project)
    await buildWithout('rolldown', dir, { input: { main: 'src/main.js' }, sourcemap: false, minify: true })
    // The template literal's lines survive minification: they must not attribute anything.
    const code = fs
      .readdirSync(path.join(dir, 'dist'))
      .map((file) => fs.readFileSync(path.join(dir, 'dist', file), 'utf8'))
    expect(code.join('\n')).toContain('\n//#region src/not-a-module.ts\n')
    expect(
      (
        await execute<{ realms: number }>(
          dir,
          `const m = await import('./dist/main.js'); await m.lazyRead('k'); console.log(JSON.stringify({ realms: globalThis.__evaluations.state }))`,
        )
      ).realms,
    ).toBe(1)
    const run = await runCli(dir, ['audit', 'dist'])
    expect(run.exitCode).toBe(2)
    const line = expectOneLine(run)
    expect(line).toContain('could not be attributed')
    expect(line).toContain('no source map')
    expect(line).toContain('Build with source maps (`sourcemap: true`)')
    expect(run.stdout).toContain('nothing was judged')
  })

  it('a marker line inside a template literal of unminified code attributes nothing', async () => {
    const dir = writeFixture('nomaps-template', project)
    await buildWithout('rolldown', dir, { input: { main: 'src/main.js' }, sourcemap: false })
    const result = await json(dir, ['audit', 'dist'])
    const modules = result.folders[0]?.chunks.flatMap((chunk) => chunk.modules) ?? []
    expect(modules).toContain('src/state.js')
    expect(modules.filter((module) => module.includes('not-a-module'))).toEqual([])
    expect(result.exitCode).toBe(0)
  })

  it("rolldown's runtime, one per build, is no copy; the package both builds bundle is", async () => {
    const dir = writeFixture('nomaps-runtime', {
      'package.json': JSON.stringify({ name: 'app', type: 'module' }),
      'node_modules/counter/package.json': JSON.stringify({ name: 'counter', version: '3.0.0', main: 'index.js' }),
      'node_modules/counter/index.js': `globalThis.__evaluations ??= {}\nglobalThis.__evaluations.state = (globalThis.__evaluations.state ?? 0) + 1\nexports.store = new Map()\n`,
      'src/a.js': `import counter from 'counter'\nexport const write = (k, v) => counter.store.set(k, v)\n`,
      'src/b.js': `import counter from 'counter'\nexport const read = (k) => counter.store.get(k)\n`,
    })
    // Two builds into one folder, as two configs of one project write them.
    await buildWithout('rolldown', dir, {
      input: { a: 'src/a.js' },
      sourcemap: false,
      rolldown: { output: { chunkFileNames: 'a-[name]-[hash].js' } },
    })
    await buildWithout('rolldown', dir, {
      input: { b: 'src/b.js' },
      sourcemap: false,
      rolldown: { output: { chunkFileNames: 'b-[name]-[hash].js' } },
    })
    const written = fs
      .readdirSync(path.join(dir, 'dist'))
      .map((file) => fs.readFileSync(path.join(dir, 'dist', file), 'utf8'))
    expect(written.filter((code) => code.includes('\\0rolldown/runtime.js'))).toHaveLength(2)
    const truth = await execute<Truth>(
      dir,
      `const a = await import('./dist/a.js'); const b = await import('./dist/b.js'); a.write('k', 1)
console.log(JSON.stringify({ realms: globalThis.__evaluations.state, seen: b.read('k') === 1 }))`,
    )
    expect(truth).toEqual({ realms: 2, seen: false })
    const result = await json(dir, ['audit', 'dist'])
    expect(result.exitCode).toBe(1)
    expect(result.findings.map((finding) => finding.module)).toEqual(['counter/index.js'])
    expect(result.findings[0]?.copies).toHaveLength(truth.realms)
    expect(result.findings[0]?.causes).toEqual(['separate-builds'])
  })
})

describe('readable at the size of a real dist', () => {
  /** Seven entries bundled without code splitting, each holding its own copy of sixty modules. */
  function sevenBundles(): FixtureFiles {
    const files: FixtureFiles = { 'package.json': JSON.stringify({ name: 'app', type: 'commonjs' }) }
    const imports: string[] = []
    for (let index = 0; index < 60; index++) {
      files[`src/parts/part-${index}.js`] = `export const part${index} = (x) => x + ${index}\n`
      imports.push(`export { part${index} } from './parts/part-${index}.js'`)
    }
    files['src/state.js'] = statefulModule()
    files['src/all.js'] = `${imports.join('\n')}\nexport { store } from './state.js'\n`
    for (let entry = 1; entry <= 7; entry++) files[`src/entry-${entry}.js`] = `export * from './all.js'\n`
    return files
  }

  it('caps the findings and copies it prints; --all prints every one; --strict changes nothing when all is read', async () => {
    const dir = writeFixture('nomaps-large', sevenBundles())
    const input = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`entry-${i + 1}`, `src/entry-${i + 1}.js`]))
    await buildWithout('esbuild', dir, { input, sourcemap: false, format: 'cjs' })
    const truth = await execute<{ realms: number }>(
      dir,
      `import { createRequire } from 'node:module'
const require = createRequire(import.meta.url)
for (let i = 1; i <= 7; i++) require('./dist/entry-' + i + '.js')
console.log(JSON.stringify({ realms: globalThis.__evaluations.state }))`,
    )
    expect(truth.realms).toBe(7)
    const capped = await runCli(dir, ['audit', 'dist'])
    const all = await runCli(dir, ['audit', 'dist', '--all'])
    expect(capped.exitCode).toBe(1)
    expect(all.exitCode).toBe(1)
    // 61 modules (60 parts, the store) with a copy in each of the 7 bundles.
    // The store holds state; the 60 parts are pure functions: their copies are code only.
    expect(capped.stdout.split('\n')[0]).toBe(
      '[singleton-guard] 1 module with state or declared is evaluated more than once; 60 modules without state duplicated (code only, not a split).',
    )
    expect(capped.stdout).toContain('and 11 more findings: `--all` prints every one')
    expect(capped.stdout).toContain('and 2 more copies')
    expect(all.stdout).not.toContain('more findings')
    expect(all.stdout).not.toContain('more copies')
    expect(all.stdout.split('\n').length).toBeGreaterThan(capped.stdout.split('\n').length)
    const result = await json(dir, ['audit', 'dist'])
    expect(result.findings).toHaveLength(61)
    const store = result.findings.find((finding) => finding.module === 'src/state.js')
    expect(store?.copies).toHaveLength(truth.realms)
    expect(result.summary.modulesWithCopies).toBe(61)

    const strict = await runCli(dir, ['audit', 'dist', '--strict'])
    expect(strict.exitCode).toBe(1)
  })
})
