import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { singletonGuard } from '../src/index.ts'
import { resolveOptions } from '../src/options.ts'
import { build, type BuildResult } from './helpers/build.ts'
import { projectRoot, statefulModule, writeFixture, type FixtureFiles } from './helpers/fixture.ts'
import { queryLoader } from './helpers/query-loader.ts'
import { lazyReaderProject, twoVersionsProject } from './helpers/realms.ts'

/**
 * Every message the plugin prints, from real builds, written to readable Markdown snapshots so a
 * change of wording is reviewed like code. Machine paths and chunk hashes are normalised.
 */

const SNAPSHOTS = path.join(projectRoot, 'test/__snapshots__')

function normalise(text: string, dir: string): string {
  return text
    .split(dir)
    .join('<root>')
    .replace(/-[\w-]{8}\.(m?js|cjs)\b/g, '-[hash].$1')
}

function section(title: string, result: BuildResult, dir: string): string {
  const logs = [
    ...(result.error === undefined ? [] : [`error ${result.errorCode}:\n${result.error}`]),
    ...result.warnings.map((w) => `warn ${w.code}:\n${w.message}`),
    ...result.infos.map((i) => `info ${i.code}:\n${i.message}`),
  ]
  return `## ${title}\n\n${logs.map((log) => `\`\`\`\n${normalise(log, dir)}\n\`\`\``).join('\n\n')}\n`
}

const lazyReader = lazyReaderProject
const installs = (nestedManifest: string): FixtureFiles => twoVersionsProject(nestedManifest)

const consumers: FixtureFiles = {
  'package.json': JSON.stringify({ name: 'app', type: 'module' }),
  'src/state.js': statefulModule(),
  'src/a.js': `import { store } from './state.js'\nexport const write = (k, v) => store.set(k, v)\n`,
  'src/b.js': `import { store } from './state.js'\nexport const read = (k) => store.get(k)\n`,
}

describe('every diagnostic, as printed', () => {
  it('matches the reviewed wording', async () => {
    const sections: string[] = []
    const add = async (title: string, files: FixtureFiles, run: (dir: string) => Promise<BuildResult>) => {
      const dir = writeFixture('diagnostics', files)
      sections.push(section(title, await run(dir), dir))
    }

    await add(
      'one file under two ids (preserved symlink)',
      lazyReader('linked/state.js', { 'node_modules/linked': { symlink: '../src' } }),
      (dir) =>
        build(dir, {
          input: { main: 'src/main.js' },
          guard: { singletons: 'src/state.js' },
          inputOptions: { resolve: { symlinks: false } },
        }),
    )
    await add('one file under two ids (a query a plugin added)', lazyReader('./state.js?fresh'), (dir) =>
      build(dir, { input: { main: 'src/main.js' }, guard: { singletons: 'src/state.js' }, plugins: [queryLoader] }),
    )
    const nested = JSON.stringify({ name: 'shared-state', version: '1.4.0', type: 'module', exports: './index.js' })
    await add('two installs of a package declared as a whole', installs(nested), (dir) =>
      build(dir, { input: { main: 'src/main.js' }, guard: { singletons: 'shared-state' } }),
    )
    await add('two installs of one module of a package', installs(nested), (dir) =>
      build(dir, { input: { main: 'src/main.js' }, guard: { singletons: 'shared-state/index.js' } }),
    )
    await add('an install whose manifest cannot be read', installs('null'), (dir) =>
      build(dir, { input: { main: 'src/main.js' }, guard: { singletons: 'shared-state' } }),
    )
    await add(
      'a workspace package from its source and its build',
      {
        ...lazyReader('../packages/state/src/index.js'),
        'src/state.js': `export { store } from '@acme/state'\n`,
        'packages/state/package.json': JSON.stringify({
          name: '@acme/state',
          type: 'module',
          exports: { '.': { source: './src/index.js', import: './dist/index.mjs' } },
        }),
        'packages/state/src/index.js': statefulModule(),
        'packages/state/dist/index.mjs': statefulModule(),
        'node_modules/@acme/state': { symlink: '../../packages/state' },
      },
      (dir) => build(dir, { input: { main: 'src/main.js' }, guard: { singletons: '@acme/state' } }),
    )
    await add(
      'esm and cjs outputs of one build',
      { ...consumers, 'src/main.js': `export { write } from './a.js'\nexport { read } from './b.js'\n` },
      (dir) =>
        build(dir, {
          input: { main: 'src/main.js' },
          outputs: [
            { dir: 'dist/esm', format: 'es' },
            { dir: 'dist/cjs', format: 'cjs', entryFileNames: '[name].cjs' },
          ],
          guard: { singletons: 'src/state.js' },
        }),
    )
    await add('separate builds sharing one instance', consumers, async (dir) => {
      const guard = singletonGuard({ root: dir, singletons: 'src/state.js' })
      await build(dir, { input: { a: 'src/a.js' }, outputs: [{ dir: 'dist/a' }], plugin: guard })
      return build(dir, { input: { b: 'src/b.js' }, outputs: [{ dir: 'dist/b' }], plugin: guard })
    })
    await add(
      'a build sharing the instance fails',
      { ...consumers, 'src/broken.js': `import './missing.js'\n` },
      async (dir) => {
        const guard = singletonGuard({ root: dir, singletons: 'src/state.js', builds: 'warn' })
        await build(dir, { input: { a: 'src/a.js' }, outputs: [{ dir: 'dist/a' }], plugin: guard })
        await build(dir, { input: { b: 'src/b.js' }, outputs: [{ dir: 'dist/b' }], plugin: guard })
        const failed = await build(dir, {
          input: { broken: 'src/broken.js' },
          outputs: [{ dir: 'dist/x' }],
          plugin: guard,
        })
        return { ...failed, error: undefined, errorCode: undefined }
      },
    )
    await add('a pattern that matches nothing', consumers, (dir) =>
      build(dir, { input: { a: 'src/a.js' }, guard: { singletons: ['src/state.js', 'src/stat.js', /registry/] } }),
    )
    await add('promote: the entry map', lazyReader('./state.js'), (dir) =>
      build(dir, { input: { main: 'src/main.js' }, guard: { singletons: 'src/state.js', promote: true } }),
    )
    await add(
      'promote: a name already taken',
      { ...lazyReader('./state.js'), 'src/other.js': 'export const x = 1\n' },
      (dir) =>
        build(dir, {
          input: { main: 'src/main.js', state: 'src/other.js' },
          guard: { singletons: 'src/state.js', promote: true },
        }),
    )
    await add(
      'promote: a hand-kept entry list compared with what promote does',
      {
        ...lazyReader('./state.js'),
        'src/main.js': `export { write } from './writer.js'
export async function lazyRead(k) { return (await import('./reader.runtime.js')).read(k) }
export const summary = () => import('./summary.runtime.js')
export const status = () => import('./status.runtime.js')
`,
        'src/summary.runtime.js': 'export const summary = 1\n',
        'src/status.runtime.js': 'export const status = 1\n',
      },
      (dir) =>
        build(dir, {
          input: {
            main: 'src/main.js',
            'reader.runtime': 'src/reader.runtime.js',
            writer: 'src/writer.js',
            'summary.runtime': 'src/summary.runtime.js',
          },
          guard: { singletons: 'src/state.js', promote: true },
        }),
    )
    await add(
      'copies that share their state through globalThis[Symbol.for]',
      lazyReader('linked/state.js', {
        'node_modules/linked': { symlink: '../src' },
        'src/state.js': `export const store = (globalThis[Symbol.for('app.state')] ??= new Map())\n`,
      }),
      (dir) =>
        build(dir, {
          input: { main: 'src/main.js' },
          guard: { singletons: 'src/state.js' },
          inputOptions: { resolve: { symlinks: false } },
        }),
    )
    await add('detect: a module nobody declared holds state and has two installs', installs(nested), (dir) =>
      build(dir, { input: { main: 'src/main.js' } }),
    )
    await add(
      'detect: a module nobody declared holds state and is in two builds',
      { ...consumers, 'src/state.js': `let hits = 0\nexport const store = { set: () => ++hits, get: () => hits }\n` },
      async (dir) => {
        const guard = singletonGuard({ root: dir })
        await build(dir, { input: { a: 'src/a.js' }, outputs: [{ dir: 'dist/a' }], plugin: guard })
        return build(dir, { input: { b: 'src/b.js' }, outputs: [{ dir: 'dist/b' }], plugin: guard })
      },
    )
    await add(
      'detect: modules whose state cannot be told',
      {
        ...installs(nested),
        'node_modules/shared-state/index.js': `import { createStore } from './factory.js'\nexport const store = createStore()\n`,
        'node_modules/shared-state/factory.js': 'export const createStore = () => new Map()\n',
        'node_modules/legacy-tool/node_modules/shared-state/index.js': `export const store = new Map() @@\n`,
      },
      (dir) =>
        build(dir, {
          input: { main: 'src/main.js' },
          plugins: [
            { name: 'strip', transform: { filter: { code: '@@' }, handler: (code) => code.replace('@@', '') } },
          ],
        }),
    )
    await add('dedupe: another major version is not merged, and the finding says why', installs(nested), (dir) =>
      build(dir, {
        input: { main: 'src/main.js' },
        guard: { singletons: 'shared-state', dedupe: { packages: 'compatible' } },
      }),
    )
    await add(
      'dedupe: a nested install of the same version is merged',
      installs(JSON.stringify({ name: 'shared-state', version: '2.0.0', type: 'module', exports: './index.js' })),
      (dir) => build(dir, { input: { main: 'src/main.js' }, guard: { singletons: 'shared-state', dedupe: true } }),
    )
    await add('a report name that is a file of the output', consumers, (dir) =>
      build(dir, { input: { a: 'src/a.js' }, guard: { singletons: 'src/state.js', report: 'a.js' } }),
    )

    const optionErrors = [
      { onDuplicate: 'fail' },
      { singletons: 'src/[state.ts' },
      { root: '/definitely/not/here' },
      { report: '../out.json' },
      { promote: { incude: '**' } },
      { promote: { boundaries: 'every' } },
      { promote: { base: '/abs/src' } },
      { builds: 10n },
      { detect: true },
      { dedupe: 'yes' },
      { dedupe: { packages: 'newest' } },
    ].map((options) => {
      try {
        resolveOptions(options)
        return 'accepted (wrong)'
      } catch (error) {
        return (error as Error).message
      }
    })
    sections.push(`## option errors\n\n\`\`\`\n${optionErrors.join('\n')}\n\`\`\`\n`)

    await expect(`# Diagnostics\n\n${sections.join('\n')}`).toMatchFileSnapshot(path.join(SNAPSHOTS, 'diagnostics.md'))
  })

  it('writes a report whose shape is reviewed', async () => {
    const dir = writeFixture(
      'diagnostics-report',
      lazyReader('linked/state.js', { 'node_modules/linked': { symlink: '../src' } }),
    )
    await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'src/state.js', report: true, onDuplicate: 'warn' },
      inputOptions: { resolve: { symlinks: false } },
    })
    const report = fs.readFileSync(path.join(dir, 'dist/singleton-report.json'), 'utf8')
    await expect(normalise(report, dir)).toMatchFileSnapshot(path.join(SNAPSHOTS, 'report.json'))
  })
})
