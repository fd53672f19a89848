import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { RegistryListing, RuntimeGuardEvent } from '../src/index.ts'
import { build } from './helpers/build.ts'
import { REALMS_EXPRESSION, statefulModule, writeFixture, type FixtureFiles } from './helpers/fixture.ts'
import { LIST_EXPRESSION, reportCount, runProbe, startProcess, type LiveProcess } from './helpers/runtime.ts'
import { importPlugin, runTsdown } from './helpers/tsdown.ts'

const REGISTRY = `globalThis[Symbol.for('singleton-guard.registry')]`

function tsdownProject(config: string, files: FixtureFiles): FixtureFiles {
  return {
    'package.json': JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }),
    'tsconfig.json': JSON.stringify({
      compilerOptions: { target: 'es2023', module: 'preserve', strict: true, skipLibCheck: true },
    }),
    'tsdown.config.ts': `import { defineConfig } from 'tsdown'\n${importPlugin}\nexport default defineConfig(${config})\n`,
    ...files,
  }
}

function distFiles(dir: string, folder = 'dist'): string[] {
  return (fs.readdirSync(path.join(dir, folder), { recursive: true }) as string[])
    .map((file) => file.split(path.sep).join('/'))
    .filter((file) => /\.[cm]?js$/.test(file))
    .sort()
}

interface Probed {
  realms: number
  seen?: boolean
  list: RegistryListing[]
}

let live: LiveProcess | undefined
afterEach(() => live?.kill())

describe('runtime guard: a second evaluation in one process is reported', () => {
  it('esm and cjs twins of one build, loaded through import and require', async () => {
    const dir = writeFixture(
      'runtime-twins',
      tsdownProject(
        `{ entry: ['src/index.ts'], format: ['esm', 'cjs'], plugins: [singletonGuard({ singletons: 'src/state.ts', runtimeGuard: 'warn' })] }`,
        { 'src/state.ts': statefulModule(), 'src/index.ts': `export { store } from './state.ts'\n` },
      ),
    )
    const built = await runTsdown(dir)
    expect(built.exitCode).toBe(0)
    const files = distFiles(dir)
    const esm = files.find((file) => /\.m?js$/.test(file) && !file.endsWith('.cjs')) as string
    const cjs = files.find((file) => file.endsWith('.cjs')) as string
    expect([esm, cjs]).toEqual([expect.any(String), expect.any(String)])
    expect(fs.readFileSync(path.join(dir, 'dist', cjs), 'utf8')).not.toContain('import.meta')

    const run = await runProbe<Probed>(
      dir,
      `import { createRequire } from 'node:module'
const viaImport = await import('./dist/${esm}')
const viaRequire = createRequire(import.meta.url)('./dist/${cjs}')
viaImport.store.set('request-1', 'pending')
console.log(JSON.stringify({ realms: ${REALMS_EXPRESSION()}, seen: viaRequire.store.get('request-1') === 'pending', list: ${LIST_EXPRESSION} }))
`,
    )
    // The oracle: two evaluations, a write through one copy is not seen through the other.
    expect(run.result).toMatchObject({ realms: 2, seen: false })
    expect(reportCount(run.stderr)).toBe(1)
    expect(run.stderr).toContain(
      '[singleton-guard] SINGLETON_DUPLICATED_AT_RUNTIME: app/src/state.ts is evaluated 2 times',
    )
    expect(run.stderr).toContain(`copy 1: ${path.join(dir, 'dist', esm)} (version 1.0.0)`)
    expect(run.stderr).toContain(`copy 2: ${path.join(dir, 'dist', cjs)} (version 1.0.0)`)
    expect(run.stderr).toContain('dual package hazard')
    expect(run.result?.list).toEqual([
      {
        module: 'app/src/state.ts',
        count: 2,
        files: [path.join(dir, 'dist', esm), path.join(dir, 'dist', cjs)],
        versions: ['1.0.0', '1.0.0'],
      },
    ])
  })

  it('two builds of one tsdown array config, loaded together', async () => {
    const dir = writeFixture(
      'runtime-array-config',
      tsdownProject(
        `(() => {
  const guard = singletonGuard({ singletons: 'src/sessions.ts', builds: 'warn', runtimeGuard: 'warn' })
  return [
    { entry: { server: 'src/server.ts' }, outDir: 'dist/server', plugins: [guard] },
    { entry: { worker: 'src/worker.ts' }, outDir: 'dist/worker', plugins: [guard] },
  ]
})()`,
        {
          'src/sessions.ts': statefulModule('sessions'),
          'src/server.ts': `import { store } from './sessions.ts'\nexport const open = (id: string) => store.set(id, 'open')\n`,
          'src/worker.ts': `import { store } from './sessions.ts'\nexport const isOpen = (id: string) => store.has(id)\n`,
        },
      ),
    )
    const built = await runTsdown(dir)
    expect(built.exitCode).toBe(0)
    expect(built.output).toContain('SINGLETON_DUPLICATED_ACROSS_BUILDS')
    const server = distFiles(dir, 'dist/server')[0] as string
    const worker = distFiles(dir, 'dist/worker')[0] as string
    const run = await runProbe<Probed>(
      dir,
      `const server = await import('./dist/server/${server}')
const worker = await import('./dist/worker/${worker}')
server.open('s1')
console.log(JSON.stringify({ realms: ${REALMS_EXPRESSION('sessions')}, seen: worker.isOpen('s1'), list: ${LIST_EXPRESSION} }))
`,
    )
    expect(run.result).toMatchObject({ realms: 2, seen: false })
    expect(reportCount(run.stderr)).toBe(1)
    expect(run.stderr).toContain('app/src/sessions.ts is evaluated 2 times')
    expect(run.stderr).toContain(`copy 1: ${path.join(dir, 'dist/server', server)}`)
    expect(run.stderr).toContain(`copy 2: ${path.join(dir, 'dist/worker', worker)}`)
  })

  it('a rebuild under a running process without promote: the lazy boundary loads a second store', async () => {
    const service = (version: number): FixtureFiles => ({
      'src/delegate-store.ts': `${statefulModule()}export function storeVersion(): number {\n  return ${version}\n}\n`,
      'src/runner.ts': `import { store } from './delegate-store.ts'\nexport const pending = (id: string): unknown => store.get(id)\n`,
      'src/main.ts': `import { store, storeVersion } from './delegate-store.ts'
export function continueWork(id: string): void {
  store.set(id, 'pending' + storeVersion())
}
export async function runAgent(id: string): Promise<unknown> {
  return (await import('./runner.ts')).pending(id)
}
`,
    })
    // The hand-written entry list of the incident: the boundary is pinned, the store is not.
    const dir = writeFixture(
      'runtime-rebuild',
      tsdownProject(
        `{ entry: { main: 'src/main.ts', runner: 'src/runner.ts' }, plugins: [singletonGuard({ singletons: 'src/delegate-store.ts', runtimeGuard: 'warn' })] }`,
        service(1),
      ),
    )
    expect((await runTsdown(dir)).exitCode).toBe(0)
    const main = distFiles(dir).find((file) => file.startsWith('main.')) as string
    const firstStore = distFiles(dir).find((file) => file.startsWith('delegate-store')) as string
    expect(firstStore).toMatch(/^delegate-store-[\w-]+\.m?js$/)
    live = startProcess(
      dir,
      `const main = await import('./dist/${main}')
main.continueWork('request-1')
console.log(JSON.stringify({ realms: ${REALMS_EXPRESSION()} }))
process.stdin.once('data', async () => {
  const value = await main.runAgent('request-1')
  console.log(JSON.stringify({ realms: ${REALMS_EXPRESSION()}, seen: value === 'pending1', list: ${LIST_EXPRESSION} }))
})
`,
    )
    expect(await live.next()).toEqual({ realms: 1 })
    for (const [file, content] of Object.entries(service(2))) fs.writeFileSync(path.join(dir, file), content as string)
    expect((await runTsdown(dir)).exitCode).toBe(0)
    const secondStore = distFiles(dir).find((file) => file.startsWith('delegate-store')) as string
    expect(secondStore).not.toBe(firstStore)

    live.send('go')
    const after = await live.next<Probed>()
    expect(after).toMatchObject({ realms: 2, seen: false })
    expect(reportCount(live.stderr())).toBe(1)
    expect(live.stderr()).toContain('app/src/delegate-store.ts is evaluated 2 times')
    expect(live.stderr()).toContain(`copy 1: ${path.join(dir, 'dist', firstStore)}`)
    expect(live.stderr()).toContain(`copy 2: ${path.join(dir, 'dist', secondStore)}`)
    expect(after.list[0]?.files).toEqual([path.join(dir, 'dist', firstStore), path.join(dir, 'dist', secondStore)])
  })

  it('a library built with the guard and installed twice, at two versions, in a consumer that is not bundled', async () => {
    const dir = writeFixture('runtime-two-installs', {
      'lib/package.json': JSON.stringify({ name: 'shared-lib', version: '1.0.0', type: 'module' }),
      'lib/src/state.js': statefulModule(),
      'lib/src/index.js': `export { store } from './state.js'\n`,
      'app/package.json': JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }),
      'app/node_modules/tool/package.json': JSON.stringify({
        name: 'tool',
        version: '3.0.0',
        type: 'module',
        main: 'index.js',
      }),
      'app/node_modules/tool/index.js': `export { store } from 'shared-lib'\n`,
    })
    const lib = path.join(dir, 'lib')
    const install = async (version: string, target: string) => {
      const manifest = { name: 'shared-lib', version, type: 'module', main: 'dist/index.js' }
      fs.writeFileSync(path.join(lib, 'package.json'), JSON.stringify(manifest))
      const result = await build(lib, {
        input: { index: 'src/index.js' },
        guard: { singletons: 'src/state.js', runtimeGuard: 'warn' },
      })
      expect(result.error).toBeUndefined()
      fs.mkdirSync(path.join(dir, target), { recursive: true })
      fs.cpSync(path.join(lib, 'dist'), path.join(dir, target, 'dist'), { recursive: true })
      fs.writeFileSync(path.join(dir, target, 'package.json'), JSON.stringify(manifest))
    }
    await install('1.0.0', 'app/node_modules/shared-lib')
    await install('2.0.0', 'app/node_modules/tool/node_modules/shared-lib')

    const run = await runProbe<Probed>(
      path.join(dir, 'app'),
      `const direct = await import('shared-lib')
const viaTool = await import('tool')
direct.store.set('k', 'v')
console.log(JSON.stringify({ realms: ${REALMS_EXPRESSION()}, seen: viaTool.store.get('k') === 'v', list: ${LIST_EXPRESSION} }))
`,
    )
    expect(run.result).toMatchObject({ realms: 2, seen: false })
    expect(run.stderr).toContain('shared-lib/src/state.js is evaluated 2 times')
    expect(run.stderr).toContain(
      `copy 1: ${path.join(dir, 'app/node_modules/shared-lib/dist/index.js')} (version 1.0.0)`,
    )
    expect(run.stderr).toContain(
      `copy 2: ${path.join(dir, 'app/node_modules/tool/node_modules/shared-lib/dist/index.js')} (version 2.0.0)`,
    )
    expect(run.stderr).toContain('two installs of the package at different versions')

    // The consumer bundles both installs with the guard on the package: each copy keeps the one
    // registration its library build gave it, and the split is reported once, by the same key.
    const app = path.join(dir, 'app')
    fs.writeFileSync(
      path.join(app, 'main.js'),
      `export { store as direct } from 'shared-lib'\nexport { store as viaTool } from 'tool'\n`,
    )
    const bundled = await build(app, {
      input: { main: 'main.js' },
      guard: { singletons: 'shared-lib', onDuplicate: 'warn', runtimeGuard: 'warn' },
    })
    expect(bundled.error).toBeUndefined()
    expect(bundled.warnings.map((warning) => warning.code)).toContain('SINGLETON_DUPLICATED')
    const rerun = await runProbe<Probed>(
      app,
      `await import('./dist/main.js')
console.log(JSON.stringify({ realms: ${REALMS_EXPRESSION()}, list: ${LIST_EXPRESSION} }))
`,
    )
    expect(rerun.result?.realms).toBe(2)
    expect(rerun.result?.list.map((entry) => [entry.module, entry.count, entry.versions.sort()])).toEqual([
      ['shared-lib/src/state.js', 2, ['1.0.0', '2.0.0']],
    ])
    expect(reportCount(rerun.stderr)).toBe(1)
  })
})

describe('runtime guard: tsdown with declarations', () => {
  it('guards the JavaScript and leaves the .d.ts files alone', async () => {
    const dir = writeFixture(
      'runtime-dts',
      tsdownProject(
        `{ entry: ['src/index.ts'], dts: true, plugins: [singletonGuard({ singletons: 'src/state.ts', runtimeGuard: 'warn' })] }`,
        {
          'src/state.ts': `${statefulModule()}export function size(): number {\n  return store.size\n}\n`,
          'src/index.ts': `export { store, size } from './state.ts'\n`,
        },
      ),
    )
    const built = await runTsdown(dir)
    expect(built.exitCode).toBe(0)
    const all = fs.readdirSync(path.join(dir, 'dist'))
    const declarations = all.filter((file) => /\.d\.[cm]?ts$/.test(file))
    expect(declarations.length).toBeGreaterThan(0)
    for (const file of declarations) {
      const text = fs.readFileSync(path.join(dir, 'dist', file), 'utf8')
      expect(text).not.toContain('singleton-guard')
      expect(text).toContain('export declare function size(): number')
    }
    const js = distFiles(dir)[0] as string
    const run = await runProbe<Probed>(
      dir,
      `const a = await import('./dist/${js}')
const b = await import('./dist/${js}?again')
console.log(JSON.stringify({ realms: ${REALMS_EXPRESSION()}, seen: a.store === b.store, list: ${LIST_EXPRESSION} }))
`,
    )
    // A query makes Node evaluate the file again: two instances, reported, from one file.
    expect(run.result).toMatchObject({ realms: 2, seen: false })
    expect(run.stderr).toContain('app/src/state.ts is evaluated 2 times')
    expect(run.stderr).toContain(`copy 2: ${path.join(dir, 'dist', js)}?again`)
  })
})

describe('runtime guard: as users configure it', () => {
  it('a function given in tsdown.config.ts runs in the built program with the event', async () => {
    const dir = writeFixture(
      'runtime-tsdown-function',
      tsdownProject(
        `{
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  plugins: [
    singletonGuard({
      singletons: 'src/state.ts',
      runtimeGuard: (event: { module: string; count: number; evaluations: { file?: string }[] }) => {
        const seen = ((globalThis as Record<string, unknown>).guardEvents ??= []) as unknown[]
        seen.push({ module: event.module, count: event.count, files: event.evaluations.map((e) => e.file) })
      },
    }),
  ],
}`,
        { 'src/state.ts': statefulModule(), 'src/index.ts': `export { store } from './state.ts'\n` },
      ),
    )
    const built = await runTsdown(dir)
    expect(built.exitCode).toBe(0)
    const files = distFiles(dir)
    const esm = files.find((file) => !file.endsWith('.cjs')) as string
    const cjs = files.find((file) => file.endsWith('.cjs')) as string
    const run = await runProbe<{ events: unknown[]; realms: number }>(
      dir,
      `import { createRequire } from 'node:module'
await import('./dist/${esm}')
createRequire(import.meta.url)('./dist/${cjs}')
console.log(JSON.stringify({ events: globalThis.guardEvents, realms: ${REALMS_EXPRESSION()} }))
`,
    )
    expect(run.stderr).toBe('')
    expect(run.result).toEqual({
      realms: 2,
      events: [
        {
          module: 'app/src/state.ts',
          count: 2,
          files: [path.join(dir, 'dist', esm), path.join(dir, 'dist', cjs)],
        },
      ],
    })
  })

  it('survives minification', async () => {
    const dir = writeFixture('runtime-minified', {
      'package.json': JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }),
      'src/state.js': statefulModule(),
      'src/main.js': `export { store } from './state.js'\n`,
    })
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'src/state.js', runtimeGuard: 'throw' },
      outputs: [
        { dir: 'dist/esm', format: 'esm', minify: true },
        { dir: 'dist/cjs', format: 'cjs', entryFileNames: '[name].cjs', minify: true },
      ],
    })
    expect(result.error).toBeUndefined()
    expect(fs.readFileSync(path.join(dir, 'dist/esm/main.js'), 'utf8').split('\n').length).toBeLessThan(5)
    const run = await runProbe<{ realms: number; code: string; list: RegistryListing[] }>(
      dir,
      `import { createRequire } from 'node:module'
await import('./dist/esm/main.js')
let code
try { createRequire(import.meta.url)('./dist/cjs/main.cjs') } catch (error) { code = error.code }
console.log(JSON.stringify({ realms: ${REALMS_EXPRESSION()}, code, list: ${LIST_EXPRESSION} }))
`,
    )
    expect(run.result).toEqual({
      realms: 1,
      code: 'SINGLETON_DUPLICATED_AT_RUNTIME',
      list: [
        { module: 'app/src/state.js', count: 1, files: [path.join(dir, 'dist/esm/main.js')], versions: ['1.0.0'] },
      ],
    })
  })
})

describe('runtime guard: silent where there is one realm', () => {
  it('a dynamic import of a statically imported singleton, in esm and cjs', async () => {
    const dir = writeFixture('runtime-one-realm', {
      'package.json': JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }),
      'src/state.js': statefulModule(),
      'src/main.js': `import { store } from './state.js'
export async function later() {
  return (await import('./state.js')).store === store
}
`,
    })
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'src/state.js', runtimeGuard: 'warn' },
      outputs: [
        { dir: 'dist/esm', format: 'esm' },
        { dir: 'dist/cjs', format: 'cjs', entryFileNames: '[name].cjs' },
      ],
    })
    expect(result.error).toBeUndefined()
    for (const load of [
      `await import('./dist/esm/main.js')`,
      `createRequire(import.meta.url)('./dist/cjs/main.cjs')`,
    ]) {
      const run = await runProbe<Probed & { same: boolean }>(
        dir,
        `import { createRequire } from 'node:module'
const main = ${load}
const same = await main.later()
console.log(JSON.stringify({ same, realms: ${REALMS_EXPRESSION()}, list: ${LIST_EXPRESSION} }))
`,
      )
      expect(run.result).toMatchObject({ same: true, realms: 1 })
      expect(run.result?.list).toEqual([expect.objectContaining({ module: 'app/src/state.js', count: 1 })])
      expect(run.stderr).toBe('')
    }
  })

  it('a worker thread evaluating its own copy', async () => {
    const dir = writeFixture('runtime-worker', {
      'package.json': JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }),
      'src/state.js': statefulModule(),
      'src/main.js': `export { store } from './state.js'\n`,
      'src/worker.js': `import { parentPort } from 'node:worker_threads'
import { store } from './state.js'
store.set('in-worker', true)
parentPort.postMessage({ realms: ${REALMS_EXPRESSION()}, list: ${LIST_EXPRESSION} })
`,
    })
    const result = await build(dir, {
      input: { main: 'src/main.js', worker: 'src/worker.js' },
      guard: { singletons: 'src/state.js', runtimeGuard: 'throw' },
      inputOptions: { platform: 'node' },
    })
    expect(result.error).toBeUndefined()
    const run = await runProbe<Probed & { worker: Probed; workerSeen: boolean }>(
      dir,
      `import { Worker } from 'node:worker_threads'
const main = await import('./dist/main.js')
const worker = new Worker(new URL('./dist/worker.js', import.meta.url))
const fromWorker = await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject) })
await worker.terminate()
console.log(JSON.stringify({ worker: fromWorker, workerSeen: main.store.has('in-worker'), realms: ${REALMS_EXPRESSION()}, list: ${LIST_EXPRESSION} }))
`,
    )
    expect(run.stderr).toBe('')
    expect(run.exitCode).toBe(0)
    // Two realms by design, one evaluation in each: the registry of each global saw one copy.
    expect(run.result).toMatchObject({ realms: 1, workerSeen: false })
    expect(run.result?.worker.realms).toBe(1)
    expect(run.result?.list).toEqual([expect.objectContaining({ module: 'app/src/state.js', count: 1 })])
    expect(run.result?.worker.list).toEqual([expect.objectContaining({ module: 'app/src/state.js', count: 1 })])
  })
})

describe('runtime guard: modes', () => {
  function twins(name: string): string {
    return writeFixture(name, {
      'package.json': JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }),
      'src/state.js': statefulModule(),
      'src/main.js': `export { store } from './state.js'\n`,
    })
  }
  const twinOutputs = [
    { dir: 'dist/esm', format: 'esm' as const },
    { dir: 'dist/cjs', format: 'cjs' as const, entryFileNames: '[name].cjs' },
  ]

  it("'throw' stops the second copy before its top level runs", async () => {
    const dir = twins('runtime-throw')
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'src/state.js', runtimeGuard: 'throw' },
      outputs: twinOutputs,
    })
    expect(result.error).toBeUndefined()
    const run = await runProbe<{
      realms: number
      required: string
      code: string
      message: string
      list: RegistryListing[]
    }>(
      dir,
      `import { createRequire } from 'node:module'
await import('./dist/esm/main.js')
let required = 'loaded', code, message
try {
  createRequire(import.meta.url)('./dist/cjs/main.cjs')
} catch (error) {
  required = 'threw'
  code = error.code
  message = error.message
}
console.log(JSON.stringify({ realms: ${REALMS_EXPRESSION()}, required, code, message, list: ${LIST_EXPRESSION} }))
`,
    )
    expect(run.result).toMatchObject({ realms: 1, required: 'threw', code: 'SINGLETON_DUPLICATED_AT_RUNTIME' })
    expect(run.result?.message).toContain(`copy 1: ${path.join(dir, 'dist/esm/main.js')}`)
    expect(run.result?.message).toContain(`copy 2: ${path.join(dir, 'dist/cjs/main.cjs')}`)
    // The stopped copy never ran, so it is not counted.
    expect(run.result?.list).toEqual([expect.objectContaining({ count: 1 })])
    expect(run.stderr).toBe('')
  })

  it("'throw' fails a second ESM copy's import, and the process goes on with one instance", async () => {
    const dir = twins('runtime-throw-esm')
    for (const out of ['dist/a', 'dist/b']) {
      const result = await build(dir, {
        input: { main: 'src/main.js' },
        guard: { singletons: 'src/state.js', runtimeGuard: 'throw' },
        outputs: [{ dir: out }],
      })
      expect(result.error).toBeUndefined()
    }
    const run = await runProbe<{ realms: number; outcome: string }>(
      dir,
      `await import('./dist/a/main.js')
const outcome = await import('./dist/b/main.js').then(() => 'loaded', (error) => error.code)
console.log(JSON.stringify({ realms: ${REALMS_EXPRESSION()}, outcome }))
`,
    )
    expect(run.result).toEqual({ realms: 1, outcome: 'SINGLETON_DUPLICATED_AT_RUNTIME' })
  })

  it('a function receives a structured event for every further evaluation', async () => {
    const dir = twins('runtime-function')
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: {
        singletons: 'src/state.js',
        runtimeGuard: {
          onCopy(event: RuntimeGuardEvent) {
            const events = ((globalThis as Record<string, unknown>).runtimeEvents ??= []) as unknown[]
            events.push({ ...event, message: event.message.split('\n')[0] })
          },
        }.onCopy,
      },
      outputs: [...twinOutputs, { dir: 'dist/esm2', format: 'esm' }],
    })
    expect(result.error).toBeUndefined()
    const run = await runProbe<{ events: RuntimeGuardEvent[]; realms: number }>(
      dir,
      `import { createRequire } from 'node:module'
await import('./dist/esm/main.js')
createRequire(import.meta.url)('./dist/cjs/main.cjs')
await import('./dist/esm2/main.js')
console.log(JSON.stringify({ events: globalThis.runtimeEvents, realms: ${REALMS_EXPRESSION()} }))
`,
    )
    expect(run.stderr).toBe('')
    expect(run.result?.realms).toBe(3)
    const [esm, cjs, esm2] = ['dist/esm/main.js', 'dist/cjs/main.cjs', 'dist/esm2/main.js'].map((file) => ({
      file: path.join(dir, file),
      version: '1.0.0',
    }))
    expect(run.result?.events).toEqual([
      {
        code: 'SINGLETON_DUPLICATED_AT_RUNTIME',
        module: 'app/src/state.js',
        count: 2,
        first: esm,
        current: cjs,
        evaluations: [esm, cjs],
        message:
          '[singleton-guard] SINGLETON_DUPLICATED_AT_RUNTIME: app/src/state.js is evaluated 2 times in this process; each copy has its own state.',
      },
      expect.objectContaining({ count: 3, first: esm, current: esm2, evaluations: [esm, cjs, esm2] }),
    ])
  })

  it("'warn' prints once per module, however many copies follow", async () => {
    const dir = twins('runtime-warn-once')
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'src/state.js', runtimeGuard: 'warn' },
      outputs: [...twinOutputs, { dir: 'dist/esm2', format: 'esm' }],
    })
    expect(result.error).toBeUndefined()
    const run = await runProbe<Probed>(
      dir,
      `import { createRequire } from 'node:module'
await import('./dist/esm/main.js')
createRequire(import.meta.url)('./dist/cjs/main.cjs')
await import('./dist/esm2/main.js')
console.log(JSON.stringify({ realms: ${REALMS_EXPRESSION()}, list: ${LIST_EXPRESSION} }))
`,
    )
    expect(run.result?.realms).toBe(3)
    expect(reportCount(run.stderr)).toBe(1)
    expect(run.result?.list).toEqual([expect.objectContaining({ count: 3 })])
  })
})

describe('runtime guard: what is guarded, and the registry contract', () => {
  const files: FixtureFiles = {
    'package.json': JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }),
    'node_modules/shared-state/package.json': JSON.stringify({
      name: 'shared-state',
      version: '1.4.2',
      main: 'index.js',
    }),
    // A CommonJS singleton with a directive, in an installed package.
    'node_modules/shared-state/index.js': `'use strict'\nglobalThis.__evaluations ??= {}\nglobalThis.__evaluations.shared = (globalThis.__evaluations.shared ?? 0) + 1\nmodule.exports = { cache: new Map() }\n`,
    'src/sessions.store.ts': statefulModule('sessions'),
    'src/marked.ts': statefulModule('marked', '// @singleton\n'),
    'src/registry.ts': statefulModule('registry'),
    'src/plain.ts': statefulModule('plain'),
    'src/main.ts': `import { cache } from 'shared-state'
import { store as sessions } from './sessions.store.ts'
import { store as marked } from './marked.ts'
import { store as registry } from './registry.ts'
import { store as plain } from './plain.ts'
export const all = [cache, sessions, marked, registry, plain]
`,
  }
  const guard = { singletons: ['shared-state', 'src/**/*.store.ts', /registry\.ts$/] }

  it('injects into declared singletons only: packages, globs, RegExp and the // @singleton marker', async () => {
    const dir = writeFixture('runtime-what', files)
    const result = await build(dir, {
      input: { main: 'src/main.ts' },
      guard: { ...guard, runtimeGuard: 'warn' },
      outputs: [{ dir: 'dist', format: 'esm' }],
    })
    expect(result.error).toBeUndefined()
    const code = fs.readFileSync(path.join(dir, 'dist/main.js'), 'utf8')
    expect(code.match(/\.register\(\{\s*v:/g)).toHaveLength(4)
    const run = await runProbe<{ list: RegistryListing[]; evaluations: Record<string, number> }>(
      dir,
      `const main = await import('./dist/main.js')
console.log(JSON.stringify({ list: ${LIST_EXPRESSION}, evaluations: globalThis.__evaluations, size: main.all.length }))
`,
    )
    expect(run.stderr).toBe('')
    expect(run.result?.evaluations).toEqual({ shared: 1, sessions: 1, marked: 1, registry: 1, plain: 1 })
    expect(run.result?.list.map((entry) => [entry.module, entry.count, entry.versions[0]]).sort()).toEqual([
      ['app/src/marked.ts', 1, '1.0.0'],
      ['app/src/registry.ts', 1, '1.0.0'],
      ['app/src/sessions.store.ts', 1, '1.0.0'],
      ['shared-state', 1, '1.4.2'],
    ])
  })

  it('when off, the output is byte-identical to a build without the option', async () => {
    const outputs = [
      { dir: 'dist/esm', format: 'esm' as const, sourcemap: true },
      { dir: 'dist/cjs', format: 'cjs' as const, sourcemap: true },
    ]
    const read = (dir: string) =>
      Object.fromEntries(
        (fs.readdirSync(path.join(dir, 'dist'), { recursive: true }) as string[])
          .filter((file) => fs.statSync(path.join(dir, 'dist', file)).isFile())
          .map((file) => [file, fs.readFileSync(path.join(dir, 'dist', file), 'utf8')]),
      )
    const outputsOf = async (runtimeGuard?: false | 'warn') => {
      const dir = writeFixture('runtime-off', files)
      const options = runtimeGuard === undefined ? guard : { ...guard, runtimeGuard }
      const result = await build(dir, { input: { main: 'src/main.ts' }, guard: options, outputs })
      expect(result.error).toBeUndefined()
      // Fixture folders differ by name: sources in maps are relative, so contents compare as they are.
      return read(dir)
    }
    const without = await outputsOf()
    expect(Object.keys(without).length).toBeGreaterThanOrEqual(4)
    expect(await outputsOf(false)).toEqual(without)
    expect(await outputsOf('warn')).not.toEqual(without)
  })

  it('a registry installed by another version of the plugin is used, not replaced', async () => {
    const dir = writeFixture('runtime-registry-contract', files)
    const result = await build(dir, {
      input: { main: 'src/main.ts' },
      guard: { ...guard, runtimeGuard: 'warn' },
      outputs: [{ dir: 'dist', format: 'esm' }],
    })
    expect(result.error).toBeUndefined()
    const run = await runProbe<{ same: boolean; records: unknown[] }>(
      dir,
      `const other = { version: 2, records: [], register(record) { this.records.push({ v: record.v, module: record.module, version: record.version, error: record.error instanceof Error, onDuplicate: record.onDuplicate }) }, list() { return this.records } }
${REGISTRY} = other
await import('./dist/main.js')
console.log(JSON.stringify({ same: ${REGISTRY} === other, records: other.records }))
`,
    )
    expect(run.result?.same).toBe(true)
    expect(run.result?.records).toContainEqual({
      v: 1,
      module: 'shared-state',
      version: '1.4.2',
      error: true,
      onDuplicate: 'warn',
    })
    expect(run.result?.records).toHaveLength(4)
  })
})
