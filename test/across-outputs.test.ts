import { describe, expect, it } from 'vitest'
import { singletonGuard } from '../src/index.ts'
import { build } from './helpers/build.ts'
import { execute, statefulModule, writeFixture } from './helpers/fixture.ts'
import { importPlugin, runTsdown } from './helpers/tsdown.ts'

const consumers = {
  'package.json': JSON.stringify({ name: 'app', type: 'module' }),
  'src/state.js': statefulModule(),
  'src/a.js': `import { store } from './state.js'\nexport const write = (k, v) => store.set(k, v)\n`,
  'src/b.js': `import { store } from './state.js'\nexport const read = (k) => store.get(k)\n`,
  'src/main.js': `import { store } from './state.js'\nexport const write = (k, v) => store.set(k, v)\nexport const read = (k) => store.get(k)\n`,
}

/** Loads `writer` and `reader` in one process and says whether they share one instance. */
function probe(writer: string, reader: string): string {
  return `
import { createRequire } from 'node:module'
const require = createRequire(import.meta.url)
const load = (file) => file.endsWith('.cjs') ? require(file) : import(file)
const writer = await load(${JSON.stringify(writer)})
const reader = await load(${JSON.stringify(reader)})
writer.write('key', 1)
console.log(JSON.stringify({ realms: globalThis.__evaluations.state, seen: reader.read('key') === 1 }))
`
}

describe('copies across the outputs of one build', () => {
  const outputs = [
    { dir: 'dist/esm', format: 'es' as const },
    { dir: 'dist/cjs', format: 'cjs' as const, entryFileNames: '[name].cjs' },
  ]

  it('warns by default when esm and cjs each hold a copy, and one process can load both', async () => {
    const dir = writeFixture('dual', consumers)
    const result = await build(dir, { input: { main: 'src/main.js' }, outputs, guard: { singletons: 'src/state.js' } })
    expect(result.error).toBeUndefined()
    expect(result.warnings.map((w) => w.code)).toEqual(['SINGLETON_DUPLICATED_ACROSS_OUTPUTS'])
    expect(result.warnings[0]?.message).toContain('cause: separate formats of one build')
    expect(result.warnings[0]?.message).toContain('dist/cjs/main.cjs (cjs)')
    expect(result.warnings[0]?.message).toContain('dist/esm/main.js (es)')

    expect(await execute(dir, probe('./dist/esm/main.js', './dist/cjs/main.cjs'))).toEqual({ realms: 2, seen: false })
    expect(await execute(dir, probe('./dist/esm/main.js', './dist/esm/main.js'))).toEqual({ realms: 1, seen: true })
  })

  it('fails with formats: error and stays silent with formats: ignore', async () => {
    const dir = writeFixture('dual-modes', consumers)
    const failing = await build(dir, {
      input: { main: 'src/main.js' },
      outputs,
      guard: { singletons: 'src/state.js', formats: 'error' },
    })
    expect(failing.errorCode).toBe('SINGLETON_DUPLICATED_ACROSS_OUTPUTS')
    const silent = await build(dir, {
      input: { main: 'src/main.js' },
      outputs,
      guard: { singletons: 'src/state.js', formats: 'ignore' },
    })
    expect(silent.error).toBeUndefined()
    expect(silent.warnings).toEqual([])
  })

  it('does not count a rebuild of the same output as a second copy', async () => {
    const dir = writeFixture('rebuild', consumers)
    const guard = singletonGuard({ root: dir, singletons: 'src/state.js' })
    for (let round = 0; round < 3; round++) {
      const result = await build(dir, { input: { main: 'src/main.js' }, plugin: guard })
      expect(result.error).toBeUndefined()
      expect(result.warnings).toEqual([])
    }
  })
})

describe('copies across builds that share one plugin instance', () => {
  it.each([
    ['a first', ['a', 'b']],
    ['b first', ['b', 'a']],
  ])('fails the build that completes the split (%s)', async (_, order) => {
    const dir = writeFixture('two-builds', consumers)
    const guard = singletonGuard({ root: dir, singletons: 'src/state.js' })
    const [first, second] = [].concat(order as never).map((name: string) => ({
      input: { [name]: `src/${name}.js` },
      outputs: [{ dir: `dist/${name}` }],
      plugin: guard,
    }))
    expect((await build(dir, first as never)).error).toBeUndefined()
    const completing = await build(dir, second as never)
    expect(completing.errorCode).toBe('SINGLETON_DUPLICATED_ACROSS_BUILDS')
    expect(completing.error).toContain('src/state.js has a copy in each of 2 separate builds')
    expect(completing.error).toContain('copy 1: dist/a/a.js (es)')
    expect(completing.error).toContain('copy 2: dist/b/b.js (es)')
    expect(completing.error).toContain('src/a.js (entry) --> src/state.js')

    // The failed build wrote nothing; build it alone to get its bytes for the oracle.
    await build(dir, {
      ...(second as object),
      plugin: singletonGuard({ root: dir, singletons: 'src/state.js' }),
    } as never)
    expect(await execute(dir, probe('./dist/a/a.js', './dist/b/b.js'))).toEqual({ realms: 2, seen: false })
  })

  it('finds the split whichever of two parallel builds closes last', async () => {
    const dir = writeFixture('parallel-builds', consumers)
    const guard = singletonGuard({ root: dir, singletons: 'src/state.js' })
    const results = await Promise.all(
      ['a', 'b'].map((name) =>
        build(dir, { input: { [name]: `src/${name}.js` }, outputs: [{ dir: `dist/${name}` }], plugin: guard }),
      ),
    )
    expect(results.map((r) => r.errorCode).filter(Boolean)).toEqual(['SINGLETON_DUPLICATED_ACROSS_BUILDS'])
  })

  it('leaves builds that do not share the singleton alone', async () => {
    const dir = writeFixture('disjoint-builds', {
      ...consumers,
      'src/b.js': `export const read = () => undefined\n`,
    })
    const guard = singletonGuard({ root: dir, singletons: 'src/state.js' })
    for (const name of ['a', 'b']) {
      const result = await build(dir, {
        input: { [name]: `src/${name}.js` },
        outputs: [{ dir: `dist/${name}` }],
        plugin: guard,
      })
      expect(result.error).toBeUndefined()
    }
  })
})

describe('through the tsdown CLI', () => {
  const tsProject = {
    'package.json': JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }),
    'tsconfig.json': JSON.stringify({
      compilerOptions: { target: 'es2023', module: 'preserve', strict: true, skipLibCheck: true },
    }),
    'src/state.ts': statefulModule(),
    'src/a.ts': `import { store } from './state.ts'\nexport const write = (k: string, v: number) => store.set(k, v)\n`,
    'src/b.ts': `import { store } from './state.ts'\nexport const read = (k: string) => store.get(k)\n`,
  }

  it('makes tsdown exit non-zero when an array config splits a singleton across builds', async () => {
    const dir = writeFixture('tsdown-array', {
      ...tsProject,
      'tsdown.config.ts': `import { defineConfig } from 'tsdown'
${importPlugin}
const guard = singletonGuard({ singletons: 'src/state.ts' })
export default defineConfig([
  { entry: { a: 'src/a.ts' }, outDir: 'dist/a', plugins: [guard], dts: true },
  { entry: { b: 'src/b.ts' }, outDir: 'dist/b', plugins: [guard] },
])
`,
    })
    const result = await runTsdown(dir)
    expect(result.exitCode).not.toBe(0)
    expect(result.output).toContain('SINGLETON_DUPLICATED_ACROSS_BUILDS')
    expect(result.output).toContain('src/state.ts has a copy in each of 2 separate builds')
    // One prefix per message: tsdown names the plugin, the message starts with its code.
    expect(result.output).toMatch(/\[plugin singleton-guard:check\]\n\w*Error: SINGLETON_DUPLICATED_ACROSS_BUILDS: /)
    expect(result.output).not.toContain('[singleton-guard] SINGLETON_')
    // the declaration chunks of `dts: true` never run: no copy inside one output
    expect(result.output).not.toContain('SINGLETON_DUPLICATED:')
    // tsdown prints rolldown's wrapper stack; none of it comes from the plugin's own frames.
    expect(result.output).not.toMatch(/^\s+at .*main\/dist\/index\.mjs/m)
  })

  it('compares builds that write into the same folder, and names every copy once all have closed', async () => {
    const dir = writeFixture('tsdown-same-dir', {
      ...tsProject,
      'src/c.ts': `import { store } from './state.ts'\nexport const size = (): number => store.size\n`,
      'tsdown.config.ts': `import { defineConfig } from 'tsdown'
${importPlugin}
const guard = singletonGuard({ singletons: 'src/state.ts' })
export default defineConfig([
  { entry: { a: 'src/a.ts' }, plugins: [guard] },
  { entry: { b: 'src/b.ts' }, plugins: [guard], clean: false },
  { entry: { c: 'src/c.ts' }, plugins: [guard], clean: false },
])
`,
    })
    const result = await runTsdown(dir)
    expect(result.exitCode).not.toBe(0)
    expect(result.output).toContain('src/state.ts has a copy in each of 3 separate builds')
    for (const file of ['dist/a.mjs', 'dist/b.mjs', 'dist/c.mjs']) expect(result.output).toContain(`${file} (es)`)
  })

  it('warns but passes for format: [esm, cjs] of one config, and fails with formats: error', async () => {
    const config = (guardOptions: string) => `import { defineConfig } from 'tsdown'
${importPlugin}
export default defineConfig({ entry: ['src/a.ts', 'src/b.ts'], format: ['esm', 'cjs'], plugins: [singletonGuard(${guardOptions})] })
`
    const dir = writeFixture('tsdown-formats', {
      ...tsProject,
      'tsdown.config.ts': config(`{ singletons: 'src/state.ts' }`),
    })
    const passing = await runTsdown(dir)
    expect(passing.exitCode).toBe(0)
    expect(passing.output).toContain('SINGLETON_DUPLICATED_ACROSS_OUTPUTS')
    expect(passing.output).toContain('cause: separate formats of one build')
    expect(await execute(dir, probe('./dist/a.mjs', './dist/b.cjs'))).toEqual({ realms: 2, seen: false })
    expect(await execute(dir, probe('./dist/a.mjs', './dist/b.mjs'))).toEqual({ realms: 1, seen: true })

    const strict = writeFixture('tsdown-formats-strict', {
      ...tsProject,
      'tsdown.config.ts': config(`{ singletons: 'src/state.ts', formats: 'error' }`),
    })
    const failing = await runTsdown(strict)
    expect(failing.exitCode).not.toBe(0)
    expect(failing.output).toContain('SINGLETON_DUPLICATED_ACROSS_OUTPUTS')
  })

  it('still calls esm and cjs one build when tsdown also emits declarations (dts: true)', async () => {
    const dir = writeFixture('tsdown-formats-dts', {
      ...tsProject,
      'tsdown.config.ts': `import { defineConfig } from 'tsdown'
${importPlugin}
export default defineConfig({ entry: ['src/a.ts', 'src/b.ts'], format: ['esm', 'cjs'], dts: true, plugins: [singletonGuard({ singletons: 'src/state.ts' })] })
`,
    })
    const result = await runTsdown(dir)
    expect(result.output).not.toContain('SINGLETON_DUPLICATED_ACROSS_BUILDS')
    expect(result.output).toContain('SINGLETON_DUPLICATED_ACROSS_OUTPUTS')
    expect(result.exitCode).toBe(0)
    expect(await execute(dir, probe('./dist/a.mjs', './dist/b.cjs'))).toEqual({ realms: 2, seen: false })
  })
})
