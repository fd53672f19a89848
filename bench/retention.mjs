// What one plugin instance keeps as builds go by: the report of an output must stay the size of
// that output however many outputs came before, and the state kept across watch rebuilds must
// stay flat. Run with --expose-gc (bench/run.mjs does).
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { rolldown } from 'rolldown'

const OUTPUTS = Number(process.env.BENCH_OUTPUTS ?? 200)
const REBUILDS = Number(process.env.BENCH_REBUILDS ?? 150)
// Rebuilds before the heap is first read: the code's own warm-up (compiled functions, caches) is not growth.
const WARM = Math.min(30, Math.floor(REBUILDS / 3))

function project(dir) {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(join(dir, 'src'), { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'retention', type: 'module' }))
  writeFileSync(join(dir, 'src/state.js'), 'export const store = new Map()\n')
  for (let i = 0; i < 20; i++) {
    writeFileSync(
      join(dir, `src/m${i}.js`),
      `import { store } from './state.js'\nexport const f${i} = (k) => store.set(k, ${i})\n`,
    )
  }
  writeFileSync(
    join(dir, 'src/main.js'),
    `${Array.from({ length: 20 }, (_, i) => `export { f${i} } from './m${i}.js'`).join('\n')}\nexport const lazy = () => import('./m0.js')\n`,
  )
}

async function buildOnce(dir, plugin, outDir) {
  const bundle = await rolldown({ input: { main: join(dir, 'src/main.js') }, cwd: dir, plugins: [plugin], onLog() {} })
  await bundle.write({ dir: outDir })
  await bundle.close()
}

/**
 * No-op plugins with the hooks of `plugins` (a hook that returns options adds its sub-plugins the
 * same way): what rolldown itself retains for such a set of hooks, whatever they do.
 */
function sameHooks(plugins) {
  return [plugins]
    .flat(Infinity)
    .filter(Boolean)
    .map((plugin) => {
      const mirror = { name: `${plugin.name}-mirror` }
      for (const [hook, value] of Object.entries(plugin)) {
        if (hook === 'name' || (typeof value !== 'function' && typeof value?.handler !== 'function')) continue
        if (hook === 'options') {
          mirror.options = function (input) {
            const result = (typeof value === 'function' ? value : value.handler).call(this, input)
            return result?.plugins ? { ...input, plugins: [input.plugins, sameHooks(result.plugins)] } : null
          }
        } else mirror[hook] = () => null
      }
      return mirror
    })
}

function heapMb() {
  globalThis.gc?.()
  return process.memoryUsage().heapUsed / 1024 / 1024
}

export async function measureRetention(pluginPath, workDir) {
  const { singletonGuard } = await import(pluginPath)
  const dir = join(workDir, 'retention')
  project(dir)

  // Many outputs on one instance, each with a report.
  const guard = singletonGuard({
    root: dir,
    singletons: 'src/state.js',
    report: true,
    formats: 'ignore',
    builds: 'ignore',
  })
  const reportSizes = []
  const buildMs = []
  for (let i = 0; i < OUTPUTS; i++) {
    const outDir = join(dir, 'out', String(i))
    const started = performance.now()
    await buildOnce(dir, guard, outDir)
    buildMs.push(performance.now() - started)
    reportSizes.push(statSync(join(outDir, 'singleton-report.json')).size)
    rmSync(outDir, { recursive: true, force: true })
  }
  const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length
  const tenth = Math.max(1, Math.floor(OUTPUTS / 10))

  // Rebuilds of one output on one instance, as watch mode does. rolldown itself keeps a little
  // per build for each plugin with a generateBundle hook (measured here with a no-op one), so the
  // plugin's own retention is what it adds beyond that.
  const growth = async (plugin) => {
    const heap = []
    for (let i = 1; i <= REBUILDS; i++) {
      await buildOnce(dir, plugin, join(dir, 'out', 'watch'))
      if (i === WARM || i === REBUILDS) heap.push(heapMb())
    }
    return { after10: heap[0], afterAll: heap[1], perRebuildKb: ((heap[1] - heap[0]) * 1024) / (REBUILDS - WARM) }
  }
  const noop = await growth({ name: 'noop', generateBundle() {} })
  const checkOptions = { root: dir, singletons: 'src/state.js' }
  const promoteOptions = { ...checkOptions, promote: true }
  // The baseline the target names: no-op plugins with the very hooks (and sub-plugins) ours have.
  const checkMirror = await growth(sameHooks(singletonGuard(checkOptions)))
  const check = await growth(singletonGuard(checkOptions))
  const promoteMirror = await growth(sameHooks(singletonGuard(promoteOptions)))
  const promote = await growth(singletonGuard(promoteOptions))
  rmSync(dir, { recursive: true, force: true })
  return {
    outputs: OUTPUTS,
    reportBytes: { first: reportSizes[0], last: reportSizes.at(-1), max: Math.max(...reportSizes) },
    buildMs: { firstTenth: mean(buildMs.slice(0, tenth)), lastTenth: mean(buildMs.slice(-tenth)) },
    rebuilds: REBUILDS,
    heap: { noop, 'same hooks (check)': checkMirror, check, 'same hooks (promote)': promoteMirror, promote },
  }
}

export function printRetention(r) {
  console.log(`\nretention (one instance):`)
  console.log(
    `  ${r.outputs} outputs with a report: report ${r.reportBytes.first} B for the first, ${r.reportBytes.last} B for the last (max ${r.reportBytes.max} B); ` +
      `build ${r.buildMs.firstTenth.toFixed(1)} ms on average in the first tenth, ${r.buildMs.lastTenth.toFixed(1)} ms in the last`,
  )
  for (const [name, h] of Object.entries(r.heap)) {
    console.log(
      `  ${r.rebuilds} rebuilds of one output, ${name.padEnd(20)}: heap ${h.after10.toFixed(2)} MB after ${WARM}, ${h.afterAll.toFixed(2)} MB after ${r.rebuilds} (${h.perRebuildKb.toFixed(1)} KB per rebuild)`,
    )
  }
  const flatReport = r.reportBytes.max <= r.reportBytes.first * 1.05
  // Each of our generateBundle hooks costs rolldown's own per-build retention; anything beyond is ours.
  const ours = (h, mirror) => h.perRebuildKb - mirror.perRebuildKb
  const flatHeap =
    ours(r.heap.check, r.heap['same hooks (check)']) <= 1 && ours(r.heap.promote, r.heap['same hooks (promote)']) <= 1
  console.log(
    `  report proportional to its output: ${flatReport ? 'yes' : 'NO'}; heap growth per rebuild no more than no-op plugins with the same hooks (within 1 KB): ${flatHeap ? 'yes' : 'NO'} (check ${ours(r.heap.check, r.heap['same hooks (check)']).toFixed(1)} KB, promote ${ours(r.heap.promote, r.heap['same hooks (promote)']).toFixed(1)} KB beyond)`,
  )
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const plugin = new URL('../dist/index.mjs', import.meta.url).pathname
  const result = await measureRetention(plugin, new URL('./.work', import.meta.url).pathname)
  printRetention(result)
}
