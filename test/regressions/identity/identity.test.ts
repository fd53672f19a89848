import { describe, expect, it } from 'vitest'
import { build } from '../../helpers/build.ts'
import { statefulModule, writeFixture, type FixtureFiles } from '../../helpers/fixture.ts'
import { lazyReaderProject, manifest, truthOf, twoInstallsProject } from '../../helpers/realms.ts'

/**
 * Review probes: layouts real projects have. Each executes the output (the truth) and then
 * asserts what the plugin should have said.
 */

const MARKED = statefulModule('state', '// @singleton\n')

describe('package identity', () => {
  it('an npm alias install (node_modules/shared-state-v1, manifest name shared-state) is a second install', async () => {
    // "shared-state-v1": "npm:shared-state@1.4.0" installs the package under another folder name.
    const files: FixtureFiles = {
      ...lazyReaderProject('legacy-tool'),
      'src/state.js': `export { store } from 'shared-state'\n`,
      'node_modules/legacy-tool/package.json': manifest({
        name: 'legacy-tool',
        version: '1.0.0',
        exports: './index.js',
      }),
      'node_modules/legacy-tool/index.js': `export { store } from 'shared-state-v1'\n`,
      'node_modules/shared-state/package.json': manifest({
        name: 'shared-state',
        version: '2.0.0',
        exports: './index.js',
      }),
      'node_modules/shared-state/index.js': statefulModule(),
      'node_modules/shared-state-v1/package.json': manifest({
        name: 'shared-state',
        version: '1.4.0',
        exports: './index.js',
      }),
      'node_modules/shared-state-v1/index.js': statefulModule(),
    }
    const dir = writeFixture('review-alias', files)
    const result = await build(dir, { input: { main: 'src/main.js' }, guard: { singletons: 'shared-state' } })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect({ code: result.errorCode, warnings: result.warnings.map((w) => w.code) }).toMatchObject({
      code: 'SINGLETON_DUPLICATED',
    })
  })

  it('an npm alias install is a twin of a marked singleton too', async () => {
    const files: FixtureFiles = {
      ...lazyReaderProject('legacy-tool'),
      'src/state.js': `export { store } from 'shared-state'\n`,
      'node_modules/legacy-tool/package.json': manifest({
        name: 'legacy-tool',
        version: '1.0.0',
        exports: './index.js',
      }),
      'node_modules/legacy-tool/index.js': `export { store } from 'shared-state-v1'\n`,
      'node_modules/shared-state/package.json': manifest({
        name: 'shared-state',
        version: '2.0.0',
        exports: './index.js',
      }),
      'node_modules/shared-state/index.js': MARKED,
      // The old version had no marker yet: it is a twin of the marked module of the same package.
      'node_modules/shared-state-v1/package.json': manifest({
        name: 'shared-state',
        version: '1.4.0',
        exports: './index.js',
      }),
      'node_modules/shared-state-v1/index.js': statefulModule(),
    }
    const dir = writeFixture('review-alias-marker', files)
    const result = await build(dir, { input: { main: 'src/main.js' } })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect({ code: result.errorCode, warnings: result.warnings.map((w) => w.code) }).toMatchObject({
      code: 'SINGLETON_DUPLICATED',
    })
  })

  /** preact's layout: `preact/hooks/package.json` names itself `hooks` (private); its code is in hooks/dist. */
  function nestedNamedManifest(version: string): FixtureFiles {
    return {
      'package.json': manifest({
        name: 'ui-lib',
        version,
        exports: {
          '.': './index.js',
          './hooks': { import: './hooks/dist/hooks.mjs', require: './hooks/dist/hooks.js' },
        },
      }),
      'index.js': `export const version = ${JSON.stringify(version)}\n`,
      'hooks/package.json': JSON.stringify({
        name: 'hooks',
        version: '0.1.0',
        private: true,
        main: 'dist/hooks.js',
        module: 'dist/hooks.mjs',
      }),
      'hooks/dist/hooks.mjs': statefulModule(),
    }
  }

  it.each(['ui-lib', 'ui-lib/hooks'])(
    'two installs of a package whose subfolder has its own named manifest (preact/hooks), declared as %s',
    async (singletons) => {
      const files = twoInstallsProject(nestedNamedManifest('2.0.0'), nestedNamedManifest('1.4.0'))
      // twoInstallsProject names the package shared-state: move both installs to ui-lib.
      const renamed: FixtureFiles = {}
      for (const [file, content] of Object.entries(files)) {
        renamed[file.replace('/shared-state/', '/ui-lib/')] = content
      }
      renamed['src/state.js'] = `export { store } from 'ui-lib/hooks'\n`
      renamed['node_modules/legacy-tool/index.js'] = `export { store } from 'ui-lib/hooks'\n`
      const dir = writeFixture('review-nested-manifest', renamed)
      const result = await build(dir, { input: { main: 'src/main.js' }, guard: { singletons } })
      expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
      expect({ singletons, code: result.errorCode, warnings: result.warnings.map((w) => w.code) }).toEqual({
        singletons,
        code: 'SINGLETON_DUPLICATED',
        warnings: [],
      })
    },
  )

  it('a marked singleton in two installs, one whose main is a folder with a trailing slash ("./lib/")', async () => {
    const files = twoInstallsProject(
      { 'package.json': manifest({ name: 'shared-state', version: '2.0.0', main: 'index.js' }), 'index.js': MARKED },
      { 'package.json': manifest({ name: 'shared-state', version: '1.4.0', main: './lib/' }), 'lib/index.js': MARKED },
    )
    const dir = writeFixture('review-main-slash', files)
    const result = await build(dir, { input: { main: 'src/main.js' } })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect({ code: result.errorCode, warnings: result.warnings.map((w) => w.code) }).toMatchObject({
      code: 'SINGLETON_DUPLICATED',
    })
  })

  it('a marked singleton in two installs, one resolved through its `browser` field', async () => {
    const files = twoInstallsProject(
      { 'package.json': manifest({ name: 'shared-state', version: '2.0.0', main: 'index.js' }), 'index.js': MARKED },
      {
        'package.json': manifest({
          name: 'shared-state',
          version: '1.4.0',
          main: 'lib/node.js',
          browser: 'lib/browser.js',
        }),
        'lib/node.js': MARKED,
        'lib/browser.js': MARKED,
      },
    )
    const dir = writeFixture('review-browser-field', files)
    const result = await build(dir, { input: { main: 'src/main.js' }, inputOptions: { platform: 'browser' } })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect({ code: result.errorCode, warnings: result.warnings.map((w) => w.code) }).toMatchObject({
      code: 'SINGLETON_DUPLICATED',
    })
  })

  it('a pkg/subpath singleton reached through a wildcard export ("./*": "./dist/*.js")', async () => {
    const install = (version: string): FixtureFiles => ({
      'package.json': manifest({
        name: 'shared-state',
        version,
        exports: { '.': './dist/index.js', './*': './dist/*.js' },
      }),
      'dist/index.js': `export const version = ${JSON.stringify(version)}\n`,
      'dist/store.js': statefulModule(),
    })
    const files = twoInstallsProject(install('2.0.0'), install('1.4.0'))
    files['src/state.js'] = `export { store } from 'shared-state/store'\n`
    files['node_modules/legacy-tool/index.js'] = `export { store } from 'shared-state/store'\n`
    const dir = writeFixture('review-wildcard-subpath', files)
    const result = await build(dir, { input: { main: 'src/main.js' }, guard: { singletons: 'shared-state/store' } })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect({ code: result.errorCode, warnings: result.warnings.map((w) => w.code) }).toEqual({
      code: 'SINGLETON_DUPLICATED',
      warnings: [],
    })
  })

  it('a pkg/subpath singleton whose export key is written with an extension ("./store.js")', async () => {
    const install = (version: string): FixtureFiles => ({
      'package.json': manifest({
        name: 'shared-state',
        version,
        exports: { '.': './index.js', './store.js': './lib/store.js' },
      }),
      'index.js': `export const version = ${JSON.stringify(version)}\n`,
      'lib/store.js': statefulModule(),
    })
    const files = twoInstallsProject(install('2.0.0'), install('1.4.0'))
    files['src/state.js'] = `export { store } from 'shared-state/store.js'\n`
    files['node_modules/legacy-tool/index.js'] = `export { store } from 'shared-state/store.js'\n`
    const dir = writeFixture('review-subpath-ext', files)
    const result = await build(dir, { input: { main: 'src/main.js' }, guard: { singletons: 'shared-state/store.js' } })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect({ code: result.errorCode, warnings: result.warnings.map((w) => w.code) }).toMatchObject({
      code: 'SINGLETON_DUPLICATED',
    })
  })
})

describe('a pkg/subpath singleton of a library built with shared chunks', () => {
  it('the export is a re-export shim, the state lives in a hashed chunk (tsup/tsdown/rollup output)', async () => {
    const install = (version: string): FixtureFiles => ({
      'package.json': manifest({
        name: 'shared-state',
        version,
        exports: { '.': './dist/index.mjs', './store': './dist/store.mjs' },
      }),
      'dist/index.mjs': `export { store } from './store-Cx81ab.mjs'\nexport const version = ${JSON.stringify(version)}\n`,
      'dist/store.mjs': `export { store } from './store-Cx81ab.mjs'\n`,
      'dist/store-Cx81ab.mjs': statefulModule(),
    })
    const files = twoInstallsProject(install('2.0.0'), install('1.4.0'))
    files['src/state.js'] = `export { store } from 'shared-state/store'\n`
    files['node_modules/legacy-tool/index.js'] = `export { store } from 'shared-state/store'\n`
    const dir = writeFixture('review-subpath-shim', files)
    const result = await build(dir, { input: { main: 'src/main.js' }, guard: { singletons: 'shared-state/store' } })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect({ code: result.errorCode, warnings: result.warnings.map((w) => w.code) }).toEqual({
      code: 'SINGLETON_DUPLICATED',
      warnings: [],
    })
  })
})
