import { readFile } from 'node:fs/promises'
import type { Plugin } from 'rolldown'
import { describe, expect, it } from 'vitest'
import { build } from '../../helpers/build.ts'
import { statefulModule, writeFixture, type FixtureFiles } from '../../helpers/fixture.ts'
import { lazyReaderProject, manifest, truthOf } from '../../helpers/realms.ts'

const MARKED = statefulModule('state', '// @singleton\n')

/** pnpm's layout: every install in the store, the project's and legacy-tool's links pointing into it. */
function pnpmTwoVersions(top: FixtureFiles, nested: FixtureFiles): FixtureFiles {
  const files: FixtureFiles = {
    ...lazyReaderProject('legacy-tool'),
    'src/state.js': `export { store } from 'shared-state'\n`,
    'node_modules/shared-state': { symlink: '.pnpm/shared-state@2.0.0/node_modules/shared-state' },
    'node_modules/legacy-tool': { symlink: '.pnpm/legacy-tool@1.0.0/node_modules/legacy-tool' },
    'node_modules/.pnpm/legacy-tool@1.0.0/node_modules/legacy-tool/package.json': manifest({
      name: 'legacy-tool',
      version: '1.0.0',
      exports: './index.js',
    }),
    'node_modules/.pnpm/legacy-tool@1.0.0/node_modules/legacy-tool/index.js': `export { store } from 'shared-state'\n`,
    'node_modules/.pnpm/legacy-tool@1.0.0/node_modules/shared-state': {
      symlink: '../../shared-state@1.4.0/node_modules/shared-state',
    },
  }
  for (const [file, content] of Object.entries(top)) {
    files[`node_modules/.pnpm/shared-state@2.0.0/node_modules/shared-state/${file}`] = content
  }
  for (const [file, content] of Object.entries(nested)) {
    files[`node_modules/.pnpm/shared-state@1.4.0/node_modules/shared-state/${file}`] = content
  }
  return files
}

const plainInstall = (version: string): FixtureFiles => ({
  'package.json': manifest({ name: 'shared-state', version, exports: './index.js' }),
  'index.js': statefulModule(),
})

describe('pnpm store layouts', () => {
  it.each([
    'shared-state',
    'node_modules/shared-state/index.js',
    'node_modules/shared-state/**',
    'node_modules/shared-state/*.js',
  ])('two versions in the pnpm store, declared as %s', async (singletons) => {
    const dir = writeFixture('review-pnpm', pnpmTwoVersions(plainInstall('2.0.0'), plainInstall('1.4.0')))
    const result = await build(dir, { input: { main: 'src/main.js' }, guard: { singletons } })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect({ singletons, code: result.errorCode, warnings: result.warnings.map((w) => w.code) }).toEqual({
      singletons,
      code: 'SINGLETON_DUPLICATED',
      warnings: [],
    })
  })

  it('two versions in the pnpm store with different layouts, declared as shared-state/store', async () => {
    const files = pnpmTwoVersions(
      {
        'package.json': manifest({
          name: 'shared-state',
          version: '2.0.0',
          exports: {
            '.': './dist/index.mjs',
            './store': { node: { import: './dist/store.mjs' }, default: './dist/store.mjs' },
          },
        }),
        'dist/index.mjs': `export { store } from './store.mjs'\n`,
        'dist/store.mjs': statefulModule(),
      },
      {
        'package.json': manifest({
          name: 'shared-state',
          version: '1.4.0',
          exports: { '.': './lib/index.js', './store': ['./lib/store.js'] },
        }),
        'lib/index.js': `export { store } from './store.js'\n`,
        'lib/store.js': statefulModule(),
      },
    )
    files['src/state.js'] = `export { store } from 'shared-state/store'\n`
    files['node_modules/.pnpm/legacy-tool@1.0.0/node_modules/legacy-tool/index.js'] =
      `export { store } from 'shared-state/store'\n`
    const dir = writeFixture('review-pnpm-subpath', files)
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'shared-state/store' },
      inputOptions: { platform: 'node' },
    })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect({ code: result.errorCode, warnings: result.warnings.map((w) => w.code) }).toMatchObject({
      code: 'SINGLETON_DUPLICATED',
    })
  })

  it('a scoped package in the pnpm store whose nested install has a null manifest', async () => {
    const files: FixtureFiles = {
      ...lazyReaderProject('legacy-tool'),
      'src/state.js': `export { store } from '@acme/state'\n`,
      'node_modules/@acme/state': { symlink: '../.pnpm/@acme+state@2.0.0/node_modules/@acme/state' },
      'node_modules/legacy-tool': { symlink: '.pnpm/legacy-tool@1.0.0/node_modules/legacy-tool' },
      'node_modules/.pnpm/legacy-tool@1.0.0/node_modules/legacy-tool/package.json': manifest({
        name: 'legacy-tool',
        exports: './index.js',
      }),
      'node_modules/.pnpm/legacy-tool@1.0.0/node_modules/legacy-tool/index.js': `export { store } from '@acme/state'\n`,
      'node_modules/.pnpm/legacy-tool@1.0.0/node_modules/@acme/state': {
        symlink: '../../../@acme+state@1.4.0/node_modules/@acme/state',
      },
      'node_modules/.pnpm/@acme+state@2.0.0/node_modules/@acme/state/package.json': manifest({
        name: '@acme/state',
        version: '2.0.0',
        exports: './index.js',
      }),
      'node_modules/.pnpm/@acme+state@2.0.0/node_modules/@acme/state/index.js': statefulModule(),
      'node_modules/.pnpm/@acme+state@1.4.0/node_modules/@acme/state/package.json': 'null',
      'node_modules/.pnpm/@acme+state@1.4.0/node_modules/@acme/state/index.js': statefulModule(),
    }
    const dir = writeFixture('review-pnpm-scoped-null', files)
    const result = await build(dir, { input: { main: 'src/main.js' }, guard: { singletons: '@acme/state' } })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect({ code: result.errorCode, warnings: result.warnings.map((w) => w.code) }).toMatchObject({
      code: 'SINGLETON_DUPLICATED',
    })
    expect(result.warnings.map((w) => w.code)).toContain('SINGLETON_PACKAGE_METADATA')
  })
})

describe('one workspace package linked under two names (preserved symlinks)', () => {
  const files = (): FixtureFiles => ({
    ...lazyReaderProject('state-alias'),
    'src/state.js': `export { store } from '@acme/state'\n`,
    'packages/state/package.json': manifest({ name: '@acme/state', version: '0.0.0', exports: './index.js' }),
    'packages/state/index.js': statefulModule(),
    'node_modules/@acme/state': { symlink: '../../packages/state' },
    'node_modules/state-alias': { symlink: '../packages/state' },
  })

  it.each(['@acme/state', 'packages/state/index.js', /packages\/state\/index\.js$/])(
    'is caught when declared as %s',
    async (singletons) => {
      const dir = writeFixture('review-linked-twice', files())
      const result = await build(dir, {
        input: { main: 'src/main.js' },
        guard: { singletons },
        inputOptions: { resolve: { symlinks: false } },
      })
      expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
      expect({ singletons: String(singletons), code: result.errorCode }).toEqual({
        singletons: String(singletons),
        code: 'SINGLETON_DUPLICATED',
      })
    },
  )
})

/** A coverage-like plugin: `?instrument` loads the file with a counter line in front, still as code. */
const instrumentLoader: Plugin = {
  name: 'instrument-loader',
  resolveId: {
    filter: { id: /\?instrument$/ },
    async handler(source, importer) {
      const resolved = await this.resolve(source.slice(0, -'?instrument'.length), importer)
      return resolved ? `${resolved.id}?instrument` : null
    },
  },
  load: {
    filter: { id: /\?instrument$/ },
    handler: async (id) =>
      `globalThis.__hits = (globalThis.__hits ?? 0) + 1\n${await readFile(id.slice(0, -'?instrument'.length), 'utf8')}`,
  },
}

describe('query twins', () => {
  it('an instrumenting query twin of a // @singleton module is a second instance', async () => {
    const dir = writeFixture('review-marker-instrument', {
      ...lazyReaderProject('./state.js?instrument'),
      'src/state.js': MARKED,
    })
    const result = await build(dir, { input: { main: 'src/main.js' }, plugins: [instrumentLoader] })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect({ code: result.errorCode, warnings: result.warnings.map((w) => w.code) }).toMatchObject({
      code: 'SINGLETON_DUPLICATED',
    })
    expect(result.error).toContain('same file, two ids')
  })

  it('an instrumenting query twin of a glob-declared module is a second instance', async () => {
    const dir = writeFixture('review-glob-instrument', lazyReaderProject('./state.js?instrument'))
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'src/*.js' },
      plugins: [instrumentLoader],
    })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect({ code: result.errorCode, warnings: result.warnings.map((w) => w.code) }).toMatchObject({
      code: 'SINGLETON_DUPLICATED',
    })
  })
})

describe('a workspace package and a published install of it', () => {
  /** A monorepo: apps/web links packages/state; legacy-tool brings the published @acme/state@1.0.0. */
  function monorepo(): FixtureFiles {
    const files: FixtureFiles = {
      'package.json': JSON.stringify({ name: 'mono', private: true, workspaces: ['apps/*', 'packages/*'] }),
      'packages/state/package.json': manifest({ name: '@acme/state', version: '2.0.0', exports: './index.js' }),
      'packages/state/index.js': statefulModule(),
      'apps/web/node_modules/@acme/state': { symlink: '../../../../packages/state' },
      'apps/web/node_modules/legacy-tool/package.json': manifest({
        name: 'legacy-tool',
        version: '1.0.0',
        exports: './index.js',
      }),
      'apps/web/node_modules/legacy-tool/index.js': `export { store } from '@acme/state'\n`,
      'apps/web/node_modules/legacy-tool/node_modules/@acme/state/package.json': manifest({
        name: '@acme/state',
        version: '1.0.0',
        exports: './index.js',
      }),
      'apps/web/node_modules/legacy-tool/node_modules/@acme/state/index.js': statefulModule(),
    }
    for (const [file, content] of Object.entries(lazyReaderProject('legacy-tool'))) files[`apps/web/${file}`] = content
    files['apps/web/src/state.js'] = `export { store } from '@acme/state'\n`
    return files
  }

  it.each([
    ['the app folder', 'apps/web'],
    ['the monorepo root (a root config, tsdown run from the root)', '.'],
  ])('declared as @acme/state with root at %s', async (_, rootFolder) => {
    const mono = writeFixture('review-monorepo', monorepo())
    const dir = `${mono}/apps/web`
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: '@acme/state', root: `${mono}/${rootFolder}` },
    })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect({ rootFolder, code: result.errorCode, warnings: result.warnings.map((w) => w.code) }).toEqual({
      rootFolder,
      code: 'SINGLETON_DUPLICATED',
      warnings: [],
    })
  })

  it('a glob through the workspace link (node_modules/@acme/*/*.js)', async () => {
    const mono = writeFixture('review-monorepo-glob', monorepo())
    const dir = `${mono}/apps/web`
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'node_modules/@acme/*/*.js' },
    })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect({ code: result.errorCode, warnings: result.warnings.map((w) => w.code) }).toEqual({
      code: 'SINGLETON_DUPLICATED',
      warnings: [],
    })
  })
})
