import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { statefulModule, writeFixture, type FixtureFiles } from './helpers/fixture.ts'
import { startHost, type Host } from './helpers/host.ts'
import { build } from './helpers/build.ts'
import { importPlugin, runTsdown, watchTsdown, type WatchSession } from './helpers/tsdown.ts'

/** The incident's service: a reply pipeline that lazily loads an agent runner sharing a store with tools. */
function service(version: number): FixtureFiles {
  return {
    // A function, not a constant: rolldown would inline a constant into the importers and leave the store's chunk unchanged.
    'src/delegate-store.ts': `${statefulModule()}export function storeVersion(): number {\n  return ${version}\n}\n`,
    'src/tools/continue-work.ts': `import { store, storeVersion } from '../delegate-store.ts'\nexport function continueWork(id: string): void {\n  store.set(id, 'pending')\n  store.set('tools', 'v${version} with store v' + storeVersion())\n}\n`,
    'src/auto-reply/reply/agent-runner.runtime.ts': `import { store } from '../../delegate-store.ts'
globalThis.__evaluations.runner = (globalThis.__evaluations.runner ?? 0) + 1
export function pending(id: string): unknown {
  return store.get(id)
}
export const runnerVersion = 'runner v${version}'
`,
    'src/auto-reply/reply/summarizer.runtime.ts': `export const summarize = (text: string): number => text.length * ${version}\n`,
    'src/main.ts': `export { continueWork } from './tools/continue-work.ts'
export async function runAgent(id: string): Promise<unknown> {
  const runner = await import('./auto-reply/reply/agent-runner.runtime.ts')
  globalThis.__runnerVersion = runner.runnerVersion
  return runner.pending(id)
}
export async function summarize(text: string): Promise<number> {
  return (await import('./auto-reply/reply/summarizer.runtime.ts')).summarize(text)
}
`,
  }
}

function project(guardOptions: string): FixtureFiles {
  return {
    'package.json': JSON.stringify({ name: 'agent-service', version: '1.0.0', type: 'module' }),
    'tsconfig.json': JSON.stringify({
      compilerOptions: { target: 'es2023', module: 'preserve', strict: true, skipLibCheck: true },
    }),
    'tsdown.config.ts': `import { defineConfig } from 'tsdown'\n${importPlugin}\nexport default defineConfig({ entry: ['src/main.ts'], plugins: [singletonGuard(${guardOptions})] })\n`,
    ...service(1),
  }
}

function rewrite(dir: string, files: FixtureFiles): void {
  for (const [file, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), content as string)
}

function listDist(dir: string): string[] {
  return (fs.readdirSync(path.join(dir, 'dist'), { recursive: true }) as string[])
    .map((f) => f.split(path.sep).join('/'))
    .sort()
}

let host: Host | undefined
let watcher: WatchSession | undefined
afterEach(() => {
  host?.kill()
  watcher?.stop()
})

describe('promote: a rebuild under a running process', () => {
  it('with promote, the first lazy import after a clean rebuild succeeds and meets the same store', async () => {
    const dir = writeFixture('promote-rebuild', project(`{ singletons: 'src/delegate-store.ts', promote: true }`))
    const first = await runTsdown(dir)
    expect(first.exitCode).toBe(0)
    expect(first.output).toContain('SINGLETON_PROMOTED: 2 modules promoted to stable entries')
    expect(first.output).toContain(
      `"auto-reply/reply/agent-runner.runtime": "src/auto-reply/reply/agent-runner.runtime.ts", // runtime boundary`,
    )
    expect(first.output).toContain(`"delegate-store":                        "src/delegate-store.ts", // singleton`)
    const files = listDist(dir)
    expect(files).toContain('auto-reply/reply/agent-runner.runtime.mjs')
    expect(files).toContain('delegate-store.mjs')
    // A boundary that reaches no singleton is left as it was: hashed.
    expect(files.filter((f) => f.startsWith('summarizer.runtime-'))).toHaveLength(1)

    host = startHost(dir, 'dist/main.mjs')
    // import() stays lazy: the promoted runner has not run yet.
    expect(await host.ready).toEqual({ runnerEvaluated: 0, realms: 1 })

    rewrite(dir, service(2))
    const second = await runTsdown(dir)
    expect(second.exitCode).toBe(0)
    expect(fs.readFileSync(path.join(dir, 'dist/auto-reply/reply/agent-runner.runtime.mjs'), 'utf8')).toContain(
      'runner v2',
    )

    expect(await host.release()).toEqual({ ok: true, seen: true, realms: 1, runnerEvaluated: 1 })
  })

  it('without promote, the same scenario strands the running process', async () => {
    const dir = writeFixture('no-promote-rebuild', project(`{ singletons: 'src/delegate-store.ts' }`))
    expect((await runTsdown(dir)).exitCode).toBe(0)
    host = startHost(dir, 'dist/main.mjs')
    expect(await host.ready).toEqual({ runnerEvaluated: 0, realms: 1 })
    rewrite(dir, service(2))
    expect((await runTsdown(dir)).exitCode).toBe(0)
    const result = await host.release()
    expect(result).toMatchObject({ ok: false, code: 'ERR_MODULE_NOT_FOUND' })
  })
  it('works the same through the rolldown API: clean, rebuild, first lazy import', async () => {
    const dir = writeFixture('promote-rolldown-api', project('{}'))
    const spec = {
      input: { main: 'src/main.ts' },
      guard: { singletons: 'src/delegate-store.ts', promote: true },
      outputs: [{ dir: 'dist', entryFileNames: '[name].mjs', chunkFileNames: '[name]-[hash].mjs' }],
    }
    expect((await build(dir, spec)).error).toBeUndefined()
    host = startHost(dir, 'dist/main.mjs')
    expect(await host.ready).toEqual({ runnerEvaluated: 0, realms: 1 })
    rewrite(dir, service(2))
    fs.rmSync(path.join(dir, 'dist'), { recursive: true })
    expect((await build(dir, spec)).error).toBeUndefined()
    expect(await host.release()).toEqual({ ok: true, seen: true, realms: 1, runnerEvaluated: 1 })
  })
})

describe('promote: what gets promoted and how it is named', () => {
  it('without promote.singletons, a stable boundary loads a second copy of a re-hashed singleton', async () => {
    const dir = writeFixture(
      'promote-no-singletons',
      project(`{ singletons: 'src/delegate-store.ts', promote: { singletons: false } }`),
    )
    expect((await runTsdown(dir)).exitCode).toBe(0)
    expect(listDist(dir)).toContain('auto-reply/reply/agent-runner.runtime.mjs')
    expect(listDist(dir).some((f) => /^delegate-store-[\w-]+\.mjs$/.test(f))).toBe(true)
    host = startHost(dir, 'dist/main.mjs')
    await host.ready
    rewrite(dir, service(2))
    expect((await runTsdown(dir)).exitCode).toBe(0)
    // The boundary is found, but it imports the new store chunk: two realms, the write is lost.
    expect(await host.release()).toEqual({ ok: true, seen: false, realms: 2, runnerEvaluated: 1 })
  })

  it('keeps working under tsdown --watch', async () => {
    const dir = writeFixture('promote-watch', project(`{ singletons: 'src/delegate-store.ts', promote: true }`))
    watcher = watchTsdown(dir)
    await watcher.builds(1)
    host = startHost(dir, 'dist/main.mjs')
    expect(await host.ready).toEqual({ runnerEvaluated: 0, realms: 1 })
    rewrite(dir, service(2))
    await watcher.builds(2)
    expect(fs.readFileSync(path.join(dir, 'dist/auto-reply/reply/agent-runner.runtime.mjs'), 'utf8')).toContain(
      'runner v2',
    )
    expect(await host.release()).toEqual({ ok: true, seen: true, realms: 1, runnerEvaluated: 1 })
  })

  it('promotes by pattern with include, leaves out with exclude, and records it in the report', async () => {
    const files: FixtureFiles = { ...project('{}'), 'src/lonely.runtime.ts': 'export const alone = 1\n' }
    files['src/main.ts'] += `export const lonely = () => import('./lonely.runtime.ts')\n`
    const dir = writeFixture('promote-include', files)
    const result = await build(dir, {
      input: { main: 'src/main.ts' },
      guard: {
        singletons: 'src/delegate-store.ts',
        promote: { include: 'src/**/*.runtime.ts', exclude: 'src/lonely.runtime.ts' },
        report: true,
      },
      outputs: [{ dir: 'dist', entryFileNames: '[name].mjs', chunkFileNames: '[name]-[hash].mjs' }],
    })
    expect(result.error).toBeUndefined()
    expect(result.files[0]).toEqual(
      expect.arrayContaining([
        'auto-reply/reply/agent-runner.runtime.mjs',
        'auto-reply/reply/summarizer.runtime.mjs',
        'delegate-store.mjs',
        'main.mjs',
      ]),
    )
    expect(result.files[0]?.filter((f) => f.startsWith('lonely.runtime-'))).toHaveLength(1)
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'dist/singleton-report.json'), 'utf8'))
    expect(report.promoted).toEqual([
      {
        name: 'auto-reply/reply/agent-runner.runtime',
        module: 'src/auto-reply/reply/agent-runner.runtime.ts',
        reason: 'runtime boundary',
        fileName: 'auto-reply/reply/agent-runner.runtime.mjs',
      },
      {
        name: 'auto-reply/reply/summarizer.runtime',
        module: 'src/auto-reply/reply/summarizer.runtime.ts',
        reason: 'include',
        fileName: 'auto-reply/reply/summarizer.runtime.mjs',
      },
      {
        name: 'delegate-store',
        module: 'src/delegate-store.ts',
        reason: 'singleton',
        fileName: 'delegate-store.mjs',
      },
    ])
  })

  it("names promoted chunks with the build's own entry naming, e.g. .cjs", async () => {
    const dir = writeFixture('promote-cjs', project('{}'))
    const result = await build(dir, {
      input: { main: 'src/main.ts' },
      guard: { singletons: 'src/delegate-store.ts', promote: true },
      outputs: [{ dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: '[name]-[hash].cjs' }],
    })
    expect(result.error).toBeUndefined()
    expect(result.files[0]).toEqual(
      expect.arrayContaining(['auto-reply/reply/agent-runner.runtime.cjs', 'delegate-store.cjs', 'main.cjs']),
    )
  })

  it.each([
    ['codeSplitting.groups', { codeSplitting: { groups: [{ name: 'tools', test: /tools/ }] } }],
    ['advancedChunks', { advancedChunks: { groups: [{ name: 'tools', test: /tools/ }] } }],
    ['manualChunks', { manualChunks: (id: string) => (id.includes('/tools/') ? 'tools' : null) }],
  ])(
    'keeps the chunking the user configured with %s, and names the chunk it gave the singleton',
    async (_, chunking) => {
      const dir = writeFixture('promote-keeps-chunking', project('{}'))
      const result = await build(dir, {
        input: { main: 'src/main.ts' },
        guard: { singletons: 'src/delegate-store.ts', promote: true },
        outputs: [{ dir: 'dist', entryFileNames: '[name].mjs', chunkFileNames: '[name]-[hash].mjs', ...chunking }],
      })
      expect(result.error).toBeUndefined()
      // The user's group takes the tools and what they import, the store among them: promote moves
      // nothing out of it, and names it as the user did, without the hash (it holds the singleton).
      expect(result.files[0]).toEqual(
        expect.arrayContaining(['tools.mjs', 'auto-reply/reply/agent-runner.runtime.mjs', 'main.mjs']),
      )
      expect(result.files[0]?.some((file) => file.startsWith('delegate-store'))).toBe(false)
      const tools = fs.readFileSync(path.join(dir, 'dist/tools.mjs'), 'utf8')
      expect(tools).toContain('src/delegate-store.ts')
      expect(tools).toContain('src/tools/continue-work.ts')
      expect(result.infos.map((info) => info.message).join('\n')).toContain(
        'src/delegate-store.ts in tools.mjs (the chunk "tools" of your chunking options)',
      )
    },
  )

  it('fails with both sources named when a promoted name is already an entry', async () => {
    const dir = writeFixture('promote-clash-entry', { ...project('{}'), 'src/other.ts': 'export const other = 1\n' })
    const result = await build(dir, {
      input: { main: 'src/main.ts', 'delegate-store': 'src/other.ts' },
      guard: { singletons: 'src/delegate-store.ts', promote: true },
    })
    expect(result.errorCode).toBe('SINGLETON_PROMOTE_CLASH')
    expect(result.error).toContain(
      'cannot promote src/delegate-store.ts to the entry name "delegate-store": src/other.ts already has that name',
    )
  })

  it('fails with both sources named when two boundaries map to one name', async () => {
    const files: FixtureFiles = {
      ...project('{}'),
      'src/auto-reply/reply/agent-runner.runtime.js': `import { store } from '../../delegate-store.ts'\nexport const size = () => store.size\n`,
    }
    files['src/main.ts'] += `export const twin = () => import('./auto-reply/reply/agent-runner.runtime.js')\n`
    const dir = writeFixture('promote-clash-twins', files)
    const result = await build(dir, {
      input: { main: 'src/main.ts' },
      guard: { singletons: 'src/delegate-store.ts', promote: true },
    })
    expect(result.errorCode).toBe('SINGLETON_PROMOTE_CLASH')
    expect(result.error).toMatch(
      /cannot promote src\/auto-reply\/reply\/agent-runner\.runtime\.(ts|js) to the entry name "auto-reply\/reply\/agent-runner\.runtime": src\/auto-reply\/reply\/agent-runner\.runtime\.(js|ts) already has that name/,
    )
  })
})
