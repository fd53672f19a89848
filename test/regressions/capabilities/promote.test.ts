import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { build } from '../../helpers/build.ts'
import { execute, statefulModule, writeFixture, type FixtureFiles } from '../../helpers/fixture.ts'

function service(extra: FixtureFiles = {}): FixtureFiles {
  return {
    'package.json': JSON.stringify({ name: 'svc', version: '1.0.0', type: 'module' }),
    'src/state.js': `${statefulModule()}export function v() { return 1 }\n`,
    'src/lazy/reader.runtime.js': `import { store } from '../state.js'\nexport const read = (k) => store.get(k)\n`,
    'src/lazy/plain.runtime.js': `export const plain = () => 'plain'\n`,
    'src/main.js': `import { store } from './state.js'\nexport const write = (k, val) => store.set(k, val)\nexport const reader = () => import('./lazy/reader.runtime.js')\nexport const plain = () => import('./lazy/plain.runtime.js')\n`,
    ...extra,
  }
}

const sorted = (files: string[] | undefined) => (files ?? []).filter((f) => f.endsWith('.js')).sort()

describe('promote', () => {
  it("boundaries: 'all' names the same files for an entry array and for named entries", async () => {
    const a = writeFixture('pr-array', service())
    const b = writeFixture('pr-named', service())
    const guard = { singletons: 'src/state.js', promote: { boundaries: 'all' as const } }
    const ra = await build(a, { input: ['src/main.js'], guard })
    const rb = await build(b, { input: { main: 'src/main.js' }, guard })
    expect(ra.error).toBeUndefined()
    expect(rb.error).toBeUndefined()
    expect(sorted(ra.files[0])).toEqual(['lazy/plain.runtime.js', 'lazy/reader.runtime.js', 'main.js', 'state.js'])
    expect(sorted(rb.files[0])).toEqual(sorted(ra.files[0]))
  })

  it('promote.base outside root: promoted files stay inside the output folder', async () => {
    const dir = writeFixture('pr-base-out', service())
    const r = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'src/state.js', promote: { base: '../elsewhere', boundaries: 'all' } },
    })
    const outside = fs.readdirSync(path.dirname(dir)).filter((f) => f === 'lazy' || f === 'state.js')
    expect(outside).toEqual([])
    if (r.error === undefined) {
      for (const file of r.files[0] ?? []) expect(file.startsWith('..')).toBe(false)
      const t = await execute<{ seen: boolean }>(
        dir,
        `const m = await import('./dist/main.js'); m.write('k', 1); console.log(JSON.stringify({ seen: (await m.reader()).read('k') === 1 }))`,
      )
      expect(t.seen).toBe(true)
    } else {
      expect(r.error).toMatch(/promote\.base/)
    }
  })

  it("a rebuild where a boundary is removed: the stale promoted file and the user's own files are left in place", async () => {
    const dir = writeFixture('pr-stale', service())
    const guard = { singletons: 'src/state.js', promote: { boundaries: 'all' as const } }
    expect((await build(dir, { input: { main: 'src/main.js' }, guard })).error).toBeUndefined()
    fs.writeFileSync(path.join(dir, 'dist/user-notes.js'), '// mine\n')
    fs.writeFileSync(
      path.join(dir, 'src/main.js'),
      `import { store } from './state.js'\nexport const write = (k, val) => store.set(k, val)\nexport const reader = () => import('./lazy/reader.runtime.js')\n`,
    )
    const second = await build(dir, { input: { main: 'src/main.js' }, guard })
    expect(second.error).toBeUndefined()
    expect(sorted(second.files[0])).toEqual(['lazy/reader.runtime.js', 'main.js', 'state.js'])
    expect(fs.existsSync(path.join(dir, 'dist/user-notes.js'))).toBe(true)
    expect(fs.existsSync(path.join(dir, 'dist/lazy/plain.runtime.js'))).toBe(true)
  })

  it('promote with codeSplitting: false: no SINGLETON_PROMOTED claim', async () => {
    const dir = writeFixture('pr-nosplit', service())
    const r = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'src/state.js', promote: { boundaries: 'all' } },
      outputs: [{ dir: 'dist', codeSplitting: false }],
    })
    expect(r.error).toBeUndefined()
    expect(r.infos.map((i) => i.code)).not.toContain('SINGLETON_PROMOTED')
  })

  it('promote with preserveModules (README: "it does nothing") claims stable names it did not give', async () => {
    const dir = writeFixture('pr-preserve', service())
    const r = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'src/state.js', promote: { boundaries: 'all' } },
      outputs: [{ dir: 'dist', preserveModules: true, entryFileNames: '[name]-[hash].js' }],
    })
    expect(r.error).toBeUndefined()
    // The executed truth of the names: every file keeps its hash, so a rebuild renames them all.
    expect(sorted(r.files[0]).every((f) => /-[\w-]{6,}\.js$/.test(f))).toBe(true)
    // Yet the build says: "2 modules promoted to stable entries ... "state": "src/state.js"".
    expect(r.infos.map((i) => i.code)).not.toContain('SINGLETON_PROMOTED')
  })

  it('two outputs (esm .js and cjs .cjs) of one build: each keeps its own extension, both execute with one realm', async () => {
    const dir = writeFixture('pr-two-outputs', service())
    const r = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'src/state.js', promote: true },
      outputs: [
        { dir: 'dist/esm' },
        { dir: 'dist/cjs', format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: '[name]-[hash].cjs' },
      ],
    })
    expect(r.error).toBeUndefined()
    expect(r.files[0]).toEqual(expect.arrayContaining(['lazy/reader.runtime.js', 'state.js']))
    expect(r.files[1]).toEqual(expect.arrayContaining(['lazy/reader.runtime.cjs', 'state.cjs']))
    const t = await execute<{ a: boolean; b: boolean }>(
      dir,
      `import { createRequire } from 'node:module'
const e = await import('./dist/esm/main.js'); e.write('k', 1)
const c = createRequire(import.meta.url)('./dist/cjs/main.cjs'); c.write('k', 2)
console.log(JSON.stringify({ a: (await e.reader()).read('k') === 1, b: (await c.reader()).read('k') === 2 }))`,
    )
    expect(t).toEqual({ a: true, b: true })
  })

  it('a singleton from an installed package is promoted as vendor/<pkg>/<subpath> and the build executes', async () => {
    const dir = writeFixture(
      'pr-vendor',
      service({
        'src/state.js': `export { store } from 'shared-state'\n`,
        'node_modules/shared-state/package.json': JSON.stringify({
          name: 'shared-state',
          version: '1.0.0',
          type: 'module',
          exports: { '.': './lib/index.js' },
        }),
        'node_modules/shared-state/lib/index.js': statefulModule(),
      }),
    )
    const r = await build(dir, { input: { main: 'src/main.js' }, guard: { singletons: 'shared-state', promote: true } })
    expect(r.error).toBeUndefined()
    expect(r.files[0]?.some((f) => f.startsWith('vendor/shared-state/'))).toBe(true)
    const t = await execute<{ seen: boolean; realms: number }>(
      dir,
      `const m = await import('./dist/main.js'); m.write('k', 1); console.log(JSON.stringify({ seen: (await m.reader()).read('k') === 1, realms: globalThis.__evaluations.state }))`,
    )
    expect(t).toEqual({ seen: true, realms: 1 })
  })

  it("chunkFileNames with the hash first ('[hash]/[name].js') gives a usable name", async () => {
    const dir = writeFixture('pr-hash-first', service())
    const r = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'src/state.js', promote: true },
      outputs: [{ dir: 'dist', entryFileNames: 'js/[name].[hash:8].js', chunkFileNames: 'js/[hash:8]-[name].js' }],
    })
    expect(r.error).toBeUndefined()
    expect(r.files[0]?.filter((f) => /state|reader/.test(f)).sort()).toEqual([
      'js/lazy/reader.runtime.js',
      'js/state.js',
    ])
  })
})
