import fs from 'node:fs'
import path from 'node:path'
import { init, parse } from 'es-module-lexer'
import { rolldown } from 'rolldown'
import { describe, expect, it } from 'vitest'
import { classifyState } from '../src/core/state-classifier.ts'
import { writeFixture, type FixtureFiles } from './helpers/fixture.ts'

/**
 * The classifier on a module's code as a bundle prints it: each module's slice of a real
 * rolldown chunk (`chunk.modules[id].code`, what a `//#region` holds: imports and exports gone,
 * renamed bindings, a CommonJS module inside `__commonJSMin`, a lazily initialised ES module
 * inside `__esmMin`), judged the same as the module's own source.
 */

interface Slice {
  code: string
  /** The module's exports still used, by other modules of the chunk or by importers of the chunk (what a region cannot show). */
  exportedNames: string[]
}

async function slicesOf(dir: string, input: string): Promise<Map<string, Slice>> {
  await init
  const bundle = await rolldown({ input: path.join(dir, input), cwd: dir, logLevel: 'silent' })
  const { output } = await bundle.generate({ format: 'es' })
  await bundle.close()
  const slices = new Map<string, Slice>()
  for (const chunk of output) {
    if (chunk.type !== 'chunk') continue
    // The chunk's own export statement names local bindings, after any renaming.
    const chunkExports = parse(chunk.code)[1].flatMap((entry) =>
      'localName' in entry && entry.localName ? [entry.localName] : [],
    )
    for (const [id, module] of Object.entries(chunk.modules)) {
      if (!module.code) continue
      slices.set(path.relative(dir, id), {
        code: module.code,
        exportedNames: [...module.renderedExports, ...chunkExports],
      })
    }
  }
  return slices
}

const project: FixtureFiles = {
  'package.json': JSON.stringify({ name: 'app', type: 'module' }),
  'src/main.ts': `import { remember, lookup } from './cache.ts'
import { isHelp } from './flags.js'
import { add } from './pure.js'
import legacy from 'legacy'
import lazy from './lazy-reader.cjs'
export { remember, lookup, isHelp, add, legacy, lazy }
`,
  'src/cache.ts': `const entries: Map<string, number> = new Map()
let hits = 0
export function remember(key: string, value: number): void { entries.set(key, value) }
export function lookup(key: string): number | undefined { hits++; return entries.get(key) }
`,
  'src/flags.js': `const HELP = new Set(['-h', '--help'])
export const isHelp = (arg) => HELP.has(arg)
`,
  'src/pure.js': `export const add = (a, b) => a + b\nexport const ZERO = 0\n`,
  'node_modules/legacy/package.json': JSON.stringify({ name: 'legacy', main: 'index.js' }),
  'node_modules/legacy/index.js': `var cache = {}
module.exports = function get(k) { return cache[k] || (cache[k] = String(k)) }
`,
  // Required from CommonJS: rolldown wraps this ES module in __esmMin and assigns its bindings there.
  'src/lazy-reader.cjs': `module.exports = require('./queue.js')\n`,
  'src/queue.js': `export const jobs = []\nexport function enqueue(job) { jobs.push(job) }\n`,
}

describe('the classifier on bundled regions', () => {
  it('judges each module of a real rolldown chunk as it judges its source', async () => {
    const dir = writeFixture('regions', project)
    const slices = await slicesOf(dir, 'src/main.ts')
    const expected: Record<string, { kind: string; bindings: string[] }> = {
      'src/cache.ts': { kind: 'stateful', bindings: ['entries', 'hits'] },
      'src/flags.js': { kind: 'stateless', bindings: [] },
      'src/pure.js': { kind: 'stateless', bindings: [] },
      'node_modules/legacy/index.js': { kind: 'stateful', bindings: ['cache'] },
      'src/queue.js': { kind: 'stateful', bindings: ['jobs'] },
    }
    for (const [file, truth] of Object.entries(expected)) {
      const slice = slices.get(file)
      expect(slice, `${file} has a slice`).toBeDefined()
      // The slice is not the source: the bundle rewrote it.
      const source = fs.readFileSync(path.join(dir, file), 'utf8')
      expect(slice?.code).not.toBe(source)
      for (const verdict of [
        classifyState(source, file),
        classifyState(slice?.code ?? '', 'chunk.js', { exportedNames: slice?.exportedNames }),
      ]) {
        const bindings = 'evidence' in verdict ? [...new Set(verdict.evidence.map((item) => item.binding))] : []
        expect({ file, kind: verdict.kind, bindings }).toEqual({ file, ...truth })
      }
    }
    // The wrappers are in the slices, as a reader of the dist meets them.
    expect(slices.get('node_modules/legacy/index.js')?.code).toContain('__commonJSMin')
    expect(slices.get('src/queue.js')?.code).toContain('__esmMin')
  })

  it('cannot tell a read-only Set from a filled one without the chunk’s exports, and says so by keeping it', async () => {
    const dir = writeFixture('regions-exports', project)
    const slice = (await slicesOf(dir, 'src/main.ts')).get('src/flags.js')
    expect(classifyState(slice?.code ?? '', 'chunk.js').kind).toBe('stateful')
    expect(classifyState(slice?.code ?? '', 'chunk.js', { exportedNames: slice?.exportedNames }).kind).toBe('stateless')
  })
})
