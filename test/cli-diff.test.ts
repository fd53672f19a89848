import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildWithout, runCli } from './helpers/cli.ts'
import { execute, statefulModule, writeFixture, type FixtureFiles } from './helpers/fixture.ts'

function project(runnerImport: string): FixtureFiles {
  return {
    'package.json': JSON.stringify({ name: 'agent-service', type: 'module' }),
    'src/ids.js': `export const nextId = () => 'request-1'\n`,
    'src/delegate-store.js': `import { nextId } from './ids.js'\n${statefulModule()}export const firstId = nextId()\n`,
    'src/tools/continue-work.js': `import { store } from '../delegate-store.js'\nexport const continueWork = (id) => store.set(id, 'pending')\n`,
    'src/agent-runner.runtime.js': `import { store } from ${JSON.stringify(runnerImport)}\nexport const pending = (id) => store.get(id)\n`,
    'src/main.js': `import { continueWork } from './tools/continue-work.js'
import { nextId } from './ids.js'
export async function reply(id = nextId()) {
  continueWork(id)
  const runner = await import('./agent-runner.runtime.js')
  return runner.pending(id) === 'pending'
}
`,
    'node_modules/linked': { symlink: '../src' },
  }
}

const realms = (dir: string, out: string) =>
  execute<{ realms: number }>(
    dir,
    `const m = await import('./${out}/main.js'); await m.reply(); console.log(JSON.stringify({ realms: globalThis.__evaluations.state }))`,
  )

interface DiffJson {
  schema: string
  version: number
  exitCode: number
  changes: {
    module: string
    kind: string
    before: string[]
    after: string[]
    copiesBefore: number
    copiesAfter: number
  }[]
}

async function diff(dir: string, a: string, b: string, extra: string[] = []) {
  const run = await runCli(dir, ['diff', a, b, '--json', ...extra])
  return { ...run, json: JSON.parse(run.stdout) as DiffJson }
}

describe('diff <before> <after>', () => {
  it('shows the copies disappearing with the fix, and appearing when it is undone', async () => {
    const dir = writeFixture('cli-diff-fix', project('linked/delegate-store.js'))
    await buildWithout('rolldown', dir, { input: { main: 'src/main.js' }, outDir: 'before', preserveSymlinks: true })
    await buildWithout('rolldown', dir, { input: { main: 'src/main.js' }, outDir: 'after' })
    expect((await realms(dir, 'before')).realms).toBe(2)
    expect((await realms(dir, 'after')).realms).toBe(1)

    const fixed = await diff(dir, 'before', 'after')
    expect(fixed.json).toMatchObject({ schema: 'singleton-guard/diff', version: 1, exitCode: 0 })
    expect(fixed.exitCode).toBe(0)
    expect(fixed.json.changes).toContainEqual(
      expect.objectContaining({
        module: 'src/delegate-store.js',
        kind: 'copies-disappeared',
        copiesBefore: 2,
        copiesAfter: 1,
      }),
    )
    const undone = await runCli(dir, ['diff', 'after', 'before'])
    expect(undone.exitCode).toBe(1)
    expect(undone.stdout).toContain('src/delegate-store.js: copies appeared: 1 -> 2')
  })

  it('ignores renames that only change a hash', async () => {
    const files = project('./delegate-store.js')
    const dir = writeFixture('cli-diff-rename', files)
    const input = { main: 'src/main.js', 'delegate-store': 'src/delegate-store.js' }
    await buildWithout('rolldown', dir, { input, outDir: 'before' })
    // Change code in the chunk that holds the store: its hash (and every importer's) changes.
    fs.appendFileSync(path.join(dir, 'src/delegate-store.js'), `export const revision = 2\n`)
    await buildWithout('rolldown', dir, { input, outDir: 'after' })
    const list = (out: string) => fs.readdirSync(path.join(dir, out)).filter((file) => file.endsWith('.js'))
    expect(list('after')).not.toEqual(list('before'))
    expect(list('after').length).toBe(list('before').length)
    const run = await diff(dir, 'before', 'after', ['--singletons', 'src/delegate-store.js'])
    expect(run.json.changes).toEqual([])
    expect(run.exitCode).toBe(0)
    expect((await runCli(dir, ['diff', 'before', 'after'])).stdout).toContain('no change for the modules that matter')
  })

  it('shows a module moving to another chunk and a shim appearing', async () => {
    const dir = writeFixture('cli-diff-move', project('./delegate-store.js'))
    await buildWithout('rolldown', dir, { input: { main: 'src/main.js' }, outDir: 'before' })
    await buildWithout('rolldown', dir, {
      input: { main: 'src/main.js', 'delegate-store': 'src/delegate-store.js' },
      outDir: 'after',
      rolldown: { output: { codeSplitting: { groups: [{ name: 'store-home', test: /delegate-store|ids/ }] } } },
    })
    expect((await realms(dir, 'after')).realms).toBe(1)
    const run = await diff(dir, 'before', 'after', ['--singletons', 'src/delegate-store.js'])
    expect(run.exitCode).toBe(0)
    expect(run.json.changes).toContainEqual(
      expect.objectContaining({
        module: 'src/delegate-store.js',
        kind: 'moved',
        before: ['delegate-store.js'],
        after: ['store-home.js'],
      }),
    )
    expect(run.json.changes).toContainEqual(
      expect.objectContaining({ module: 'src/delegate-store.js', kind: 'shim-appeared', after: ['delegate-store.js'] }),
    )
  })
})
