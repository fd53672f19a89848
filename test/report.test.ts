import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { singletonGuard, type SingletonReport } from '../src/index.ts'
import { build } from './helpers/build.ts'
import { statefulModule, writeFixture } from './helpers/fixture.ts'

const files = {
  'package.json': JSON.stringify({ name: 'app', type: 'module' }),
  'src/state.js': statefulModule(),
  'src/a.js': `import { store } from './state.js'\nexport const write = (k, v) => store.set(k, v)\nexport const lazy = () => import('./b.js')\n`,
  'src/b.js': `import { store } from './state.js'\nexport const read = (k) => store.get(k)\n`,
}

function readReport(dir: string, file: string): SingletonReport {
  return JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as SingletonReport
}

describe('the JSON report', () => {
  it('records every output, chunk, singleton copy and finding under a versioned schema', async () => {
    const dir = writeFixture('report', files)
    const guard = singletonGuard({ root: dir, singletons: 'src/state.js', builds: 'warn', report: 'guard/report.json' })
    await build(dir, { input: { a: 'src/a.js' }, outputs: [{ dir: 'dist/a' }], plugin: guard })
    const second = await build(dir, { input: { b: 'src/b.js' }, outputs: [{ dir: 'dist/b' }], plugin: guard })
    expect(second.warnings.map((w) => w.code)).toEqual(['SINGLETON_DUPLICATED_ACROSS_BUILDS'])

    const report = JSON.parse(
      JSON.stringify(readReport(dir, 'dist/b/guard/report.json')).replace(/-[\w-]{8}\.js/g, '-[hash].js'),
    ) as SingletonReport
    expect(report.version).toBe(2)
    // The report of dist/b describes dist/b: the earlier output is named only where a finding involves it.
    expect(report.output).toEqual({
      dir: 'dist/b',
      format: 'es',
      realm: 'default',
      chunks: [
        {
          fileName: 'b.js',
          isEntry: true,
          isDynamicEntry: false,
          facadeModule: 'src/b.js',
          isFacade: false,
          modules: ['src/state.js', 'src/b.js'],
        },
      ],
    })
    const first = readReport(dir, 'dist/a/guard/report.json')
    expect(first.output.chunks.map((chunk) => chunk.fileName.replace(/-[\w-]{8}\.js/, '-[hash].js')).sort()).toEqual([
      'a.js',
      'b-[hash].js',
      'state-[hash].js',
    ])
    expect(first.findings).toEqual([])
    expect(report.singletons).toEqual([
      {
        module: 'src/state.js',
        scope: 'module',
        declaredBy: ["'src/state.js'"],
        copies: [{ chunks: ['b.js'], id: 'src/state.js', sharedFactory: false }],
        facades: [],
      },
    ])
    expect(report.findings).toHaveLength(1)
    expect(report.findings[0]).toMatchObject({
      code: 'SINGLETON_DUPLICATED_ACROSS_BUILDS',
      severity: 'warn',
      module: 'src/state.js',
      causes: ['separate-builds'],
      copies: [
        {
          output: 'dist/a',
          chunks: ['state-[hash].js'],
          chain: [
            { module: 'src/a.js', edge: 'entry' },
            { module: 'src/state.js', edge: 'static' },
          ],
        },
        {
          output: 'dist/b',
          chunks: ['b.js'],
          chain: [
            { module: 'src/b.js', edge: 'entry' },
            { module: 'src/state.js', edge: 'static' },
          ],
        },
      ],
    })
  })

  it('stays the size of its own output however many outputs share the instance', async () => {
    const dir = writeFixture('report-proportional', files)
    const guard = singletonGuard({
      root: dir,
      singletons: 'src/state.js',
      builds: 'ignore',
      formats: 'ignore',
      report: true,
    })
    const sizes: number[] = []
    for (let i = 0; i < 6; i++) {
      await build(dir, { input: { [`a${i}`]: 'src/a.js' }, outputs: [{ dir: `dist/${i}` }], plugin: guard })
      sizes.push(fs.statSync(path.join(dir, `dist/${i}/singleton-report.json`)).size)
    }
    // Every output is alike, so every report must be alike in size (names differ by one digit).
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThan(40)
  })

  it('refuses a report name that is already a file of the output, and keeps that file', async () => {
    const dir = writeFixture('report-name-taken', files)
    const result = await build(dir, { input: { a: 'src/a.js' }, guard: { singletons: 'src/state.js', report: 'a.js' } })
    expect(result.errorCode).toBe('SINGLETON_REPORT_NAME_TAKEN')
    expect(result.error).toContain('the report file name "a.js" is already a file of this output')
  })

  it('is not written unless asked for', async () => {
    const dir = writeFixture('no-report', files)
    const result = await build(dir, { input: { a: 'src/a.js' }, guard: { singletons: 'src/state.js' } })
    expect(result.files[0]?.some((file) => file.endsWith('.json'))).toBe(false)
  })
})
