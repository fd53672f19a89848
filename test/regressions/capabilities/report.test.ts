import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../helpers/cli.ts'
import { statefulModule, writeFixture } from '../../helpers/fixture.ts'
import { importPlugin, runTsdown } from '../../helpers/tsdown.ts'

describe('report with two formats in one folder', () => {
  it("tsdown esm + cjs into one dist with report: true: one output's report silently overwrites the other's", async () => {
    const dir = writeFixture('rep-dual', {
      'package.json': JSON.stringify({ name: 'lib', version: '1.0.0', type: 'module' }),
      'tsconfig.json': JSON.stringify({
        compilerOptions: { target: 'es2023', module: 'preserve', strict: true, skipLibCheck: true },
      }),
      'src/state.ts': statefulModule(),
      'src/index.ts': `export { store } from './state.ts'\n`,
      'tsdown.config.ts': `import { defineConfig } from 'tsdown'\n${importPlugin}\nexport default defineConfig({ entry: ['src/index.ts'], format: ['esm', 'cjs'], sourcemap: true, plugins: [singletonGuard({ singletons: 'src/state.ts', report: true })] })\n`,
    })
    const built = await runTsdown(dir)
    expect(built.exitCode, built.output).toBe(0)
    const reports = fs.readdirSync(path.join(dir, 'dist')).filter((f) => f.endsWith('.json'))
    const formats = reports
      .map((f) => JSON.parse(fs.readFileSync(path.join(dir, 'dist', f), 'utf8')).output.format)
      .sort()
    // One output's report must not silently overwrite the other's.
    expect(formats).toEqual(['cjs', 'es'])
    const run = await runCli(dir, ['audit', 'dist', '--json'])
    expect(JSON.parse(run.stdout).notes.join('\n')).not.toMatch(/stale/)
  })
})

describe('report: Vite library es + cjs in one folder', () => {
  it('the es and cjs outputs of a Vite library each need their report; one overwrites the other', async () => {
    const { viteBuild } = await import('../../helpers/vite.ts')
    const { singletonGuard } = await import('../../../src/index.ts')
    const dir = writeFixture('rep-vite-lib', {
      'package.json': JSON.stringify({ name: 'lib', version: '1.0.0', type: 'module' }),
      'src/state.js': statefulModule(),
      'src/index.js': `export { store } from './state.js'\n`,
    })
    const r = await viteBuild(dir, {
      logLevel: 'silent',
      plugins: [singletonGuard({ root: dir, singletons: 'src/state.js', report: true })],
      build: { outDir: 'dist', lib: { entry: 'src/index.js', formats: ['es', 'cjs'] } },
    })
    expect(r.error).toBeUndefined()
    const reports = fs.readdirSync(path.join(dir, 'dist')).filter((f) => f.endsWith('.json'))
    const formats = reports
      .map((f) => JSON.parse(fs.readFileSync(path.join(dir, 'dist', f), 'utf8')).output.format)
      .sort()
    expect(formats).toEqual(['cjs', 'es'])
  })
})
