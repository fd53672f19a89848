// Overhead benchmark: bare rolldown vs singletonGuard in check and promote mode, on a real corpus
// and a generated one. `npm run bench`, or `npm run bench -- --quick` for a smoke run.
// Env: BENCH_ROUNDS (measured rounds), BENCH_WARMUP (warm-up rounds), BENCH_SIZE (modules in the
// generated corpus), BENCH_PLUGIN (`noop` for a stand-in plugin, or the path of another build).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeRealCorpus } from './corpus-real.mjs'
import { writeGeneratedCorpus } from './corpus-generated.mjs'
import { buildInChild, median } from './measure.mjs'

// CPU over a bare build, ratio of medians: check mode, promote, and everything on (promote, report,
// runtime guard). On the large generated graph (check mode): wall time at most 1.02x, the plugin's
// hooks at most 1% of the build's wall time, peak memory at most +3%.
const TARGETS = { check: 1.03, promote: 1.08, all: 1.12 }
const LARGE_WALL_RATIO = 1.02
const HOOK_WALL_SHARE = 0.01
const MEMORY_SHARE = 0.03
const VARIANTS = ['bare', 'check', 'promote', 'all']

const quick = process.argv.includes('--quick')
const rounds = Number(process.env.BENCH_ROUNDS ?? (quick ? 2 : 5))
const warmup = Number(process.env.BENCH_WARMUP ?? 1)
const size = Number(process.env.BENCH_SIZE ?? (quick ? 2000 : 50000))

const benchDir = fileURLToPath(new URL('.', import.meta.url))
const workDir = join(benchDir, '.work')
const distPlugin = join(benchDir, '../dist/index.mjs')
const srcDir = join(benchDir, '../src')

function pluginSource() {
  const chosen = process.env.BENCH_PLUGIN
  if (chosen === 'noop') {
    return { plugin: 'noop', note: 'STAND-IN no-op plugin: ratios measure the harness only' }
  }
  if (chosen) return { plugin: resolve(chosen), note: resolve(chosen) }
  if (!existsSync(distPlugin)) {
    return { plugin: null, note: 'dist/index.mjs not found: run `npx tsdown` first' }
  }
  const built = statSync(distPlugin).mtimeMs
  const stale =
    existsSync(srcDir) &&
    readdirSync(srcDir, { recursive: true }).some((f) => statSync(join(srcDir, f)).mtimeMs > built)
  const warning = stale ? ' (WARNING: older than src/; run `npx tsdown` to bench current code)' : ''
  return { plugin: distPlugin, note: `dist/index.mjs${warning}` }
}

function benchCorpus(corpus, plugin) {
  const job = (variant, tag) => ({
    ...corpus,
    singletonId: corpus.singletonId.source,
    variant,
    plugin,
    outDir: join(workDir, 'out', `${corpus.name}-${variant}-${tag}`),
  })
  const census = buildInChild(job('census', 'census'))
  if (census.error) throw new Error(`census build of ${corpus.name} failed: ${census.error}`)

  const runs = Object.fromEntries(VARIANTS.map((v) => [v, []]))
  const unavailable = plugin ? {} : { check: 'no plugin build', promote: 'no plugin build', all: 'no plugin build' }
  for (let round = -warmup; round < rounds; round++) {
    for (const variant of VARIANTS) {
      if (unavailable[variant]) continue
      const result = buildInChild(job(variant, round))
      if (result.error && variant === 'bare') {
        throw new Error(`bare build of ${corpus.name} failed: ${result.error}`)
      }
      if (result.error) unavailable[variant] = result.error
      else if (round >= 0) runs[variant].push(result)
      process.stdout.write(result.error ? 'x' : '.')
    }
  }
  process.stdout.write('\n')

  const cpuOf = (rs) => rs.map((r) => r.build.cpuMs)
  const wallOf = (rs) => rs.map((r) => r.build.wallMs)
  const bare = runs.bare
  const variants = {}
  for (const variant of VARIANTS) {
    const rs = runs[variant]
    if (unavailable[variant]) {
      variants[variant] = { unavailable: unavailable[variant] }
      continue
    }
    variants[variant] = {
      cpuMs: median(cpuOf(rs)),
      wallMs: median(wallOf(rs)),
      cpuMinMs: Math.min(...cpuOf(rs)),
      cpuMaxMs: Math.max(...cpuOf(rs)),
      cpuRatio: median(cpuOf(rs)) / median(cpuOf(bare)),
      wallRatio: median(wallOf(rs)) / median(wallOf(bare)),
      // Two views that resist a noisy machine: same-round ratios cancel slow drift, and other
      // processes can only add CPU time, so the fastest runs are closest to the intrinsic cost.
      cpuRatioPaired: median(rs.map((r, i) => r.build.cpuMs / bare[i].build.cpuMs)),
      cpuRatioMin: Math.min(...cpuOf(rs)) / Math.min(...cpuOf(bare)),
      pluginLoadCpuMs: median(rs.map((r) => r.load.cpuMs)),
      hookMs: median(rs.map((r) => r.hookMs)),
      hookShare: median(rs.map((r) => r.hookMs)) / median(cpuOf(bare)),
      hookWallShare: median(rs.map((r) => r.hookMs / r.build.wallMs)),
      maxRssMb: median(rs.map((r) => r.maxRssMb)),
      memoryRatio: median(rs.map((r) => r.maxRssMb)) / median(bare.map((r) => r.maxRssMb)),
      chunks: rs[0].chunks,
      logs: rs[0].firstLogs,
      samples: rs.map((r) => r.build),
    }
  }
  const { graphModules, chunks, singletonInGraph, singletonChunks } = census
  return { corpus: corpus.name, graphModules, chunks, singletonInGraph, singletonChunks, variants }
}

function printTable(result) {
  const where = result.singletonChunks.join(', ') || 'NO CHUNK (check the corpus)'
  console.log(`\n${result.corpus}: ${result.graphModules} modules in the graph, singleton in ${where}`)
  const header = ['variant', 'cpu ms', 'cpu/bare', 'paired', 'min/bare', 'cpu min-max']
  const rows = [
    [...header, 'wall ms', 'wall/bare', 'chunks', 'load cpu ms', 'in hooks ms', 'hooks/wall', 'peak MB', 'mem/bare'],
  ]
  const unavailable = []
  for (const [variant, s] of Object.entries(result.variants)) {
    if (s.unavailable) unavailable.push(`  ${variant}: unavailable: ${s.unavailable}`)
    else {
      const [ms, x] = [(n) => n.toFixed(0), (n) => n.toFixed(3)]
      rows.push([
        variant,
        ms(s.cpuMs),
        x(s.cpuRatio),
        x(s.cpuRatioPaired),
        x(s.cpuRatioMin),
        `${ms(s.cpuMinMs)}-${ms(s.cpuMaxMs)}`,
        ms(s.wallMs),
        x(s.wallRatio),
        String(s.chunks),
        s.pluginLoadCpuMs.toFixed(1),
        s.hookMs.toFixed(1),
        `${(s.hookWallShare * 100).toFixed(1)}%`,
        s.maxRssMb.toFixed(0),
        x(s.memoryRatio),
      ])
    }
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)))
  for (const row of rows) {
    const cells = row.map((cell, c) => (c ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
    console.log(`  ${cells.join('  ')}`)
  }
  for (const line of unavailable) console.log(line)
}

function verdicts(result) {
  const lines = []
  const spread = (result.variants.bare.cpuMaxMs - result.variants.bare.cpuMinMs) / result.variants.bare.cpuMs
  for (const [variant, target] of Object.entries(TARGETS)) {
    const s = result.variants[variant]
    if (!s || s.unavailable) {
      lines.push(`${variant}: not measured`)
      continue
    }
    const met = s.cpuRatio <= target ? 'met' : 'NOT met'
    lines.push(
      `${variant}: ${s.cpuRatio.toFixed(3)}x CPU (paired ${s.cpuRatioPaired.toFixed(3)}, min/min ${s.cpuRatioMin.toFixed(3)}) vs target ${target} -> ${met}; ` +
        `hooks ${s.hookMs.toFixed(1)} ms = ${(s.hookWallShare * 100).toFixed(2)}% of wall; peak memory ${s.memoryRatio.toFixed(3)}x`,
    )
  }
  if (spread > 0.03)
    lines.push(
      `(bare CPU varies ${(spread * 100).toFixed(0)}% across rounds: whole-build ratios carry that noise; hooks/wall does not)`,
    )
  if (result.graphModules >= 40000) {
    const check = result.variants.check
    if (check && !check.unavailable) {
      const hooks = check.hookWallShare <= HOOK_WALL_SHARE ? 'met' : 'NOT met'
      const memory = check.memoryRatio - 1 <= MEMORY_SHARE ? 'met' : 'NOT met'
      const wall = check.wallRatio <= LARGE_WALL_RATIO ? 'met' : 'NOT met'
      lines.push(
        `large graph: wall ${check.wallRatio.toFixed(3)}x (paired ${median(check.samples.map((sample, i) => sample.wallMs / result.variants.bare.samples[i].wallMs)).toFixed(3)}; target ${LARGE_WALL_RATIO}) -> ${wall}; hooks ${(check.hookWallShare * 100).toFixed(2)}% of wall (target ${HOOK_WALL_SHARE * 100}%) -> ${hooks}; peak memory +${((check.memoryRatio - 1) * 100).toFixed(1)}% (target ${MEMORY_SHARE * 100}%) -> ${memory}`,
      )
    }
  }
  return lines
}

const started = performance.now()
mkdirSync(workDir, { recursive: true })
const { plugin, note } = pluginSource()
console.log(`singleton-guard overhead: ${rounds} rounds after ${warmup} warm-up, ${process.version}`)
console.log('each build runs alone in a fresh child process; times cover rolldown() to close()')
console.log(`plugin: ${note}`)

const results = []
for (const makeCorpus of [() => writeRealCorpus(workDir), () => writeGeneratedCorpus(workDir, size)]) {
  const corpus = makeCorpus()
  process.stdout.write(`\nmeasuring ${corpus.name} `)
  const result = benchCorpus(corpus, plugin)
  printTable(result)
  results.push(result)
}

if (plugin && plugin !== 'noop') {
  // In a fresh process with the garbage collector exposed, so heap figures mean what they say.
  const out = execFileSync(
    process.execPath,
    ['--expose-gc', fileURLToPath(new URL('./retention.mjs', import.meta.url))],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        BENCH_OUTPUTS: quick ? '20' : process.env.BENCH_OUTPUTS,
        BENCH_REBUILDS: quick ? '20' : process.env.BENCH_REBUILDS,
      },
    },
  )
  process.stdout.write(out)
}

console.log('\ntargets (CPU ratio of medians against a bare build):')
for (const result of results) {
  console.log(`  ${result.corpus}:`)
  for (const line of verdicts(result)) console.log(`    ${line}`)
}
const seconds = Math.round((performance.now() - started) / 1000)
console.log(`\ntotal ${seconds} s; JSON in bench/.work/last.json`)
const json = { date: new Date().toISOString(), node: process.version, plugin: note, quick }
Object.assign(json, { rounds, warmup, targets: TARGETS, seconds, results })
writeFileSync(join(workDir, 'last.json'), `${JSON.stringify(json, null, 2)}\n`)
