// The state classifier on real code: how many modules of each corpus it finds stateful, shared,
// unsure or unclassified, a sample of each, and how long it takes. Corpora: the benchmark's
// packages (lodash-es, date-fns's ES modules, rxjs's esm build, three.js `src`) and the modules
// with code in two or more files of a published tsdown dist (openclaw, fetched with npm pack into
// test/.cache; skipped, saying why, when the registry cannot be reached), read as the bundler
// printed them (`//#region` slices). Then the hand-checked list (test/fixtures/state-hand-checked.json).
// `node bench/classify.mjs` (Node 22: it loads the TypeScript sources), `--quick` to leave the dist out.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const { classifyState } = await import(path.join(root, 'src/core/state-classifier.ts'))
const { regionsOf } = await import(path.join(root, 'test/helpers/bundle-regions.ts'))
const { publishedPackage } = await import(path.join(root, 'test/helpers/published.ts'))

const DIST = 'openclaw@2026.9.6'
const SAMPLE = 6
const quick = process.argv.includes('--quick')

function filesUnder(dir, accept) {
  return fs
    .readdirSync(dir, { recursive: true })
    .map((file) => path.join(dir, String(file)))
    .filter((file) => accept(file) && fs.statSync(file).isFile())
    .sort()
}

function describe(verdict) {
  if (verdict.kind === 'stateful' || verdict.kind === 'unsure') {
    const shown = verdict.evidence.slice(0, 2).map((item) => `${item.binding}: ${item.why}`)
    const more = verdict.evidence.length > 2 ? ` (+${verdict.evidence.length - 2})` : ''
    return `${shown.join('; ')}${more}`
  }
  return verdict.reason ?? ''
}

/** Classifies every item ({ name, code, file, context }) and prints counts, time and samples. */
function report(title, items) {
  const start = performance.now()
  const byKind = new Map()
  let bytes = 0
  for (const item of items) {
    bytes += item.code.length
    const verdict = classifyState(item.code, item.file, item.context)
    if (!byKind.has(verdict.kind)) byKind.set(verdict.kind, [])
    byKind.get(verdict.kind).push(`${item.name}  ${describe(verdict)}`)
  }
  const ms = performance.now() - start
  const counts = ['stateful', 'shared', 'unsure', 'unclassified', 'stateless']
    .map((kind) => `${byKind.get(kind)?.length ?? 0} ${kind}`)
    .join(', ')
  console.log(`\n${title}: ${items.length} modules (${(bytes / 1e6).toFixed(1)} MB) in ${ms.toFixed(0)} ms: ${counts}`)
  for (const kind of ['stateful', 'unsure', 'shared', 'unclassified']) {
    const list = byKind.get(kind) ?? []
    if (list.length === 0) continue
    // An even sample across the corpus, not its first files.
    const step = Math.max(1, Math.floor(list.length / SAMPLE))
    console.log(`  ${kind}, e.g.:`)
    for (let index = 0; index < list.length && index < step * SAMPLE; index += step) console.log(`    ${list[index]}`)
  }
}

const installed = {
  'lodash-es': [path.join(root, 'node_modules/lodash-es'), (file) => file.endsWith('.js')],
  'date-fns': [
    path.join(root, 'node_modules/date-fns'),
    (file) => file.endsWith('.js') && !path.basename(file).startsWith('cdn'),
  ],
  rxjs: [path.join(root, 'node_modules/rxjs/dist/esm'), (file) => file.endsWith('.js')],
  'three.js src': [path.join(root, 'node_modules/three/src'), (file) => file.endsWith('.js')],
}
for (const [name, [dir, accept]] of Object.entries(installed)) {
  const items = filesUnder(dir, accept).map((file) => ({
    name: path.relative(dir, file),
    file,
    code: fs.readFileSync(file, 'utf8'),
  }))
  report(name, items)
}

if (!quick) {
  const fetched = publishedPackage(DIST, ['dist'])
  if ('skipped' in fetched) console.log(`\n${DIST}: skipped: ${fetched.skipped}`)
  else {
    const start = performance.now()
    const regions = regionsOf(path.join(fetched.dir, 'dist'))
    const withCopies = [...regions].filter(([, list]) => new Set(list.map((region) => region.file)).size > 1)
    console.log(
      `\n${DIST}: ${regions.size} modules in //#region slices, ${withCopies.length} with code in two or more files (read in ${((performance.now() - start) / 1000).toFixed(1)} s)`,
    )
    const first = ([name, list]) => ({ name, file: list[0].file, code: list[0].code, context: list[0].context })
    report(`${DIST}, modules with copies, each told what the rest of its chunk uses`, withCopies.map(first))
    report(
      `${DIST}, the same without that context (as a region alone shows)`,
      withCopies.map((entry) => ({ ...first(entry), context: undefined })),
    )
  }
}

const hand = JSON.parse(fs.readFileSync(path.join(root, 'test/fixtures/state-hand-checked.json'), 'utf8'))
const kinds = hand.checked.reduce((counts, entry) => ({ ...counts, [entry.kind]: (counts[entry.kind] ?? 0) + 1 }), {})
console.log(
  `\nhand-checked (test/fixtures/state-hand-checked.json): ${hand.checked.length} modules the classifier agrees with (${Object.entries(
    kinds,
  )
    .map(([kind, count]) => `${count} ${kind}`)
    .join(', ')}; asserted by test/state-classifier-precision.test.ts), ${hand.misses.length} known misses:`,
)
for (const miss of hand.misses) {
  console.log(`  ${miss.corpus} ${miss.module}: says ${miss.classifier}, is ${miss.truth}: ${miss.reason}`)
}
