import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { sharedStateOf } from '../src/core/shared-state.ts'
import { build } from './helpers/build.ts'
import { execute, statefulModule, writeFixture, type FixtureFiles } from './helpers/fixture.ts'
import { importPlugin, runTsdown } from './helpers/tsdown.ts'

const COUNT_EVALUATION = `globalThis.__evaluations ??= {}
globalThis.__evaluations.state = (globalThis.__evaluations.state ?? 0) + 1
`

/** Module sources for the registry package, each duplicated the same way (two installs). */
const VARIANTS = {
  globalSlot: `export const store = (globalThis[Symbol.for('registry-lib.store')] ??= new Map())
${COUNT_EVALUATION}export const recent = store
`,
  processSlot: `const KEY = Symbol.for('registry-lib.store')
export const store = process[KEY] ?? (process[KEY] = new Map())
${COUNT_EVALUATION}export const recent = store
`,
  commonJsSlot: `const store = (globalThis[Symbol.for('registry-lib.store')] ??= new Map())
${COUNT_EVALUATION}module.exports = { store, recent: store }
`,
  plainMap: `${statefulModule()}export const recent = store\n`,
  slotBesidePlainMap: `export const store = (globalThis[Symbol.for('registry-lib.store')] ??= new Map())
export const recent = new Map()
${COUNT_EVALUATION}`,
  /** The slot in index.js, a plain Map in another file of the same package. */
  plainMapInAnotherFile: `export const store = (globalThis[Symbol.for('registry-lib.store')] ??= new Map())
export { recent } from './recent.js'
${COUNT_EVALUATION}`,
}
type Variant = keyof typeof VARIANTS

/**
 * Two installs of `registry-lib` (1.0.0 at the top, 1.1.0 nested under `plugin-host`): the app
 * writes through one, a lazy boundary reads through the other.
 */
function project(variant: Variant, extra: FixtureFiles = {}): FixtureFiles {
  const registry = (version: string) => ({
    'package.json': JSON.stringify({
      name: 'registry-lib',
      version,
      type: variant === 'commonJsSlot' ? 'commonjs' : 'module',
      exports: './index.js',
    }),
    'index.js': VARIANTS[variant],
    'recent.js': 'export const recent = new Map()\n',
  })
  const files: FixtureFiles = {
    'package.json': JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }),
    'node_modules/plugin-host/package.json': JSON.stringify({
      name: 'plugin-host',
      version: '1.0.0',
      type: 'module',
      exports: './index.js',
    }),
    'node_modules/plugin-host/index.js': `import { recent } from 'registry-lib'\nexport const read = (key) => recent.get(key)\n`,
    'src/main.js': `import { recent } from 'registry-lib'
export function write(key, value) { recent.set(key, value) }
export async function lazyRead(key) { return (await import('./reader.runtime.js')).read(key) }
`,
    'src/reader.runtime.js': `export { read } from 'plugin-host'\n`,
    ...extra,
  }
  for (const [file, content] of Object.entries(registry('1.0.0'))) files[`node_modules/registry-lib/${file}`] = content
  for (const [file, content] of Object.entries(registry('1.1.0'))) {
    files[`node_modules/plugin-host/node_modules/registry-lib/${file}`] = content
  }
  return files
}

interface Truth {
  evaluations: number
  seen: boolean
}

const probe = (main: string) => `
const main = await import('./dist/${main}')
main.write('key', 42)
const seen = (await main.lazyRead('key')) === 42
console.log(JSON.stringify({ evaluations: globalThis.__evaluations.state, seen }))
`

function reportOf(dir: string): {
  findings: { code: string; severity: string; module: string; sharedState?: string }[]
} {
  return JSON.parse(fs.readFileSync(path.join(dir, 'dist/singleton-report.json'), 'utf8'))
}

describe('copies that keep their state on globalThis[Symbol.for(...)]', () => {
  it.each(['globalSlot', 'processSlot', 'commonJsSlot'] as const)(
    '%s: two copies run, share one state, and the plugin reports information, not an error',
    async (variant) => {
      const dir = writeFixture(`shared-${variant}`, project(variant))
      const result = await build(dir, {
        input: { main: 'src/main.js' },
        guard: { singletons: 'registry-lib', report: true },
      })
      expect(result.error).toBeUndefined()
      expect(result.warnings).toEqual([])
      const truth = await execute<Truth>(dir, probe('main.js'))
      // Two copies are evaluated, yet a write through one is seen through the other.
      expect(truth).toEqual({ evaluations: 2, seen: true })
      const [finding, ...others] = reportOf(dir).findings
      expect(others).toEqual([])
      const slot = variant === 'processSlot' ? 'process' : 'globalThis'
      expect(finding).toMatchObject({
        code: 'SINGLETON_COPIES_SHARE_STATE',
        severity: 'info',
        module: 'registry-lib',
        sharedState: `it keeps its state on ${slot}[Symbol.for("registry-lib.store")]: one slot per process, which every copy reads and writes`,
      })
    },
  )

  it.each(['plainMap', 'slotBesidePlainMap', 'plainMapInAnotherFile'] as const)(
    '%s duplicated the same way still fails, and the executed copies do not share',
    async (variant) => {
      const dir = writeFixture(`not-shared-${variant}`, project(variant))
      const result = await build(dir, { input: { main: 'src/main.js' }, guard: { singletons: 'registry-lib' } })
      expect(result.errorCode).toBe('SINGLETON_DUPLICATED')
      expect(result.error).toContain('cause: same package, two installs')
      expect(result.error).not.toContain('SINGLETON_COPIES_SHARE_STATE')
      expect(await execute<Truth>(dir, probe('main.js'))).toEqual({ evaluations: 2, seen: false })
    },
  )

  it.each([
    ['globalSlot', 'SINGLETON_COPIES_SHARE_STATE', true],
    ['plainMap', 'SINGLETON_DUPLICATED', false],
  ] as const)(
    'a module declared by path, one file under two ids (preserved symlink), %s: %s',
    async (variant, code, seen) => {
      const dir = writeFixture(`symlinked-${variant}`, {
        'package.json': JSON.stringify({ name: 'app', type: 'module' }),
        'src/state.js': VARIANTS[variant],
        'src/main.js': `import { recent } from './state.js'
export function write(key, value) { recent.set(key, value) }
export async function lazyRead(key) { return (await import('./reader.runtime.js')).read(key) }
`,
        'src/reader.runtime.js': `import { recent } from 'linked/state.js'\nexport const read = (key) => recent.get(key)\n`,
        'node_modules/linked': { symlink: '../src' },
      })
      const result = await build(dir, {
        input: { main: 'src/main.js' },
        guard: { singletons: 'src/state.js', report: true },
        inputOptions: { resolve: { symlinks: false } },
      })
      expect(result.errorCode).toBe(seen ? undefined : code)
      if (seen)
        expect(reportOf(dir).findings.map((finding) => [finding.code, finding.severity])).toEqual([[code, 'info']])
      expect(await execute<Truth>(dir, probe('main.js'))).toEqual({ evaluations: 2, seen })
    },
  )

  it('through the tsdown CLI: the build passes and prints the information with its reason', async () => {
    const config = `import { defineConfig } from 'tsdown'\n${importPlugin}\nexport default defineConfig({ entry: { main: 'src/main.js' }, plugins: [singletonGuard({ singletons: 'registry-lib' })] })\n`
    const shared = writeFixture('shared-tsdown', project('globalSlot', { 'tsdown.config.ts': config }))
    const passed = await runTsdown(shared)
    expect(passed.exitCode).toBe(0)
    expect(passed.output).toContain(
      'SINGLETON_COPIES_SHARE_STATE: registry-lib has 2 copies, but they share one state, so this is not a duplicate: it keeps its state on globalThis[Symbol.for("registry-lib.store")]',
    )
    expect(await execute<Truth>(shared, probe('main.mjs'))).toEqual({ evaluations: 2, seen: true })

    const plain = writeFixture('plain-tsdown', project('plainMap', { 'tsdown.config.ts': config }))
    const failed = await runTsdown(plain)
    expect(failed.exitCode).not.toBe(0)
    expect(failed.output).toContain('SINGLETON_DUPLICATED')
  })
})

describe('the dual package hazard, fixed the way the plugin suggests', () => {
  const config = (formats: string) =>
    `import { defineConfig } from 'tsdown'\n${importPlugin}\nexport default defineConfig({ entry: { main: 'src/main.ts' }, format: ['esm', 'cjs'], plugins: [singletonGuard({ singletons: 'src/state.ts', formats: ${formats} })] })\n`
  const files = (state: string): FixtureFiles => ({
    'package.json': JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }),
    'tsconfig.json': '{}',
    'src/state.ts': state,
    'src/main.ts': `import { store } from './state.ts'\nexport const write = (key: string, value: unknown): void => void store.set(key, value)\nexport const read = (key: string): unknown => store.get(key)\n`,
    'tsdown.config.ts': config("'error'"),
  })
  const PROBE = `import { createRequire } from 'node:module'
const esm = await import('./dist/main.mjs')
const cjs = createRequire(import.meta.url)('./dist/main.cjs')
esm.write('key', 42)
console.log(JSON.stringify({ seen: cjs.read('key') === 42 }))
`

  it('esm + cjs of a module whose state is on globalThis[Symbol.for]: information, and one state when executed', async () => {
    const dir = writeFixture(
      'dual-shared',
      files(
        `export const store: Map<string, unknown> = ((globalThis as any)[Symbol.for('app.state')] ??= new Map())\n`,
      ),
    )
    const result = await runTsdown(dir)
    expect(result.exitCode, result.output).toBe(0)
    expect(result.output).toContain('SINGLETON_COPIES_SHARE_STATE: src/state.ts has 2 copies, but they share one state')
    expect(await execute<{ seen: boolean }>(dir, PROBE)).toEqual({ seen: true })
  })

  it('the same with a plain Map: formats: error fails, and the executed formats do not share', async () => {
    const dir = writeFixture('dual-plain', files(`export const store: Map<string, unknown> = new Map()\n`))
    const result = await runTsdown(dir)
    expect(result.exitCode).not.toBe(0)
    expect(result.output).toContain('SINGLETON_DUPLICATED_ACROSS_OUTPUTS')
    // The failed build wrote nothing the probe could load: build the same bytes with a warning.
    fs.writeFileSync(path.join(dir, 'tsdown.config.ts'), config("'warn'"))
    expect((await runTsdown(dir)).exitCode).toBe(0)
    expect(await execute<{ seen: boolean }>(dir, PROBE)).toEqual({ seen: false })
  })
})

describe('sharedStateOf: what counts as state shared through a process-wide slot', () => {
  it.each([
    ['a slot filled with ??=', `export const s = (globalThis[Symbol.for('k')] ??= new Map())`, true],
    ['a slot under a const key', `const K = Symbol.for('k')\nexport const s = (globalThis[K] ||= new Set())`, true],
    [
      'a slot filled by a statement',
      `globalThis[Symbol.for('k')] ??= new Map()\nexport const get = () => globalThis[Symbol.for('k')]`,
      true,
    ],
    [
      'TypeScript wrappers',
      `export const s = ((globalThis as any)[Symbol.for('k')] ??= new Map()) as Map<string, number>`,
      true,
    ],
    ['a plain Map', `export const s = new Map()`, false],
    [
      'a slot beside a plain Map',
      `export const s = (globalThis[Symbol.for('k')] ??= new Map())\nexport const t = new Map()`,
      false,
    ],
    ['a slot beside a let', `export const s = (globalThis[Symbol.for('k')] ??= new Map())\nexport let n = 0`, false],
    ['a per-copy Symbol()', `export const s = (globalThis[Symbol('k')] ??= new Map())`, false],
    [
      'a class with static state',
      `export const s = (globalThis[Symbol.for('k')] ??= new Map())\nexport class A { static n = 0 }`,
      false,
    ],
    [
      'CommonJS: module.exports = slot',
      `const { format } = require('node:util')\nmodule.exports = globalThis[Symbol.for('k')] ??= new Map()`,
      true,
    ],
    [
      'CommonJS: a slot beside a Map on exports',
      `exports.store = globalThis[Symbol.for('k')] ??= new Map()\nexports.local = new Map()`,
      false,
    ],
    [
      'CommonJS: an export map of a slot binding and functions',
      `const store = globalThis[Symbol.for('k')] ??= new Map()\nmodule.exports = { store, get: (k) => store.get(k) }`,
      true,
    ],
    [
      'CommonJS: an export map holding a new Map',
      `const store = globalThis[Symbol.for('k')] ??= new Map()\nmodule.exports = { store, local: new Map() }`,
      false,
    ],
  ])('%s', (_, code, shared) => {
    expect(sharedStateOf(code, 'module.ts').shared).toBe(shared)
  })
})
