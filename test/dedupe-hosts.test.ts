import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { singletonGuard } from '../src/index.ts'
import { hasChromium, NO_CHROMIUM } from './helpers/browser.ts'
import { closeBrowser, openPage, startDevServer, type DevServer } from './helpers/dev-server.ts'
import { execute, projectRoot, statefulModule, under, writeFixture, type FixtureFiles } from './helpers/fixture.ts'
import { runNodeCli } from './helpers/process.ts'
import { rollupBuild } from './helpers/rollup.ts'
import { importPlugin, runTsdown } from './helpers/tsdown.ts'
import { viteBuild } from './helpers/vite.ts'

/**
 * `dedupe` under every host: the app and a tool each reach an install of `shared-state` (the same
 * version, the same files); split without it, one realm with it, each checked by running the output.
 */
const install = (version: string): Record<string, string> => ({
  'package.json': JSON.stringify({ name: 'shared-state', version, type: 'module', exports: './index.js' }),
  'index.js': statefulModule(),
})

const MAIN = `import { store } from 'shared-state'\nimport { toolSeen } from 'tool'\nstore.set('request', 'pending')\nexport const seen = toolSeen('request')\nglobalThis.__result = { realms: globalThis.__evaluations.state, seen }\n`

function project(extra: FixtureFiles = {}): FixtureFiles {
  return {
    'package.json': JSON.stringify({
      name: 'app',
      type: 'module',
      dependencies: { 'shared-state': '1.2.0', tool: '1.0.0' },
    }),
    'src/main.js': MAIN,
    ...under('node_modules/shared-state', install('1.2.0')),
    'node_modules/tool/package.json': JSON.stringify({
      name: 'tool',
      version: '1.0.0',
      type: 'module',
      exports: './index.js',
      dependencies: { 'shared-state': '^1.2.0' },
    }),
    'node_modules/tool/index.js': `import { store } from 'shared-state'\nexport const toolSeen = (id) => store.get(id) === 'pending'\n`,
    ...under('node_modules/tool/node_modules/shared-state', install('1.2.0')),
    ...extra,
  }
}

async function truthOf(dir: string, file: string): Promise<{ realms: number; seen: boolean }> {
  return execute(dir, `await import('./${file}')\nconsole.log(JSON.stringify(globalThis.__result))\n`)
}

const NESTED = 'node_modules/tool/node_modules/shared-state'
const config = (guard: string) =>
  `import { defineConfig } from 'tsdown'\n${importPlugin}\nexport default defineConfig({ entry: ['src/main.js'], platform: 'node', noExternal: ['shared-state', 'tool'], plugins: [singletonGuard(${guard})] })\n`

describe('dedupe through each host', () => {
  it("tsdown's CLI: fails without it, passes and runs as one realm with it", async () => {
    const dir = writeFixture('dedupe-tsdown', project({ 'tsdown.config.ts': config(`{ singletons: 'shared-state' }`) }))
    const before = await runTsdown(dir)
    expect(before.exitCode).not.toBe(0)
    expect(before.output).toContain('SINGLETON_DUPLICATED')
    fs.writeFileSync(path.join(dir, 'tsdown.config.ts'), config(`{ singletons: 'shared-state', dedupe: true }`))
    const after = await runTsdown(dir)
    expect(after.exitCode, after.output).toBe(0)
    expect(after.output).not.toContain('SINGLETON_DUPLICATED')
    expect(await truthOf(dir, 'dist/main.mjs')).toEqual({ realms: 1, seen: true })
    expect(fs.readFileSync(path.join(dir, 'dist/main.mjs'), 'utf8')).not.toContain(NESTED)
    // The same project without dedupe, executed: two realms.
    fs.writeFileSync(path.join(dir, 'tsdown.config.ts'), config(`{ singletons: 'shared-state', onDuplicate: 'warn' }`))
    expect((await runTsdown(dir)).exitCode).toBe(0)
    expect(await truthOf(dir, 'dist/main.mjs')).toEqual({ realms: 2, seen: false })
  })

  it('vite build (SSR and the `vite build` CLI): one realm with it', async () => {
    const dir = writeFixture('dedupe-vite', project())
    const ssr = (dedupe: boolean) => ({
      plugins: [singletonGuard({ root: dir, singletons: 'shared-state', dedupe, onDuplicate: 'warn' })],
      build: { outDir: 'dist', ssr: 'src/main.js' },
      ssr: { noExternal: true as const },
      logLevel: 'silent' as const,
    })
    expect((await viteBuild(dir, ssr(false))).error).toBeUndefined()
    expect(await truthOf(dir, 'dist/main.js')).toEqual({ realms: 2, seen: false })
    const after = await viteBuild(dir, ssr(true))
    expect(after.error).toBeUndefined()
    expect(await truthOf(dir, 'dist/main.js')).toEqual({ realms: 1, seen: true })

    fs.writeFileSync(
      path.join(dir, 'vite.config.mjs'),
      `import { singletonGuard } from ${JSON.stringify(path.join(projectRoot, 'dist/index.mjs'))}\nexport default { plugins: [singletonGuard({ singletons: 'shared-state', dedupe: true })], build: { outDir: 'cli-dist', ssr: 'src/main.js' }, ssr: { noExternal: true } }\n`,
    )
    const cli = await runNodeCli(path.join(projectRoot, 'node_modules/vite/bin/vite.js'), dir, ['build'])
    expect(cli.exitCode, cli.output).toBe(0)
    expect(await truthOf(dir, 'cli-dist/main.js')).toEqual({ realms: 1, seen: true })
  })

  it('Rollup 4: one realm with it', async () => {
    const dir = writeFixture('dedupe-rollup', project())
    const nodeResolve = {
      name: 'resolve-node-modules',
      async resolveId(source: string, importer: string | undefined) {
        if (!importer || source.startsWith('.') || path.isAbsolute(source)) return null
        // The smallest resolver of bare specifiers (Rollup has none of its own): the nearest node_modules.
        for (let folder = path.dirname(importer); ; folder = path.dirname(folder)) {
          const candidate = path.join(folder, 'node_modules', source)
          if (fs.existsSync(path.join(candidate, 'index.js'))) return fs.realpathSync(path.join(candidate, 'index.js'))
          if (path.dirname(folder) === folder) return null
        }
      },
    }
    const before = await rollupBuild(
      dir,
      'src/main.js',
      [singletonGuard({ root: dir, singletons: 'shared-state', onDuplicate: 'warn' }), nodeResolve],
      { dir: path.join(dir, 'dist'), format: 'es' },
    )
    expect(before.error).toBeUndefined()
    expect(await truthOf(dir, 'dist/main.js')).toEqual({ realms: 2, seen: false })
    fs.rmSync(path.join(dir, 'dist'), { recursive: true })
    const after = await rollupBuild(
      dir,
      'src/main.js',
      [singletonGuard({ root: dir, singletons: 'shared-state', dedupe: true }), nodeResolve],
      { dir: path.join(dir, 'dist'), format: 'es' },
    )
    expect(after.error).toBeUndefined()
    expect(after.logs.map((log) => log.code)).toContain('SINGLETON_DEDUPED')
    expect(await truthOf(dir, 'dist/main.js')).toEqual({ realms: 1, seen: true })
  })
})

let dev: DevServer | undefined
afterEach(async () => {
  await dev?.close()
  dev = undefined
})
afterAll(closeBrowser)

describe.skipIf(!hasChromium)(`dedupe under Vite's dev server${hasChromium ? '' : `: ${NO_CHROMIUM}`}`, () => {
  it('the page gets one instance: the pre-bundled dependencies are merged too', async () => {
    const files = project({
      'index.html': '<!doctype html>\n<script type="module" src="/src/main.js"></script>\n',
    })
    files['src/main.js'] = MAIN.replace('globalThis.__result', 'window.__result')
    const split = writeFixture('dedupe-dev-split', files)
    dev = await startDevServer(split, { plugins: [singletonGuard({ root: split, singletons: 'shared-state' })] })
    expect(await openPage(dev.url, 'window.__result')).toEqual({ realms: 2, seen: false })
    await dev.close()
    const merged = writeFixture('dedupe-dev', files)
    dev = await startDevServer(merged, {
      plugins: [singletonGuard({ root: merged, singletons: 'shared-state', dedupe: true })],
    })
    expect(await openPage(dev.url, 'window.__result')).toEqual({ realms: 1, seen: true })
    expect(dev.logs.join('\n')).not.toContain('SINGLETON_SERVED_TWICE')
  })
})
