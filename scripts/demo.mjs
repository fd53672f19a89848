// `npm run demo`: builds the plugin, then each example with its own build command (the real
// tsdown, Vite or Rollup CLI), and shows a realm split being caught and a clean build passing.
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { examples } from '../examples/expected.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const tsdown = path.join(root, 'node_modules/tsdown/dist/run.mjs')
const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }

console.log('Building the plugin...')
execFileSync(process.execPath, [tsdown, '--log-level', 'warn'], { cwd: root, stdio: 'inherit' })

let surprises = 0
for (const example of examples) {
  const dir = path.join(root, 'examples', example.name)
  fs.rmSync(path.join(dir, 'dist'), { recursive: true, force: true })
  console.log(`\n━━ examples/${example.name}: ${example.story}`)
  const [bin, ...args] = example.command ?? ['tsdown']
  const build = spawnSync(process.execPath, [path.join(root, 'node_modules/.bin', bin), ...args], {
    cwd: dir,
    env,
    encoding: 'utf8',
  })
  const output = `${build.stdout}${build.stderr}`
  const plugin = output.split('\n').filter((line) => !/^\s+at /.test(line) && !line.startsWith('ℹ'))
  console.log(plugin.join('\n').trim())
  const missing = example.shows.filter((text) => !output.includes(text))
  const unwanted = (example.absent ?? []).filter((text) => output.includes(text))
  let ok = (build.status === 0) === (example.exitCode === 0) && missing.length === 0 && unwanted.length === 0
  if (ok && example.run) {
    const run = spawnSync(process.execPath, [example.run.file], { cwd: dir, encoding: 'utf8' })
    console.log(`$ node ${example.run.file}\n${run.stdout.trim()}`)
    ok = run.stdout.includes(example.run.prints)
  }
  const verdict = example.exitCode === 0 ? 'passes, as it should' : `caught: ${bin} exited non-zero, as it should`
  const problems = [
    missing.length > 0 && `missing: ${missing.join(', ')}`,
    unwanted.length > 0 && `unexpected: ${unwanted.join(', ')}`,
  ]
  console.log(
    ok ? `✔ ${verdict}` : `✘ unexpected (exit ${build.status}; ${problems.filter(Boolean).join('; ') || 'run output'})`,
  )
  if (!ok) surprises++
}
console.log(
  surprises === 0 ? `\nAll ${examples.length} examples behaved as expected.` : `\n${surprises} example(s) did not.`,
)
process.exit(surprises === 0 ? 0 : 1)
