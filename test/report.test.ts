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
    expect(report.version).toBe(1)
    expect(report.outputs.map((o) => `${o.dir} ${o.format}`)).toEqual(['dist/a es', 'dist/b es'])
    expect(report.outputs[0]?.chunks).toEqual([
      {
        fileName: 'a.js',
        isEntry: true,
        isDynamicEntry: false,
        facadeModule: 'src/a.js',
        isFacade: false,
        modules: ['src/a.js'],
      },
      {
        fileName: 'b-[hash].js',
        isEntry: false,
        isDynamicEntry: true,
        facadeModule: 'src/b.js',
        isFacade: false,
        modules: ['src/b.js'],
      },
      {
        fileName: 'state-[hash].js',
        isEntry: false,
        isDynamicEntry: false,
        facadeModule: null,
        isFacade: false,
        modules: ['src/state.js'],
      },
    ])
    expect(report.singletons).toEqual([
      {
        module: 'src/state.js',
        declaredBy: ["'src/state.js'"],
        copies: [
          { output: 'dist/a', format: 'es', chunks: ['state-[hash].js'], id: 'src/state.js', sharedFactory: false },
          { output: 'dist/b', format: 'es', chunks: ['b.js'], id: 'src/state.js', sharedFactory: false },
        ],
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

  it('is not written unless asked for', async () => {
    const dir = writeFixture('no-report', files)
    const result = await build(dir, { input: { a: 'src/a.js' }, guard: { singletons: 'src/state.js' } })
    expect(result.files[0]?.some((file) => file.endsWith('.json'))).toBe(false)
  })
})
