import fs from 'node:fs'
import path from 'node:path'
import { rollup, type RollupLog } from 'rollup'
import { describe, expect, it } from 'vitest'
import { singletonGuard } from '../../../src/index.ts'
import { execute, statefulModule, writeFixture } from '../../helpers/fixture.ts'

function lib(): string {
  return writeFixture('rb-rollup', {
    'package.json': JSON.stringify({ name: 'lib', version: '1.0.0', type: 'module' }),
    'src/state.js': `${statefulModule()}export function v() { return 1 }\n`,
    'src/reader.runtime.js': `import { store } from './state.js'\nexport const read = (k) => store.get(k)\n`,
    'src/main.js': `import { store } from './state.js'\nexport const write = (k, val) => store.set(k, val)\nexport const reader = () => import('./reader.runtime.js')\n`,
  })
}

async function rollupArray(dir: string, plugin: unknown, outputs: object[]) {
  const logs: { level: string; code: string; message: string }[] = []
  let error: { message: string; code?: string; pluginCode?: string } | undefined
  const files: string[][] = []
  try {
    const bundle = await rollup({
      input: { main: path.join(dir, 'src/main.js') },
      plugins: [plugin as never],
      onLog(level, log: RollupLog) {
        if (log.plugin?.startsWith('singleton-guard'))
          logs.push({ level, code: String(log.pluginCode ?? log.code), message: log.message })
      },
    })
    for (const output of outputs) {
      const written = await bundle.write({ ...output, dir: path.join(dir, (output as { dir: string }).dir) })
      files.push(written.output.map((o) => o.fileName).sort())
    }
    await bundle.close()
  } catch (e) {
    error = e as never
  }
  return { logs, error, files }
}

describe('Rollup 4', () => {
  it('an output array (es + cjs): the format copy is a warning naming both formats, the build passes', async () => {
    const dir = lib()
    const r = await rollupArray(dir, singletonGuard({ root: dir, singletons: 'src/state.js' }), [
      { dir: 'dist/es', format: 'es' },
      { dir: 'dist/cjs', format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: '[name]-[hash].cjs' },
    ])
    expect(r.error).toBeUndefined()
    const warn = r.logs.find((l) => l.code === 'SINGLETON_DUPLICATED_ACROSS_OUTPUTS')
    expect(warn?.level).toBe('warn')
    expect(warn?.message).toMatch(/\bes\b/)
    expect(warn?.message).toMatch(/\bcjs\b/)
  })

  it('an output array (es + cjs) with formats: error fails the build', async () => {
    const dir = lib()
    const r = await rollupArray(dir, singletonGuard({ root: dir, singletons: 'src/state.js', formats: 'error' }), [
      { dir: 'dist/es', format: 'es' },
      { dir: 'dist/cjs', format: 'cjs', entryFileNames: '[name].cjs' },
    ])
    expect(r.error?.message).toContain('SINGLETON_DUPLICATED_ACROSS_OUTPUTS')
  })

  it('an output array (es + cjs) with promote: stable names in both, each executes with one realm, claims match files', async () => {
    const dir = lib()
    const r = await rollupArray(dir, singletonGuard({ root: dir, singletons: 'src/state.js', promote: true }), [
      { dir: 'dist/es', format: 'es' },
      { dir: 'dist/cjs', format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: '[name]-[hash].cjs' },
    ])
    expect(r.error).toBeUndefined()
    expect(r.files).toEqual([
      ['main.js', 'reader.runtime.js', 'state.js'],
      ['main.cjs', 'reader.runtime.cjs', 'state.cjs'],
    ])
    expect(r.logs.filter((l) => l.level === 'warn' && l.code !== 'SINGLETON_DUPLICATED_ACROSS_OUTPUTS')).toEqual([])
    const t = await execute<{ a: boolean; b: boolean }>(
      dir,
      `import { createRequire } from 'node:module'
const e = await import('./dist/es/main.js'); e.write('k', 1)
const c = createRequire(import.meta.url)('./dist/cjs/main.cjs'); c.write('k', 2)
console.log(JSON.stringify({ a: (await e.reader()).read('k') === 1, b: (await c.reader()).read('k') === 2 }))`,
    )
    expect(t).toEqual({ a: true, b: true })
  })

  it("promote with boundaries: 'all' and preserveModules under Rollup: no false claim", async () => {
    const dir = lib()
    const r = await rollupArray(
      dir,
      singletonGuard({ root: dir, singletons: 'src/state.js', promote: { boundaries: 'all' } }),
      [{ dir: 'dist', format: 'es', preserveModules: true, entryFileNames: '[name]-[hash].js' }],
    )
    expect(r.error).toBeUndefined()
    expect(r.files[0]?.every((f) => /-[\w-]{6,}\.js$/.test(f))).toBe(true)
    expect(r.logs.map((l) => l.code)).not.toContain('SINGLETON_PROMOTED')
  })

  it('promote with inlineDynamicImports under Rollup: no false claim', async () => {
    const dir = lib()
    const r = await rollupArray(dir, singletonGuard({ root: dir, singletons: 'src/state.js', promote: true }), [
      { dir: 'dist', format: 'es', inlineDynamicImports: true },
    ])
    expect(r.error).toBeUndefined()
    expect(r.files[0]).toEqual(['main.js'])
    expect(r.logs.map((l) => l.code)).not.toContain('SINGLETON_PROMOTED')
    expect(fs.existsSync(path.join(dir, 'dist/state.js'))).toBe(false)
  })
})
