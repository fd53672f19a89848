import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { statefulModule, type FixtureFiles } from './fixture.ts'

/**
 * A generated project shaped like the one that keeps `coreDistEntries` by hand: entries under
 * `src/` (named from `src/`) and `extensions/` (named from the repo root), a named entry map of
 * 40 entries, 20 of them "runtime" entries (`*.runtime`, `*-runtime`): 19 lazy boundaries, some
 * reaching one of three module-level Map registries and some reaching none, and one listed
 * "runtime" entry that is in fact imported statically.
 */

export const SINGLETONS = {
  S1: 'src/agents/auth-profiles-store.ts',
  S2: 'src/auto-reply/delegate-store.ts',
  S3: 'src/plugins/registry.ts',
} as const
type Singleton = keyof typeof SINGLETONS

/** Each lazy boundary: its entry name and the registries its static imports reach. */
const BOUNDARIES: [name: string, reaches: Singleton[]][] = [
  ['agents/auth-profiles.runtime', ['S1']],
  ['agents/model-catalog.runtime', ['S1']],
  ['auto-reply/reply/agent-runner.runtime', ['S2']],
  ['auto-reply/reply/followup-runner.runtime', ['S2']],
  ['auto-reply/reply/summarizer.runtime', []],
  ['commands/status.summary.runtime', []],
  ['commands/doctor-runtime', []],
  ['gateway/server-runtime', ['S2', 'S3']],
  ['gateway/ws-runtime', []],
  ['plugins/loader-runtime', ['S3']],
  ['plugins/install.runtime', ['S3']],
  ['media/image-ops.runtime', []],
  ['memory/embeddings-runtime', []],
  ['tts/tts.runtime', []],
  ['browser/browser-runtime', ['S1']],
  ['extensions/telegram/send.runtime', ['S3']],
  ['extensions/telegram/polling-runtime', []],
  ['extensions/discord/gateway.runtime', ['S2']],
  ['extensions/slack/socket-runtime', []],
]

/** Listed as a runtime entry, but imported statically by src/plugins/providers.ts. */
export const STATIC_RUNTIME_ENTRY = 'plugins/provider-runtime.runtime'

const PLAIN_SRC_ENTRIES = [
  'index',
  'cli/run-main',
  'commands/status',
  'commands/doctor',
  'gateway/server',
  'plugin-sdk/index',
  'plugin-sdk/core',
  'plugin-sdk/channel',
  'infra/warnings',
  'config/schema',
  'acp/server',
  'auto-reply/index',
  'media/index',
  'memory/index',
]
export const EXTENSIONS: string[] = ['telegram', 'discord', 'slack', 'matrix', 'msteams', 'voice-call']

export const BOUNDARY_NAMES: string[] = BOUNDARIES.map(([name]) => name)
export const REACHES_SINGLETON: string[] = BOUNDARIES.filter(([, reaches]) => reaches.length > 0).map(([n]) => n)
export const REACHES_NONE: string[] = BOUNDARIES.filter(([, reaches]) => reaches.length === 0).map(([n]) => n)

/** The file an entry name stands for: src/ names start at `src/`, extension names at the root. */
export function fileOf(name: string): string {
  return name.startsWith('extensions/') ? `${name}.ts` : `src/${name}.ts`
}

/** The hand-kept entry map, as the project's tsdown config holds it. */
export function fullEntryList(): Record<string, string> {
  const names = [
    ...PLAIN_SRC_ENTRIES,
    ...EXTENSIONS.map((extension) => `extensions/${extension}/index`),
    ...BOUNDARY_NAMES,
    STATIC_RUNTIME_ENTRY,
  ]
  return Object.fromEntries(names.sort().map((name) => [name, fileOf(name)]))
}

export function without(entries: Record<string, string>, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).filter(([name]) => !names.includes(name)))
}

/** A relative import specifier from the file of entry-ish path `from` to project file `to`. */
function relative(from: string, to: string): string {
  const fromParts = from.split('/').slice(0, -1)
  const toParts = to.split('/')
  let common = 0
  while (common < fromParts.length && fromParts[common] === toParts[common]) common++
  const up = fromParts.length - common
  const rest = toParts.slice(common).join('/')
  return up === 0 ? `./${rest}` : `${'../'.repeat(up)}${rest}`
}

/** The project's sources at `version` (boundaries and registries change between versions). */
export function projectSources(version: number): FixtureFiles {
  const files: FixtureFiles = {}
  for (const [label, file] of Object.entries(SINGLETONS)) {
    files[file] = `${statefulModule(label)}export function storeVersion(): number {\n  return ${version}\n}\n`
  }
  files['src/shared/format.ts'] = `export const format = (value: unknown): string => JSON.stringify(value)\n`
  for (const [name, reaches] of BOUNDARIES) {
    const file = fileOf(name)
    const imports = reaches.map(
      (label) => `import { store as ${label}, storeVersion as ${label}v } from '${relative(file, SINGLETONS[label])}'`,
    )
    const seen = reaches.length === 0 ? 'null' : reaches.map((label) => `${label}.get(id) === 'pending'`).join(' && ')
    const versions = reaches.map((label) => `${label}v()`).join(', ')
    files[file] = `${[...imports, `import { format } from '${relative(file, 'src/shared/format.ts')}'`].join('\n')}
export function probe(id: string): { seen: boolean | null; version: number; text: string } {
  return { seen: ${seen}, version: ${version}, text: format([${versions}]) }
}
`
  }
  files[fileOf(STATIC_RUNTIME_ENTRY)] = `export const providerRuntime = (): string => 'providers'\n`
  files['src/plugins/providers.ts'] =
    `import { providerRuntime } from './provider-runtime.runtime.ts'\nexport const providers: string[] = [providerRuntime()]\n`

  const srcBoundaries = BOUNDARY_NAMES.filter((name) => !name.startsWith('extensions/'))
  files['src/lazy-loaders.ts'] = `export const loaders = {
${srcBoundaries.map((name) => `  ${JSON.stringify(name)}: () => import('./${name}.ts'),`).join('\n')}
}
`
  files['src/index.ts'] = `${Object.entries(SINGLETONS)
    .map(([label, file]) => `import { store as ${label} } from '${relative('src/index.ts', file)}'`)
    .join('\n')}
import { providers } from './plugins/providers.ts'
export { loaders } from './lazy-loaders.ts'
export function writeAll(id: string): void {
${Object.keys(SINGLETONS)
  .map((label) => `  ${label}.set(id, 'pending')`)
  .join('\n')}
}
export const providerCount: number = providers.length
`
  for (const name of PLAIN_SRC_ENTRIES.filter((n) => n !== 'index')) {
    files[fileOf(name)] =
      `import { format } from '${relative(fileOf(name), 'src/shared/format.ts')}'\nexport const describe = (): string => format(${JSON.stringify(name)})\n`
  }
  for (const extension of EXTENSIONS) {
    const own = BOUNDARY_NAMES.filter((name) => name.startsWith(`extensions/${extension}/`))
    files[`extensions/${extension}/index.ts`] = `export const loaders = {
${own.map((name) => `  ${JSON.stringify(name)}: () => import('./${name.split('/').pop()}.ts'),`).join('\n')}
}
`
  }
  return files
}

/** The project around the sources: package.json, tsconfig, and the tsdown config with `entries` and `guard`. */
export function project(
  entries: Record<string, string>,
  guard: string | undefined,
  pluginImport: string,
): FixtureFiles {
  const plugins = guard === undefined ? '[]' : `[singletonGuard(${guard})]`
  return {
    'package.json': JSON.stringify({ name: 'gateway-app', version: '1.0.0', type: 'module' }),
    'tsconfig.json': JSON.stringify({
      compilerOptions: { target: 'es2023', module: 'preserve', strict: true, skipLibCheck: true },
    }),
    'tsdown.config.ts': `import { defineConfig } from 'tsdown'
${pluginImport}
export default defineConfig({
  entry: ${JSON.stringify(entries, null, 2)},
  platform: 'node',
  outputOptions: { chunkFileNames: 'chunks/[name]-[hash].mjs' },
  plugins: ${plugins},
})
`,
    ...projectSources(1),
  }
}

/** The script of a long-running process: loads the build, writes into every registry, then on input loads every lazy boundary. */
export const HOST_SCRIPT: string = `const index = await import('./dist/index.mjs')
const extensions = []
for (const name of ${JSON.stringify(EXTENSIONS)}) extensions.push(await import('./dist/extensions/' + name + '/index.mjs'))
index.writeAll('request-1')
const realms = () => Object.fromEntries(${JSON.stringify(Object.keys(SINGLETONS))}.map((label) => [label, globalThis.__evaluations?.[label] ?? 0]))
console.log(JSON.stringify({ realms: realms() }))
process.stdin.once('data', async () => {
  const loaders = [index.loaders, ...extensions.map((extension) => extension.loaders)].flatMap(Object.entries)
  const boundaries = {}
  for (const [name, load] of loaders) {
    try {
      const { seen, version } = (await load()).probe('request-1')
      boundaries[name] = { seen, version }
    } catch (error) {
      boundaries[name] = { error: error.code ?? String(error) }
    }
  }
  console.log(JSON.stringify({ realms: realms(), boundaries }))
  process.exit(0)
})
`

export interface HostReport {
  realms: Record<string, number>
  boundaries?: Record<string, { seen?: boolean | null; version?: number; error?: string }>
}

const running: (() => void)[] = []

/** Stops every host started (for afterEach). */
export function stopHosts(): void {
  for (const stop of running.splice(0)) stop()
}

/**
 * A long-running process on the build in `dir`, running `script`: it prints a JSON line once
 * loaded; `release()` sends it a line of input and resolves with the next JSON line it prints.
 */
export function startHost(dir: string, script: string): { ready: Promise<HostReport>; release(): Promise<HostReport> } {
  fs.writeFileSync(path.join(dir, 'host.mjs'), script)
  const child = spawn(process.execPath, ['host.mjs'], { cwd: dir })
  running.push(() => child.kill())
  const lines: string[] = []
  let waiting: ((line: string) => void) | undefined
  let buffer = ''
  let stderr = ''
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()))
  child.stdout.on('data', (data: Buffer) => {
    buffer += data.toString()
    for (let cut = buffer.indexOf('\n'); cut !== -1; cut = buffer.indexOf('\n')) {
      lines.push(buffer.slice(0, cut))
      buffer = buffer.slice(cut + 1)
    }
    if (waiting && lines.length > 0) waiting(lines.shift() as string)
  })
  const next = () =>
    new Promise<HostReport>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the host said nothing; stderr: ${stderr}`)), 30_000)
      const take = (line: string) => {
        clearTimeout(timer)
        waiting = undefined
        resolve(JSON.parse(line) as HostReport)
      }
      if (lines.length > 0) take(lines.shift() as string)
      else waiting = take
    })
  const ready = next()
  return {
    ready,
    release: async () => {
      await ready
      child.stdin.write('go\n')
      return next()
    },
  }
}
