import fs from 'node:fs'
import path from 'node:path'
import { rollup } from 'rollup'
import { describe, expect, it } from 'vitest'
import { buildWithout, expectOneLine, runCli } from '../../helpers/cli.ts'
import { execute, statefulModule, writeFixture, type FixtureFiles } from '../../helpers/fixture.ts'
import { runTsdown } from '../../helpers/tsdown.ts'

/** A writer imports the store statically; a lazy reader imports it through a symlinked folder (a twin). */
function lazyProject(twin: boolean): FixtureFiles {
  return {
    'package.json': JSON.stringify({ name: 'app', type: 'module' }),
    'src/state.js': statefulModule(),
    'src/reader.runtime.js': `import { store } from ${JSON.stringify(twin ? 'linked/state.js' : './state.js')}\nexport const read = (k) => store.get(k)\n`,
    'src/main.js': `import { store } from './state.js'\nexport const write = (k, v) => store.set(k, v)\nexport const lazyRead = async (k) => (await import('./reader.runtime.js')).read(k)\n`,
    ...(twin ? { 'node_modules/linked': { symlink: '../src' } } : {}),
  }
}

async function truth(dir: string, main: string): Promise<{ realms: number; seen: boolean }> {
  return execute(
    dir,
    `const m = await import('./${main}')\nm.write('k', 1)\nconst seen = (await m.lazyRead('k')) === 1\nconsole.log(JSON.stringify({ realms: globalThis.__evaluations.state, seen }))\n`,
  )
}

interface AuditJson {
  schema: string
  version: number
  exitCode: number
  verdict: string
  folders: {
    dir: string
    chunks: {
      file: string
      kind: string
      format: string
      modules: string[]
      attributedBy: string
      imports: { target: string | null; kind: string }[]
    }[]
  }[]
  findings: { code: string; module: string; copies: { chunks: string[] }[] }[]
  unattributed: { chunk: string; reason: string }[]
  modules?: {
    module: string
    verdict: string
    copies: number
    importers: { of: string; importer: string; kind: string }[]
  }[]
}

describe('CLI', () => {
  it('tsdown esm + cjs with dts and source maps: .d.ts files are not chunks, the formats are told apart', async () => {
    const dir = writeFixture('cli-tsdown-dts', {
      'package.json': JSON.stringify({ name: 'lib', version: '1.0.0', type: 'module' }),
      'tsconfig.json': JSON.stringify({
        compilerOptions: {
          target: 'es2023',
          module: 'preserve',
          strict: true,
          skipLibCheck: true,
          declaration: true,
          isolatedDeclarations: false,
        },
      }),
      'src/state.ts': `export const store: Map<string, number> = new Map()\n`,
      'src/index.ts': `import { store } from './state.ts'\nexport const write = (k: string, v: number): void => { store.set(k, v) }\nexport const lazy = async (): Promise<typeof import('./reader.runtime.ts')> => import('./reader.runtime.ts')\n`,
      'src/reader.runtime.ts': `import { store } from './state.ts'\nexport const read = (k: string): number | undefined => store.get(k)\n`,
      'tsdown.config.mjs': `export default { entry: ['src/index.ts'], format: ['esm', 'cjs'], dts: true, sourcemap: true, platform: 'node' }\n`,
    })
    const built = await runTsdown(dir, ['--config', 'tsdown.config.mjs', '--log-level', 'warn'])
    expect(built.exitCode, built.output).toBe(0)
    const all = fs.readdirSync(path.join(dir, 'dist'), { recursive: true }) as string[]
    expect(all.some((f) => /\.d\.[cm]?ts$/.test(f))).toBe(true)
    const run = await runCli(dir, ['audit', 'dist', '--json'])
    const json = JSON.parse(run.stdout) as AuditJson
    const files = json.folders[0]?.chunks.map((c) => c.file) ?? []
    expect(files.filter((f) => /\.d\.[cm]?ts/.test(f))).toEqual([])
    expect(json.unattributed).toEqual([])
    expect(run.exitCode).toBe(0)
    // Without --singletons every module of a dual build is listed (documented): each as a format warning.
    expect(new Set(json.findings.map((f) => f.code))).toEqual(new Set(['SINGLETON_DUPLICATED_ACROSS_OUTPUTS']))
    expect(json.findings.map((f) => f.module)).toContain('src/state.ts')
  })

  it('a Rollup 4 build with a symlink twin: caught (exit 1), as execution shows', async () => {
    const dir = writeFixture('cli-rollup-twin', lazyProject(true))
    const bundle = await rollup({
      input: { main: path.join(dir, 'src/main.js') },
      preserveSymlinks: true,
      onwarn() {},
      plugins: [
        {
          name: 'resolve-linked',
          resolveId(source) {
            if (source.startsWith('linked/')) return path.join(dir, 'node_modules', source)
            return null
          },
        },
      ],
    })
    await bundle.write({ dir: path.join(dir, 'dist'), format: 'es', sourcemap: true })
    await bundle.close()
    const t = await truth(dir, 'dist/main.js')
    expect(t).toEqual({ realms: 2, seen: false })
    const run = await runCli(dir, ['audit', 'dist', '--json'])
    const json = JSON.parse(run.stdout) as AuditJson
    expect(run.exitCode).toBe(1)
    expect(json.findings[0]?.copies).toHaveLength(t.realms)
  })

  it('a Rollup output array, esm and cjs with .js both, in two folders: one copy per folder, formats code', async () => {
    const dir = writeFixture('cli-rollup-array', lazyProject(false))
    const bundle = await rollup({ input: { main: path.join(dir, 'src/main.js') } })
    await bundle.write({ dir: path.join(dir, 'out/esm'), format: 'es', sourcemap: true })
    await bundle.write({ dir: path.join(dir, 'out/cjs'), format: 'cjs', sourcemap: true })
    await bundle.close()
    fs.writeFileSync(path.join(dir, 'out/cjs/package.json'), JSON.stringify({ type: 'commonjs' }))
    const run = await runCli(dir, ['audit', 'out', '--json'])
    const json = JSON.parse(run.stdout) as AuditJson
    const formats = Object.fromEntries(json.folders[0]?.chunks.map((c) => [c.file, c.format]) ?? [])
    expect(formats['esm/main.js']).toBe('esm')
    expect(formats['cjs/main.js']).toBe('cjs')
    expect(new Set(json.findings.map((f) => f.code))).toEqual(new Set(['SINGLETON_DUPLICATED_ACROSS_OUTPUTS']))
    expect(run.exitCode).toBe(0)
  })

  it('inline source maps: a twin is still caught', async () => {
    const dir = writeFixture('cli-inline-map', lazyProject(true))
    await buildWithout('rolldown', dir, {
      input: { main: 'src/main.js' },
      preserveSymlinks: true,
      rolldown: { output: { sourcemap: 'inline' } },
    })
    expect(fs.readdirSync(path.join(dir, 'dist')).some((f) => f.endsWith('.map'))).toBe(false)
    const t = await truth(dir, 'dist/main.js')
    expect(t.realms).toBe(2)
    const run = await runCli(dir, ['audit', 'dist', '--json'])
    const json = JSON.parse(run.stdout) as AuditJson
    expect(run.exitCode).toBe(1)
    expect(json.findings[0]?.copies).toHaveLength(2)
  })

  it('nested chunk folders: edges resolve across folders, a twin is caught, module view lists importers', async () => {
    const dir = writeFixture('cli-nested', lazyProject(true))
    await buildWithout('rolldown', dir, {
      input: { 'bin/main': 'src/main.js' },
      preserveSymlinks: true,
      rolldown: { output: { chunkFileNames: 'chunks/deep/[name]-[hash].js' } },
    })
    const t = await truth(dir, 'dist/bin/main.js')
    expect(t.realms).toBe(2)
    const run = await runCli(dir, ['audit', 'dist', '--json'])
    const json = JSON.parse(run.stdout) as AuditJson
    expect(run.exitCode).toBe(1)
    const edges = json.folders[0]?.chunks.flatMap((c) => c.imports) ?? []
    expect(edges.length).toBeGreaterThan(0)
    expect(edges.filter((e) => e.target === null)).toEqual([])
  })

  it('--module by path, ./path, absolute path and by package name agree', async () => {
    const dir = writeFixture('cli-module-spellings', {
      ...lazyProject(false),
      'src/state.js': `export { store } from 'shared-state'\n`,
      'node_modules/shared-state/package.json': JSON.stringify({
        name: 'shared-state',
        version: '1.2.3',
        type: 'module',
        exports: './index.js',
      }),
      'node_modules/shared-state/index.js': statefulModule(),
    })
    await buildWithout('rolldown', dir, { input: { main: 'src/main.js' } })
    const verdicts: Record<string, unknown> = {}
    for (const query of [
      'shared-state',
      'node_modules/shared-state/index.js',
      './node_modules/shared-state/index.js',
      path.join(dir, 'node_modules/shared-state/index.js'),
    ]) {
      const run = await runCli(dir, ['audit', 'dist', '--module', query, '--json'])
      verdicts[query] =
        run.exitCode === 0 ? (JSON.parse(run.stdout) as AuditJson).modules?.[0]?.verdict : run.stderr.trim()
    }
    expect(Object.values(verdicts)).toEqual(Array(4).fill('1 copy: one realm'))
  })

  it('a directory named like a chunk (dist/weird.js/) and a dangling symlink: no crash', async () => {
    const dir = writeFixture('cli-dir-js', {
      ...lazyProject(false),
      'dist/weird.js/inner.txt': 'x',
      'dist/gone.js': { symlink: 'nowhere.js' },
    })
    await buildWithout('rolldown', dir, { input: { main: 'src/main.js' } })
    const run = await runCli(dir, ['audit', 'dist'])
    expect(run.stderr).not.toMatch(/\n\s+at /)
    expect(run.stderr).not.toContain('EISDIR')
    expect([0, 2]).toContain(run.exitCode)
    if (run.exitCode === 2) expectOneLine(run)
  })

  it('a huge single-line minified chunk is audited', async () => {
    const big = `export const blob = ${JSON.stringify('x'.repeat(8_000_000))}\n`
    const dir = writeFixture('cli-huge', {
      ...lazyProject(true),
      'src/big.js': big,
      'src/main.js': `${lazyProject(true)['src/main.js']}export { blob } from './big.js'\n`,
    })
    await buildWithout('rolldown', dir, {
      input: { main: 'src/main.js' },
      preserveSymlinks: true,
      rolldown: { output: { minify: true } },
    })
    const run = await runCli(dir, ['audit', 'dist', '--json'])
    const json = JSON.parse(run.stdout) as AuditJson
    expect(run.exitCode).toBe(1)
    expect(json.findings[0]?.copies).toHaveLength(2)
  })

  it('diff before and after the fix; --json is valid', async () => {
    const dir = writeFixture('cli-diff', lazyProject(true))
    await buildWithout('rolldown', dir, { input: { main: 'src/main.js' }, outDir: 'before', preserveSymlinks: true })
    fs.writeFileSync(path.join(dir, 'src/reader.runtime.js'), lazyProject(false)['src/reader.runtime.js'] as string)
    await buildWithout('rolldown', dir, { input: { main: 'src/main.js' }, outDir: 'after', preserveSymlinks: true })
    expect((await truth(dir, 'before/main.js')).realms).toBe(2)
    expect((await truth(dir, 'after/main.js')).realms).toBe(1)
    const run = await runCli(dir, ['diff', 'before', 'after', '--json'])
    const json = JSON.parse(run.stdout) as {
      schema: string
      exitCode: number
      changes: { kind: string; copiesBefore: number; copiesAfter: number }[]
    }
    expect(run.exitCode).toBe(0)
    expect(json.exitCode).toBe(0)
    expect(json.changes).toContainEqual(
      expect.objectContaining({ kind: 'copies-disappeared', copiesBefore: 2, copiesAfter: 1 }),
    )
    const text = await runCli(dir, ['diff', 'before', 'after'])
    expect(text.stdout).toContain('2 -> 1')
  })
})
