// `npm run bench`: the plugin's CPU cost alternating with bare builds in one process (alternating.mjs),
// its build overhead in fresh processes (run.mjs: check, promote, everything on, the large
// graph's hook share and memory, what an instance retains), instruction counts under callgrind
// (instructions.mjs: the figures noise does not move), the runtime guard's build and run-time
// cost (runtime-guard.mjs), the CLI's audit against the build (audit.mjs), the state
// classifier on real code (classify.mjs), and what `run`'s tracker costs inside the user's
// process (run-tracker.mjs). `--quick` for a smoke run of each.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const args = process.argv.slice(2)
let failed = 0
for (const script of [
  'alternating.mjs',
  'run.mjs',
  'instructions.mjs',
  'runtime-guard.mjs',
  'audit.mjs',
  'classify.mjs',
  'run-tracker.mjs',
]) {
  console.log(`\n════ bench/${script}`)
  const run = spawnSync(process.execPath, [fileURLToPath(new URL(script, import.meta.url)), ...args], {
    stdio: 'inherit',
  })
  if (run.status !== 0) failed++
}
process.exit(failed === 0 ? 0 : 1)
