import fs from 'node:fs'
import path from 'node:path'
import { rolldown, type OutputOptions } from 'rolldown'
import { describe, expect, it } from 'vitest'
import { singletonGuard, type Options } from '../src/index.ts'
import { execute, writeFixture, type FixtureFiles } from './helpers/fixture.ts'
import { importPlugin, runTsdown } from './helpers/tsdown.ts'

/**
 * Promote never changes the program: the same modules evaluate, in the same top-level order, with
 * the same results, as in the plain build (no plugin at all). Each case builds both, executes
 * every entry of both, and compares what the modules logged as their top levels ran.
 */

const LOG = `export function log(what) {\n  ;(globalThis.__log ??= []).push(what)\n}\n`

interface BuiltChunk {
  fileName: string
  isEntry: boolean
  /** The module the chunk stands for (an entry's, a lazy boundary's), relative to the fixture. */
  facade: string | null
  exports: string[]
  /** Modules with code in the file, relative to the fixture. */
  modules: string[]
}

interface Built {
  dir: string
  outDir: string
  chunks: BuiltChunk[]
  /** rolldown's own warnings (the plugin's are not counted). */
  bundlerWarnings: string[]
  /** The plugin's warnings and information. */
  warnings: string[]
  infos: string[]
}

async function buildWith(
  dir: string,
  input: Record<string, string>,
  outDir: string,
  guard: Options | undefined,
  output: OutputOptions = {},
): Promise<Built> {
  const bundlerWarnings: string[] = []
  const warnings: string[] = []
  const infos: string[] = []
  const bundle = await rolldown({
    cwd: dir,
    input,
    plugins: guard ? [singletonGuard({ root: dir, ...guard })] : [],
    onLog(level, log) {
      if (log.plugin?.startsWith('singleton-guard')) {
        if (level === 'info') infos.push(log.message)
        else if (level === 'warn') warnings.push(log.message)
      } else if (level === 'warn') bundlerWarnings.push(String(log.code))
    },
  })
  try {
    const { output: written } = await bundle.write({
      dir: path.join(dir, outDir),
      format: 'esm',
      entryFileNames: '[name].mjs',
      chunkFileNames: '[name]-[hash].mjs',
      ...output,
    })
    const chunks = written.flatMap((item) =>
      item.type === 'chunk'
        ? [
            {
              fileName: item.fileName,
              isEntry: item.isEntry,
              facade: item.facadeModuleId && path.relative(dir, item.facadeModuleId).split(path.sep).join('/'),
              exports: [...item.exports].sort(),
              modules: Object.entries(item.modules)
                .filter(([, module]) => module.renderedLength > 0)
                .map(([id]) => path.relative(dir, id).split(path.sep).join('/'))
                .sort(),
            },
          ]
        : [],
    )
    return { dir, outDir, chunks, bundlerWarnings: bundlerWarnings.sort(), warnings, infos }
  } finally {
    await bundle.close()
  }
}

/** Runs each entry in a fresh process: imports it, awaits its `run()` if it has one, returns the log. */
async function logsOf(built: Built, entries: readonly string[], extension = 'mjs'): Promise<Record<string, unknown>> {
  const logs: Record<string, unknown> = {}
  for (const entry of entries) {
    logs[entry] = await execute(
      built.dir,
      `const entry = await import('./${built.outDir}/${entry}.${extension}')
if (typeof entry.run === 'function') await entry.run()
console.log(JSON.stringify(globalThis.__log ?? []))
`,
      `probe-${built.outDir}-${entry.replaceAll('/', '-')}.mjs`,
    )
  }
  return logs
}

/** Which modules share a file, whatever the files are called. */
function chunkings(built: Built): string[] {
  return built.chunks.map((chunk) => chunk.modules.join(' ')).sort()
}

function holderOf(built: Built, module: string): BuiltChunk {
  const holders = built.chunks.filter((chunk) => chunk.modules.includes(module))
  expect(holders, `${module} in ${built.outDir}`).toHaveLength(1)
  return holders[0] as BuiltChunk
}

async function plainAndPromoted(
  files: FixtureFiles,
  input: Record<string, string>,
  guard: Options,
  output?: OutputOptions,
): Promise<{ plain: Built; promoted: Built }> {
  const dir = writeFixture('fidelity', withManifest(files))
  const plain = await buildWith(dir, input, 'plain', undefined, output)
  const promoted = await buildWith(dir, input, 'promoted', guard, output)
  expect(promoted.warnings).toEqual([])
  return { plain, promoted }
}

/**
 * The fixture's own package.json: without one, the nearest is this project's, whose
 * `sideEffects: false` would let the bundler drop every module that only logs.
 */
function withManifest(files: FixtureFiles): FixtureFiles {
  return { 'package.json': JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }), ...files }
}

/** A second entry uses a helper of the singleton, never the singleton. */
const SECOND_ENTRY_SHARES_A_HELPER: FixtureFiles = {
  'src/log.js': LOG,
  'src/helper.js': `import { log } from './log.js'\nlog('helper')\nexport const helper = () => 'h'\n`,
  'src/state.js': `import { helper } from './helper.js'\nimport { log } from './log.js'\nexport const store = new Map([['h', helper()]])\nlog('state')\n`,
  'src/boundary.js': `import { store } from './state.js'\nimport { log } from './log.js'\nlog('boundary')\nexport const get = () => store.get('h')\n`,
  'src/main.js': `import { store } from './state.js'\nimport { log } from './log.js'\nlog('main:' + store.size)\nexport async function run() {\n  log('lazy:' + (await import('./boundary.js')).get())\n}\n`,
  'src/cli.js': `import { helper } from './helper.js'\nimport { log } from './log.js'\nlog('cli:' + helper())\n`,
}

/**
 * Order-sensitive top levels: one module configures, another reads the configuration at its top
 * level, the singleton imports the reader; a second lazy boundary configures again.
 */
const CONFIGURE_THEN_READ: FixtureFiles = {
  'src/log.js': LOG,
  'src/config.js': `import { log } from './log.js'\nexport const config = { mode: 'default' }\nlog('config')\n`,
  'src/configure.js': `import { config } from './config.js'\nimport { log } from './log.js'\nconfig.mode = 'production'\nlog('configure')\n`,
  'src/reader.js': `import { config } from './config.js'\nimport { log } from './log.js'\nexport const mode = config.mode\nlog('reader:' + mode)\n`,
  'src/state.js': `import { mode } from './reader.js'\nimport { log } from './log.js'\nexport const store = new Map([['mode', mode]])\nlog('state:' + mode)\n`,
  'src/boundary.js': `import { store } from './state.js'\nimport { log } from './log.js'\nlog('boundary:' + store.get('mode'))\nexport const seen = () => store.get('written')\n`,
  'src/other.runtime.js': `import './configure.js'\nimport { log } from './log.js'\nimport { config } from './config.js'\nlog('other:' + config.mode)\n`,
  'src/main.js': `import './configure.js'\nimport { store } from './state.js'\nimport { log } from './log.js'\nlog('main')\nexport async function run() {\n  store.set('written', 'yes')\n  log('seen:' + (await import('./boundary.js')).seen())\n  await import('./other.runtime.js')\n}\n`,
}

describe('promote moves no module: the program is the plain build, with stable names', () => {
  it('a second entry that shares only a helper of the singleton does not start evaluating the singleton', async () => {
    const input = { main: 'src/main.js', cli: 'src/cli.js' }
    const { plain, promoted } = await plainAndPromoted(SECOND_ENTRY_SHARES_A_HELPER, input, {
      singletons: 'src/state.js',
      promote: true,
    })
    expect(await logsOf(promoted, ['main', 'cli'])).toEqual(await logsOf(plain, ['main', 'cli']))
    expect(await logsOf(plain, ['cli'])).toEqual({ cli: ['helper', 'cli:h'] })
    // The singleton's file holds what the plain build put with it, and nothing of its dependencies.
    expect(holderOf(promoted, 'src/state.js').modules).toEqual(holderOf(plain, 'src/state.js').modules)
    expect(holderOf(promoted, 'src/state.js').fileName).toBe('state.mjs')
    expect(promoted.bundlerWarnings).toEqual(plain.bundlerWarnings)
  })

  it('order-sensitive top levels (configure, read at top level, a singleton of the reader) run as in the plain build', async () => {
    const input = { main: 'src/main.js' }
    const guard: Options = { singletons: 'src/state.js', promote: { boundaries: 'all' } }
    const { plain, promoted } = await plainAndPromoted(CONFIGURE_THEN_READ, input, guard)
    const plainLogs = await logsOf(plain, ['main'])
    expect(await logsOf(promoted, ['main'])).toEqual(plainLogs)
    // The log shows the program reached the lazy boundary and saw the write through the store.
    expect(plainLogs.main).toContain('seen:yes')
    expect(holderOf(promoted, 'src/state.js').modules).toEqual(holderOf(plain, 'src/state.js').modules)
    expect(chunkings(promoted)).toEqual(chunkings(plain))
    expect(promoted.bundlerWarnings).toEqual(plain.bundlerWarnings)
  })

  it('the same in CommonJS', async () => {
    const input = { main: 'src/main.js' }
    const output: OutputOptions = { format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: '[name]-[hash].cjs' }
    const guard: Options = { singletons: 'src/state.js', promote: { boundaries: 'all' } }
    const { plain, promoted } = await plainAndPromoted(CONFIGURE_THEN_READ, input, guard, output)
    const plainLogs = await logsOf(plain, ['main'], 'cjs')
    expect(plainLogs.main).toContain('seen:yes')
    expect(await logsOf(promoted, ['main'], 'cjs')).toEqual(plainLogs)
    expect(holderOf(promoted, 'src/state.js').modules).toEqual(holderOf(plain, 'src/state.js').modules)
  })

  it('a singleton over a large dependency tree shared with the entry and a lazy boundary keeps only its plain neighbours', async () => {
    const files: FixtureFiles = { 'src/log.js': LOG }
    const DEPTH = 120
    for (let i = 0; i < DEPTH; i++) {
      const next = i + 1 < DEPTH ? `import { dep${i + 1} } from './dep${i + 1}.js'\n` : ''
      const uses = i + 1 < DEPTH ? ` + dep${i + 1}()` : ''
      files[`src/deps/dep${i}.js`] =
        `${next}import { log } from '../log.js'\nlog('dep${i}')\nexport const dep${i} = () => ${i}${uses}\n`
    }
    // The singleton sits on top of the whole tree; the entry reaches the tree's lower half, a lazy
    // boundary its middle, and three lazy boundaries the singleton.
    files['src/state.js'] =
      `import { dep0 } from './deps/dep0.js'\nimport { log } from './log.js'\nexport const store = new Map([['sum', dep0()]])\nlog('state')\n`
    for (let b = 0; b < 3; b++) {
      files[`src/b${b}.js`] =
        `import { store } from './state.js'\nimport { dep${10 + b} } from './deps/dep${10 + b}.js'\nimport { log } from './log.js'\nlog('b${b}:' + store.get('sum') + ':' + dep${10 + b}())\n`
    }
    files['src/other.js'] =
      `import { dep5 } from './deps/dep5.js'\nimport { log } from './log.js'\nlog('other:' + dep5())\n`
    files['src/main.js'] =
      `import { dep60 } from './deps/dep60.js'\nimport { log } from './log.js'\nlog('main:' + dep60())\nexport async function run() {\n  await import('./other.js')\n  await import('./b0.js')\n  await import('./b1.js')\n  await import('./b2.js')\n}\n`
    const { plain, promoted } = await plainAndPromoted(
      files,
      { main: 'src/main.js' },
      {
        singletons: 'src/state.js',
        promote: { boundaries: 'all' },
      },
    )
    const state = holderOf(promoted, 'src/state.js')
    expect(state.fileName).toBe('state.mjs')
    expect(state.modules).toEqual(holderOf(plain, 'src/state.js').modules)
    // The plain build puts with it only the few dependencies nothing else reaches, not the tree.
    expect(state.modules.filter((module) => module.startsWith('src/deps/')).length).toBeLessThan(DEPTH / 10)
    const plainLogs = await logsOf(plain, ['main'])
    expect(plainLogs.main).toContain('b2:7140:7074')
    expect(await logsOf(promoted, ['main'])).toEqual(plainLogs)
    expect(chunkings(promoted)).toEqual(chunkings(plain))
    expect(promoted.bundlerWarnings).toEqual(plain.bundlerWarnings)
  })

  it('a module a boundary imports lazily while another module imports it statically adds no bundler warning', async () => {
    const files: FixtureFiles = {
      'src/log.js': LOG,
      'src/util.js': `import { log } from './log.js'\nlog('util')\nexport const util = () => 'u'\n`,
      'src/state.js': `import { util } from './util.js'\nimport { log } from './log.js'\nexport const store = new Map([['u', util()]])\nlog('state')\n`,
      'src/boundary.js': `import { store } from './state.js'\nimport { log } from './log.js'\nlog('boundary:' + store.get('u'))\nexport async function later() {\n  return (await import('./util.js')).util()\n}\n`,
      'src/main.js': `import { util } from './util.js'\nimport { log } from './log.js'\nlog('main:' + util())\nexport async function run() {\n  log('later:' + (await (await import('./boundary.js')).later()))\n}\n`,
    }
    const { plain, promoted } = await plainAndPromoted(
      files,
      { main: 'src/main.js' },
      {
        singletons: 'src/state.js',
        promote: { boundaries: 'all' },
      },
    )
    expect(promoted.bundlerWarnings).toEqual(plain.bundlerWarnings)
    expect(await logsOf(promoted, ['main'])).toEqual(await logsOf(plain, ['main']))
  })

  it('through tsdown (esm and cjs): the same evaluation log as the plain build', async () => {
    const config = (guard: string) => `import { defineConfig } from 'tsdown'
${importPlugin}
export default defineConfig({ entry: { main: 'src/main.js' }, format: ['esm', 'cjs'], platform: 'node', plugins: [${guard}] })
`
    const base = { ...CONFIGURE_THEN_READ, 'package.json': JSON.stringify({ name: 'app', type: 'module' }) }
    const plainDir = writeFixture('fidelity-tsdown-plain', { ...base, 'tsdown.config.ts': config('') })
    const promotedDir = writeFixture('fidelity-tsdown', {
      ...base,
      'tsdown.config.ts': config(`singletonGuard({ singletons: 'src/state.js', promote: { boundaries: 'all' } })`),
    })
    const plainRun = await runTsdown(plainDir)
    const promotedRun = await runTsdown(promotedDir)
    expect(plainRun.exitCode, plainRun.output).toBe(0)
    expect(promotedRun.exitCode, promotedRun.output).toBe(0)
    expect(warningsOf(promotedRun.output)).toEqual(warningsOf(plainRun.output))
    for (const extension of ['mjs', 'cjs']) {
      const probe = (dir: string) =>
        execute(
          dir,
          `const entry = await import('./dist/main.${extension}')\nawait (entry.run ?? entry.default.run)()\nconsole.log(JSON.stringify(globalThis.__log))\n`,
          `probe-${extension}.mjs`,
        )
      const plainLog = await probe(plainDir)
      expect(plainLog).toContain('seen:yes')
      expect(await probe(promotedDir)).toEqual(plainLog)
    }
  })
})

/** rolldown's warning codes in tsdown's output (`[CODE]`), the plugin's own excluded. */
function warningsOf(output: string): string[] {
  return [...output.matchAll(/\[([A-Z_]+)\]/g)]
    .map((match) => match[1] as string)
    .filter((code) => !code.startsWith('SINGLETON_'))
    .sort()
}

describe('a generated app: 1,000 modules, 20 lazy boundaries, 3 singletons over shared dependencies', () => {
  it('promoted, it runs with the same evaluation log as its plain build, every boundary loaded', async () => {
    const files: FixtureFiles = { 'src/log.js': LOG }
    const SHARED = 400
    // Shared helpers: each imports two earlier ones, and some configure or read a common setting.
    for (let i = 0; i < SHARED; i++) {
      const imports = [i - 1, Math.floor(i / 2) - 1].filter((j) => j >= 0 && j !== i)
      const lines = [...new Set(imports)].map((j) => `import { h${j} } from './h${j}.js'`)
      const body =
        i % 37 === 0
          ? `globalThis.__setting = 'set by h${i}'\n`
          : i % 41 === 0
            ? `export const seen${i} = globalThis.__setting ?? 'unset'\n`
            : ''
      files[`src/shared/h${i}.js`] =
        `${lines.join('\n')}\nimport { log } from '../log.js'\n${body}log('h${i}')\nexport const h${i} = () => ${i}\n`
    }
    const singletons = ['src/stores/a.js', 'src/stores/b.js', 'src/stores/c.js']
    singletons.forEach((file, index) => {
      const dep = 100 + index * 97
      files[file] =
        `import { h${dep} } from '../shared/h${dep}.js'\nimport { log } from '../log.js'\nexport const store = new Map([['dep', h${dep}()]])\nlog('${file}')\n`
    })
    const BOUNDARIES = 20
    const PER_BOUNDARY = 29
    const boundaryLoads: string[] = []
    for (let b = 0; b < BOUNDARIES; b++) {
      for (let m = 0; m < PER_BOUNDARY; m++) {
        const shared = (b * 53 + m * 17) % SHARED
        const next = m + 1 < PER_BOUNDARY ? `import './m${m + 1}.js'\n` : ''
        files[`src/features/f${b}/m${m}.js`] =
          `${next}import { h${shared} } from '../../shared/h${shared}.js'\nimport { log } from '../../log.js'\nlog('f${b}/m${m}:' + h${shared}())\n`
      }
      const store = singletons[b % 3] as string
      files[`src/features/f${b}/index.runtime.js`] =
        `import './m0.js'\nimport { store } from '../../${store.replace('src/', '')}'\nimport { log } from '../../log.js'\nlog('f${b}:' + store.get('dep') + ':' + store.get('written'))\n`
      boundaryLoads.push(`  await import('./features/f${b}/index.runtime.js')`)
    }
    files['src/main.js'] =
      `${singletons.map((file, i) => `import { store as s${i} } from './${file.replace('src/', '')}'`).join('\n')}
import { h5 } from './shared/h5.js'
import { log } from './log.js'
log('main:' + h5())
export async function run() {
${singletons.map((_, i) => `  s${i}.set('written', 'w${i}')`).join('\n')}
${boundaryLoads.join('\n')}
}
`
    const moduleCount = Object.keys(files).length
    expect(moduleCount).toBeGreaterThanOrEqual(1000)
    const { plain, promoted } = await plainAndPromoted(
      files,
      { main: 'src/main.js' },
      {
        singletons,
        promote: { boundaries: 'all' },
      },
    )
    const plainLogs = (await logsOf(plain, ['main'])) as { main: string[] }
    expect(plainLogs.main.filter((line) => /^f\d+:/.test(line))).toHaveLength(BOUNDARIES)
    expect(plainLogs.main.filter((line) => line.startsWith('f') && line.endsWith(':undefined'))).toEqual([])
    expect(await logsOf(promoted, ['main'])).toEqual(plainLogs)
    for (const singleton of singletons) {
      expect(holderOf(promoted, singleton).modules).toEqual(holderOf(plain, singleton).modules)
    }
    expect(chunkings(promoted)).toEqual(chunkings(plain))
    expect(promoted.bundlerWarnings).toEqual(plain.bundlerWarnings)
    // Every lazy boundary has a stable name.
    const hashed = promoted.chunks.filter((chunk) => /index\.runtime-/.test(chunk.fileName))
    expect(hashed).toEqual([])
  })
})

describe('every claim of a promote message is true of the files written', () => {
  it('a file called stable keeps its name when every source changes, and holds the module it is claimed for', async () => {
    const files = withManifest({
      ...CONFIGURE_THEN_READ,
      'src/registry.js': `import { log } from './log.js'\nexport const registry = new Set()\nlog('registry')\n`,
    })
    files['src/main.js'] =
      `import { registry } from './registry.js'\n${files['src/main.js'] as string}export const size = () => registry.size\n`
    const dir = writeFixture('fidelity-claims', files)
    const guard: Options = { singletons: ['src/state.js', 'src/registry.js'], promote: true, report: true }
    const first = await buildWith(dir, { main: 'src/main.js' }, 'dist', guard)
    const report = () =>
      JSON.parse(fs.readFileSync(path.join(dir, 'dist/singleton-report.json'), 'utf8')).promoted as {
        name: string
        fileName: string
        module: string
        reason: string
      }[]
    const claimed = report()
    expect(claimed.map((promotion) => [promotion.module, promotion.fileName])).toEqual([
      ['src/boundary.js', 'boundary.mjs'],
      ['src/state.js', 'state.mjs'],
    ])
    for (const promotion of claimed) {
      expect(first.chunks.find((chunk) => chunk.fileName === promotion.fileName)?.modules).toContain(promotion.module)
    }
    // The registry rides in the entry: said as such, in a file that holds it.
    const stableLine = first.infos.find((info) => info.includes('already in a file with a stable name')) ?? ''
    expect(stableLine).toContain('src/registry.js in main.mjs (an entry)')
    expect(holderOf(first, 'src/registry.js').fileName).toBe('main.mjs')
    // A real change to every source: every file called stable keeps its name, the hashed ones do not.
    const hashedBefore = first.chunks.map((chunk) => chunk.fileName).filter((file) => /-[\w-]{8}\.mjs$/.test(file))
    expect(hashedBefore.length).toBeGreaterThan(0)
    for (const source of Object.keys(files).filter((name) => name.endsWith('.js'))) {
      fs.appendFileSync(path.join(dir, source), `\nglobalThis.__version = 'v2'\n`)
    }
    fs.rmSync(path.join(dir, 'dist'), { recursive: true })
    const second = await buildWith(dir, { main: 'src/main.js' }, 'dist', guard)
    const after = second.chunks.map((chunk) => chunk.fileName)
    for (const fileName of [...claimed.map((promotion) => promotion.fileName), 'main.mjs']) {
      expect(after).toContain(fileName)
    }
    expect(hashedBefore.filter((file) => after.includes(file))).toEqual([])
    expect(report()).toEqual(claimed)
  })
})

describe('a singleton that shares its chunk with other modules', () => {
  it('stays there: the shared file takes the singleton’s stable name, and the message says what it holds', async () => {
    const files: FixtureFiles = {
      'src/log.js': LOG,
      'src/format.js': `import { log } from './log.js'\nlog('format')\nexport const format = (v) => '[' + v + ']'\n`,
      'src/state.js': `import { log } from './log.js'\nexport const store = new Map()\nlog('state')\n`,
      'src/boundary.js': `import { store } from './state.js'\nimport { format } from './format.js'\nimport { log } from './log.js'\nlog('boundary:' + format(store.get('k')))\n`,
      'src/main.js': `import { store } from './state.js'\nimport { format } from './format.js'\nimport { log } from './log.js'\nlog('main:' + format(1))\nexport async function run() {\n  store.set('k', 'v')\n  await import('./boundary.js')\n}\n`,
    }
    const { plain, promoted } = await plainAndPromoted(
      files,
      { main: 'src/main.js', other: 'src/boundary.js' },
      {
        singletons: 'src/state.js',
        promote: true,
      },
    )
    const holder = holderOf(promoted, 'src/state.js')
    expect(holder.modules).toEqual(holderOf(plain, 'src/state.js').modules)
    expect(holder.modules.length).toBeGreaterThan(1)
    expect(holder.fileName).toBe('state.mjs')
    const others = holder.modules.length - 1
    expect(promoted.infos.join('\n')).toContain(
      `"state": "src/state.js", // singleton, sharing its file with ${others} module${others === 1 ? '' : 's'} the bundler put with it (nothing moved)`,
    )
    expect(await logsOf(promoted, ['main'])).toEqual(await logsOf(plain, ['main']))
  })
})

describe('the migration view says "safe to delete" only where deleting keeps the file and every export', () => {
  const files = withManifest({
    'src/log.js': LOG,
    'src/state.js': `export const store = new Map()\n`,
    'src/cmd/namespace.runtime.js': `import { store } from '../state.js'\nexport const one = () => store.size\nexport const two = () => 2\n`,
    'src/cmd/destructured.runtime.js': `export const used = () => 1\nexport const unused = () => 2\n`,
    'src/cmd/member.runtime.js': `export const read = () => 1\nexport const publicOnly = () => 2\n`,
    'src/cmd/then.runtime.js': `export const taken = () => 1\nexport const left = () => 2\n`,
    'src/cmd/all-used.runtime.js': `export const only = () => 1\n`,
    'src/cmd/effects.runtime.js': `import { log } from '../log.js'\nlog('effects')\n`,
    'src/cmd/both.runtime.js': `export const statically = () => 1\nexport const lazily = () => 2\n`,
    'src/static-user.js': `import { statically } from './cmd/both.runtime.js'\nexport const viaStatic = () => statically()\n`,
    'src/index.js': `import { store } from './state.js'
import { viaStatic } from './static-user.js'
export const loadNamespace = () => import('./cmd/namespace.runtime.js')
export async function run() {
  store.set('a', 1)
  const { used } = await import('./cmd/destructured.runtime.js')
  const member = await import('./cmd/member.runtime.js')
  const taken = await import('./cmd/then.runtime.js').then(({ taken }) => taken())
  const { only } = await import('./cmd/all-used.runtime.js')
  await import('./cmd/effects.runtime.js')
  const lazily = (await import('./cmd/both.runtime.js')).lazily()
  return [used(), member.read(), taken, only(), lazily, viaStatic()]
}
`,
  })
  const boundaries = [
    'namespace.runtime',
    'destructured.runtime',
    'member.runtime',
    'then.runtime',
    'all-used.runtime',
    'effects.runtime',
    'both.runtime',
  ]
  const input: Record<string, string> = {
    index: 'src/index.js',
    ...Object.fromEntries(boundaries.map((name) => [`cmd/${name}`, `src/cmd/${name}.js`])),
  }
  const guard: Options = { singletons: 'src/state.js', promote: { boundaries: 'all' }, report: true }

  it('each entry it calls safe, deleted for real, keeps its file name and exports; each kept for exports loses them', async () => {
    const dir = writeFixture('migration-exports', files)
    const listed = await buildWith(dir, input, 'listed', guard)
    const view = JSON.parse(fs.readFileSync(path.join(dir, 'listed/singleton-report.json'), 'utf8')).migration as {
      covered: { name: string; module: string }[]
      kept: { name: string; module: string; why: string; exportsLost?: string[] }[]
    }
    expect(view.covered.map((entry) => entry.name)).toEqual([
      'cmd/all-used.runtime',
      'cmd/effects.runtime',
      'cmd/namespace.runtime',
    ])
    expect(view.kept.map((entry) => [entry.name, entry.exportsLost])).toEqual([
      ['cmd/both.runtime', undefined],
      ['cmd/destructured.runtime', ['unused']],
      ['cmd/member.runtime', ['publicOnly']],
      ['cmd/then.runtime', ['left']],
    ])
    expect(view.kept[0]?.why).toContain('also imported statically (by src/static-user.js)')
    for (const entry of [...view.covered, ...view.kept.filter((kept) => kept.exportsLost)]) {
      const { [entry.name]: _, ...rest } = input
      const deleted = await buildWith(dir, rest, `without-${entry.name.replace('/', '-')}`, guard)
      const before = listed.chunks.find((chunk) => chunk.facade === entry.module) as BuiltChunk
      const after = deleted.chunks.find((chunk) => chunk.facade === entry.module) as BuiltChunk
      expect(after.fileName, entry.name).toBe(before.fileName)
      const lost = before.exports.filter((name) => !after.exports.includes(name))
      expect(lost, entry.name).toEqual('exportsLost' in entry ? entry.exportsLost : [])
    }
    // Kept because it is imported statically too: deleted, it has no file of its own any more.
    const { 'cmd/both.runtime': _, ...withoutBoth } = input
    const noBoth = await buildWith(dir, withoutBoth, 'without-both', guard)
    expect(noBoth.chunks.find((chunk) => chunk.facade === 'src/cmd/both.runtime.js')).toBeUndefined()
    // The program the list builds runs, so every lazy import the view read is real.
    expect(await logsOf(listed, ['index'])).toEqual({ index: ['effects'] })
    expect(listed.warnings).toEqual([
      expect.stringContaining(
        '3 listed entries safe to delete (cmd/all-used.runtime, cmd/effects.runtime, cmd/namespace.runtime), 4 listed boundaries to keep, 3 of them for public exports the build does not use (cmd/destructured.runtime, cmd/member.runtime, cmd/then.runtime)',
      ),
    ])
  })
})
