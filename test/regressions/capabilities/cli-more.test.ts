import fs from 'node:fs'
import path from 'node:path'
import { build as viteBuild } from 'vite'
import { describe, expect, it } from 'vitest'
import { buildWithout, runCli } from '../../helpers/cli.ts'
import { execute, statefulModule, writeFixture, type FixtureFiles } from '../../helpers/fixture.ts'

function lazyProject(twin: boolean): FixtureFiles {
  return {
    'package.json': JSON.stringify({ name: 'app', type: 'module' }),
    'src/state.js': statefulModule(),
    'src/reader.runtime.js': `import { store } from ${JSON.stringify(twin ? 'linked/state.js' : './state.js')}\nexport const read = (k) => store.get(k)\n`,
    'src/main.js': `import { store } from './state.js'\nexport const write = (k, v) => store.set(k, v)\nexport const lazyRead = async (k) => (await import('./reader.runtime.js')).read(k)\n`,
    ...(twin ? { 'node_modules/linked': { symlink: '../src' } } : {}),
  }
}

interface AuditJson {
  exitCode: number
  verdict: string
  folders: {
    chunks: { file: string; kind: string; modules: string[]; attributedBy: string; unattributed: string | null }[]
  }[]
  findings: { code: string; module: string; copies: unknown[] }[]
  unattributed: { chunk: string; reason: string }[]
  notes: string[]
}

describe('CLI, more', () => {
  it('a Vite client app build with build.sourcemap: one copy, exit 0 (the preload helper is not unattributed)', async () => {
    const dir = writeFixture('cli-vite-client', {
      ...lazyProject(false),
      'index.html': `<!doctype html><script type="module" src="/src/app.js"></script>`,
      'src/app.js': `import { write, lazyRead } from './main.js'\nwrite('k', 1)\nlazyRead('k').then((v) => { document.title = String(v) })\n`,
    })
    await viteBuild({ root: dir, configFile: false, logLevel: 'silent', build: { sourcemap: true, minify: false } })
    const run = await runCli(dir, ['audit', 'dist', '--json'])
    const json = JSON.parse(run.stdout) as AuditJson
    expect({ exit: run.exitCode, unattributed: json.unattributed, findings: json.findings }).toEqual({
      exit: 0,
      unattributed: [],
      findings: [],
    })
  })

  it("a Vite client build with build.sourcemap: 'hidden' (no sourceMappingURL): maps found beside the chunks", async () => {
    const dir = writeFixture('cli-vite-hidden', {
      ...lazyProject(false),
      'index.html': `<!doctype html><script type="module" src="/src/app.js"></script>`,
      'src/app.js': `import { write, lazyRead } from './main.js'\nwrite('k', 1)\nlazyRead('k')\n`,
    })
    await viteBuild({ root: dir, configFile: false, logLevel: 'silent', build: { sourcemap: 'hidden', minify: true } })
    const run = await runCli(dir, ['audit', 'dist', '--json'])
    const json = JSON.parse(run.stdout) as AuditJson
    expect({ exit: run.exitCode, unattributed: json.unattributed }).toEqual({ exit: 0, unattributed: [] })
  })

  it('--singletons naming no module of the build (a typo) exits 0 with "no module is evaluated more than once" on a build that holds a copy', async () => {
    const dir = writeFixture('cli-typo', lazyProject(true))
    await buildWithout('rolldown', dir, { input: { main: 'src/main.js' }, preserveSymlinks: true })
    const t = await execute<{ realms: number }>(
      dir,
      `const m = await import('./dist/main.js'); await m.lazyRead('k'); console.log(JSON.stringify({ realms: globalThis.__evaluations.state }))`,
    )
    expect(t.realms).toBe(2)
    const run = await runCli(dir, ['audit', 'dist', '--singletons', 'src/stat.js'])
    // A pattern that matches nothing must be said (the plugin warns about an unmatched pattern).
    expect(run.stdout + run.stderr).toMatch(/src\/stat\.js/)
    expect(run.exitCode).not.toBe(0)
  })

  it('--json exitCode equals the process exit code, for 0, 1 and 2', async () => {
    const dir = writeFixture('cli-exit', { ...lazyProject(true), 'nomap/x.js': 'export const x = 1\n' })
    await buildWithout('rolldown', dir, { input: { main: 'src/main.js' }, preserveSymlinks: true, outDir: 'twin' })
    fs.writeFileSync(path.join(dir, 'src/reader.runtime.js'), lazyProject(false)['src/reader.runtime.js'] as string)
    await buildWithout('rolldown', dir, { input: { main: 'src/main.js' }, outDir: 'fixed' })
    const seen: [number, number][] = []
    for (const folder of ['fixed', 'twin', 'nomap']) {
      const run = await runCli(dir, ['audit', folder, '--json'])
      seen.push([run.exitCode, (JSON.parse(run.stdout) as AuditJson).exitCode])
    }
    expect(seen).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
    ])
  })

  it('a CommonJS build by esbuild (no splitting) with a twin: caught', async () => {
    const dir = writeFixture('cli-esbuild-cjs', {
      ...lazyProject(true),
      'package.json': JSON.stringify({ name: 'app' }),
    })
    await buildWithout('esbuild', dir, { input: { main: 'src/main.js' }, format: 'cjs', preserveSymlinks: true })
    const t = await execute<{ realms: number }>(
      dir,
      `import { createRequire } from 'node:module'\nconst m = createRequire(import.meta.url)('./dist/main.js'); await m.lazyRead('k'); console.log(JSON.stringify({ realms: globalThis.__evaluations.state }))`,
    )
    expect(t.realms).toBe(2)
    const run = await runCli(dir, ['audit', 'dist', '--json'])
    const json = JSON.parse(run.stdout) as AuditJson
    expect(run.exitCode).toBe(1)
    expect(json.findings[0]?.copies).toHaveLength(2)
  })

  it('two copies inside ONE chunk (a twin inlined, no code splitting): caught', async () => {
    const dir = writeFixture('cli-one-chunk', lazyProject(true))
    await buildWithout('rolldown', dir, {
      input: { main: 'src/main.js' },
      preserveSymlinks: true,
      rolldown: { output: { codeSplitting: false } },
    })
    const t = await execute<{ realms: number }>(
      dir,
      `const m = await import('./dist/main.js'); await m.lazyRead('k'); console.log(JSON.stringify({ realms: globalThis.__evaluations.state }))`,
    )
    expect(t.realms).toBe(2)
    const run = await runCli(dir, ['audit', 'dist', '--json'])
    const json = JSON.parse(run.stdout) as AuditJson
    expect(run.exitCode).toBe(1)
    expect(json.findings[0]?.copies).toHaveLength(2)
  })
})

describe('CLI on what real apps ship', () => {
  it('a chunk the lexer cannot parse: a one-line reason or an unattributed chunk, never a crash', async () => {
    const dir = writeFixture('cli-broken-chunk', lazyProject(false))
    await buildWithout('rolldown', dir, { input: { main: 'src/main.js' } })
    fs.writeFileSync(path.join(dir, 'dist/broken.js'), 'export const = ;\nimport {\n')
    fs.writeFileSync(path.join(dir, 'dist/broken.cjs'), 'module.exports = require(\n')
    const run = await runCli(dir, ['audit', 'dist'])
    expect(run.stderr).not.toMatch(/\n\s+at /)
    expect(run.exitCode).toBe(2)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
  })
})

describe('CLI: copies in two entries of one build', () => {
  it('two entries each holding a twin of the store (loaded together by one process): caught', async () => {
    const dir = writeFixture('cli-two-entries', {
      'package.json': JSON.stringify({ name: 'app', type: 'module' }),
      'src/state.js': statefulModule(),
      'src/a.js': `import { store } from './state.js'\nexport const write = (k, v) => store.set(k, v)\n`,
      'src/b.js': `import { store } from 'linked/state.js'\nexport const read = (k) => store.get(k)\n`,
      'node_modules/linked': { symlink: '../src' },
    })
    await buildWithout('rolldown', dir, { input: { a: 'src/a.js', b: 'src/b.js' }, preserveSymlinks: true })
    const t = await execute<{ realms: number; seen: boolean }>(
      dir,
      `const a = await import('./dist/a.js'); const b = await import('./dist/b.js'); a.write('k', 1); console.log(JSON.stringify({ realms: globalThis.__evaluations.state, seen: b.read('k') === 1 }))`,
    )
    expect(t).toEqual({ realms: 2, seen: false })
    const run = await runCli(dir, ['audit', 'dist', '--json'])
    const json = JSON.parse(run.stdout) as AuditJson
    expect(run.exitCode).toBe(1)
    expect(json.findings[0]?.copies).toHaveLength(2)
  })
})

describe('CLI --json schema', () => {
  it('audit --json and diff --json carry every field the README documents', async () => {
    const dir = writeFixture('cli-schema', lazyProject(true))
    await buildWithout('rolldown', dir, { input: { main: 'src/main.js' }, preserveSymlinks: true })
    const run = await runCli(dir, ['audit', 'dist', '--json', '--module', 'src/state.js'])
    const json = JSON.parse(run.stdout)
    expect(Object.keys(json).sort()).toEqual(
      expect.arrayContaining([
        'schema',
        'version',
        'exitCode',
        'verdict',
        'folders',
        'findings',
        'shims',
        'unattributed',
        'notes',
        'modules',
      ]),
    )
    expect(json.schema).toBe('singleton-guard/audit')
    expect(json.version).toBe(1)
    for (const chunk of json.folders[0].chunks) {
      expect(Object.keys(chunk).sort()).toEqual([
        'attributedBy',
        'bytes',
        'file',
        'format',
        'forwardsTo',
        'imports',
        'kind',
        'modules',
        'unattributed',
      ])
    }
    const finding = json.findings[0]
    for (const key of [
      'code',
      'severity',
      'module',
      'scope',
      'key',
      'causes',
      'outputCount',
      'outputKeys',
      'copies',
      'facades',
      'fixes',
      'importerCount',
      'declared',
    ]) {
      expect(finding, key).toHaveProperty(key)
    }
    for (const copy of finding.copies)
      for (const key of ['output', 'format', 'chunks', 'module', 'chain']) expect(copy, key).toHaveProperty(key)
    const view = json.modules[0]
    for (const key of [
      'module',
      'key',
      'scope',
      'verdict',
      'copies',
      'files',
      'shims',
      'importers',
      'chains',
      'findings',
    ])
      expect(view, key).toHaveProperty(key)
    expect(view.copies).toBe(2)
    const diff = JSON.parse((await runCli(dir, ['diff', 'dist', 'dist', '--json'])).stdout)
    expect(diff.schema).toBe('singleton-guard/diff')
    for (const key of ['version', 'exitCode', 'before', 'after', 'changes']) expect(diff, key).toHaveProperty(key)
  })
})
