import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { singletonGuard } from '../src/index.ts'
import { execute, statefulModule, writeFixture } from './helpers/fixture.ts'
import { startHost, type Host } from './helpers/host.ts'
import { rollupBuild } from './helpers/rollup.ts'
import { rewrite, service, serviceProject } from './helpers/service.ts'

let host: Host | undefined
afterEach(() => host?.kill())

const singletons = 'src/delegate-store.js'

/** A clean rebuild, as `rm -rf dist && rollup -c` does it. */
async function cleanRebuild(dir: string, plugins: unknown[], output = {}) {
  rewrite(dir, service(2))
  fs.rmSync(path.join(dir, 'dist'), { recursive: true })
  return rollupBuild(dir, 'src/main.js', plugins, output)
}

describe('Rollup 4: promote keeps its word', () => {
  it('a clean rebuild under a running process keeps one realm', async () => {
    const dir = writeFixture('rollup-promote', serviceProject())
    const guard = () => singletonGuard({ root: dir, singletons, promote: true })
    const first = await rollupBuild(dir, 'src/main.js', [guard()])
    expect(first.error).toBeUndefined()
    expect(first.logs.filter((log) => log.level === 'warn')).toEqual([])
    expect(first.files).toEqual(['auto-reply/reply/agent-runner.runtime.js', 'delegate-store.js', 'main.js'])
    const promoted = first.logs.find((log) => log.code === 'SINGLETON_PROMOTED')
    expect(promoted?.message).toContain('2 modules promoted to stable entries')
    expect(promoted?.message).toContain(
      `"delegate-store":                        "src/delegate-store.js", // singleton`,
    )

    host = startHost(dir, 'dist/main.js')
    expect(await host.ready).toEqual({ runnerEvaluated: 0, realms: 1 })
    const second = await cleanRebuild(dir, [guard()])
    expect(second.error).toBeUndefined()
    expect(fs.readFileSync(path.join(dir, 'dist/auto-reply/reply/agent-runner.runtime.js'), 'utf8')).toContain(
      'runner v2',
    )
    expect(await host.release()).toEqual({ ok: true, seen: true, realms: 1, runnerEvaluated: 1 })
  })

  it('without promote, the same rebuild strands the running process', async () => {
    const dir = writeFixture('rollup-no-promote', serviceProject())
    const guard = () => singletonGuard({ root: dir, singletons })
    expect((await rollupBuild(dir, 'src/main.js', [guard()])).error).toBeUndefined()
    host = startHost(dir, 'dist/main.js')
    await host.ready
    expect((await cleanRebuild(dir, [guard()])).error).toBeUndefined()
    expect(await host.release()).toMatchObject({ ok: false, code: 'ERR_MODULE_NOT_FOUND' })
  })

  it("keeps the user's manualChunks function and names promoted chunks with the user's entry naming", async () => {
    const dir = writeFixture('rollup-manual-chunks', serviceProject())
    const output = {
      entryFileNames: '[name].mjs',
      chunkFileNames: 'chunks/[name]-[hash].mjs',
      manualChunks: (id: string) => (id.includes('/tools/') ? 'tools' : null),
    }
    const result = await rollupBuild(
      dir,
      'src/main.js',
      [singletonGuard({ root: dir, singletons, promote: true })],
      output,
    )
    expect(result.error).toBeUndefined()
    // Rollup puts the store into the user's chunk with the tools: promote moves nothing out of
    // it, and names it as the user's chunk naming does, without the hash.
    expect(result.files).toEqual(['auto-reply/reply/agent-runner.runtime.mjs', 'chunks/tools.mjs', 'main.mjs'])
    expect(fs.readFileSync(path.join(dir, 'dist/chunks/tools.mjs'), 'utf8')).toContain('new Map()')
    const truth = await execute(
      dir,
      `const main = await import('./dist/main.mjs')\nmain.continueWork('a')\nconst seen = (await main.runAgent('a')) === 'pending'\nconsole.log(JSON.stringify({ realms: globalThis.__evaluations.state, seen }))\n`,
    )
    expect(truth).toEqual({ realms: 1, seen: true })
  })

  it("with an object manualChunks, the user's chunk that holds the singleton keeps its name, without the hash", async () => {
    const dir = writeFixture('rollup-manual-object', serviceProject())
    const result = await rollupBuild(dir, 'src/main.js', [singletonGuard({ root: dir, singletons, promote: true })], {
      manualChunks: { tools: [path.join(dir, 'src/tools/continue-work.js')] },
    })
    expect(result.error).toBeUndefined()
    expect(result.logs.find((log) => log.code === 'SINGLETON_PROMOTE_INCOMPLETE')).toBeUndefined()
    const promoted = result.logs.find((log) => log.code === 'SINGLETON_PROMOTED')
    expect(promoted?.message).toContain('"auto-reply/reply/agent-runner.runtime"')
    expect(promoted?.message).toContain(
      'src/delegate-store.js in tools.js (the chunk "tools" of your chunking options)',
    )
    expect(result.files).toEqual(['auto-reply/reply/agent-runner.runtime.js', 'main.js', 'tools.js'])
    expect(fs.readFileSync(path.join(dir, 'dist/tools.js'), 'utf8')).toContain('new Map()')
  })
})

describe('Rollup 4: the check', () => {
  it('catches one file under two ids (a query twin) and the executed bundle agrees', async () => {
    const dir = writeFixture('rollup-twin', {
      'package.json': JSON.stringify({ name: 'lib', type: 'module' }),
      'src/state.js': statefulModule(),
      'src/main.js': `import { store } from './state.js'\nimport { store as twin } from './state.js?copy=2'\nstore.set('k', 1)\nexport const seen = twin.get('k') === 1\n`,
    })
    const twinLoader = {
      name: 'twin-loader',
      resolveId: (source: string, importer: string | undefined) =>
        source.endsWith('?copy=2') && importer ? path.resolve(path.dirname(importer), source) : null,
      load: (id: string) => (id.endsWith('?copy=2') ? fs.readFileSync(id.slice(0, -'?copy=2'.length), 'utf8') : null),
    }
    const failed = await rollupBuild(dir, 'src/main.js', [
      twinLoader,
      singletonGuard({ root: dir, singletons: 'src/state.js' }),
    ])
    expect(failed.errorCode).toBe('SINGLETON_DUPLICATED')
    expect(failed.error).toContain('src/state.js is evaluated 2 times in one output (dist, es)')
    const warned = await rollupBuild(dir, 'src/main.js', [
      twinLoader,
      singletonGuard({ root: dir, singletons: 'src/state.js', onDuplicate: 'warn' }),
    ])
    expect(warned.logs.map((log) => log.code)).toContain('SINGLETON_DUPLICATED')
    const truth = await execute(
      dir,
      `const { seen } = await import('./dist/main.js')\nconsole.log(JSON.stringify({ realms: globalThis.__evaluations.state, seen }))\n`,
    )
    expect(truth).toEqual({ realms: 2, seen: false })
  })
})
