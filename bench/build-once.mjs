// One build in a fresh process, like one `tsdown` run. Invoked by measure.mjs as
//   node bench/build-once.mjs '<json job>'
// and prints one line `BENCH_RESULT <json>`. Only rolldown() + write() + close() (and the plugin
// factory call) are inside the timed window; importing the plugin module is timed separately.
import { performance } from 'node:perf_hooks'
import { rolldown } from 'rolldown'

const job = JSON.parse(process.argv[2])

function stopwatch() {
  const cpu = process.cpuUsage()
  const wall = performance.now()
  // process.cpuUsage() is getrusage(RUSAGE_SELF): every thread, rolldown's native pool included.
  return () => {
    const used = process.cpuUsage(cpu)
    return { wallMs: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 }
  }
}

async function loadPlugin() {
  if (job.variant === 'bare') return () => []
  if (job.variant === 'census') {
    return () => [
      {
        name: 'bench-census',
        buildEnd() {
          census.moduleIds = [...this.getModuleIds()]
        },
      },
    ]
  }
  if (job.plugin === 'noop') return () => [{ name: 'noop', generateBundle() {} }]
  const { singletonGuard } = await import(job.plugin)
  const options = { singletons: job.singletons, root: job.root }
  if (job.variant === 'promote' || job.variant === 'all') options.promote = true
  if (job.variant === 'all') {
    options.report = true
    // The runtime guard, where this build of the plugin has it.
    try {
      singletonGuard({ ...options, runtimeGuard: 'warn' })
      options.runtimeGuard = 'warn'
    } catch {
      // an older build without the option
    }
  }
  Object.assign(options, job.options)
  return () => [singletonGuard(options)]
}

// Time spent inside the plugin's own hooks, in this build: far less noisy than whole-build CPU
// on a shared machine, though it leaves out rolldown's work to call the hooks.
const hookTime = { ms: 0 }
const TIMED = Symbol('timed')
function timeHooks(plugins) {
  for (const plugin of plugins.flat()) {
    for (const [hook, value] of Object.entries(plugin)) {
      const handler = typeof value === 'function' ? value : value?.handler
      if (hook === 'name' || typeof handler !== 'function' || handler[TIMED]) continue
      const timed = Object.assign(
        function (...args) {
          const start = performance.now()
          try {
            const result = handler.apply(this, args)
            // Sub-plugins a plugin adds from its options hook (promote's per-build promoter) are timed too.
            if (hook === 'options' && result?.plugins)
              result.plugins = timeHooks([result.plugins].flat(Infinity).filter(Boolean))
            return result
          } finally {
            hookTime.ms += performance.now() - start
          }
        },
        { [TIMED]: true },
      )
      if (typeof value === 'function') plugin[hook] = timed
      else value.handler = timed
    }
  }
  return plugins
}

const census = {}
const logs = []
const result = {}
try {
  const loadTime = stopwatch()
  const makePlugins = await loadPlugin()
  result.load = loadTime()

  const buildTime = stopwatch()
  const bundle = await rolldown({
    input: job.input,
    cwd: job.root,
    plugins: timeHooks(makePlugins()),
    onLog: (level, log) => logs.push(`${level}: ${log.code ?? ''} ${log.message}`),
  })
  const output = await bundle.write({ dir: job.outDir, format: 'esm' })
  await bundle.close()
  result.build = buildTime()
  result.hookMs = hookTime.ms
  // Peak resident memory of this whole process (the build ran alone in it), in MB.
  result.maxRssMb = process.resourceUsage().maxRSS / 1024

  const chunks = output.output.filter((o) => o.type === 'chunk')
  result.chunks = chunks.length
  result.renderedModules = new Set(chunks.flatMap((c) => Object.keys(c.modules))).size
  if (census.moduleIds) {
    const singleton = new RegExp(job.singletonId)
    result.graphModules = census.moduleIds.length
    result.singletonInGraph = census.moduleIds.filter((id) => singleton.test(id))
    result.singletonChunks = chunks
      .filter((c) => Object.keys(c.modules).some((id) => singleton.test(id)))
      .map((c) => c.fileName)
  }
} catch (error) {
  result.error = String(error?.message ?? error).split('\n')[0]
}
result.logs = logs.length
result.firstLogs = logs.slice(0, 3)
console.log(`BENCH_RESULT ${JSON.stringify(result)}`)
