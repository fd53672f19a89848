// Corpus B: a deterministic synthetic graph of `size` modules.
// 60% of the modules form a static core reached from the entries; the rest is split into lazy
// regions, each reached only through dynamic import() (so each becomes its own chunks) and each
// also importing some core modules statically (code shared across chunks, as in real apps).
// Inside a region, module i is imported by a random earlier module of the region (so everything
// is reachable) plus a few forward edges; static edges never point back up, so no cycles.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const ENTRIES = 4
const LAZY_REGIONS = 8
const CORE_SHARE = 0.6
const PER_DIR = 100
const STATEFUL_EVERY = 1000 // a few modules hold top-level state
const SINGLETON_EVERY = 40 // ~2.5% of modules import the declared singleton

// mulberry32: small, seedable, good enough for shaping a graph.
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const file = (i) => `m${Math.floor(i / PER_DIR)}/m${i}.js`

function moduleSource(i, staticDeps, dynamicDeps) {
  const lines = []
  for (const d of staticDeps) lines.push(`import { f${d} } from '../${file(d)}'`)
  if (i % SINGLETON_EVERY === 0) lines.push(`import { register } from '../shared/registry.js'`)
  lines.push('')
  if (i % STATEFUL_EVERY === 0) lines.push('const pending = new Map()')
  lines.push(`export const NAME_${i} = 'module-${i}'`)
  lines.push(`export function f${i}(x) {`)
  lines.push(`  let acc = x * ${(i % 97) + 1} + ${i % 13}`)
  for (const d of staticDeps) lines.push(`  acc = (acc + f${d}(acc & 0xff)) % 1000003`)
  if (i % STATEFUL_EVERY === 0) lines.push(`  pending.set(acc, NAME_${i})`)
  if (i % SINGLETON_EVERY === 0) lines.push(`  register(NAME_${i}, acc)`)
  lines.push(`  return acc`)
  lines.push('}')
  lines.push(`export class C${i} {`)
  lines.push(`  constructor(v) { this.v = v; this.label = NAME_${i} + ':' + String(v) }`)
  lines.push(`  run() { return f${i}(this.v) }`)
  lines.push('}')
  for (const d of dynamicDeps) {
    lines.push(`export const load${d} = () => import('../${file(d)}').then((m) => m.f${d}(1))`)
  }
  return lines.join('\n') + '\n'
}

// Returns { static: number[][], dynamic: number[][] }: the edges of every module.
function shapeGraph(size, rand) {
  const pick = (lo, hi) => lo + Math.floor(rand() * (hi - lo)) // [lo, hi)
  const edges = {
    static: Array.from({ length: size }, () => []),
    dynamic: Array.from({ length: size }, () => []),
  }

  const coreEnd = Math.floor(size * CORE_SHARE)
  const regions = [[0, coreEnd, ENTRIES]] // [lo, hi, roots]
  const lazySize = Math.floor((size - coreEnd) / LAZY_REGIONS)
  for (let r = 0; r < LAZY_REGIONS; r++) {
    const lo = coreEnd + r * lazySize
    regions.push([lo, r === LAZY_REGIONS - 1 ? size : lo + lazySize, 1])
  }

  for (const [r, [lo, hi, roots]] of regions.entries()) {
    for (let i = lo + roots; i < hi; i++) edges.static[pick(lo, i)].push(i)
    for (let i = lo; i < hi - 1; i++) {
      const extra = pick(0, 3)
      for (let k = 0; k < extra; k++) edges.static[i].push(pick(i + 1, hi))
      if (r > 0 && rand() < 0.3) edges.static[i].push(pick(0, coreEnd))
    }
    if (r > 0) {
      // Each lazy region is entered from three core modules and from the previous region.
      for (let k = 0; k < 3; k++) edges.dynamic[pick(0, coreEnd)].push(lo)
      if (r > 1) edges.dynamic[pick(regions[r - 1][0], regions[r - 1][1])].push(lo)
    }
  }
  for (const list of [...edges.static, ...edges.dynamic]) {
    const unique = [...new Set(list)]
    list.length = 0
    list.push(...unique)
  }
  return edges
}

export function writeGeneratedCorpus(workDir, size, seed = 20240611) {
  const dir = join(workDir, `corpus-generated-${size}`)
  rmSync(dir, { recursive: true, force: true })
  const edges = shapeGraph(size, random(seed))

  for (let d = 0; d * PER_DIR < size; d++) mkdirSync(join(dir, `m${d}`), { recursive: true })
  mkdirSync(join(dir, 'shared'), { recursive: true })
  writeFileSync(
    join(dir, 'shared/registry.js'),
    `// Top-level state: must be evaluated once per process.
const entries = new Map()
export function register(name, value) { entries.set(name, value) }
export function lookup(name) { return entries.get(name) }
`,
  )
  for (let i = 0; i < size; i++) {
    writeFileSync(join(dir, file(i)), moduleSource(i, edges.static[i], edges.dynamic[i]))
  }

  const input = {}
  for (let e = 0; e < ENTRIES; e++) {
    const path = join(dir, `entry${e}.js`)
    writeFileSync(path, `export * from './${file(e)}'\nexport { lookup } from './shared/registry.js'\n`)
    input[`entry${e}`] = path
  }
  return {
    name: `generated-${size}`,
    input,
    root: dir,
    singletons: ['shared/registry.js'],
    singletonId: /shared\/registry\.js$/,
  }
}
