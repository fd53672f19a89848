import { execFile, execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { buildWithout } from './helpers/cli.ts'
import { writeFixture, type FixtureFiles } from './helpers/fixture.ts'
import { readRunJson, runToEnd, startRun, type RunJsonReport } from './helpers/run-cli.ts'

const execFileAsync = promisify(execFile)
const NODE = process.execPath

/** A module that counts its own evaluations under its path: the executed truth of every test here. */
function counted(name: string, code: string): string {
  return `globalThis.__evaluations ??= {}
globalThis.__evaluations[${JSON.stringify(name)}] = (globalThis.__evaluations[${JSON.stringify(name)}] ?? 0) + 1
${code}`
}

/**
 * The incident: a store imported by static consumers (through a barrel) and by a lazy `.runtime`
 * boundary, and imported directly by `import()`. `storeImport` is how the boundary reaches it.
 */
function incident(storeImport = '../../delegate-store.js'): FixtureFiles {
  return {
    'package.json': JSON.stringify({ name: 'agent-service', type: 'module' }),
    'src/ids.js': counted('src/ids.js', `export const nextId = () => 'request-1'\n`),
    'src/delegate-store.js': counted(
      'src/delegate-store.js',
      `import { nextId } from './ids.js'\nexport const store = new Map()\nexport const firstId = nextId()\n`,
    ),
    'src/tools/continue-work.js': counted(
      'src/tools/continue-work.js',
      `import { store } from '../delegate-store.js'\nexport const continueWork = (id) => store.set(id, 'pending')\n`,
    ),
    'src/tools/index.js': `export * from './continue-work.js'\n`,
    'src/auto-reply/reply/agent-runner.runtime.js': counted(
      'src/auto-reply/reply/agent-runner.runtime.js',
      `import { store } from ${JSON.stringify(storeImport)}\nexport const pending = (id) => store.get(id)\n`,
    ),
    'src/auto-reply/reply/pipeline.js': counted(
      'src/auto-reply/reply/pipeline.js',
      `import { continueWork } from '../../tools/index.js'
export async function reply(id) {
  continueWork(id)
  const runner = await import('./agent-runner.runtime.js')
  const direct = await import('../../delegate-store.js')
  return runner.pending(id) === 'pending' && direct.store.get(id) === 'pending'
}
`,
    ),
    'src/main.js': `export { reply } from './auto-reply/reply/pipeline.js'\n`,
  }
}

/** The boundary reaches the store through a symlinked folder kept as its own path: a second copy in one build. */
function incidentWithTwin(): FixtureFiles {
  return { ...incident('linked/delegate-store.js'), 'node_modules/linked': { symlink: '../src' } }
}

const INCIDENT_INPUT = { main: 'src/main.js', 'delegate-store': 'src/delegate-store.js' }

interface Truth {
  evaluations: Record<string, number>
}

/** The command run plainly, without the CLI: what it prints, and its evaluation counts. */
async function plainRun(dir: string, args: string[], node = NODE): Promise<{ stdout: string; truth: Truth }> {
  const { stdout } = await execFileAsync(node, args, { cwd: dir, timeout: 60_000 })
  const lines = stdout.trim().split('\n')
  return { stdout, truth: JSON.parse(lines[lines.length - 1] as string) as Truth }
}

/** Every module the truth counts more than once in the realm is a finding with that many evaluations, and no other. */
function expectFindingsMatch(report: RunJsonReport, evaluations: Record<string, number>, realm = 'main thread'): void {
  const inRealm = report.findings.filter((finding) => finding.realm.endsWith(realm))
  const found = Object.fromEntries(inRealm.map((finding) => [finding.module, finding.evaluations.length]))
  const expected = Object.fromEntries(Object.entries(evaluations).filter(([, count]) => count > 1))
  expect(found).toEqual(expected)
}

describe('run on the incident', () => {
  it('reports a store evaluated again by a separate build loaded with import() after a delay, with the times', async () => {
    const dir = writeFixture('run-incident-delay', {
      ...incident(),
      'plugin/index.js': `import { store } from '../src/delegate-store.js'\nexport const peek = (id) => store.get(id)\n`,
      'probe.mjs': `const { reply } = await import('./dist/main.js')
const seen = await reply('request-1')
await new Promise((resolve) => setTimeout(resolve, 200))
const plugin = await import('./plugin-dist/index.js')
console.log(JSON.stringify({ evaluations: globalThis.__evaluations, seen, sharedWithPlugin: plugin.peek('request-1') === 'pending' }))
`,
    })
    await buildWithout('rolldown', dir, { input: INCIDENT_INPUT })
    await buildWithout('rolldown', dir, { input: { index: 'plugin/index.js' }, outDir: 'plugin-dist' })
    const plain = await plainRun(dir, ['probe.mjs'])
    expect(plain.truth).toMatchObject({ seen: true, sharedWithPlugin: false })
    expect(plain.truth.evaluations['src/delegate-store.js']).toBe(2)

    const run = await runToEnd(dir, [
      '--dist',
      'dist',
      '--dist',
      'plugin-dist',
      '--json',
      'run.json',
      '--',
      NODE,
      'probe.mjs',
    ])
    // The command's own output and exit code pass through unchanged.
    expect(run.stdout).toBe(plain.stdout)
    expect(run.exitCode).toBe(0)
    expect(run.stderr).toContain(
      'SINGLETON_DUPLICATED_AT_RUNTIME: src/delegate-store.js is evaluated 2 times in process',
    )
    const report = readRunJson<RunJsonReport>(dir)
    expectFindingsMatch(report, plain.truth.evaluations)
    const store = report.findings.find((finding) => finding.module === 'src/delegate-store.js')
    expect(store?.causes).toEqual(['separate builds'])
    const [first, second] = store?.evaluations ?? []
    expect(first).toMatchObject({ file: expect.stringMatching(/^dist\/delegate-store/), dist: 'dist' })
    expect(second).toMatchObject({ file: 'plugin-dist/index.js', how: 'dynamic', by: 'probe.mjs', dist: 'plugin-dist' })
    // The second copy arrived after the delay, and the report says when.
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(200)
    expect(run.stderr).toMatch(/evaluation 2: plugin-dist\/index\.js at \d+\.\d ms, import\(\) by probe\.mjs/)
    // The lazy boundary and the direct import() of the store share the first copy: not evaluations.
    expect(report.timeline.some((load) => /agent-runner\.runtime/.test(load.file) && load.how === 'dynamic')).toBe(true)

    const failing = await runToEnd(dir, ['--dist', 'dist', '--dist', 'plugin-dist', '--fail', '--', NODE, 'probe.mjs'])
    expect(failing.exitCode).toBe(1)

    // A declared singleton comes first; the JSON it wrote before is its own, so it is written over.
    const ranked = await runToEnd(dir, [
      '--dist',
      'dist',
      '--dist',
      'plugin-dist',
      '--json',
      'run.json',
      '--singletons',
      'src/ids.js',
      '--singletons',
      'src/nothing-here.js',
      '--',
      NODE,
      'probe.mjs',
    ])
    expect(ranked.exitCode).toBe(0)
    const declared = readRunJson<RunJsonReport>(dir)
    expect(declared.findings.map((finding) => [finding.module, finding.declared])).toEqual([
      ['src/ids.js', true],
      ['src/delegate-store.js', false],
    ])
    expect(declared.notes).toContain("the --singletons pattern 'src/nothing-here.js' matched no loaded module.")
  })

  it.each(['rolldown', 'esbuild'] as const)(
    'reports nothing for the clean %s build, shims and the runtime included, and execution agrees',
    async (bundler) => {
      const dir = writeFixture(`run-clean-${bundler}`, {
        ...incident(),
        'probe.mjs': `const { reply } = await import('./dist/main.js')
const seen = await reply('request-1')
console.log(JSON.stringify({ evaluations: globalThis.__evaluations, seen }))
`,
      })
      await buildWithout(bundler, dir, { input: INCIDENT_INPUT })
      const plain = await plainRun(dir, ['probe.mjs'])
      expect(plain.truth).toMatchObject({ seen: true })
      expect(Math.max(...Object.values(plain.truth.evaluations))).toBe(1)

      const run = await runToEnd(dir, ['--dist', 'dist', '--fail', '--json', 'run.json', '--', NODE, 'probe.mjs'])
      expect(run.exitCode).toBe(0)
      expect(run.stdout).toBe(plain.stdout)
      expect(run.stderr).toContain('[singleton-guard] no module is evaluated more than once in any realm.')
      const report = readRunJson<RunJsonReport>(dir)
      expect(report.findings).toEqual([])
      expect(report.unattributed).toEqual([])
      // Every module that ran was seen, once.
      const loaded = new Set(report.timeline.flatMap((load) => load.modules))
      for (const module of Object.keys(plain.truth.evaluations)) expect(loaded).toContain(module)
      if (bundler === 'esbuild') {
        // esbuild writes the store's entry as a re-export of its chunk, and import() loads it: not a copy.
        expect(report.timeline.some((load) => load.attributedBy === 're-export shim')).toBe(true)
      }
    },
  )

  it('imports the lazy boundaries with --import-all, reaching a copy the entry alone never loads', async () => {
    const dir = writeFixture('run-import-all', {
      ...incidentWithTwin(),
      'probe.mjs': `await import('./dist/main.js')\nconsole.log(JSON.stringify({ evaluations: globalThis.__evaluations }))\n`,
    })
    await buildWithout('rolldown', dir, { input: { main: 'src/main.js' }, preserveSymlinks: true })
    const boundary = fs.readdirSync(path.join(dir, 'dist')).find((file) => file.startsWith('agent-runner.runtime'))
    fs.writeFileSync(
      path.join(dir, 'probe-boundary.mjs'),
      `await import('./dist/main.js')\nawait import('./dist/${boundary}')\nconsole.log(JSON.stringify({ evaluations: globalThis.__evaluations }))\n`,
    )
    const entryAlone = await plainRun(dir, ['probe.mjs'])
    const withBoundary = await plainRun(dir, ['probe-boundary.mjs'])
    expect(entryAlone.truth.evaluations['src/delegate-store.js']).toBe(1)
    expect(withBoundary.truth.evaluations['src/delegate-store.js']).toBe(2)

    const without = await runToEnd(dir, ['--dist', 'dist', '--fail', '--', NODE, 'probe.mjs'])
    expect(without.exitCode).toBe(0)
    expect(without.stderr).toContain('no module is evaluated more than once')

    const run = await runToEnd(dir, [
      '--dist',
      'dist',
      '--import-all',
      '--fail',
      '--json',
      'run.json',
      '--',
      NODE,
      'probe.mjs',
    ])
    expect(run.exitCode).toBe(1)
    // The entry ran to its end first: its own output is the plain one.
    expect(run.stdout).toBe(entryAlone.stdout)
    const report = readRunJson<RunJsonReport>(dir)
    expectFindingsMatch(report, withBoundary.truth.evaluations)
    const store = report.findings.find((finding) => finding.module === 'src/delegate-store.js')
    expect(store?.causes).toEqual(['same file, two ids'])
    expect(store?.evaluations[1]).toMatchObject({ file: `dist/${boundary}`, how: 'import-all' })
  })
})

describe('run across installs, workers and processes', () => {
  const manifest = (version: string, extra: object) => JSON.stringify({ name: 'shared-state', version, ...extra })
  const twoInstalls: FixtureFiles = {
    'package.json': JSON.stringify({ name: 'app', type: 'module' }),
    'node_modules/shared-state/package.json': manifest('2.0.0', { type: 'module', exports: './index.js' }),
    'node_modules/shared-state/index.js': counted('shared-state', 'export const store = new Map()\n'),
    'node_modules/legacy-tool/package.json': JSON.stringify({
      name: 'legacy-tool',
      version: '1.0.0',
      main: 'index.cjs',
    }),
    'node_modules/legacy-tool/index.cjs': `const { store } = require('shared-state')\nmodule.exports = { legacyStore: store }\n`,
    'node_modules/legacy-tool/node_modules/shared-state/package.json': manifest('1.4.0', { main: 'index.cjs' }),
    'node_modules/legacy-tool/node_modules/shared-state/index.cjs': counted(
      'shared-state',
      'exports.store = new Map()\n',
    ),
    'src/main.js': `import { store } from 'shared-state'\nimport legacy from 'legacy-tool'\nexport const shared = store === legacy.legacyStore\n`,
    'probe.mjs': `const { shared } = await import('./dist/main.js')\nconsole.log(JSON.stringify({ evaluations: globalThis.__evaluations, shared }))\n`,
  }
  const buildApp = (dir: string) =>
    buildWithout('rolldown', dir, {
      input: { main: 'src/main.js' },
      rolldown: { input: { external: ['shared-state', 'legacy-tool'] } },
    })

  it('reports two installs of a package, one loaded through require() from CommonJS', async () => {
    const dir = writeFixture('run-installs', twoInstalls)
    await buildApp(dir)
    const plain = await plainRun(dir, ['probe.mjs'])
    expect(plain.truth).toMatchObject({ evaluations: { 'shared-state': 2 }, shared: false })

    const run = await runToEnd(dir, ['--dist', 'dist', '--json', 'run.json', '--', NODE, 'probe.mjs'])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toBe(plain.stdout)
    const report = readRunJson<RunJsonReport>(dir)
    expect(report.findings).toHaveLength(1)
    const finding = report.findings[0]
    expect(finding?.evaluations).toHaveLength(plain.truth.evaluations['shared-state'] as number)
    expect(finding?.causes).toEqual(['same package, two installs'])
    expect(finding?.evaluations.map((evaluation) => [evaluation.module, evaluation.how, evaluation.by])).toEqual([
      ['shared-state@2.0.0/index.js', 'static', 'dist/main.js'],
      ['shared-state@1.4.0/index.cjs', 'require', 'node_modules/legacy-tool/index.cjs'],
    ])
    expect(run.stderr).toContain('cause: same package, two installs')
  })

  it('on Node without registerHooks, falls back to register hooks and a CommonJS hook and still sees both installs', async (context) => {
    const older = ['/usr/bin/node', '/usr/local/bin/node'].find((node) => {
      try {
        return (
          execFileSync(node, ['-p', "typeof require('node:module').registerHooks"], { encoding: 'utf8' }).trim() ===
          'undefined'
        )
      } catch {
        return false
      }
    })
    context.skip(older === undefined, 'no Node older than 22.15 (without module.registerHooks) is installed here')
    const dir = writeFixture('run-installs-fallback', twoInstalls)
    await buildApp(dir)
    const plain = await plainRun(dir, ['probe.mjs'], older)
    expect(plain.truth).toMatchObject({ evaluations: { 'shared-state': 2 }, shared: false })

    const run = await runToEnd(dir, ['--dist', 'dist', '--json', 'run.json', '--', older as string, 'probe.mjs'])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toBe(plain.stdout)
    const report = readRunJson<RunJsonReport>(dir)
    expect(report.processes.map((tracked) => tracked.hooks)).toEqual(['register'])
    expect(report.findings).toHaveLength(1)
    expect(
      report.findings[0]?.evaluations.map((evaluation) => [evaluation.module, evaluation.how, evaluation.by]),
    ).toEqual([
      ['shared-state@2.0.0/index.js', 'static', 'dist/main.js'],
      ['shared-state@1.4.0/index.cjs', 'require', 'node_modules/legacy-tool/index.cjs'],
    ])
  })

  it('reports a worker thread that loads its own copy as a separate realm, not a duplicate', async () => {
    const dir = writeFixture('run-worker', {
      'package.json': JSON.stringify({ name: 'app', type: 'module' }),
      'src/state.js': counted('src/state.js', 'export const store = new Map()\n'),
      'src/worker.js': `import { store } from './state.js'
import { parentPort } from 'node:worker_threads'
store.set('worker', 1)
parentPort.postMessage(globalThis.__evaluations)
`,
      'src/main.js': `import { store } from './state.js'
import { Worker } from 'node:worker_threads'
store.set('main', 1)
const worker = new Worker(new URL('./worker.js', import.meta.url))
const inWorker = await new Promise((resolve) => worker.once('message', resolve))
await worker.terminate()
console.log(JSON.stringify({ evaluations: globalThis.__evaluations, inWorker }))
`,
    })
    await buildWithout('rolldown', dir, {
      input: { main: 'src/main.js', worker: 'src/worker.js' },
      rolldown: { input: { platform: 'node' } },
    })
    const plain = await plainRun(dir, ['dist/main.js'])
    expect(plain.truth).toEqual({ evaluations: { 'src/state.js': 1 }, inWorker: { 'src/state.js': 1 } })

    const run = await runToEnd(dir, ['--dist', 'dist', '--fail', '--json', 'run.json', '--', NODE, 'dist/main.js'])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toBe(plain.stdout)
    const report = readRunJson<RunJsonReport>(dir)
    expect(report.findings).toEqual([])
    // The worker was terminated, and what it loaded was still recorded.
    expect(report.processes[0]?.realms.map((realm) => realm.threadId)).toEqual([0, 1])
    expect(report.separateRealms).toEqual([
      {
        module: 'src/state.js',
        key: expect.any(String),
        pid: expect.any(Number),
        realms: [expect.stringMatching(/, main thread$/), expect.stringMatching(/, worker 1$/)],
      },
    ])
    expect(run.stderr).toContain('separate realms')
  })

  it('tracks the Node processes the command starts and judges those that load the dist', async () => {
    const dir = writeFixture('run-child-process', {
      ...incidentWithTwin(),
      'probe.mjs': `const { reply } = await import('./dist/main.js')\nawait reply('request-1')\nconsole.log(JSON.stringify({ evaluations: globalThis.__evaluations }))\n`,
      'launcher.mjs': `import { execFileSync } from 'node:child_process'\nprocess.stdout.write(execFileSync(process.execPath, ['probe.mjs']))\n`,
    })
    await buildWithout('rolldown', dir, { input: { main: 'src/main.js' }, preserveSymlinks: true })
    const plain = await plainRun(dir, ['launcher.mjs'])
    expect(plain.truth.evaluations['src/delegate-store.js']).toBe(2)

    const run = await runToEnd(dir, ['--dist', 'dist', '--json', 'run.json', '--', NODE, 'launcher.mjs'])
    expect(run.stdout).toBe(plain.stdout)
    const report = readRunJson<RunJsonReport>(dir)
    expect(report.processes.map((tracked) => tracked.judged)).toEqual([false, true])
    expectFindingsMatch(report, plain.truth.evaluations)
    expect(report.findings.every((finding) => finding.realm.includes('(node probe.mjs)'))).toBe(true)
    expect(report.notes.some((note) => note.includes('loaded nothing from the --dist folders'))).toBe(true)
  })
})

/** A server whose lazy route loads a second copy of its store (a symlinked path kept as its own id). */
const SERVER: FixtureFiles = {
  'package.json': JSON.stringify({ name: 'server', type: 'module' }),
  'node_modules/linked': { symlink: '../src' },
  'src/store.js': counted('src/store.js', 'export const store = new Map()\n'),
  'src/handler.runtime.js': `import { store } from 'linked/store.js'\nexport const handle = (key) => store.get(key)\n`,
  'src/server.js': `import http from 'node:http'
import { store } from './store.js'
store.set('key', 'value')
const server = http.createServer(async (request, response) => {
  let seen = null
  if (request.url === '/lazy') seen = (await import('./handler.runtime.js')).handle('key') === 'value'
  response.end(JSON.stringify({ evaluations: globalThis.__evaluations, seen }))
})
if (process.env.GRACEFUL) {
  process.on('SIGTERM', () => {
    server.closeAllConnections()
    server.close(() => process.exit(7))
  })
}
server.listen(0, '127.0.0.1', () => console.log(\`listening \${server.address().port} \${process.pid}\`))
`,
}

async function serverProject(name: string): Promise<string> {
  const dir = writeFixture(name, SERVER)
  await buildWithout('rolldown', dir, {
    input: { server: 'src/server.js' },
    preserveSymlinks: true,
    rolldown: { input: { platform: 'node' } },
  })
  return dir
}

const get = async (port: string, route: string) =>
  (await (await fetch(`http://127.0.0.1:${port}${route}`)).json()) as Truth & { seen: boolean | null }

/** The server run plainly: its lazy route really evaluates the store a second time. */
async function serverTruth(dir: string): Promise<Truth & { seen: boolean | null }> {
  const child = spawn(NODE, ['dist/server.js'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    const port = await new Promise<string>((resolve) =>
      child.stdout.on('data', (data: Buffer) => {
        const match = /listening (\d+)/.exec(data.toString())
        if (match) resolve(match[1] as string)
      }),
    )
    return await get(port, '/lazy')
  } finally {
    child.kill('SIGKILL')
  }
}

describe('run on a long-running server', () => {
  it('reports the copy loaded by a request, when the server is stopped with SIGTERM, and dies of SIGTERM as it did', async () => {
    const dir = await serverProject('run-server-sigterm')
    const truth = await serverTruth(dir)
    expect(truth).toMatchObject({ evaluations: { 'src/store.js': 2 }, seen: false })

    const run = startRun(dir, ['--dist', 'dist', '--json', 'run.json', '--', NODE, 'dist/server.js'])
    const [, port] = await run.waitFor('stdout', /listening (\d+)/)
    expect(await get(port as string, '/lazy')).toEqual(truth)
    run.child.kill('SIGTERM')
    const end = await run.ended
    expect(end.signal).toBe('SIGTERM')
    expect(end.stderr).toContain('ended by SIGTERM')
    const report = readRunJson<RunJsonReport>(dir)
    expect(report.status).toEqual({ code: null, signal: 'SIGTERM' })
    expect(report.exitCode).toBe(143)
    expectFindingsMatch(report, truth.evaluations)
    expect(report.findings[0]?.evaluations[1]).toMatchObject({ how: 'dynamic', by: 'dist/server.js' })
    expect(report.processes[0]?.lastWrite).toBe('SIGTERM')
  })

  it('keeps the exit code of a server that handles SIGTERM itself', async () => {
    const dir = await serverProject('run-server-graceful')
    const run = startRun(dir, ['--dist', 'dist', '--json', 'run.json', '--', NODE, 'dist/server.js'], {
      ...process.env,
      GRACEFUL: '1',
    })
    const [, port] = await run.waitFor('stdout', /listening (\d+)/)
    const response = await get(port as string, '/lazy')
    run.child.kill('SIGTERM')
    const end = await run.ended
    expect(end.exitCode).toBe(7)
    const report = readRunJson<RunJsonReport>(dir)
    expect(report.processes[0]?.lastWrite).toBe('exit')
    expectFindingsMatch(report, response.evaluations)
    expect(report.findings).toHaveLength(1)
  })

  it('prints a snapshot on SIGUSR2 while the server keeps serving', async () => {
    const dir = await serverProject('run-server-snapshot')
    const run = startRun(dir, ['--dist', 'dist', '--', NODE, 'dist/server.js'])
    const [, port] = await run.waitFor('stdout', /listening (\d+)/)
    const response = await get(port as string, '/lazy')
    expect(response.evaluations['src/store.js']).toBe(2)
    run.child.kill('SIGUSR2')
    await run.waitFor(
      'stderr',
      /snapshot \(SIGUSR2\)[\s\S]*src\/store\.js is evaluated 2 times[\s\S]*evaluated more than once in one realm\./,
    )
    // Still serving, with the state it had.
    expect(await get(port as string, '/')).toEqual({ evaluations: response.evaluations, seen: null })
    run.child.kill('SIGINT')
    const end = await run.ended
    expect(end.signal).toBe('SIGINT')
  })

  it('says a server killed by SIGKILL could not flush, judges its last snapshot, and exits 2', async () => {
    const dir = await serverProject('run-server-sigkill')
    const run = startRun(dir, ['--dist', 'dist', '--', NODE, 'dist/server.js'])
    const [, port, pid] = await run.waitFor('stdout', /listening (\d+) (\d+)/)
    await get(port as string, '/lazy')
    run.child.kill('SIGUSR2')
    await run.waitFor('stderr', /snapshot \(SIGUSR2\)[\s\S]*evaluated more than once/)
    process.kill(Number(pid), 'SIGKILL')
    const end = await run.ended
    expect(end.exitCode).toBe(2)
    const lines = end.stderr.trim().split('\n')
    expect(lines[lines.length - 1]).toMatch(
      /^\[singleton-guard\] process \d+ \(node dist\/server\.js\) was killed by SIGKILL: nothing could be flushed; judged from what it recorded up to its last snapshot \(at \d+\.\d ms\)/,
    )
    expect(end.stderr.split('snapshot (SIGUSR2)')[1]).toContain('src/store.js is evaluated 2 times')
    expect(end.stderr).not.toMatch(/\n\s+at /)
  })
})

describe('run on a dist without source maps', () => {
  it('reports a second copy in a tsdown build with default options (no maps), by its markers', async () => {
    const dir = writeFixture('run-no-maps', {
      ...incidentWithTwin(),
      'probe.mjs': `const { reply } = await import('./dist/main.js')\nawait reply('request-1')\nconsole.log(JSON.stringify({ evaluations: globalThis.__evaluations }))\n`,
    })
    await buildWithout('tsdown', dir, { input: { main: 'src/main.js' }, sourcemap: false, preserveSymlinks: true })
    expect(fs.readdirSync(path.join(dir, 'dist')).some((file) => file.endsWith('.map'))).toBe(false)
    const plain = await plainRun(dir, ['probe.mjs'])
    expect(plain.truth.evaluations['src/delegate-store.js']).toBe(2)

    const run = await runToEnd(dir, ['--dist', 'dist', '--json', 'run.json', '--', NODE, 'probe.mjs'])
    expect(run.stdout).toBe(plain.stdout)
    const report = readRunJson<RunJsonReport>(dir)
    expect(report.unattributed).toEqual([])
    expectFindingsMatch(report, plain.truth.evaluations)
    // Its top level holds a Map, read from the code the chunk prints: it ranks first and says so.
    const store = report.findings.find((finding) => finding.module === 'src/delegate-store.js')
    expect(store).toMatchObject({ stateful: true, state: expect.stringContaining('Map') })
    expect(run.stderr).toMatch(/state: `store` [^\n]*Map/)
  })
})

describe('run: bad input gets one line and exit code 2, and the command does not run', () => {
  const project: FixtureFiles = {
    'package.json': JSON.stringify({ name: 'app', type: 'module' }),
    'src/main.js': `export const x = 1\n`,
    'touch.mjs': `import fs from 'node:fs'\nfs.writeFileSync('ran.txt', 'ran')\n`,
    'notes.txt': 'my notes\n',
  }

  it.each([
    ['no command', [], '`run` needs the command to run after `--`'],
    ['flags but no command', ['--dist', 'dist'], '`run` needs the command to run after `--`'],
    ['an empty command after --', ['--'], '`run` needs the command to run after `--`'],
    [
      'a command that is not found',
      ['--', 'no-such-command-for-singleton-guard'],
      'command not found: no-such-command-for-singleton-guard',
    ],
    [
      'a --dist folder that does not exist',
      ['--dist', 'no-such-dist', '--', NODE, 'touch.mjs'],
      'folder not found: no-such-dist',
    ],
    [
      '--import-all without --dist',
      ['--import-all', '--', NODE, 'touch.mjs'],
      '`--import-all` imports the dynamic entries of the `--dist` folders',
    ],
    [
      '--json over a file it did not write',
      ['--json', 'notes.txt', '--', NODE, 'touch.mjs'],
      'the file exists and is not a report this command wrote',
    ],
    [
      '--json into a missing folder',
      ['--json', 'nowhere/run.json', '--', NODE, 'touch.mjs'],
      'its folder does not exist',
    ],
    ['an unknown flag', ['--colour', '--', NODE, 'touch.mjs'], 'unknown flag `--colour`'],
    ['a flag without its value', ['--dist'], '`--dist` needs a value'],
  ])('%s', async (_, args, expected) => {
    const dir = writeFixture('run-bad', project)
    await buildWithout('rolldown', dir, { input: { main: 'src/main.js' } })
    const run = await runToEnd(dir, args)
    expect(run.exitCode).toBe(2)
    const lines = run.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^\[singleton-guard\] /)
    expect(lines[0]).toContain(expected)
    expect(run.stderr).not.toMatch(/\n\s+at /)
    expect(fs.existsSync(path.join(dir, 'ran.txt'))).toBe(false)
    expect(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('my notes\n')
  })

  it('says when the command started no Node process, and --fail does not clear it', async () => {
    const dir = writeFixture('run-no-node', project)
    const plain = await runToEnd(dir, ['--', 'true'])
    expect(plain.exitCode).toBe(0)
    expect(plain.stderr).toContain('nothing was recorded')
    const failing = await runToEnd(dir, ['--fail', '--', 'true'])
    expect(failing.exitCode).toBe(2)
  })

  it("passes a failing command's own exit code and output through", async () => {
    const dir = writeFixture('run-failing', project)
    const run = await runToEnd(dir, ['--', NODE, '-e', 'console.log("own output"); process.exit(3)'])
    expect(run.exitCode).toBe(3)
    expect(run.stdout).toBe('own output\n')
    expect(run.stderr).toContain('ended with exit code 3')
  })
})
