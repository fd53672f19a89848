// Runs one build per child process and collects timings; the statistics helpers live here too.
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const BUILD_ONCE = fileURLToPath(new URL('./build-once.mjs', import.meta.url))

// job: { variant, plugin, input, root, singletons, singletonId, outDir }
export function buildInChild(job) {
  rmSync(job.outDir, { recursive: true, force: true })
  // process.execPath: the child runs on the same Node as this script (Node 22 under npm run).
  const stdout = execFileSync(process.execPath, [BUILD_ONCE, JSON.stringify(job)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  rmSync(job.outDir, { recursive: true, force: true })
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '))
  if (!line) throw new Error(`build-once printed no result:\n${stdout}`)
  return JSON.parse(line.slice('BENCH_RESULT '.length))
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
