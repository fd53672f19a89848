import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { build, type BuildResult } from './helpers/build.ts'
import { execute, statefulModule, under, writeFixture, type FixtureFiles } from './helpers/fixture.ts'
import type { Options } from '../src/index.ts'

/**
 * `dedupe`, each case first split without it (the executed bundle: two evaluations, a write
 * through the app not seen through the tool), then repaired or refused with it, executed again.
 */
interface Install {
  version: string
  /** Extra text appended to the store's file: a patched install. */
  patch?: string
}

const manifest = (name: string, version: string, extra: object = {}) =>
  JSON.stringify({
    name,
    version,
    type: 'module',
    exports: { '.': './index.js', './registry': './registry.js' },
    ...extra,
  })

function sharedState(install: Install): FixtureFiles {
  return {
    'package.json': manifest('shared-state', install.version),
    'registry.js': `${statefulModule()}${install.patch ?? ''}`,
    // The package's entry imports its own registry relatively.
    'index.js': `export { store } from './registry.js'\nexport const version = ${JSON.stringify(install.version)}\n`,
  }
}

/** The app depends on shared-state and on a tool that has its own nested install of it. */
function project(top: Install, nested: Install, toolRange: string, specifier = 'shared-state'): FixtureFiles {
  return {
    'package.json': JSON.stringify({
      name: 'app',
      version: '1.0.0',
      type: 'module',
      dependencies: { 'shared-state': top.version, tool: '1.0.0' },
    }),
    'src/main.js': `import { store } from '${specifier}'\nimport { toolSeen } from 'tool'\nexport function run() {\n  store.set('request', 'pending')\n  return toolSeen('request')\n}\n`,
    ...under('node_modules/shared-state', sharedState(top)),
    'node_modules/tool/package.json': JSON.stringify({
      name: 'tool',
      version: '1.0.0',
      type: 'module',
      exports: './index.js',
      dependencies: { 'shared-state': toolRange },
    }),
    'node_modules/tool/index.js': `import { store } from '${specifier}'\nexport const toolSeen = (id) => store.get(id) === 'pending'\n`,
    ...under('node_modules/tool/node_modules/shared-state', sharedState(nested)),
  }
}

interface Truth {
  realms: number
  seen: boolean
}

async function truthOf(dir: string): Promise<Truth> {
  return execute<Truth>(
    dir,
    `const main = await import('./dist/main.js')\nconst seen = main.run()\nconsole.log(JSON.stringify({ realms: globalThis.__evaluations.state, seen }))\n`,
  )
}

async function buildWith(dir: string, guard: Options): Promise<{ result: BuildResult; truth: Truth; code: string }> {
  fs.rmSync(path.join(dir, 'dist'), { recursive: true, force: true })
  const result = await build(dir, { input: { main: 'src/main.js' }, guard: { singletons: 'shared-state', ...guard } })
  const code = fs
    .readdirSync(path.join(dir, 'dist'))
    .filter((file) => file.endsWith('.js'))
    .map((file) => fs.readFileSync(path.join(dir, 'dist', file), 'utf8'))
    .join('\n')
  return { result, truth: await truthOf(dir), code }
}

const NESTED = 'node_modules/tool/node_modules/shared-state'

describe('dedupe: installs of a declared package merged at resolve time', () => {
  it('a nested install of the same version: split without it, one realm with it, the other install absent', async () => {
    const dir = writeFixture('dedupe-same-version', project({ version: '1.2.0' }, { version: '1.2.0' }, '^1.2.0'))
    const before = await buildWith(dir, {})
    expect(before.truth).toEqual({ realms: 2, seen: false })
    expect(before.result.errorCode).toBe('SINGLETON_DUPLICATED')
    expect(before.code).toContain(NESTED)

    const after = await buildWith(dir, { dedupe: true })
    expect(after.result.error).toBeUndefined()
    expect(after.truth).toEqual({ realms: 1, seen: true })
    expect(after.code).not.toContain(NESTED)
    expect(after.result.infos.map((info) => info.message).join('\n')).toContain(
      `SINGLETON_DEDUPED: shared-state: imports of ${NESTED} (1.2.0) are served by node_modules/shared-state (1.2.0), the install nearest the root: the same version (1.2.0) with identical files.`,
    )
  })

  it('a require and an import of one merged package each get the canonical file of their own condition', async () => {
    // A dual package: `import` loads index.mjs, `require` loads index.cjs. The app imports it; the
    // tool requires its own nested install of the same version.
    const dual = (version: string): FixtureFiles => ({
      'package.json': JSON.stringify({
        name: 'shared-state',
        version,
        exports: { '.': { import: './index.mjs', require: './index.cjs' } },
      }),
      'index.mjs': statefulModule('esm'),
      'index.cjs': `exports.store = new Map()\nglobalThis.__evaluations ??= {}\nglobalThis.__evaluations.cjs = (globalThis.__evaluations.cjs ?? 0) + 1\n`,
    })
    const dir = writeFixture('dedupe-conditions', {
      'package.json': JSON.stringify({
        name: 'app',
        version: '1.0.0',
        type: 'module',
        dependencies: { 'shared-state': '1.2.0', tool: '1.0.0' },
      }),
      'src/main.js': `import { store } from 'shared-state'\nimport tool from 'tool'\nexport function run() {\n  store.set('request', 'pending')\n  return { esm: globalThis.__evaluations.esm, cjs: globalThis.__evaluations.cjs, toolStore: tool.store instanceof Map }\n}\n`,
      ...under('node_modules/shared-state', dual('1.2.0')),
      'node_modules/tool/package.json': JSON.stringify({
        name: 'tool',
        version: '1.0.0',
        main: './index.cjs',
        dependencies: { 'shared-state': '1.2.0' },
      }),
      'node_modules/tool/index.cjs': `exports.store = require('shared-state').store\n`,
      ...under('node_modules/tool/node_modules/shared-state', dual('1.2.0')),
    })
    const { result, code } = await buildWith(dir, { dedupe: true })
    // The installs are one now; what remains is the package's own dual hazard, which dedupe does
    // not hide.
    expect(result.errorCode).toBe('SINGLETON_DUPLICATED')
    expect(result.error).toContain("cause: two of one package's files that load the same module")
    expect(result.error).not.toContain(NESTED)
    expect(code).not.toContain(NESTED)
    // The tool's require now reaches the app's install, through its CommonJS file.
    expect(code).toContain('node_modules/shared-state/index.cjs')
    expect(code).toContain('node_modules/shared-state/index.mjs')
    const ran = await execute<{ esm: number; cjs: number; toolStore: boolean }>(
      dir,
      `const main = await import('./dist/main.js')\nconsole.log(JSON.stringify(main.run()))\n`,
    )
    expect(ran).toEqual({ esm: 1, cjs: 1, toolStore: true })
  })

  it("a compatible minor: refused by default with the reason and the option; merged under 'compatible'", async () => {
    const dir = writeFixture('dedupe-compatible', project({ version: '1.5.0' }, { version: '1.4.0' }, '^1.2.0'))
    const refused = await buildWith(dir, { dedupe: true })
    expect(refused.truth).toEqual({ realms: 2, seen: false })
    expect(refused.result.errorCode).toBe('SINGLETON_DUPLICATED')
    expect(refused.result.error).toContain(
      `dedupe: ${NESTED} (1.4.0) not merged into node_modules/shared-state (1.5.0) for node_modules/tool/index.js: another version (1.4.0 and 1.5.0); \`dedupe: { packages: 'compatible' }\` would merge it`,
    )
    const merged = await buildWith(dir, { dedupe: { packages: 'compatible' } })
    expect(merged.result.error).toBeUndefined()
    expect(merged.truth).toEqual({ realms: 1, seen: true })
    expect(merged.code).not.toContain(NESTED)
    expect(merged.result.infos.map((info) => info.message).join('\n')).toContain(
      `1.5.0 satisfies node_modules/tool/package.json's range "^1.2.0" (same major)`,
    )
  })

  it("a range the canonical version does not satisfy: refused under 'compatible', naming the importer and its range", async () => {
    const dir = writeFixture('dedupe-range', project({ version: '1.5.0' }, { version: '1.4.0' }, '~1.4.0'))
    const refused = await buildWith(dir, { dedupe: { packages: 'compatible' } })
    expect(refused.truth).toEqual({ realms: 2, seen: false })
    expect(refused.result.error).toContain(
      'node_modules/tool/package.json declares "~1.4.0", which 1.5.0 does not satisfy',
    )
  })

  it("another major: refused even under 'compatible'", async () => {
    const dir = writeFixture('dedupe-major', project({ version: '2.0.0' }, { version: '1.4.0' }, '>=1.0.0'))
    const refused = await buildWith(dir, { dedupe: { packages: 'compatible' } })
    expect(refused.truth).toEqual({ realms: 2, seen: false })
    expect(refused.result.error).toContain('another major version (1.x and 2.x): never merged')
  })

  it('the same version with patched content: refused, nothing would merge it', async () => {
    const patched = { version: '1.2.0', patch: 'export const patched = true\n' }
    const dir = writeFixture('dedupe-patched', project({ version: '1.2.0' }, patched, '^1.2.0'))
    const refused = await buildWith(dir, { dedupe: { packages: 'compatible' } })
    expect(refused.truth).toEqual({ realms: 2, seen: false })
    expect(refused.result.error).toContain('the same version (1.2.0) with different files (a patched install?)')
    expect(refused.result.error).not.toContain('would merge it')
  })

  it('a subpath singleton whose install imports its own files relatively: no file of the other install is bundled', async () => {
    const dir = writeFixture('dedupe-subpath', project({ version: '1.2.0' }, { version: '1.2.0' }, '^1.2.0'))
    fs.rmSync(path.join(dir, 'dist'), { recursive: true, force: true })
    const before = await build(dir, { input: { main: 'src/main.js' }, guard: { singletons: 'shared-state/registry' } })
    expect(before.errorCode).toBe('SINGLETON_DUPLICATED')
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    fs.rmSync(path.join(dir, 'dist'), { recursive: true, force: true })
    const after = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'shared-state/registry', dedupe: true },
    })
    expect(after.error).toBeUndefined()
    expect(await truthOf(dir)).toEqual({ realms: 1, seen: true })
    expect(fs.readFileSync(path.join(dir, 'dist/main.js'), 'utf8')).not.toContain(NESTED)
  })

  it('a pnpm-style virtual store with peer variants of one version: merged', async () => {
    const store = (variant: string) => `node_modules/.pnpm/shared-state@1.2.0_${variant}/node_modules/shared-state`
    const files: FixtureFiles = {
      'package.json': JSON.stringify({
        name: 'app',
        type: 'module',
        dependencies: { 'shared-state': '1.2.0', tool: '1.0.0' },
      }),
      'src/main.js': project({ version: '1.2.0' }, { version: '1.2.0' }, '^1.2.0')['src/main.js'] as string,
      ...under(store('peer@1'), sharedState({ version: '1.2.0' })),
      ...under(store('peer@2'), sharedState({ version: '1.2.0' })),
      'node_modules/.pnpm/tool@1.0.0/node_modules/tool/package.json': JSON.stringify({
        name: 'tool',
        version: '1.0.0',
        type: 'module',
        exports: './index.js',
        dependencies: { 'shared-state': '^1.2.0' },
      }),
      'node_modules/.pnpm/tool@1.0.0/node_modules/tool/index.js': `import { store } from 'shared-state'\nexport const toolSeen = (id) => store.get(id) === 'pending'\n`,
      'node_modules/.pnpm/tool@1.0.0/node_modules/shared-state': {
        symlink: '../../shared-state@1.2.0_peer@2/node_modules/shared-state',
      },
      'node_modules/shared-state': { symlink: '.pnpm/shared-state@1.2.0_peer@1/node_modules/shared-state' },
      'node_modules/tool': { symlink: '.pnpm/tool@1.0.0/node_modules/tool' },
    }
    const dir = writeFixture('dedupe-pnpm', files)
    const before = await buildWith(dir, {})
    expect(before.truth).toEqual({ realms: 2, seen: false })
    const after = await buildWith(dir, { dedupe: true })
    expect(after.result.error).toBeUndefined()
    expect(after.truth).toEqual({ realms: 1, seen: true })
    expect(after.code).not.toContain('peer@2')
  })

  it('a second package nobody declared is left as it is', async () => {
    const files = project({ version: '1.2.0' }, { version: '1.2.0' }, '^1.2.0')
    // `other-state` is installed twice too, and not declared: dedupe does not touch it.
    files['src/main.js'] =
      `import { bump } from 'other-state'\nimport { toolBump } from 'tool'\n${files['src/main.js'] as string}export const counts = () => [bump(), toolBump()]\n`
    files['node_modules/tool/index.js'] =
      `import { bump } from 'other-state'\nexport const toolBump = () => bump()\n${files['node_modules/tool/index.js'] as string}`
    for (const prefix of ['node_modules/other-state', 'node_modules/tool/node_modules/other-state']) {
      files[`${prefix}/package.json`] = JSON.stringify({
        name: 'other-state',
        version: '1.0.0',
        type: 'module',
        exports: './index.js',
      })
      files[`${prefix}/index.js`] = `let count = 0\nexport const bump = () => ++count\n`
    }
    const dir = writeFixture('dedupe-undeclared', files)
    const after = await buildWith(dir, { dedupe: true, detect: false })
    expect(after.result.error).toBeUndefined()
    expect(after.truth).toEqual({ realms: 1, seen: true })
    const counts = await execute<number[]>(
      dir,
      `const main = await import('./dist/main.js')\nconsole.log(JSON.stringify(main.counts()))\n`,
    )
    // Two installs, two counters: each starts at one.
    expect(counts).toEqual([1, 1])
    expect(after.code).toContain('node_modules/tool/node_modules/other-state')
  })

  it('the report lists merges and refusals', async () => {
    const dir = writeFixture('dedupe-report', project({ version: '1.5.0' }, { version: '1.4.0' }, '^1.2.0'))
    fs.rmSync(path.join(dir, 'dist'), { recursive: true, force: true })
    await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'shared-state', dedupe: true, report: true, onDuplicate: 'warn' },
    })
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'dist/singleton-report.json'), 'utf8'))
    expect(report.dedupe.merged).toEqual([])
    expect(report.dedupe.refused).toEqual([
      expect.objectContaining({
        package: 'shared-state',
        install: NESTED,
        version: '1.4.0',
        option: "dedupe: { packages: 'compatible' }",
      }),
    ])
  })
})

describe('dedupe: files (one real file under two ids)', () => {
  it('under resolve.symlinks: false, a declared module reached through a linked folder is one module', async () => {
    const files: FixtureFiles = {
      'package.json': JSON.stringify({ name: 'app', type: 'module' }),
      'src/state.js': statefulModule(),
      'src/reader.js': `import { store } from '../linked/state.js'\nexport const seen = (id) => store.get(id) === 'pending'\n`,
      'src/main.js': `import { store } from './state.js'\nimport { seen } from './reader.js'\nexport function run() {\n  store.set('request', 'pending')\n  return seen('request')\n}\n`,
      linked: { symlink: 'src' },
    }
    const dir = writeFixture('dedupe-files', files)
    const spec = (guard: Options) => ({
      input: { main: 'src/main.js' },
      guard: { singletons: 'src/state.js', ...guard },
      inputOptions: { resolve: { symlinks: false } },
    })
    const before = await build(dir, spec({}))
    expect(before.errorCode).toBe('SINGLETON_DUPLICATED')
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    fs.rmSync(path.join(dir, 'dist'), { recursive: true, force: true })
    const after = await build(dir, spec({ dedupe: { packages: false, files: true } }))
    expect(after.error).toBeUndefined()
    expect(await truthOf(dir)).toEqual({ realms: 1, seen: true })
    expect(after.infos.map((info) => info.message).join('\n')).toContain(
      'SINGLETON_DEDUPED: linked/state.js is served as src/state.js: one real file under two ids, now one module.',
    )
  })
})
