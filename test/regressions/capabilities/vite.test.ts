import fs from 'node:fs'
import path from 'node:path'
import { build as rawViteBuild } from 'vite'
import { describe, expect, it } from 'vitest'
import { singletonGuard } from '../../../src/index.ts'
import { runCli } from '../../helpers/cli.ts'
import { execute, projectRoot, statefulModule, writeFixture, type FixtureFiles } from '../../helpers/fixture.ts'
import { findFile, listFiles, runViteCli, viteBuild } from '../../helpers/vite.ts'

const manifest = (version: string) =>
  JSON.stringify({
    name: 'shared-state',
    version,
    type: 'module',
    exports: { '.': './index.js', './index.js': './index.js' },
  })

/** Two installs of shared-state: the app's and legacy-tool's nested one. */
function twoInstalls(): FixtureFiles {
  return {
    'package.json': JSON.stringify({ name: 'app', type: 'module' }),
    'node_modules/shared-state/package.json': manifest('2.0.0'),
    'node_modules/shared-state/index.js': statefulModule(),
    'node_modules/legacy-tool/package.json': JSON.stringify({
      name: 'legacy-tool',
      version: '3.0.0',
      type: 'module',
      exports: './index.js',
    }),
    'node_modules/legacy-tool/index.js': `export { store } from 'shared-state'\n`,
    'node_modules/legacy-tool/node_modules/shared-state/package.json': manifest('1.4.2'),
    'node_modules/legacy-tool/node_modules/shared-state/index.js': statefulModule(),
    'src/server.js': `import { store } from 'shared-state'\nimport { store as legacy } from 'legacy-tool'\nexport function render() { store.set('k', 1); return legacy.get('k') === 1 }\n`,
  }
}

describe('Vite', () => {
  it('vite build --ssr alone (noExternal): a real two-install duplicate is caught, exit 1, no stack trace', async () => {
    const dir = writeFixture('vite-ssr-alone', {
      ...twoInstalls(),
      'vite.config.mjs': `import { singletonGuard } from ${JSON.stringify(path.join(projectRoot, 'dist/index.mjs'))}\nexport default { ssr: { noExternal: true }, build: { outDir: 'dist/server' }, plugins: [singletonGuard({ singletons: 'shared-state' })] }\n`,
    })
    const cli = await runViteCli(dir, ['build', '--ssr', 'src/server.js'])
    expect(cli.exitCode).toBe(1)
    expect(cli.output).toContain('SINGLETON_DUPLICATED: the package shared-state is evaluated 2 times')
    expect(cli.output).not.toMatch(/^\s+at /m)
    // executed truth with a warn-mode build
    const w = await viteBuild(dir, {
      configFile: false,
      logLevel: 'silent',
      ssr: { noExternal: true },
      plugins: [singletonGuard({ root: dir, singletons: 'shared-state', onDuplicate: 'warn' })],
      build: { outDir: 'dist/server', ssr: 'src/server.js' },
    })
    expect(w.error).toBeUndefined()
    const t = await execute<{ realms: number; seen: boolean }>(
      dir,
      `const m = await import('./dist/server/server.js'); const seen = m.render(); console.log(JSON.stringify({ realms: globalThis.__evaluations.state, seen }))`,
    )
    expect(t).toEqual({ realms: 2, seen: false })
  })

  it('?raw of a package file declared a singleton: silent, one realm', async () => {
    const dir = writeFixture('vite-raw-pkg', {
      'package.json': JSON.stringify({ name: 'app', type: 'module' }),
      'node_modules/shared-state/package.json': manifest('2.0.0'),
      'node_modules/shared-state/index.js': statefulModule(),
      'src/client.js': `import { store } from 'shared-state'\nimport raw from 'shared-state/index.js?raw'\nstore.set('k', 1)\nglobalThis.__data = raw.includes('new Map')\n`,
    })
    const r = await viteBuild(dir, {
      plugins: [singletonGuard({ root: dir, singletons: 'shared-state' })],
      build: { outDir: 'dist', minify: false, rollupOptions: { input: 'src/client.js' } },
    })
    expect(r.error).toBeUndefined()
    expect(r.logs).toEqual([])
    const entry = findFile(path.join(dir, 'dist'), /^assets\/client-[\w-]+\.js$/)
    const t = await execute<{ realms: number; data: boolean }>(
      dir,
      `await import('./dist/${entry}'); console.log(JSON.stringify({ realms: globalThis.__evaluations.state, data: globalThis.__data }))`,
    )
    expect(t).toEqual({ realms: 1, data: true })
  })

  it('a multi-entry library with lib.fileName as a function and promote: stable names, every file executes', async () => {
    const dir = writeFixture('vite-lib-fn', {
      'package.json': JSON.stringify({ name: 'lib', type: 'module' }),
      'src/state.js': statefulModule(),
      'src/reader.runtime.js': `import { store } from './state.js'\nexport const read = (k) => store.get(k)\n`,
      'src/a.js': `import { store } from './state.js'\nexport const write = (k, v) => store.set(k, v)\nexport const lazy = () => import('./reader.runtime.js')\n`,
      'src/b.js': `import { store } from './state.js'\nexport const size = () => store.size\n`,
    })
    const r = await viteBuild(dir, {
      logLevel: 'silent',
      plugins: [singletonGuard({ root: dir, singletons: 'src/state.js', promote: true })],
      build: {
        outDir: 'dist',
        minify: false,
        lib: {
          entry: { a: 'src/a.js', b: 'src/b.js' },
          formats: ['es'],
          fileName: (format, name) => `${name}.${format}.mjs`,
        },
      },
    })
    expect(r.error).toBeUndefined()
    const files = listFiles(path.join(dir, 'dist'))
    expect(files.filter((f) => /-[\w-]{8}\./.test(f))).toEqual([])
    const t = await execute<{ seen: boolean; size: number; realms: number }>(
      dir,
      `const a = await import('./dist/a.es.mjs'); const b = await import('./dist/b.es.mjs'); a.write('k', 1); console.log(JSON.stringify({ seen: (await a.lazy()).read('k') === 1, size: b.size(), realms: globalThis.__evaluations.state }))`,
    )
    expect(t).toEqual({ seen: true, size: 1, realms: 1 })
  })

  it('a client build with build.sourcemap and runtimeGuard: the CLI still attributes the singleton from the map', async () => {
    const dir = writeFixture('vite-sm-guard', {
      'package.json': JSON.stringify({ name: 'app', type: 'module' }),
      'src/state.js': statefulModule(),
      'src/client.js': `import { store } from './state.js'\nstore.set('k', 1)\n`,
    })
    const r = await viteBuild(dir, {
      plugins: [singletonGuard({ root: dir, singletons: 'src/state.js', runtimeGuard: 'warn' })],
      build: { outDir: 'dist', sourcemap: true, rollupOptions: { input: 'src/client.js' } },
    })
    expect(r.error).toBeUndefined()
    const run = await runCli(dir, ['audit', 'dist', '--module', 'src/state.js', '--json'])
    expect(run.exitCode).toBe(0)
    expect(JSON.parse(run.stdout).modules[0].verdict).toBe('1 copy: one realm')
    const entry = findFile(path.join(dir, 'dist'), /^assets\/client-[\w-]+\.js$/)
    const t = await execute<{ list: { count: number }[] }>(
      dir,
      `await import('./dist/${entry}'); console.log(JSON.stringify({ list: globalThis[Symbol.for('singleton-guard.registry')].list() }))`,
    )
    expect(t.list).toEqual([expect.objectContaining({ module: 'app/src/state.js', count: 1 })])
  })

  it('vite build --watch: a rebuild of the same client is not reported as a copy across builds', async () => {
    const dir = writeFixture('vite-watch', {
      'package.json': JSON.stringify({ name: 'app', type: 'module' }),
      'src/state.js': statefulModule(),
      'src/client.js': `import { store } from './state.js'\nstore.set('k', 1)\n`,
    })
    const logs: string[] = []
    const { createLogger } = await import('vite')
    const base = createLogger('info', { allowClearScreen: false })
    const keep = (m: string) => void (m.includes('singleton-guard') && logs.push(m))
    const watcher = (await rawViteBuild({
      root: dir,
      configFile: false,
      customLogger: { ...base, info: keep, warn: keep, warnOnce: keep, error: keep },
      plugins: [singletonGuard({ root: dir, singletons: 'src/state.js' })],
      build: { outDir: 'dist', watch: {}, rollupOptions: { input: 'src/client.js' } },
    })) as unknown as { on(e: string, f: (ev: { code: string; error?: Error }) => void): void; close(): Promise<void> }
    let ends = 0
    const errors: string[] = []
    const done = new Promise<void>((resolve) => {
      watcher.on('event', (ev) => {
        if (ev.code === 'ERROR') errors.push(String(ev.error?.message))
        if (ev.code === 'END' || ev.code === 'ERROR') {
          ends++
          if (ends === 1)
            setTimeout(
              () =>
                fs.writeFileSync(
                  path.join(dir, 'src/client.js'),
                  `import { store } from './state.js'\nstore.set('k', 2)\n`,
                ),
              300,
            )
          if (ends === 2) resolve()
        }
      })
    })
    await Promise.race([done, new Promise((r) => setTimeout(r, 20_000))])
    await watcher.close()
    expect(ends).toBe(2)
    expect(errors).toEqual([])
    expect(logs.filter((l) => l.includes('SINGLETON_DUPLICATED'))).toEqual([])
  })
})
