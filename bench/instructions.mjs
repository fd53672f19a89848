// Instruction counts, the yardstick a noisy machine does not move: one build of the real corpus
// per variant, each in a fresh process under valgrind's callgrind (Debian's `valgrind` package),
// whole process (Node's start and the plugin's load included). Whole-build CPU on a shared
// 2-core machine varies by tens of percent between rounds; these counts repeat within about 0.5%.
// `node bench/instructions.mjs` (about 30 s per build). Variants: a no-op plugin with a
// generateBundle hook (rolldown's own cost of calling any such plugin), then check, promote and
// everything on (promote, report, runtime guard).
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeRealCorpus } from './corpus-real.mjs'

const benchDir = fileURLToPath(new URL('.', import.meta.url))
const workDir = join(benchDir, '.work')
const buildOnce = join(benchDir, 'build-once.mjs')
const plugin = join(benchDir, '../dist/index.mjs')

if (spawnSync('valgrind', ['--version']).status !== 0) {
  console.log('instruction counts: skipped, valgrind is not installed (apt-get install valgrind)')
  process.exit(0)
}

const corpus = writeRealCorpus(workDir)

function collected(variant, pluginPath = plugin) {
  const job = {
    ...corpus,
    singletonId: corpus.singletonId.source,
    variant,
    plugin: pluginPath,
    outDir: join(workDir, 'out', `instructions-${variant}`),
  }
  const result = spawnSync(
    'valgrind',
    ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, buildOnce, JSON.stringify(job)],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  )
  const match = /Collected : (\d+)/.exec(result.stderr)
  if (!match) throw new Error(`callgrind printed no count for ${variant}:\n${result.stderr.slice(-2000)}`)
  return Number(match[1])
}

console.log(`instruction counts of one ${corpus.name}-corpus build, whole process, under callgrind:`)
const bare = collected('bare')
const rows = [['bare', bare]]
rows.push(['no-op generateBundle', collected('check', 'noop')])
for (const variant of ['check', 'promote', 'all']) rows.push([variant, collected(variant)])
for (const [name, count] of rows) {
  console.log(
    `  ${name.padEnd(22)} ${(count / 1e9).toFixed(3)} G  ${((count / bare - 1) * 100).toFixed(1).padStart(5)}% over bare`,
  )
}
