import { describe, expect, it } from 'vitest'
import { build } from './helpers/build.ts'
import { statefulModule, writeFixture, type FixtureFiles } from './helpers/fixture.ts'
import { lazyReaderProject, truthOf, twoVersionsProject, type Truth } from './helpers/realms.ts'
import { queryLoader } from './helpers/query-loader.ts'

const project = (readerImport: string, extra: FixtureFiles = {}): FixtureFiles => lazyReaderProject(readerImport, extra)

async function expectVerdictMatchesTruth(dir: string, result: { error: string | undefined }): Promise<Truth> {
  const truth = await truthOf(dir)
  expect(result.error !== undefined).toBe(truth.realms > 1)
  return truth
}

describe('copies inside one output', () => {
  it('passes a clean lazy boundary that shares the singleton with static consumers', async () => {
    const dir = writeFixture('clean', project('./state.js'))
    const result = await build(dir, { input: { main: 'src/main.js' }, guard: { singletons: 'src/state.js' } })
    expect(result.error).toBeUndefined()
    expect(result.warnings).toEqual([])
    const truth = await expectVerdictMatchesTruth(dir, result)
    expect(truth).toEqual({ realms: 1, seen: true })
  })

  it('catches one file under two ids through a preserved symlink', async () => {
    const dir = writeFixture('symlink', project('linked/state.js', { 'node_modules/linked': { symlink: '../src' } }))
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'src/state.js' },
      inputOptions: { resolve: { symlinks: false } },
    })
    expect(result.errorCode).toBe('SINGLETON_DUPLICATED')
    expect(result.error).toContain('src/state.js is evaluated 2 times in one output')
    expect(result.error).toContain('cause: same file, two ids')
    expect(result.error).toContain('node_modules/linked/state.js')
    expect(result.error).toContain('a symlinked path to src/state.js')
    expect(result.error).toMatch(
      /src\/main\.js \(entry\) --import\(\)--> src\/reader\.runtime\.js --> node_modules\/linked\/state\.js/,
    )
    const truth = await expectVerdictMatchesTruth(dir, result)
    expect(truth).toEqual({ realms: 2, seen: false })
  })

  it('follows the symlink when rolldown resolves symlinks (the default): one copy', async () => {
    const dir = writeFixture(
      'symlink-resolved',
      project('linked/state.js', { 'node_modules/linked': { symlink: '../src' } }),
    )
    const result = await build(dir, { input: { main: 'src/main.js' }, guard: { singletons: 'src/state.js' } })
    expect(result.error).toBeUndefined()
    expect(await expectVerdictMatchesTruth(dir, result)).toEqual({ realms: 1, seen: true })
  })

  it('catches a query-suffixed id loaded by a plugin, as Vite does for ?worker', async () => {
    const dir = writeFixture('query', project('./state.js?fresh'))
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'src/state.js' },
      plugins: [queryLoader],
    })
    expect(result.errorCode).toBe('SINGLETON_DUPLICATED')
    expect(result.error).toContain('query ?fresh makes it a separate module')
    expect(await expectVerdictMatchesTruth(dir, result)).toEqual({ realms: 2, seen: false })
  })

  it('catches two installs of one package (nested node_modules, two versions)', async () => {
    const dir = writeFixture('two-installs', twoVersionsProject())
    const result = await build(dir, { input: { main: 'src/main.js' }, guard: { singletons: 'shared-state' } })
    expect(result.errorCode).toBe('SINGLETON_DUPLICATED')
    expect(result.error).toContain(
      'the package shared-state is evaluated 2 times in one output (dist, es): 2 installs of it are bundled.',
    )
    expect(result.error).toContain('cause: same package, two installs')
    expect(result.error).toContain('shared-state@1.4.0/index.js')
    expect(result.error).toContain('shared-state@2.0.0/index.js')
    expect(result.error).toContain('npm dedupe')
    expect(await expectVerdictMatchesTruth(dir, result)).toEqual({ realms: 2, seen: false })
  })

  it('catches a pnpm-style store where two versions are linked into node_modules', async () => {
    const store = 'node_modules/.pnpm'
    const dir = writeFixture('pnpm', {
      ...project('legacy-tool'),
      'src/state.js': `export { store } from 'shared-state'\n`,
      [`${store}/shared-state@2.0.0/node_modules/shared-state/package.json`]: JSON.stringify({
        name: 'shared-state',
        version: '2.0.0',
        type: 'module',
        exports: './index.js',
      }),
      [`${store}/shared-state@2.0.0/node_modules/shared-state/index.js`]: statefulModule(),
      [`${store}/shared-state@1.4.0/node_modules/shared-state/package.json`]: JSON.stringify({
        name: 'shared-state',
        version: '1.4.0',
        type: 'module',
        exports: './index.js',
      }),
      [`${store}/shared-state@1.4.0/node_modules/shared-state/index.js`]: statefulModule(),
      [`${store}/legacy-tool@1.0.0/node_modules/legacy-tool/package.json`]: JSON.stringify({
        name: 'legacy-tool',
        version: '1.0.0',
        type: 'module',
        exports: './index.js',
      }),
      [`${store}/legacy-tool@1.0.0/node_modules/legacy-tool/index.js`]: `export { store } from 'shared-state'\n`,
      [`${store}/legacy-tool@1.0.0/node_modules/shared-state`]: {
        symlink: '../../shared-state@1.4.0/node_modules/shared-state',
      },
      'node_modules/shared-state': { symlink: '.pnpm/shared-state@2.0.0/node_modules/shared-state' },
      'node_modules/legacy-tool': { symlink: '.pnpm/legacy-tool@1.0.0/node_modules/legacy-tool' },
      'src/reader.runtime.js': `import { store } from 'legacy-tool'\nexport function read(k) { return store.get(k) }\n`,
    })
    const result = await build(dir, { input: { main: 'src/main.js' }, guard: { singletons: 'shared-state' } })
    expect(result.errorCode).toBe('SINGLETON_DUPLICATED')
    expect(result.error).toContain('cause: same package, two installs')
    expect(result.error).toContain('installed at node_modules/.pnpm/shared-state@1.4.0/node_modules/shared-state')
    expect(result.error).toContain('installed at node_modules/.pnpm/shared-state@2.0.0/node_modules/shared-state')
    expect(await expectVerdictMatchesTruth(dir, result)).toEqual({ realms: 2, seen: false })
  })

  it('declares a singleton with a // @singleton comment instead of an option', async () => {
    const dir = writeFixture('marker', {
      ...project('linked/state.js', { 'node_modules/linked': { symlink: '../src' } }),
      'src/state.js': statefulModule('state', '// @singleton\n'),
    })
    const result = await build(dir, { input: { main: 'src/main.js' }, inputOptions: { resolve: { symlinks: false } } })
    expect(result.errorCode).toBe('SINGLETON_DUPLICATED')
    expect(await expectVerdictMatchesTruth(dir, result)).toEqual({ realms: 2, seen: false })
  })

  it('only warns with onDuplicate: warn, and the build is written', async () => {
    const dir = writeFixture('warn', project('linked/state.js', { 'node_modules/linked': { symlink: '../src' } }))
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'src/state.js', onDuplicate: 'warn' },
      inputOptions: { resolve: { symlinks: false } },
    })
    expect(result.error).toBeUndefined()
    expect(result.warnings.map((w) => w.code)).toEqual(['SINGLETON_DUPLICATED'])
    const truth = await truthOf(dir)
    expect(truth).toEqual({ realms: 2, seen: false })
  })
})
