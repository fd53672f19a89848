// Audit speed: the CLI's `audit` of a built folder against the build that produced it, on the
// ~2,400-module real corpus and a generated corpus (50,000 modules by default); then, on a large
// app as it is published (no source maps: see corpus-published.mjs), against a bare Node pass that
// only reads every chunk file and scans its lines (bare-read.mjs), the two alternating in one run.
// `node bench/audit.mjs` (Node 22; `npm run build` first), `--quick` for a 5,000-module smoke run.
// Env: BENCH_SIZE (modules in the generated corpus), BENCH_ROUNDS (audits timed per corpus),
// BENCH_PUBLISHED=0 to leave out the published dist (a 95 MB download the first time).
// Both sides are timed the same way: the wall clock of a whole child process, so Node's start-up
// is in both.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import { writeRealCorpus } from './corpus-real.mjs'
import { writeGeneratedCorpus } from './corpus-generated.mjs'
import { fetchPublishedCorpus } from './corpus-published.mjs'
import { median } from './measure.mjs'

if (process.argv[2] === '--build-child') {
  // One build with source maps, as a user's `sourcemap: true` build writes it.
  const { rolldown } = await import('rolldown')
  const job = JSON.parse(process.argv[3])
  const bundle = await rolldown({ input: job.input, cwd: job.root, logLevel: 'silent' })
  await bundle.write({ dir: job.outDir, format: 'esm', sourcemap: true })
  await bundle.close()
  process.exit(0)
}

const quick = process.argv.includes('--quick')
const size = Number(process.env.BENCH_SIZE ?? (quick ? 5000 : 50000))
const rounds = Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 3))
const benchDir = fileURLToPath(new URL('.', import.meta.url))
const workDir = join(benchDir, '.work')
const cli = join(benchDir, '../dist/cli.mjs')
if (!existsSync(cli)) {
  console.error('dist/cli.mjs not found: run `npm run build` first')
  process.exit(2)
}
mkdirSync(workDir, { recursive: true })

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined
const timeFile = join(workDir, 'audit-time.txt')

/**
 * Runs a child process to completion: its wall clock, and its CPU time (user + system, every
 * thread) from /usr/bin/time where it exists; CPU is the steadier figure on a shared machine.
 */
function timed(args, cwd) {
  const command = TIME ? TIME : process.execPath
  const argv = TIME ? ['-f', '%U %S', '-o', timeFile, process.execPath, ...args] : args
  const start = performance.now()
  const child = spawnSync(command, argv, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, cwd })
  const wallMs = performance.now() - start
  let cpuMs
  if (TIME) {
    const [user, system] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number)
    cpuMs = (user + system) * 1000
  }
  return { wallMs, cpuMs, status: child.status, stdout: child.stdout, stderr: child.stderr }
}

const results = []
for (const makeCorpus of [() => writeRealCorpus(workDir), () => writeGeneratedCorpus(workDir, size)]) {
  const corpus = makeCorpus()
  const outDir = join(workDir, 'audit-out', corpus.name)
  rmSync(outDir, { recursive: true, force: true })
  const job = { input: corpus.input, root: corpus.root, outDir }
  const build = timed([fileURLToPath(import.meta.url), '--build-child', JSON.stringify(job)])
  if (build.status !== 0) throw new Error(`build of ${corpus.name} failed:\n${build.stderr}`)
  const chunks = readdirSync(outDir).filter((file) => file.endsWith('.js')).length

  const audits = []
  const singletonAudits = []
  let verdict
  for (let round = 0; round < rounds; round++) {
    const all = timed([cli, 'audit', outDir, '--json'])
    if (all.status === 2) throw new Error(`audit of ${corpus.name} failed: ${all.stderr}`)
    audits.push(all)
    const json = JSON.parse(all.stdout)
    verdict = {
      exitCode: json.exitCode,
      findings: json.findings.length,
      modules: new Set(json.folders.flatMap((f) => f.chunks.flatMap((c) => c.modules))).size,
      unattributed: json.unattributed.length,
    }
    singletonAudits.push(timed([cli, 'audit', outDir, '--singletons', ...corpus.singletons, '--root', corpus.root]))
  }
  const ms = (runs, field) => (runs[0][field] === undefined ? undefined : Math.round(median(runs.map((r) => r[field]))))
  const row = {
    corpus: corpus.name,
    chunks,
    modulesInMaps: verdict.modules,
    build: { wallMs: Math.round(build.wallMs), cpuMs: build.cpuMs === undefined ? undefined : Math.round(build.cpuMs) },
    auditEveryModule: { wallMs: ms(audits, 'wallMs'), cpuMs: ms(audits, 'cpuMs') },
    auditSingletons: { wallMs: ms(singletonAudits, 'wallMs'), cpuMs: ms(singletonAudits, 'cpuMs') },
    verdict: `exit ${verdict.exitCode}, ${verdict.findings} findings, ${verdict.unattributed} unattributed`,
  }
  row.auditOverBuildWall = Number((row.auditEveryModule.wallMs / row.build.wallMs).toFixed(2))
  row.auditOverBuildCpu = row.build.cpuMs
    ? Number((row.auditEveryModule.cpuMs / row.build.cpuMs).toFixed(2))
    : undefined
  results.push(row)
  const pair = (t) => `${t.wallMs} ms wall${t.cpuMs === undefined ? '' : ` / ${t.cpuMs} ms CPU`}`
  console.log(
    `${row.corpus}: ${row.chunks} chunks, ${row.modulesInMaps} modules in maps | build ${pair(row.build)} | audit every module ${pair(row.auditEveryModule)} | audit --singletons ${pair(row.auditSingletons)} | audit/build wall ${row.auditOverBuildWall}${row.auditOverBuildCpu === undefined ? '' : `, CPU ${row.auditOverBuildCpu}`} | ${row.verdict}`,
  )
  rmSync(outDir, { recursive: true, force: true })
}
// The published dist: the audit against a bare read of the same bytes, alternating round by round.
const PUBLISHED_TARGET = 6
let published
if (process.env.BENCH_PUBLISHED === '0') console.log('published dist: left out (BENCH_PUBLISHED=0)')
else {
  const corpus = fetchPublishedCorpus(workDir)
  if (corpus.reason) console.log(`published dist: skipped: ${corpus.reason}`)
  else {
    const bareRead = fileURLToPath(new URL('./bare-read.mjs', import.meta.url))
    const bare = []
    const audits = []
    for (let round = 0; round < Math.max(rounds, 3); round++) {
      bare.push(timed([bareRead, corpus.dist], corpus.root))
      audits.push(timed([cli, 'audit', corpus.dist], corpus.root))
      if (audits.at(-1).status === 2) throw new Error(`audit of ${corpus.name} failed: ${audits.at(-1).stderr}`)
    }
    const json = JSON.parse(timed([cli, 'audit', corpus.dist, '--json'], corpus.root).stdout)
    const read = JSON.parse(bare[0].stdout)
    const ms = (runs, field) =>
      runs[0][field] === undefined ? undefined : Math.round(median(runs.map((r) => r[field])))
    const ratio = (field) =>
      ms(bare, field) === undefined ? undefined : Number((ms(audits, field) / ms(bare, field)).toFixed(2))
    published = {
      corpus: corpus.name,
      chunkFiles: read.files,
      lines: read.lines,
      bareRead: { wallMs: ms(bare, 'wallMs'), cpuMs: ms(bare, 'cpuMs') },
      audit: { wallMs: ms(audits, 'wallMs'), cpuMs: ms(audits, 'cpuMs') },
      auditOverBareWall: ratio('wallMs'),
      auditOverBareCpu: ratio('cpuMs'),
      target: PUBLISHED_TARGET,
      verdict: `exit ${json.exitCode}, ${json.summary.modulesWithCopies} modules with copies, ${json.builds.length} builds, ${json.unattributed.length} chunks not attributed`,
    }
    const pair = (t) => `${t.wallMs} ms wall${t.cpuMs === undefined ? '' : ` / ${t.cpuMs} ms CPU`}`
    console.log(
      `published ${corpus.name} (no source maps): ${read.files} chunk files | bare read ${pair(published.bareRead)} | audit ${pair(published.audit)} | audit/bare wall ${published.auditOverBareWall}${published.auditOverBareCpu === undefined ? '' : `, CPU ${published.auditOverBareCpu}`} (target <= ${PUBLISHED_TARGET}) | ${published.verdict}`,
    )
    if (published.auditOverBareWall > PUBLISHED_TARGET) {
      console.log(`audit of the published dist is more than ${PUBLISHED_TARGET}x a bare read`)
      process.exitCode = 1
    }
  }
}
writeFileSync(join(workDir, 'audit-last.json'), `${JSON.stringify({ size, rounds, results, published }, null, 2)}\n`)
// The target is stated on the generated graph at full size; on the small corpora of a quick run
// (and on the real one, 10 chunks) both processes are mostly Node's start-up: said, not failed.
const slower = results.filter((row) => row.auditOverBuildWall >= 1)
if (slower.length > 0) console.log(`audit slower than the build on: ${slower.map((row) => row.corpus).join(', ')}`)
const targetRow = results.find((row) => row.corpus === `generated-${size}`)
if (!quick && targetRow && targetRow.auditOverBuildWall >= 1) {
  console.log(`target missed: the audit of the generated graph is not faster than its build`)
  process.exitCode = 1
}
