import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { build } from '../../helpers/build.ts'
import { execute, statefulModule, writeFixture } from '../../helpers/fixture.ts'
import { queryLoader } from '../../helpers/query-loader.ts'
import { lazyReaderProject, manifest, truthOf, twoInstallsProject } from '../../helpers/realms.ts'
import { importPlugin, runTsdown } from '../../helpers/tsdown.ts'

const MARKED = statefulModule('state', '// @singleton\n')

/** Writes a lazy-reader project into `<fresh>/<folder>` so the root's own name can hold odd characters. */
function projectIn(folder: string, readerImport: string): string {
  const outer = writeFixture('review-odd-root', {})
  const dir = path.join(outer, folder)
  for (const [file, content] of Object.entries(lazyReaderProject(readerImport))) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    fs.writeFileSync(path.join(dir, file), content as string)
  }
  return dir
}

describe('absolute globs in a project folder with glob characters in its name', () => {
  it.each(['app (1)', 'app [old]', 'app {x}', 'C#-projects+stuff'])(
    'an absolute glob built with path.join in %s',
    async (folder) => {
      const dir = projectIn(folder, './state.js?fresh')
      const singletons = path.join(dir, 'src/*.js').replace('*.js', 'sta*.js')
      const result = await build(dir, { input: { main: 'src/main.js' }, guard: { singletons }, plugins: [queryLoader] })
      expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
      expect({ folder, code: result.errorCode }).toEqual({ folder, code: 'SINGLETON_DUPLICATED' })
    },
  )
})

describe('marker in a package installed twice', () => {
  it('same layout, both marked', async () => {
    const install = (version: string) => ({
      'package.json': manifest({ name: 'shared-state', version, exports: './index.js' }),
      'index.js': MARKED,
    })
    const dir = writeFixture('review-marker-two-installs', twoInstallsProject(install('2.0.0'), install('1.4.0')))
    const result = await build(dir, { input: { main: 'src/main.js' } })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect({ code: result.errorCode, warnings: result.warnings.map((w) => w.code) }).toMatchObject({
      code: 'SINGLETON_DUPLICATED',
    })
    expect(result.error).toContain('cause: same package, two installs')
  })

  it('with promote on: a duplicate, not a promote clash', async () => {
    const install = (version: string) => ({
      'package.json': manifest({ name: 'shared-state', version, exports: './index.js' }),
      'index.js': MARKED,
    })
    const dir = writeFixture('review-marker-promote', twoInstallsProject(install('2.0.0'), install('1.4.0')))
    const result = await build(dir, { input: { main: 'src/main.js' }, guard: { promote: true, report: true } })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect({ code: result.errorCode, warnings: result.warnings.map((w) => w.code) }).toMatchObject({
      code: 'SINGLETON_DUPLICATED',
    })
  })
})

describe('promote', () => {
  it('a promoted singleton named state#1.js still loads at run time', async () => {
    const dir = writeFixture('review-hash-promote', lazyReaderProject('./state#1.js', {}, 'src/state#1.js'))
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'src/state#1.js', promote: true },
    })
    expect(result.error).toBeUndefined()
    // Stable, and importable: `#` in an import specifier would start a URL fragment.
    expect(result.files[0]).toContain('state_1.js')
    expect(await truthOf(dir)).toEqual({ realms: 1, seen: true })
  })

  it('a query twin with promote and report: the report lists both copies and the finding', async () => {
    const dir = writeFixture('review-query-promote-report', lazyReaderProject('./state.js?fresh'))
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'src/state.js', promote: true, report: true, onDuplicate: 'warn' },
      plugins: [queryLoader],
    })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect(result.warnings.map((w) => w.code)).toContain('SINGLETON_DUPLICATED')
    expect(result.warnings.map((w) => w.code)).not.toContain('SINGLETON_PROMOTE_CLASH')
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'dist/singleton-report.json'), 'utf8')) as {
      findings?: { code: string }[]
      singletons?: { copies?: unknown[] }[]
    }
    expect(JSON.stringify(report)).toContain('SINGLETON_DUPLICATED')
    expect(JSON.stringify(report)).toContain('?fresh')
  })
})

describe('tsdown format esm+cjs with dts in an array config sharing one instance', () => {
  it('says formats for esm/cjs of one config and builds for the other config', async () => {
    const dir = writeFixture('review-tsdown-dual-array', {
      'package.json': JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }),
      'tsconfig.json': JSON.stringify({
        compilerOptions: { target: 'es2023', module: 'preserve', strict: true, skipLibCheck: true },
      }),
      'src/state.ts': statefulModule(),
      'src/a.ts': `import { store } from './state.ts'\nexport const write = (k: string, v: number): void => { store.set(k, v) }\n`,
      'src/b.ts': `import { store } from './state.ts'\nexport const read = (k: string): unknown => store.get(k)\n`,
      'tsdown.config.ts': `import { defineConfig } from 'tsdown'
${importPlugin}
const guard = singletonGuard({ singletons: 'src/state.ts', builds: 'warn' })
export default defineConfig([
  { entry: { a: 'src/a.ts' }, outDir: 'dist/a', format: ['esm', 'cjs'], dts: true, plugins: [guard] },
  { entry: { b: 'src/b.ts' }, outDir: 'dist/b', format: ['esm', 'cjs'], dts: true, plugins: [guard] },
])
`,
    })
    const result = await runTsdown(dir)
    const files = fs.readdirSync(path.join(dir, 'dist/a'))
    // The truth: a process that imports a's esm and b's esm evaluates the module twice.
    const truth = await execute<number>(
      dir,
      `await import('./dist/a/${files.find((f) => f.endsWith('.mjs') && !f.endsWith('.d.mts'))}')\nawait import('./dist/b/b.mjs')\nconsole.log(JSON.stringify(globalThis.__evaluations.state))\n`,
    )
    expect(truth).toBe(2)
    expect(result.exitCode).toBe(0)
    expect(result.output).toContain('SINGLETON_DUPLICATED_ACROSS_BUILDS')
    expect(result.output).toContain('SINGLETON_DUPLICATED_ACROSS_OUTPUTS')
    expect(result.output).not.toMatch(/SINGLETON_DUPLICATED:/)
    // every copy named once in the builds finding
    for (const file of ['dist/a/a.mjs', 'dist/a/a.cjs', 'dist/b/b.mjs', 'dist/b/b.cjs'])
      expect(result.output).toContain(file)
    expect(result.output).not.toContain('[singleton-guard] SINGLETON_')
    console.log(result.output)
  })
})

describe('how a module marks itself', () => {
  it.each([
    [
      'a JSDoc block with a description and a @singleton tag',
      '/**\n * The session store: one per process.\n * @singleton\n */\n',
    ],
    ['a line comment with a note after the tag', '// @singleton one per process\n'],
  ])('%s', async (_, marker) => {
    const dir = writeFixture('review-marker-forms', {
      ...lazyReaderProject('./state-link.js', { 'src/state-link.js': { symlink: 'state.js' } }),
      'src/state.js': statefulModule('state', marker),
    })
    const result = await build(dir, { input: { main: 'src/main.js' }, inputOptions: { resolve: { symlinks: false } } })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    // Either it is recognised (and the duplicate caught), or the user is told the comment was not read.
    expect(result.errorCode ?? result.warnings.map((w) => w.code).join()).not.toBe('')
  })
})

describe('preserveModules', () => {
  it('a query twin with preserveModules', async () => {
    const dir = writeFixture('review-preserve-modules', lazyReaderProject('./state.js?fresh'))
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'src/state.js' },
      plugins: [queryLoader],
      outputs: [{ dir: 'dist', preserveModules: true, preserveModulesRoot: 'src' }],
    })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect({ code: result.errorCode, warnings: result.warnings.map((w) => w.code) }).toMatchObject({
      code: 'SINGLETON_DUPLICATED',
    })
  })

  it.each(['node_modules/shared-state/*.js', 'node_modules/shared-state/index.js'])(
    'npm layout, two installs, declared by a path inside node_modules: %s',
    async (singletons) => {
      const install = (version: string) => ({
        'package.json': manifest({ name: 'shared-state', version, exports: './index.js' }),
        'index.js': statefulModule(),
      })
      const dir = writeFixture('review-npm-glob', twoInstallsProject(install('2.0.0'), install('1.4.0')))
      const result = await build(dir, { input: { main: 'src/main.js' }, guard: { singletons } })
      expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
      expect({ code: result.errorCode, warnings: result.warnings.map((w) => w.code) }).toMatchObject({
        code: 'SINGLETON_DUPLICATED',
      })
    },
  )

  it('two installs with preserveModules', async () => {
    const install = (version: string) => ({
      'package.json': manifest({ name: 'shared-state', version, exports: './index.js' }),
      'index.js': statefulModule(),
    })
    const dir = writeFixture('review-preserve-modules-installs', twoInstallsProject(install('2.0.0'), install('1.4.0')))
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'shared-state' },
      outputs: [{ dir: 'dist', preserveModules: true }],
    })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect({ code: result.errorCode, warnings: result.warnings.map((w) => w.code) }).toMatchObject({
      code: 'SINGLETON_DUPLICATED',
    })
  })
})

describe('report with tsdown format esm+cjs into one folder', () => {
  it('each output gets its report; neither is written over by the other', async () => {
    const dir = writeFixture('review-report-dual', {
      'package.json': JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }),
      'tsconfig.json': JSON.stringify({
        compilerOptions: { target: 'es2023', module: 'preserve', strict: true, skipLibCheck: true },
      }),
      'src/state.ts': statefulModule(),
      'src/a.ts': `import { store } from './state.ts'\nexport const write = (k: string, v: number): void => { store.set(k, v) }\n`,
      'tsdown.config.ts': `import { defineConfig } from 'tsdown'
${importPlugin}
export default defineConfig({ entry: { a: 'src/a.ts' }, format: ['esm', 'cjs'], plugins: [singletonGuard({ singletons: 'src/state.ts', report: true })] })
`,
    })
    const result = await runTsdown(dir)
    expect(result.exitCode).toBe(0)
    const truth = await execute<number>(
      dir,
      `import { createRequire } from 'node:module'\nawait import('./dist/a.mjs')\ncreateRequire(import.meta.url)('./dist/a.cjs')\nconsole.log(JSON.stringify(globalThis.__evaluations.state))\n`,
    )
    expect(truth).toBe(2)
    const reports = fs
      .readdirSync(path.join(dir, 'dist'))
      .filter((file) => file.includes('singleton-report'))
      .map(
        (file) =>
          (JSON.parse(fs.readFileSync(path.join(dir, 'dist', file), 'utf8')) as { output: { format: string } }).output
            .format,
      )
      .sort()
    expect(reports).toEqual(['cjs', 'es'])
  })
})
