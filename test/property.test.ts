import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { OutputOptions } from 'rolldown'
import { build } from './helpers/build.ts'
import { execute, statefulModule, writeFixture, type FixtureFiles } from './helpers/fixture.ts'
import { queryLoader } from './helpers/query-loader.ts'

/**
 * Random module graphs with static and dynamic edges, importing one stateful module along
 * random paths (the plain path, a preserved symlink to its folder, a symlink to the file under
 * another name, a query suffix, a second install with the same or another file layout), with a
 * `#` in its name or not, built under random chunking options and executed: the plugin fails the
 * build exactly when the executed output evaluated the singleton more than once.
 */

type Family = 'file' | 'package'
const FILE_PATHS = (name: string) => [`./${name}`, `linked/${name}`, `./${name}?fresh`, './renamed-link.js'] as const
const PACKAGE_PATHS = ['shared-state', 'other-tool'] as const

interface Graph {
  family: Family
  size: number
  entries: number
  /** edges[i] lists [child, dynamic] pairs, children always after i (no cycles). */
  edges: [number, boolean][][]
  /** For modules that use the singleton: which import path, and whether through import(). */
  uses: ({ path: number; dynamic: boolean } | null)[]
  preserveSymlinks: boolean
  chunking: 'default' | 'single-file' | 'inline-common'
  /** The singleton's file name: `#` in a path is part of it. */
  stateName: 'state.js' | 'state#1.js'
  /** The second install ships its code as `lib/index.js` (main) instead of `index.js` (exports). */
  otherLayout: boolean
}

const graphArbitrary: fc.Arbitrary<Graph> = fc
  .record({
    family: fc.constantFrom<Family>('file', 'package'),
    size: fc.integer({ min: 3, max: 9 }),
    preserveSymlinks: fc.boolean(),
    chunking: fc.constantFrom<Graph['chunking']>('default', 'default', 'single-file', 'inline-common'),
    stateName: fc.constantFrom<Graph['stateName']>('state.js', 'state#1.js'),
    otherLayout: fc.boolean(),
  })
  .chain((base) =>
    fc.record({
      family: fc.constant(base.family),
      size: fc.constant(base.size),
      preserveSymlinks: fc.constant(base.preserveSymlinks),
      chunking: fc.constant(base.chunking),
      stateName: fc.constant(base.stateName),
      otherLayout: fc.constant(base.otherLayout),
      entries: fc.integer({ min: 1, max: base.chunking === 'single-file' ? 1 : 2 }),
      edges: fc.array(fc.array(fc.tuple(fc.nat(), fc.boolean()), { maxLength: 3 }), {
        minLength: base.size,
        maxLength: base.size,
      }),
      uses: fc.array(
        fc.option(fc.record({ path: fc.nat({ max: base.family === 'file' ? 3 : 1 }), dynamic: fc.boolean() }), {
          freq: 2,
        }),
        { minLength: base.size, maxLength: base.size },
      ),
    }),
  )
  .map((graph) => ({
    ...graph,
    // Keep the graph acyclic: an edge from i points to a module after i.
    edges: graph.edges.map((children, i) => {
      if (i >= graph.size - 1) return []
      const byChild = new Map(children.map(([child, dynamic]) => [i + 1 + (child % (graph.size - 1 - i)), dynamic]))
      return [...byChild]
    }),
  }))

function moduleSource(graph: Graph, index: number): string {
  const paths = graph.family === 'file' ? FILE_PATHS(graph.stateName) : PACKAGE_PATHS
  const lines: string[] = []
  const body: string[] = []
  const use = graph.uses[index]
  if (use) {
    const specifier = JSON.stringify(paths[use.path])
    if (use.dynamic) body.push(`  ;(await import(${specifier})).store.set('m${index}', 1)`)
    else {
      lines.push(`import { store } from ${specifier}`)
      body.push(`  store.set('m${index}', 1)`)
    }
  }
  for (const [child, dynamic] of graph.edges[index] ?? []) {
    if (dynamic) body.push(`  await (await import('./m${child}.js')).touch()`)
    else {
      lines.push(`import { touch as touch${child} } from './m${child}.js'`)
      body.push(`  await touch${child}()`)
    }
  }
  lines.push(`export async function touch() {\n${body.join('\n')}\n}`)
  if (index < graph.entries) lines.push('await touch()')
  return `${lines.join('\n')}\n`
}

function fixtureOf(graph: Graph): FixtureFiles {
  const files: FixtureFiles = { 'package.json': JSON.stringify({ name: 'app', type: 'module' }) }
  for (let i = 0; i < graph.size; i++) files[`src/m${i}.js`] = moduleSource(graph, i)
  if (graph.family === 'file') {
    files[`src/${graph.stateName}`] = statefulModule()
    files['src/renamed-link.js'] = { symlink: graph.stateName }
    files['node_modules/linked'] = { symlink: '../src' }
  } else {
    const manifest = (name: string, version: string) =>
      JSON.stringify({ name, version, type: 'module', exports: './index.js' })
    files['node_modules/shared-state/package.json'] = manifest('shared-state', '2.0.0')
    files['node_modules/shared-state/index.js'] = statefulModule()
    files['node_modules/other-tool/package.json'] = manifest('other-tool', '1.0.0')
    files['node_modules/other-tool/index.js'] = `export { store } from 'shared-state'\n`
    const nested = 'node_modules/other-tool/node_modules/shared-state'
    if (graph.otherLayout) {
      files[`${nested}/package.json`] = JSON.stringify({ name: 'shared-state', version: '1.0.0', main: 'lib/index.js' })
      files[`${nested}/lib/index.js`] = statefulModule()
    } else {
      files[`${nested}/package.json`] = manifest('shared-state', '1.0.0')
      files[`${nested}/index.js`] = statefulModule()
    }
  }
  return files
}

function outputOf(graph: Graph): OutputOptions {
  if (graph.chunking === 'single-file') return { dir: 'dist', codeSplitting: false }
  if (graph.chunking === 'inline-common')
    return { dir: 'dist', codeSplitting: { experimentalInlineCommonChunks: { maxSize: 100_000 } } }
  return { dir: 'dist' }
}

const PROBE = (entries: number) => `
for (let i = 0; i < ${entries}; i++) await import('./dist/m' + i + '.js')
console.log(JSON.stringify({ realms: globalThis.__evaluations?.state ?? 0 }))
`

describe('property: the verdict equals the executed truth', () => {
  it('on random graphs, import paths and chunking options', async () => {
    const seen = { split: 0, whole: 0 }
    await fc.assert(
      fc.asyncProperty(graphArbitrary, async (graph) => {
        const dir = writeFixture('property', fixtureOf(graph))
        const input = Object.fromEntries(Array.from({ length: graph.entries }, (_, i) => [`m${i}`, `src/m${i}.js`]))
        const result = await build(dir, {
          input,
          outputs: [outputOf(graph)],
          plugins: [queryLoader],
          guard: { singletons: graph.family === 'file' ? `src/${graph.stateName}` : 'shared-state' },
          inputOptions: {
            resolve: { symlinks: !graph.preserveSymlinks },
            preserveEntrySignatures: graph.chunking === 'inline-common' ? false : 'exports-only',
          },
        })
        const { realms } = await execute<{ realms: number }>(dir, PROBE(graph.entries))
        if (realms > 1) seen.split++
        else seen.whole++
        expect({ realms, verdict: result.errorCode ?? 'passed' }).toEqual({
          realms,
          verdict: realms > 1 ? 'SINGLETON_DUPLICATED' : 'passed',
        })
      }),
      {
        numRuns: Number(process.env.PROPERTY_RUNS ?? 60),
        seed: process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : undefined,
      },
    )
    // A generator that never splits (or never stays whole) would prove nothing.
    expect(seen.split).toBeGreaterThan(5)
    expect(seen.whole).toBeGreaterThan(5)
  })
})
