// What one plugin instance keeps as builds go by: the report of an output must stay the size of
// that output however many outputs came before, and the state kept across watch rebuilds must
// stay flat. Run with --expose-gc (bench/run.mjs does).
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { rolldown } from 'rolldown'

const OUTPUTS = Number(process.env.BENCH_OUTPUTS ?? 200)
const REBUILDS = Number(process.env.BENCH_REBUILDS ?? 100)

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
      if (i === 10 || i === REBUILDS) heap.push(heapMb())
    }
    return { after10: heap[0], afterAll: heap[1], perRebuildKb: ((heap[1] - heap[0]) * 1024) / (REBUILDS - 10) }
  }
  const noop = await growth({ name: 'noop', generateBundle() {} })
  const check = await growth(singletonGuard({ root: dir, singletons: 'src/state.js' }))
  const promote = await growth(singletonGuard({ root: dir, singletons: 'src/state.js', promote: true }))
  rmSync(dir, { recursive: true, force: true })
  return {
    outputs: OUTPUTS,
    reportBytes: { first: reportSizes[0], last: reportSizes.at(-1), max: Math.max(...reportSizes) },
    buildMs: { firstTenth: mean(buildMs.slice(0, tenth)), lastTenth: mean(buildMs.slice(-tenth)) },
    rebuilds: REBUILDS,
    heap: { noop, check, promote },
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
      `  ${r.rebuilds} rebuilds of one output, ${name.padEnd(7)}: heap ${h.after10.toFixed(2)} MB after 10, ${h.afterAll.toFixed(2)} MB after ${r.rebuilds} (${h.perRebuildKb.toFixed(1)} KB per rebuild)`,
    )
  }
  const flatReport = r.reportBytes.max <= r.reportBytes.first * 1.05
  // Each of our generateBundle hooks costs rolldown's own per-build retention; anything beyond is ours.
  const ours = (h, hooks) => h.perRebuildKb - hooks * r.heap.noop.perRebuildKb
  const flatHeap = ours(r.heap.check, 1) < 2 && ours(r.heap.promote, 2) < 2
  console.log(
    `  report proportional to its output: ${flatReport ? 'yes' : 'NO'}; plugin state flat across rebuilds (beyond rolldown's own per-hook retention): ${flatHeap ? 'yes' : 'NO'}`,
  )
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const plugin = new URL('../dist/index.mjs', import.meta.url).pathname
  const result = await measureRetention(plugin, new URL('./.work', import.meta.url).pathname)
  printRetention(result)
}
