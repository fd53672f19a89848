import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { singletonGuard } from '../src/index.ts'
import { build } from './helpers/build.ts'
import { statefulModule, writeFixture, type FixtureFiles } from './helpers/fixture.ts'
import { lazyReaderProject, manifest, truthOf, twoInstallsProject } from './helpers/realms.ts'
import { queryLoader } from './helpers/query-loader.ts'
import { importPlugin, runTsdown } from './helpers/tsdown.ts'

/**
 * Layouts real projects have, each once seen to split realms in silence. Every test executes the
 * output first (the truth), then asserts the verdict.
 */

const project = (stateFile: string, readerImport: string, extra: FixtureFiles = {}): FixtureFiles =>
  lazyReaderProject(readerImport, extra, stateFile)
const twoInstalls = twoInstallsProject

describe('a # in a path is part of the path', () => {
  it.each([
    ['a file named state#1.js', 'src/state#1.js', 'linked/state#1.js'],
    ['a folder named c#', 'src/c#/state.js', 'linked/c#/state.js'],
  ])('catches a symlinked twin of %s', async (_, stateFile, readerImport) => {
    const dir = writeFixture(
      'hash-in-path',
      project(stateFile, readerImport, { 'node_modules/linked': { symlink: '../src' } }),
    )
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: stateFile },
      inputOptions: { resolve: { symlinks: false } },
    })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect(result.errorCode).toBe('SINGLETON_DUPLICATED')
    expect(result.error).toContain('cause: same file, two ids')
  })

  it('catches a query twin inside a project folder named C#-projects', async () => {
    const outer = writeFixture('hash-root', {})
    const dir = path.join(outer, 'C#-projects', 'app')
    for (const [file, content] of Object.entries(project('src/state.js', './state.js?fresh'))) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
      fs.writeFileSync(path.join(dir, file), content as string)
    }
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'src/state.js' },
      plugins: [queryLoader],
    })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect(result.errorCode).toBe('SINGLETON_DUPLICATED')
    expect(result.error).toContain('query ?fresh makes it a separate module')
  })
})

describe('a file symlink under another name', () => {
  it('is caught whatever the link is called (preserved symlinks)', async () => {
    const dir = writeFixture(
      'renamed-link',
      project('src/state.js', './state-link.js', { 'src/state-link.js': { symlink: 'state.js' } }),
    )
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'src/state.js' },
      inputOptions: { resolve: { symlinks: false } },
    })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect(result.errorCode).toBe('SINGLETON_DUPLICATED')
    expect(result.error).toContain('src/state-link.js')
    expect(result.error).toContain('a symlinked path to src/state.js')
  })

  it('is one module when rolldown resolves the link (the default)', async () => {
    const dir = writeFixture(
      'renamed-link-resolved',
      project('src/state.js', './state-link.js', { 'src/state-link.js': { symlink: 'state.js' } }),
    )
    const result = await build(dir, { input: { main: 'src/main.js' }, guard: { singletons: 'src/state.js' } })
    expect(await truthOf(dir)).toEqual({ realms: 1, seen: true })
    expect(result.error).toBeUndefined()
  })
})

describe('two installs whose manifests cannot be read', () => {
  const good = manifest({ name: 'shared-state', version: '2.0.0', exports: './index.js' })
  it.each([
    [
      'starts with a byte-order mark',
      `\uFEFF${manifest({ name: 'shared-state', version: '1.4.0', exports: './index.js' })}`,
      undefined,
    ],
    ['is null', 'null', 'is null, not an object'],
    ['is an array', '[]', 'is an array, not an object'],
    ['has a non-string name', manifest({ name: 42, version: '1.4.0' }), 'has a `name` that is not a string'],
    ['has no name at all', manifest({ version: '1.4.0' }), undefined],
  ])('still compares them when the manifest %s', async (_, nestedManifest, warning) => {
    const dir = writeFixture(
      'bad-manifest',
      twoInstalls(
        { 'package.json': good, 'index.js': statefulModule() },
        { 'package.json': nestedManifest, 'index.js': statefulModule() },
      ),
    )
    const result = await build(dir, { input: { main: 'src/main.js' }, guard: { singletons: 'shared-state' } })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect(result.errorCode).toBe('SINGLETON_DUPLICATED')
    expect(result.error).toContain('cause: same package, two installs')
    expect(result.error).toContain('installed at node_modules/legacy-tool/node_modules/shared-state')
    const metadata = result.warnings.filter((w) => w.code === 'SINGLETON_PACKAGE_METADATA')
    if (warning) {
      expect(metadata).toHaveLength(1)
      expect(metadata[0]?.message).toContain(
        `node_modules/legacy-tool/node_modules/shared-state/package.json ${warning}`,
      )
    } else {
      expect(metadata).toEqual([])
    }
  })

  it('still compares them when the manifest cannot be read at all', async () => {
    const dir = writeFixture(
      'unreadable-manifest',
      twoInstalls({ 'package.json': good, 'index.js': statefulModule() }, { 'index.js': statefulModule() }),
    )
    // A folder where the file should be: reading it fails (EISDIR) even for root.
    fs.mkdirSync(path.join(dir, 'node_modules/legacy-tool/node_modules/shared-state/package.json'))
    const result = await build(dir, { input: { main: 'src/main.js' }, guard: { singletons: 'shared-state' } })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect(result.errorCode).toBe('SINGLETON_DUPLICATED')
    expect(result.warnings.map((w) => w.code)).toContain('SINGLETON_PACKAGE_METADATA')
  })
})

describe('two installs with different file layouts', () => {
  const layouts = {
    top: {
      'package.json': manifest({
        name: 'shared-state',
        version: '2.0.0',
        exports: { '.': './dist/index.mjs', './store': './dist/store.mjs' },
      }),
      'dist/index.mjs': `export { store } from './store.mjs'\n`,
      'dist/store.mjs': statefulModule(),
    },
    nested: {
      'package.json': manifest({ name: 'shared-state', version: '1.4.0', main: 'lib/index.js' }),
      'lib/index.js': `export { store } from '../store.js'\n`,
      'store.js': statefulModule(),
    },
  }

  it('catches a package declared by name, whatever its files are called', async () => {
    const dir = writeFixture('layouts', twoInstalls(layouts.top, layouts.nested))
    const result = await build(dir, { input: { main: 'src/main.js' }, guard: { singletons: 'shared-state' } })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect(result.errorCode).toBe('SINGLETON_DUPLICATED')
    expect(result.error).toContain('shared-state@2.0.0/dist/')
    expect(result.error).toContain('shared-state@1.4.0/')
  })

  it('compares what each install resolves a pkg/subpath singleton to', async () => {
    const files = twoInstalls(layouts.top, layouts.nested)
    files['src/state.js'] = `export { store } from 'shared-state/store'\n`
    files['node_modules/legacy-tool/index.js'] = `export { store } from 'shared-state/store'\n`
    // The old install has no exports map: its subpath is the file `store.js`.
    const dir = writeFixture('layouts-subpath', files)
    const result = await build(dir, { input: { main: 'src/main.js' }, guard: { singletons: 'shared-state/store' } })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect(result.errorCode).toBe('SINGLETON_DUPLICATED')
    expect(result.error).toContain('shared-state@2.0.0/dist/store.mjs')
    expect(result.error).toContain('shared-state@1.4.0/store.js')
  })
})

describe('a workspace package bundled from its source and from its build', () => {
  function workspace(exportsField: unknown, sourceMap: boolean): FixtureFiles {
    const built = `const store = new Map()\nglobalThis.__evaluations ??= {}\nglobalThis.__evaluations.state = (globalThis.__evaluations.state ?? 0) + 1\nexport { store }\n`
    return {
      ...project('src/state.js', '../packages/state/src/index.js'),
      'src/state.js': `export { store } from '@acme/state'\n`,
      'packages/state/package.json': manifest({ name: '@acme/state', version: '0.0.0', exports: exportsField }),
      'packages/state/src/index.js': statefulModule(),
      'packages/state/dist/index.mjs': sourceMap ? `${built}//# sourceMappingURL=index.mjs.map\n` : built,
      ...(sourceMap
        ? {
            'packages/state/dist/index.mjs.map': JSON.stringify({
              version: 3,
              sources: ['../src/index.js'],
              names: [],
              mappings: 'AAAA',
            }),
          }
        : {}),
      'node_modules/@acme/state': { symlink: '../../packages/state' },
    }
  }

  it.each([
    [
      'its exports name both under different conditions',
      { '.': { source: './src/index.js', import: './dist/index.mjs' } },
      false,
    ],
    ["the build's source map names the source", { '.': './dist/index.mjs' }, true],
  ])('catches it when %s', async (_, exportsField, sourceMap) => {
    const dir = writeFixture('source-and-build', workspace(exportsField, sourceMap))
    for (const singletons of ['@acme/state', 'packages/state/src/index.js']) {
      const result = await build(dir, { input: { main: 'src/main.js' }, guard: { singletons } })
      expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
      expect({ singletons, code: result.errorCode }).toEqual({ singletons, code: 'SINGLETON_DUPLICATED' })
      expect(result.error).toContain('cause: a package bundled from its source and from its build')
      expect(result.error).toContain('drop the alias or the condition')
    }
  })
})

describe('diagnoses a duplicate as a duplicate whatever else is on', () => {
  it('with promote, two installs are SINGLETON_DUPLICATED, not a promote clash', async () => {
    const dir = writeFixture(
      'promote-two-installs',
      twoInstalls(
        {
          'package.json': manifest({ name: 'shared-state', version: '2.0.0', exports: './index.js' }),
          'index.js': statefulModule(),
        },
        {
          'package.json': manifest({ name: 'shared-state', version: '1.4.0', exports: './index.js' }),
          'index.js': statefulModule(),
        },
      ),
    )
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'shared-state/index.js', promote: true },
    })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect(result.errorCode).toBe('SINGLETON_DUPLICATED')
    expect(result.error).toContain('cause: same package, two installs')
  })

  it('with promote, a query twin is SINGLETON_DUPLICATED, not a promote clash', async () => {
    const dir = writeFixture('promote-query-twin', project('src/state.js', './state.js?fresh'))
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'src/state.js', promote: true },
      plugins: [queryLoader],
    })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect(result.errorCode).toBe('SINGLETON_DUPLICATED')
    expect(result.error).toContain('query ?fresh makes it a separate module')
  })
})

describe('a tsdown array config in which one build fails', () => {
  it('says plainly what the verdict across builds covers', async () => {
    const dir = writeFixture('array-one-fails', {
      'package.json': JSON.stringify({ name: 'app', type: 'module' }),
      'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, skipLibCheck: true } }),
      'src/state.ts': 'export const store = new Map<string, number>()\n',
      'src/a.ts': `import { store } from './state.ts'\nexport const write = (k: string): void => void store.set(k, 1)\n`,
      'src/b.ts': `import { store } from './state.ts'\nexport const read = (k: string): unknown => store.get(k)\n`,
      'src/broken.ts': `import { missing } from './does-not-exist.ts'\nexport const x = missing\n`,
      'tsdown.config.ts': `import { defineConfig } from 'tsdown'
${importPlugin}
const guard = singletonGuard({ singletons: 'src/state.ts' })
export default defineConfig([
  { entry: { a: 'src/a.ts' }, outDir: 'dist/a', plugins: [guard] },
  { entry: { b: 'src/b.ts' }, outDir: 'dist/b', plugins: [guard] },
  { entry: { broken: 'src/broken.ts' }, outDir: 'dist/broken', plugins: [guard] },
])
`,
    })
    const result = await runTsdown(dir)
    expect(result.exitCode).not.toBe(0)
    // tsdown stops at the first failure, so how many others completed depends on timing; the
    // warning says which it was, and a verdict on two completed builds is given.
    const said = /SINGLETON_BUILDS_INCOMPLETE: 1 of 3 builds failed before writing its output; (.*)\./.exec(
      result.output,
    )
    expect(said?.[1]).toMatch(
      /^copies across builds (could not be compared|were compared among the 2 builds that completed)/,
    )
    if (said?.[1]?.startsWith('copies across builds were compared')) {
      expect(result.output).toContain('src/state.ts has a copy in each of 2 separate builds')
    }
  })

  it('through the rolldown API, judges the completed builds when a later one fails', async () => {
    const dir = writeFixture('api-one-fails', {
      'package.json': JSON.stringify({ name: 'app', type: 'module' }),
      'src/state.js': statefulModule(),
      'src/a.js': `import { store } from './state.js'\nexport const write = (k) => store.set(k, 1)\n`,
      'src/b.js': `import { store } from './state.js'\nexport const read = (k) => store.get(k)\n`,
      'src/broken.js': `import { missing } from './does-not-exist.js'\nexport const x = missing\n`,
    })
    const guard = singletonGuard({ root: dir, singletons: 'src/state.js', builds: 'warn' })
    await build(dir, { input: { a: 'src/a.js' }, outputs: [{ dir: 'dist/a' }], plugin: guard })
    await build(dir, { input: { b: 'src/b.js' }, outputs: [{ dir: 'dist/b' }], plugin: guard })
    const failing = await build(dir, {
      input: { broken: 'src/broken.js' },
      outputs: [{ dir: 'dist/x' }],
      plugin: guard,
    })
    expect(failing.error).toContain('does-not-exist')
    expect(failing.warnings.map((w) => w.code)).toEqual([
      'SINGLETON_DUPLICATED_ACROSS_BUILDS',
      'SINGLETON_BUILDS_INCOMPLETE',
    ])
    expect(failing.warnings[1]?.message).toContain(
      '1 build failed before writing its output; copies across builds were compared among the 2 builds that completed',
    )
  })
})

describe('input that used to be taken at its word', () => {
  it('matches an absolute singleton path written with .. segments', async () => {
    const dir = writeFixture(
      'dotdot',
      project('src/state.js', 'linked/state.js', { 'node_modules/linked': { symlink: '../src' } }),
    )
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: {
        singletons: path.join(dir, 'src', '..', 'src', 'state.js').replace(path.join('src', '..', 'src'), 'src/../src'),
      },
      inputOptions: { resolve: { symlinks: false } },
    })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect(result.errorCode).toBe('SINGLETON_DUPLICATED')
  })

  // rolldown's own manifest parser stops at 128 levels; the plugin's reading is bounded at any
  // depth (see test/unit/manifest.test.ts for 100,000 levels and a cycle).
  it('survives exports nested deeper than any real package: a warning, and the duplicate still caught', async () => {
    let deep: unknown = './index.js'
    for (let level = 0; level < 100; level++) deep = { [level % 2 ? 'import' : 'default']: deep }
    const dir = writeFixture(
      'deep-exports',
      twoInstalls(
        {
          'package.json': manifest({ name: 'shared-state', version: '2.0.0', exports: './index.js' }),
          'index.js': statefulModule(),
        },
        {
          'package.json': manifest({ name: 'shared-state', version: '1.4.0', exports: { '.': deep } }),
          'index.js': statefulModule(),
        },
      ),
    )

    const result = await build(dir, { input: { main: 'src/main.js' }, guard: { singletons: 'shared-state/index.js' } })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect(result.errorCode).toBe('SINGLETON_DUPLICATED')
    const metadata = result.warnings.find((w) => w.code === 'SINGLETON_PACKAGE_METADATA')
    expect(metadata?.message).toContain('its `exports` nest deeper than 32 levels')
  })
})

describe('a project reached through a symlinked folder', () => {
  it.each([['src/state.js'], ['src/st*.js']])(
    'matches %s when root is the link and ids are real paths',
    async (pattern) => {
      const files = Object.entries(project('src/state.js', './state.js?fresh')).map(([file, content]) => [
        `real/${file}`,
        content,
      ])
      const outer = writeFixture('linked-root', { ...Object.fromEntries(files), link: { symlink: 'real' } })
      const dir = path.join(outer, 'link')
      const result = await build(dir, {
        input: { main: 'src/main.js' },
        guard: { singletons: pattern },
        plugins: [queryLoader],
      })
      expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
      expect(result.errorCode).toBe('SINGLETON_DUPLICATED')
      expect(result.error).toContain('SINGLETON_DUPLICATED: src/state.js is evaluated 2 times')
    },
  )
})
