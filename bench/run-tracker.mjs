// The cost of `singleton-guard run`'s tracker inside the user's process
// (`node bench/run-tracker.mjs`, `npm run build` first; `--quick` for a smoke run).
// Env: BENCH_ROUNDS (timed rounds), BENCH_INSTRUCTION_ROUNDS (callgrind runs per figure, their
// median; 3), BENCH_FILES (modules in the generated dist, default 2,000).
//
// A generated dist of 2,000 modules, as ES modules (a static import tree) and as CommonJS (a
// require tree), is loaded by fresh processes: without the tracker, with a no-op
// `module.registerHooks` (what Node's hook machinery costs by itself, whoever registers hooks),
// and with the tracker. Two measures:
// 1. instruction counts under valgrind's callgrind (whole process, medians of a few runs: they
//    vary by about 0.5%, where wall time on the shared machine varies by tens of percent): the
//    tracker's start-up (an entry that loads nothing), and per loaded module Node's hook machinery
//    and the tracker's own work (the write at exit included). Only with registerHooks: the
//    fallback's main thread waits on its hooks thread, which callgrind's serialised threads
//    inflate, so the fallback is measured by wall and CPU time alone;
// 2. wall and CPU medians of interleaved fresh processes, each reporting from inside the time to
//    its graph having evaluated, and the time of a fixed piece of work done once loading is over
//    (what the tracker adds after start-up). Run with the Node of the npm scripts
//    (registerHooks) and, where one is installed, a Node without it (the fallback).
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { median } from './measure.mjs'

const quick = process.argv.includes('--quick')
const rounds = Number(process.env.BENCH_ROUNDS ?? (quick ? 3 : 15))
const instructionRounds = Number(process.env.BENCH_INSTRUCTION_ROUNDS ?? 3)
const files = Number(process.env.BENCH_FILES ?? 2000)
const benchDir = fileURLToPath(new URL('.', import.meta.url))
const workDir = join(benchDir, '.work', 'run-tracker')
const tracker = join(benchDir, '../dist/tracker.mjs')
const cli = join(benchDir, '../dist/cli.mjs')
if (!existsSync(tracker)) {
  console.error('dist/tracker.mjs not found: run `npm run build` first')
  process.exit(2)
}

// Timed entries report once their graph has evaluated, then time a fixed piece of work.
const REPORT = `const loadedAt = performance.now()
const cpu = process.cpuUsage()
const workStart = performance.now()
let acc = 0
for (let i = 0; i < 3e7; i++) acc = (acc + i * 7) % 1000003
const workMs = performance.now() - workStart
console.log(JSON.stringify({ loadedAt, cpuMs: (cpu.user + cpu.system) / 1000, workMs, acc }))
`
const NOOP_HOOKS = `import module from 'node:module'
module.registerHooks({ resolve: (specifier, context, next) => next(specifier, context), load: (url, context, next) => next(url, context) })
`

/** A tree: module i loads 2i+1 and 2i+2; each holds a little code and a little state. */
function writeDist(dir, format) {
  mkdirSync(dir, { recursive: true })
  const ext = format === 'esm' ? 'mjs' : 'cjs'
  for (let i = 0; i < files; i++) {
    const children = [2 * i + 1, 2 * i + 2].filter((child) => child < files)
    const body = `const seen${i} = new Map()\nfunction f${i}(x) { seen${i}.set(x, ${i}); return x * ${(i % 13) + 1} }\n`
    const sum = `f${i}(${i})${children.map((child) => ` + f${child}(1)`).join('')}`
    const code =
      format === 'esm'
        ? `${children.map((child) => `import { f${child} } from './m${child}.mjs'`).join('\n')}\n${body}export { f${i} }\nexport const v${i} = ${sum}\n`
        : `${children.map((child) => `const { f${child} } = require('./m${child}.cjs')`).join('\n')}\n${body}exports.f${i} = f${i}\nexports.v${i} = ${sum}\n`
    writeFileSync(join(dir, `m${i}.${ext}`), code)
  }
  const load =
    format === 'esm'
      ? `await import('./m0.mjs')`
      : `(await import('node:module')).createRequire(import.meta.url)('./m0.cjs')`
  writeFileSync(join(dir, 'load.mjs'), `${load}\n`)
  writeFileSync(join(dir, 'timed.mjs'), `${load}\n${REPORT}`)
}

const VARIANTS = {
  none: () => undefined,
  'no-op hooks': () => pathToFileURL(join(workDir, 'noop-hooks.mjs')).href,
  tracker: () => pathToFileURL(tracker).href,
}

/** A fresh process's environment for a variant; the tracker gets a run folder of its own. */
function environment(variant) {
  const env = { ...process.env }
  delete env.NODE_OPTIONS
  delete env.SINGLETON_GUARD_RUN_DIR
  const preload = VARIANTS[variant]()
  if (preload) env.NODE_OPTIONS = `--import=${preload}`
  const runDir = variant === 'tracker' ? mkdtempSync(join(tmpdir(), 'run-tracker-bench-')) : undefined
  if (runDir) env.SINGLETON_GUARD_RUN_DIR = runDir
  return { env, done: () => runDir && rmSync(runDir, { recursive: true, force: true }) }
}

function timed(node, entry, variant) {
  const { env, done } = environment(variant)
  const start = performance.now()
  const child = spawnSync(node, [entry], { env, encoding: 'utf8' })
  const wallMs = performance.now() - start
  done()
  if (child.status !== 0) throw new Error(`${entry} failed:\n${child.stderr}`)
  return { ...JSON.parse(child.stdout.trim().split('\n').pop()), wallMs }
}

function instructions(node, entry, variant) {
  const { env, done } = environment(variant)
  const child = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', node, entry], {
    env,
    encoding: 'utf8',
  })
  done()
  const count = /Collected : (\d+)/.exec(child.stderr)?.[1]
  if (child.status !== 0 || !count) throw new Error(`callgrind of ${entry} failed:\n${child.stderr}`)
  return Number(count)
}

const hasValgrind = spawnSync('valgrind', ['--version']).status === 0

function measure(node, label) {
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()
  const native =
    execFileSync(node, ['-p', "typeof require('node:module').registerHooks"], { encoding: 'utf8' }).trim() ===
    'function'
  const variants = native ? Object.keys(VARIANTS) : ['none', 'tracker']
  console.log(
    `\n${label}: Node ${version}, ${native ? 'module.registerHooks' : 'module.register + the CommonJS hook (fallback)'}; ${files} modules`,
  )
  const result = { node: version, native, formats: {} }
  for (const format of ['esm', 'cjs']) {
    const dir = join(workDir, format)
    writeDist(dir, format)
    // Wall and CPU: interleaved rounds after one warm-up of the file cache.
    const runs = Object.fromEntries(variants.map((variant) => [variant, { empty: [], timed: [] }]))
    for (let round = -1; round < rounds; round++) {
      for (const variant of variants) {
        for (const which of ['empty', 'timed']) {
          const run = timed(node, join(which === 'empty' ? workDir : dir, `${which}.mjs`), variant)
          if (round >= 0) runs[variant][which].push(run)
        }
      }
    }
    const med = (variant, which, field) => median(runs[variant][which].map((run) => run[field]))
    const row = { wall: {}, instructions: undefined }
    for (const variant of variants) {
      row.wall[variant] = {
        startupMs: med(variant, 'empty', 'loadedAt'),
        loadedMs: med(variant, 'timed', 'loadedAt'),
        cpuMs: med(variant, 'timed', 'cpuMs'),
        workMs: med(variant, 'timed', 'workMs'),
        processMs: med(variant, 'timed', 'wallMs'),
      }
    }
    const perModuleUs = (variant) =>
      ((row.wall[variant].loadedMs - row.wall[variant].startupMs - (row.wall.none.loadedMs - row.wall.none.startupMs)) /
        files) *
      1000
    console.log(`  ${format}, wall and CPU medians of ${rounds} interleaved rounds:`)
    for (const variant of variants) {
      const wall = row.wall[variant]
      console.log(
        `    ${variant.padEnd(12)} start-up ${wall.startupMs.toFixed(1).padStart(6)} ms | graph evaluated at ${wall.loadedMs.toFixed(1).padStart(7)} ms (${wall.cpuMs.toFixed(0)} ms CPU)${variant === 'none' ? '' : `, ${perModuleUs(variant).toFixed(1)} µs per module over none`} | work after start-up ${wall.workMs.toFixed(1)} ms | process ${wall.processMs.toFixed(0)} ms`,
      )
    }
    if (hasValgrind && !quick && native) {
      const count = (entry, variant) => {
        const file = entry === 'empty' ? join(workDir, 'nothing.mjs') : join(dir, 'load.mjs')
        return median(Array.from({ length: instructionRounds }, () => instructions(node, file, variant)))
      }
      const counts = Object.fromEntries(
        variants.map((variant) => [variant, { empty: count('empty', variant), load: count('load', variant) }]),
      )
      const loading = (variant) => counts[variant].load - counts[variant].empty
      // Instructions per µs, from the untracked process: its loading's CPU time against its count.
      const perUs = loading('none') / ((row.wall.none.cpuMs - med('none', 'empty', 'cpuMs')) * 1000)
      row.instructions = { counts, perUs }
      console.log(
        `  ${format}, instructions (callgrind, whole process, medians of ${instructionRounds}; µs at this machine's ${perUs.toFixed(0)} per µs):`,
      )
      const line = (what, delta, perModule) =>
        console.log(
          `    ${what.padEnd(46)} ${(delta / 1e6).toFixed(1).padStart(6)} M${perModule ? ` = ${(delta / files / 1000).toFixed(1)} k per module, about ${(delta / files / perUs).toFixed(1)} µs` : ` = about ${(delta / perUs / 1000).toFixed(1)} ms`}`,
        )
      line('loading the graph, no tracker', loading('none'), true)
      line('tracker start-up (an entry that loads nothing)', counts.tracker.empty - counts.none.empty, false)
      line("Node's hook machinery (a no-op registerHooks)", loading('no-op hooks') - loading('none'), true)
      line("the tracker's own work (exit write included)", loading('tracker') - loading('no-op hooks'), true)
      line('the tracker in all', loading('tracker') - loading('none'), true)
    }
    result.formats[format] = row
    rmSync(dir, { recursive: true, force: true })
  }
  return result
}

/** The CLI's own work once the command has ended: reading the records and each loaded file. */
function measureCli() {
  const dir = join(workDir, 'esm')
  writeDist(dir, 'esm')
  const samples = []
  for (let round = 0; round < Math.max(2, Math.ceil(rounds / 3)); round++) {
    const plain = timed(process.execPath, join(dir, 'timed.mjs'), 'none').wallMs
    const start = performance.now()
    const child = spawnSync(process.execPath, [cli, 'run', '--', process.execPath, join(dir, 'timed.mjs')], {
      encoding: 'utf8',
    })
    if (child.status !== 0) throw new Error(`run failed:\n${child.stderr}`)
    samples.push(performance.now() - start - plain)
  }
  const ms = median(samples)
  console.log(
    `\nsingleton-guard run over the ${files}-module ESM dist: ${ms.toFixed(0)} ms more than the command alone (the CLI's start-up, the tracker, reading ${files} files, the verdict)`,
  )
  return ms
}

rmSync(workDir, { recursive: true, force: true })
mkdirSync(workDir, { recursive: true })
writeFileSync(join(workDir, 'noop-hooks.mjs'), NOOP_HOOKS)
writeFileSync(join(workDir, 'empty.mjs'), REPORT)
writeFileSync(join(workDir, 'nothing.mjs'), '')
if (!hasValgrind) console.log('instruction counts: skipped, valgrind is not installed (apt-get install valgrind)')
const results = [measure(process.execPath, "the npm scripts' Node")]
const older = ['/usr/bin/node', '/usr/local/bin/node'].find((node) => {
  try {
    return (
      execFileSync(node, ['-p', "typeof require('node:module').registerHooks"], { encoding: 'utf8' }).trim() ===
      'undefined'
    )
  } catch {
    return false
  }
})
if (older) results.push(measure(older, 'the system Node'))
else console.log('\nno Node without module.registerHooks is installed: the fallback was not measured')
const cliMs = measureCli()
writeFileSync(
  join(benchDir, '.work', 'run-tracker-last.json'),
  `${JSON.stringify({ files, rounds, results, cliMs }, null, 2)}\n`,
)
rmSync(workDir, { recursive: true, force: true })
