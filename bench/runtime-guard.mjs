// Runtime guard benchmark (`node bench/runtime-guard.mjs`, `--quick` for a smoke run).
// 1. Build overhead: the real corpus of bench/run.mjs built bare, with the plugin in check mode,
//    and with `runtimeGuard: 'warn'` added, interleaved, each build alone in a fresh process.
// 2. Run-time cost: one guarded module evaluated in a fresh global, against the same module
//    built without the guard: the difference is one registration (first one: installs the
//    registry; later ones: the registry is there), beside the module's own evaluation.
// Env: BENCH_ROUNDS, BENCH_WARMUP, BENCH_EVALUATIONS.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { rolldown } from 'rolldown'
import { writeRealCorpus } from './corpus-real.mjs'
import { buildInChild, median } from './measure.mjs'

const quick = process.argv.includes('--quick')
const rounds = Number(process.env.BENCH_ROUNDS ?? (quick ? 2 : 7))
const warmup = Number(process.env.BENCH_WARMUP ?? 1)
const evaluations = Number(process.env.BENCH_EVALUATIONS ?? (quick ? 200 : 2000))

const benchDir = fileURLToPath(new URL('.', import.meta.url))
const workDir = join(benchDir, '.work')
const plugin = join(benchDir, '../dist/index.mjs')
const VARIANTS = { bare: undefined, check: {}, guard: { runtimeGuard: 'warn' } }

function buildOverhead() {
  const corpus = writeRealCorpus(workDir)
  const runs = Object.fromEntries(Object.keys(VARIANTS).map((variant) => [variant, []]))
  process.stdout.write(`build overhead on the ${corpus.name} corpus `)
  for (let round = -warmup; round < rounds; round++) {
    for (const [variant, options] of Object.entries(VARIANTS)) {
      const result = buildInChild({
        ...corpus,
        singletonId: corpus.singletonId.source,
        variant: options === undefined ? 'bare' : 'check',
        options,
        plugin,
        outDir: join(workDir, 'out', `runtime-${variant}-${round}`),
      })
      if (result.error) throw new Error(`${variant} build failed: ${result.error}`)
      if (round >= 0) runs[variant].push(result)
      process.stdout.write('.')
    }
  }
  process.stdout.write('\n')
  const cpu = (variant) => runs[variant].map((run) => run.build.cpuMs)
  const paired = (variant, base) => median(runs[variant].map((run, i) => run.build.cpuMs / runs[base][i].build.cpuMs))
  const rows = Object.keys(VARIANTS).map((variant) => ({
    variant,
    cpuMs: median(cpu(variant)),
    cpuRange: `${Math.min(...cpu(variant)).toFixed(0)}-${Math.max(...cpu(variant)).toFixed(0)}`,
    perBare: median(cpu(variant)) / median(cpu('bare')),
    pairedPerBare: paired(variant, 'bare'),
    pairedPerCheck: paired(variant, 'check'),
    hookMs: median(runs[variant].map((run) => run.hookMs)),
  }))
  console.log(`  ${rounds} rounds after ${warmup} warm-up; CPU medians of fresh processes (rolldown() to close())`)
  console.log('  variant   cpu ms   min-max     /bare  paired/bare  paired/check  in hooks ms')
  for (const row of rows) {
    console.log(
      `  ${row.variant.padEnd(7)} ${row.cpuMs.toFixed(0).padStart(7)}  ${row.cpuRange.padEnd(10)} ${row.perBare.toFixed(3).padStart(6)}  ${row.pairedPerBare.toFixed(3).padStart(11)}  ${row.pairedPerCheck.toFixed(3).padStart(12)}  ${row.hookMs.toFixed(1).padStart(11)}`,
    )
  }
  return rows
}

const STORE = `export const pendingDelegates = new Map()
export function remember(id, value) {
  pendingDelegates.set(id, value)
}
export function recall(id) {
  return pendingDelegates.get(id)
}
`

/** One module built as a classic script (iife), bare and guarded. */
async function buildModule(name, entry, singletons, root) {
  const { singletonGuard } = await import(plugin)
  const code = {}
  for (const guarded of [false, true]) {
    const bundle = await rolldown({
      input: entry,
      cwd: root,
      plugins: guarded ? [singletonGuard({ root, singletons, runtimeGuard: 'warn' })] : [],
      logLevel: 'silent',
    })
    const { output } = await bundle.generate({ format: 'iife', name: 'Bench' })
    await bundle.close()
    code[guarded ? 'guarded' : 'bare'] = output[0].code
  }
  return { name, ...code }
}

const REGISTRY = Symbol.for('singleton-guard.registry')
const REGISTRATION = /\(function\s*\(g,\s*k\)[\s\S]*?\}\)\(globalThis,\s*Symbol\.for\("singleton-guard\.registry"\)\);/

/** Compiling (parsing included) and running one script, timed apart, in microseconds. */
function timeOnce(source) {
  const start = process.hrtime.bigint()
  const script = new Function(source)
  const compiled = process.hrtime.bigint()
  script()
  const ran = process.hrtime.bigint()
  return {
    total: Number(ran - start) / 1000,
    compile: Number(compiled - start) / 1000,
    run: Number(ran - compiled) / 1000,
  }
}

/**
 * Times, interleaved, in this process: the module's own evaluation (built without the guard);
 * the registration the guard injects, alone, as the first guarded module to run (it installs
 * the registry) and as a later one (the registry is there). Each registration uses a key of its
 * own, so none is a copy; a unique trailing comment defeats V8's compilation cache, so parsing
 * the injected code counts too.
 */
function evaluationCost({ name, bare, guarded, runs }) {
  const statement = REGISTRATION.exec(guarded)?.[0]
  if (!statement) throw new Error(`no registration found in the guarded build of ${name}`)
  const withKey = (key) => statement.replace(/module:\s*"[^"]+"/, `module: "${key}"`)
  const times = { bare: [], first: [], later: [] }
  for (let i = 0; i < runs; i++) {
    times.bare.push(timeOnce(`${bare}\n//bare-${i}`))
    delete globalThis[REGISTRY]
    times.first.push(timeOnce(`${withKey(`bench/first-${i}.js`)}\n//first-${i}`))
    times.later.push(timeOnce(`${withKey(`bench/later-${i}.js`)}\n//later-${i}`))
  }
  delete globalThis[REGISTRY]
  const of = (variant, part) => median(times[variant].map((time) => time[part]))
  return {
    name,
    runs,
    bareUs: of('bare', 'total'),
    firstUs: of('first', 'total'),
    laterUs: of('later', 'total'),
    firstRunUs: of('first', 'run'),
    laterRunUs: of('later', 'run'),
    injectedBytes: guarded.length - bare.length,
  }
}

async function runtimeCost() {
  const dir = join(workDir, 'runtime-guard')
  mkdirSync(join(dir, 'src'), { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bench-app', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'src/delegate-store.js'), STORE)
  writeFileSync(join(dir, 'src/store-entry.js'), `export * from './delegate-store.js'\n`)
  writeFileSync(join(dir, 'src/object3d-entry.js'), `export { Object3D } from 'three/src/core/Object3D.js'\n`)
  const modules = [
    {
      ...(await buildModule(
        'a Map store (the incident)',
        join(dir, 'src/store-entry.js'),
        'src/delegate-store.js',
        dir,
      )),
      runs: evaluations,
    },
    {
      ...(await buildModule(
        "three's Object3D (with its imports)",
        join(dir, 'src/object3d-entry.js'),
        'three/src/core/Object3D.js',
        dir,
      )),
      // Its chunk holds most of three's core: each evaluation takes milliseconds.
      runs: Math.max(20, Math.round(evaluations / 20)),
    },
  ]
  console.log(
    '\nrun-time cost: medians, interleaved, in this process (module: its own evaluation, built without the guard)',
  )
  console.log(
    '  module                               runs  module us  first registration us  later registration us  bytes added',
  )
  const rows = modules.map(evaluationCost)
  for (const row of rows) {
    const share = (us, runUs) => `${us.toFixed(1)} [${runUs.toFixed(1)}] ${((us / row.bareUs) * 100).toFixed(0)}%`
    console.log(
      `  ${row.name.padEnd(36)} ${String(row.runs).padStart(5)}  ${row.bareUs.toFixed(1).padStart(9)}  ${share(row.firstUs, row.firstRunUs).padStart(21)}  ${share(row.laterUs, row.laterRunUs).padStart(21)}  ${String(row.injectedBytes).padStart(11)}`,
    )
  }
  return rows
}

const started = performance.now()
mkdirSync(workDir, { recursive: true })
console.log(`runtime guard benchmark, ${process.version}, plugin: dist/index.mjs`)
const build = buildOverhead()
const runtime = await runtimeCost()
const seconds = Math.round((performance.now() - started) / 1000)
console.log(`\ntotal ${seconds} s; JSON in bench/.work/runtime-guard.json`)
const json = {
  date: new Date().toISOString(),
  node: process.version,
  quick,
  rounds,
  warmup,
  evaluations,
  build,
  runtime,
}
writeFileSync(join(workDir, 'runtime-guard.json'), `${JSON.stringify(json, null, 2)}\n`)
