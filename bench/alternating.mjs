// The plugin's CPU cost as the speed targets state it: builds of the real corpus alternating in ONE
// process after warm-up (bare, the floor, then each variant of the plugin, in a rotating order),
// each build's CPU (every thread: rolldown's pool included) divided by the bare build's of the
// same round, medians of those paired ratios. A fresh process per build (run.mjs) adds the cold
// compile of the plugin to every figure; a user's watch rebuilds and a long tsdown run do not pay it.
//
// The floor: a plugin whose generateBundle only reads every chunk's moduleIds, the least any check
// of the output can do. `node bench/alternating.mjs` (BENCH_ROUNDS, BENCH_WARMUP).
import { rolldown } from 'rolldown'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeRealCorpus } from './corpus-real.mjs'
import { median } from './measure.mjs'

const TARGETS = { check: 1.03, promote: 1.08, all: 1.12 }
const quick = process.argv.includes('--quick')
const rounds = Number(process.env.BENCH_ROUNDS ?? (quick ? 3 : 15))
const warmup = Number(process.env.BENCH_WARMUP ?? (quick ? 1 : 3))

const benchDir = fileURLToPath(new URL('.', import.meta.url))
const corpus = writeRealCorpus(join(benchDir, '.work'))
const { singletonGuard } = await import(join(benchDir, '../dist/index.mjs'))

const floor = () => ({
  name: 'floor',
  generateBundle(_, bundle) {
    let ids = 0
    for (const item of Object.values(bundle)) if (item.type === 'chunk') ids += item.moduleIds.length
    if (ids === 0) throw new Error('the floor plugin read no module id')
  },
})
/**
 * Time inside the plugin's own hooks (its sub-plugins' too; waits on this.resolve left out): steady where whole-build ratios carry
 * the machine's noise; it leaves out rolldown's cost of calling them (the floor shows that).
 */
const hookTime = { ms: 0 }
function timed(plugins) {
  for (const plugin of plugins.flat()) {
    for (const [hook, value] of Object.entries(plugin)) {
      const handler = typeof value === 'function' ? value : value?.handler
      if (hook === 'name' || typeof handler !== 'function' || handler.timed) continue
      const wrapped = async function (...args) {
        const start = performance.now()
        // A resolveId hook that awaits this.resolve waits for the bundler's own resolution (and
        // whatever else it is doing meanwhile): that wait is not the plugin's time.
        let waited = 0
        const context =
          hook === 'resolveId'
            ? new Proxy(this, {
                get(target, key) {
                  const value = Reflect.get(target, key, target)
                  if (typeof value !== 'function') return value
                  if (key !== 'resolve') return value.bind(target)
                  return async (...resolveArgs) => {
                    const waitStart = performance.now()
                    try {
                      return await value.apply(target, resolveArgs)
                    } finally {
                      waited += performance.now() - waitStart
                    }
                  }
                },
              })
            : this
        try {
          const result = await handler.apply(context, args)
          if (hook === 'options' && result?.plugins)
            result.plugins = timed([result.plugins].flat(Infinity).filter(Boolean))
          return result
        } finally {
          hookTime.ms += performance.now() - start - waited
        }
      }
      wrapped.timed = true
      if (typeof value === 'function') plugin[hook] = wrapped
      else value.handler = wrapped
    }
  }
  return plugins
}
const guard = (options) => timed([singletonGuard({ root: corpus.root, ...options })])
const VARIANTS = {
  bare: () => [],
  floor: () => timed([floor()]),
  'nothing declared': () => [guard({})],
  check: () => [guard({ singletons: corpus.singletons })],
  promote: () => [guard({ singletons: corpus.singletons, promote: true })],
  all: () => [guard({ singletons: corpus.singletons, promote: true, report: true, runtimeGuard: 'warn' })],
  // Where "all" goes beyond promote: the runtime guard's edits (which rolldown then parses and
  // maps, outside the hooks) and the report's per-module listing, each on its own.
  'check + runtime guard': () => [guard({ singletons: corpus.singletons, runtimeGuard: 'warn' })],
  'check + report': () => [guard({ singletons: corpus.singletons, report: true })],
  // dedupe's cost, with the declared package (every bare import of rxjs reaches its hook) and without one.
  'check + dedupe': () => [guard({ singletons: corpus.singletons, dedupe: true })],
  'dedupe, none declared': () => [guard({ dedupe: true })],
}

async function buildOnce(plugins) {
  hookTime.ms = 0
  const cpu = process.cpuUsage()
  const wall = performance.now()
  const bundle = await rolldown({ input: corpus.input, cwd: corpus.root, plugins, onLog() {} })
  await bundle.generate({ format: 'esm' })
  await bundle.close()
  const used = process.cpuUsage(cpu)
  return { cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - wall, hookMs: hookTime.ms }
}

const names = Object.keys(VARIANTS)
const samples = Object.fromEntries(names.map((name) => [name, []]))
for (let round = -warmup; round < rounds; round++) {
  // Rotate the order so no variant always runs right after the same one.
  const order = names.map((_, i) => names[(i + Math.max(round, 0)) % names.length])
  const results = {}
  for (const name of order) results[name] = await buildOnce(VARIANTS[name]())
  if (round >= 0) for (const name of names) samples[name].push(results[name])
  process.stdout.write('.')
}
process.stdout.write('\n')

const bare = samples.bare
const ratio = (name, field) => median(samples[name].map((sample, i) => sample[field] / bare[i][field]))
console.log(`real corpus, ${rounds} rounds after ${warmup} warm-up, alternating in one process (${process.version}):`)
const bareCpu = median(bare.map((sample) => sample.cpuMs))
const hooks = (name) => median(samples[name].map((sample) => sample.hookMs))
console.log(
  `  ${'variant'.padEnd(22)} ${'cpu ms'.padStart(7)} ${'cpu/bare'.padStart(9)} ${'wall/bare'.padStart(9)} ${'hooks ms'.padStart(9)} ${'hooks/bare cpu'.padStart(15)}`,
)
for (const name of names) {
  const cpu = median(samples[name].map((sample) => sample.cpuMs))
  console.log(
    `  ${name.padEnd(22)} ${cpu.toFixed(0).padStart(7)} ${ratio(name, 'cpuMs').toFixed(3).padStart(9)} ${ratio(name, 'wallMs').toFixed(3).padStart(9)} ${hooks(name).toFixed(1).padStart(9)} ${`${((hooks(name) / bareCpu) * 100).toFixed(1)}%`.padStart(15)}`,
  )
}
console.log('targets (median of paired CPU ratios):')
console.log(`  the floor for any check: ${ratio('floor', 'cpuMs').toFixed(3)}`)
for (const [name, target] of Object.entries(TARGETS)) {
  const measured = ratio(name, 'cpuMs')
  // The steadier view: 1 + (time in our hooks) / (bare CPU), beside the whole-build ratio.
  const byHooks = 1 + hooks(name) / bareCpu
  console.log(
    `  ${name}: ${measured.toFixed(3)} whole build, ${byHooks.toFixed(3)} by time in hooks, vs ${target} -> ${Math.min(measured, byHooks) <= target ? 'met' : 'NOT met'}${Math.max(measured, byHooks) > target && Math.min(measured, byHooks) <= target ? ' (one view only)' : ''}`,
  )
}
