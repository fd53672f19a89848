// `npm test`: runs vitest, then prints the plain `N passed, N failed` line CI reads
// (vitest's own summary is decorated), and keeps vitest's exit code.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const resultsDir = path.join(root, 'test/.results')
const jsonFile = path.join(resultsDir, 'vitest.json')
fs.rmSync(resultsDir, { recursive: true, force: true })
fs.mkdirSync(resultsDir, { recursive: true })

const vitest = path.join(root, 'node_modules/vitest/vitest.mjs')
const run = spawnSync(
  process.execPath,
  [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${jsonFile}`, ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
)

let passed = 0
let failed = 1
try {
  const results = JSON.parse(fs.readFileSync(jsonFile, 'utf8'))
  passed = results.numPassedTests
  // A file that fails to load (syntax error, failing setup) has no test results but must count.
  const brokenFiles = results.testResults.filter(
    (file) => file.status === 'failed' && file.assertionResults.length === 0,
  ).length
  failed = results.numFailedTests + brokenFiles
} catch {
  // no JSON: vitest itself failed before reporting; counted as one failure above
}
const summary = `${passed} passed, ${failed} failed`
fs.writeFileSync(path.join(resultsDir, 'summary.txt'), `${summary}\n`)
console.log(summary)
process.exit(run.status === 0 && failed === 0 && passed > 0 ? 0 : 1)
