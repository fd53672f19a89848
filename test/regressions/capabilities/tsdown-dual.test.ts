import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../helpers/cli.ts'
import { execute, statefulModule, writeFixture } from '../../helpers/fixture.ts'
import { importPlugin, runTsdown } from '../../helpers/tsdown.ts'

describe('tsdown esm + cjs with promote', () => {
  it('promoted names per format (.mjs, .cjs), both formats execute with one realm each, the CLI agrees', async () => {
    const dir = writeFixture('td-dual-promote', {
      'package.json': JSON.stringify({ name: 'lib', version: '1.0.0', type: 'module' }),
      'tsconfig.json': JSON.stringify({
        compilerOptions: { target: 'es2023', module: 'preserve', strict: true, skipLibCheck: true },
      }),
      'src/state.ts': `${statefulModule()}export function v(): number { return 1 }\n`,
      'src/lazy/reader.runtime.ts': `import { store } from '../state.ts'\nexport const read = (k: string): unknown => store.get(k)\n`,
      'src/index.ts': `import { store } from './state.ts'\nexport const write = (k: string, val: unknown): void => { store.set(k, val) }\nexport const reader = (): Promise<typeof import('./lazy/reader.runtime.ts')> => import('./lazy/reader.runtime.ts')\n`,
      'tsdown.config.ts': `import { defineConfig } from 'tsdown'\n${importPlugin}\nexport default defineConfig({ entry: ['src/index.ts'], format: ['esm', 'cjs'], sourcemap: true, dts: true, plugins: [singletonGuard({ singletons: 'src/state.ts', promote: true })] })\n`,
    })
    const built = await runTsdown(dir)
    expect(built.exitCode, built.output).toBe(0)
    const files = (fs.readdirSync(path.join(dir, 'dist'), { recursive: true }) as string[])
      .map((f) => f.split(path.sep).join('/'))
      .filter((f) => /\.[cm]?js$/.test(f))
      .sort()
    expect(files).toEqual(
      expect.arrayContaining([
        'index.mjs',
        'index.cjs',
        'state.mjs',
        'state.cjs',
        'lazy/reader.runtime.mjs',
        'lazy/reader.runtime.cjs',
      ]),
    )
    const t = await execute<{ a: boolean; b: boolean }>(
      dir,
      `import { createRequire } from 'node:module'
const e = await import('./dist/index.mjs'); e.write('k', 1)
const c = createRequire(import.meta.url)('./dist/index.cjs'); c.write('k', 2)
console.log(JSON.stringify({ a: (await e.reader()).read('k') === 1, b: (await c.reader()).read('k') === 2 }))`,
    )
    expect(t).toEqual({ a: true, b: true })
    const run = await runCli(dir, ['audit', 'dist', '--singletons', 'src/state.ts', '--json'])
    const json = JSON.parse(run.stdout)
    expect(run.exitCode).toBe(0)
    expect(json.findings.map((f: { code: string }) => f.code)).toEqual(['SINGLETON_DUPLICATED_ACROSS_OUTPUTS'])
    expect(json.unattributed).toEqual([])
  })
})
