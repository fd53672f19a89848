import fs from 'node:fs'
import path from 'node:path'
import { rolldown } from 'rolldown'
import { describe, expect, it } from 'vitest'
import { singletonGuard } from '../src/index.ts'
import { buildWithout, runCli } from './helpers/cli.ts'
import { execute, writeFixture, type FixtureFiles } from './helpers/fixture.ts'

/**
 * The audit judges every module, so it tells apart the copies that split a realm (a module whose
 * top level holds state) from the copies that only cost bytes (pure functions): the first fail,
 * the second are listed. Two builds written into one folder, each with its own copy of both, and
 * two installs of a registry package; every verdict beside what the executed bundles show.
 */
const counted = (name: string) =>
  `globalThis.__evaluations ??= {}\nglobalThis.__evaluations[${JSON.stringify(name)}] = (globalThis.__evaluations[${JSON.stringify(name)}] ?? 0) + 1\n`

function project(): FixtureFiles {
  const registry = (version: string) => ({
    [`package.json`]: JSON.stringify({ name: 'registry-lib', version, type: 'module', exports: './index.js' }),
    [`index.js`]: `${counted('registry')}export const items = []\nexport function register(item) {\n  items.push(item)\n  return items.length\n}\n`,
  })
  const files: FixtureFiles = {
    'package.json': JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }),
    'src/pending.js': `${counted('pending')}export const pending = new Map()\nexport const track = (id) => pending.set(id, 'waiting')\n`,
    'src/format.js': `${counted('format')}export const format = (value) => '[' + value + ']'\n`,
    'src/main.js': `import { track } from './pending.js'\nimport { format } from './format.js'\nimport { register } from 'registry-lib'\nimport { tool } from 'tool'\nexport const run = () => [track('a'), format(1), register('main'), tool()]\n`,
    'src/worker.js': `import { pending } from './pending.js'\nimport { format } from './format.js'\nexport const size = () => format(pending.size)\n`,
    'node_modules/tool/package.json': JSON.stringify({
      name: 'tool',
      version: '1.0.0',
      type: 'module',
      exports: './index.js',
    }),
    'node_modules/tool/index.js': `import { register } from 'registry-lib'\nexport const tool = () => register('tool')\n`,
  }
  for (const [file, text] of Object.entries(registry('2.0.0'))) files[`node_modules/registry-lib/${file}`] = text
  for (const [file, text] of Object.entries(registry('1.0.0')))
    files[`node_modules/tool/node_modules/registry-lib/${file}`] = text
  return files
}

/** Two builds into one folder without source maps, then the sources taken away, as on a server. */
async function twoBuilds(files: FixtureFiles, { removeSources = true } = {}): Promise<string> {
  const dir = writeFixture('cli-state', files)
  await buildWithout('rolldown', dir, { input: { main: 'src/main.js' }, sourcemap: false })
  await buildWithout('rolldown', dir, { input: { worker: 'src/worker.js' }, sourcemap: false })
  const truth = await execute<Record<string, number>>(
    dir,
    `const main = await import('./dist/main.js')\nconst worker = await import('./dist/worker.js')\nmain.run(); worker.size()\nconsole.log(JSON.stringify(globalThis.__evaluations))\n`,
  )
  // Each of these top levels really runs more than once in one process.
  expect(truth).toEqual({ pending: 2, format: 2, registry: 2 })
  if (removeSources) {
    fs.rmSync(path.join(dir, 'src'), { recursive: true })
    fs.rmSync(path.join(dir, 'node_modules'), { recursive: true })
  }
  return dir
}

interface Finding {
  module: string
  severity: string
  stateful: string
  evidence?: { binding: string; why: string; line: number; text: string }[]
}

async function auditJson(dir: string, args: string[] = []) {
  const run = await runCli(dir, ['audit', 'dist', '--json', ...args])
  return { exitCode: run.exitCode, json: JSON.parse(run.stdout) as { findings: Finding[]; verdict: string } }
}

describe('audit: copies with state fail, copies of code only are listed', () => {
  it('from the code the chunks print (sources gone): state named with its binding, pure code kept apart', async () => {
    const dir = await twoBuilds(project())
    const { exitCode, json } = await auditJson(dir)
    expect(exitCode).toBe(1)
    const byModule = new Map(json.findings.map((finding) => [finding.module, finding]))
    const pending = byModule.get('src/pending.js')
    expect(pending).toMatchObject({ stateful: 'yes', severity: 'error' })
    expect(pending?.evidence?.[0]).toMatchObject({ binding: 'pending', why: expect.stringContaining('Map') })
    expect(byModule.get('registry-lib/index.js')).toMatchObject({ stateful: 'yes', severity: 'error' })
    expect(byModule.get('src/format.js')).toMatchObject({ stateful: 'no', severity: 'info' })
    // Declared, then stateful, then the rest.
    const order = json.findings.map((finding) => finding.stateful)
    expect(order.indexOf('no')).toBeGreaterThan(order.lastIndexOf('yes'))
    expect(json.verdict).toContain('without state duplicated')
  })

  it('the text says which is which; the sources on disk are read where they are', async () => {
    const dir = await twoBuilds(project(), { removeSources: false })
    const run = await runCli(dir, ['audit', 'dist'])
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(/state: `pending` [^\n]*Map/)
    expect(run.stdout).toContain('state: none at its top level: duplicated code, a matter of bytes, not a split realm')
    const lines = run.stdout.split('\n')
    expect(lines[0]).toMatch(
      /modules with state or declared are evaluated more than once; 1 module without state duplicated/,
    )
  })

  it('copies of code without state alone exit 0, and fail with --strict-duplicates', async () => {
    const files = project()
    files['src/main.js'] = `import { format } from './format.js'\nexport const run = () => format(1)\n`
    files['src/worker.js'] = `import { format } from './format.js'\nexport const size = () => format(2)\n`
    const dir = writeFixture('cli-state-pure', files)
    await buildWithout('rolldown', dir, { input: { main: 'src/main.js' }, sourcemap: false })
    await buildWithout('rolldown', dir, { input: { worker: 'src/worker.js' }, sourcemap: false })
    const truth = await execute<Record<string, number>>(
      dir,
      `await import('./dist/main.js'); await import('./dist/worker.js')\nconsole.log(JSON.stringify(globalThis.__evaluations))\n`,
    )
    expect(truth).toEqual({ format: 2 })
    const plain = await runCli(dir, ['audit', 'dist'])
    expect(plain.exitCode).toBe(0)
    expect(plain.stdout).toContain(
      'no module with state is evaluated more than once; 1 module without state duplicated',
    )
    const strict = await runCli(dir, ['audit', 'dist', '--strict-duplicates'])
    expect(strict.exitCode).toBe(1)
  })
})

describe('suggest: the singletons list, ready to paste', () => {
  it('names the stateful modules with copies, most imported first, in patterns the plugin takes', async () => {
    const files = project()
    const dir = await twoBuilds(files, { removeSources: false })
    const run = await runCli(dir, ['suggest', 'dist'])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('singletons: [')
    expect(run.stdout).toMatch(/^ {2}'src\/pending\.js', \/\/ `pending` .*Map.*; 2 copies$/m)
    expect(run.stdout).toMatch(/^ {2}'registry-lib', \/\/ `items` .*; 2 copies$/m)
    expect(run.stdout).not.toContain('format.js')
    const json = JSON.parse((await runCli(dir, ['suggest', 'dist', '--json'])).stdout) as {
      schema: string
      singletons: { pattern: string; module: string }[]
    }
    expect(json.schema).toBe('singleton-guard/suggest')
    expect(json.singletons.map((s) => s.pattern).sort()).toEqual(["'registry-lib'", "'src/pending.js'"])

    // Pasted into the plugin, the list makes the build fail on exactly those copies.
    const patterns = json.singletons.map((s) => s.pattern.slice(1, -1))
    const caught: string[] = []
    const bundle = await rolldown({
      cwd: dir,
      input: { main: 'src/main.js' },
      plugins: [singletonGuard({ root: dir, singletons: patterns })],
      onLog() {},
    })
    try {
      await bundle.generate({ format: 'esm' })
    } catch (error) {
      caught.push(String((error as Error).message))
    } finally {
      await bundle.close()
    }
    // In the main build alone, the registry's two installs are the copies.
    expect(caught.join('\n')).toContain('registry-lib')
    expect(caught.join('\n')).toContain('SINGLETON_DUPLICATED')
  })

  it('bad input: one line, exit 2', async () => {
    const dir = writeFixture('cli-suggest-bad', { 'package.json': '{}' })
    const none = await runCli(dir, ['suggest'])
    expect(none.exitCode).toBe(2)
    expect(none.stderr.trim().split('\n')).toHaveLength(1)
    const flag = await runCli(dir, ['suggest', 'dist', '--module', 'x'])
    expect(flag.exitCode).toBe(2)
    expect(flag.stderr).toContain('belongs to `audit`, not `suggest`')
  })
})
