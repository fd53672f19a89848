/**
 * Every text the plugin prints lives here, so wording is reviewed in one place. Texts passed to a
 * host's logger carry no prefix of their own: the host already names the plugin
 * (`[plugin singleton-guard:check]`), and one prefix per message is enough. Texts printed outside
 * a host (option errors, the CLI) start with PREFIX.
 */
import type { Cause, MetadataProblem } from './types.ts'

export const PLUGIN_NAME: string = 'singleton-guard'
export const PREFIX: string = `[${PLUGIN_NAME}]`

/** Log codes: each key is its own value. */
export const CODES = {
  SINGLETON_DUPLICATED: 'SINGLETON_DUPLICATED',
  SINGLETON_DUPLICATED_ACROSS_OUTPUTS: 'SINGLETON_DUPLICATED_ACROSS_OUTPUTS',
  SINGLETON_DUPLICATED_ACROSS_BUILDS: 'SINGLETON_DUPLICATED_ACROSS_BUILDS',
  SINGLETON_PATTERN_UNMATCHED: 'SINGLETON_PATTERN_UNMATCHED',
  SINGLETON_GUARD_OPTION: 'SINGLETON_GUARD_OPTION',
  SINGLETON_PROMOTE_CLASH: 'SINGLETON_PROMOTE_CLASH',
  SINGLETON_PROMOTED: 'SINGLETON_PROMOTED',
  SINGLETON_PACKAGE_METADATA: 'SINGLETON_PACKAGE_METADATA',
  SINGLETON_BUILDS_INCOMPLETE: 'SINGLETON_BUILDS_INCOMPLETE',
  SINGLETON_REPORT_NAME_TAKEN: 'SINGLETON_REPORT_NAME_TAKEN',
  SINGLETON_PROMOTE_INCOMPLETE: 'SINGLETON_PROMOTE_INCOMPLETE',
  SINGLETON_SERVED_TWICE: 'SINGLETON_SERVED_TWICE',
  SINGLETON_PROMOTE_MIGRATION: 'SINGLETON_PROMOTE_MIGRATION',
  SINGLETON_COPIES_SHARE_STATE: 'SINGLETON_COPIES_SHARE_STATE',
  SINGLETON_STATEFUL_DUPLICATED: 'SINGLETON_STATEFUL_DUPLICATED',
  SINGLETON_STATE_UNKNOWN: 'SINGLETON_STATE_UNKNOWN',
  /** Printed or thrown by the built program itself (`runtimeGuard`); its text lives in runtime/registry.ts. */
  SINGLETON_DUPLICATED_AT_RUNTIME: 'SINGLETON_DUPLICATED_AT_RUNTIME',
} as const

export const CAUSE_TITLES: Record<Cause, string> = {
  'same-file-two-ids': 'same file, two ids',
  'same-package-two-installs': 'same package, two installs',
  'source-and-build': 'a package bundled from its source and from its build',
  'dual-package-files': "two of one package's files that load the same module (e.g. its esm and cjs builds)",
  'one-id-several-chunks': 'one id rendered into several chunks',
  'separate-formats': 'separate formats of one build',
  'separate-outputs': 'separate outputs of one build',
  'separate-builds': 'separate builds',
}

export const FIXES: Record<Cause, string> = {
  'same-file-two-ids':
    'One file is loaded under two module ids. Let the bundler resolve symlinks (drop `resolve.symlinks: false` / preserveSymlinks), import it under one spelling, and make a plugin that adds a query to a module that still runs as code (`?v=2`, an instrumenting query) resolve to the plain id.',
  'same-package-two-installs':
    'Two installs of the package are bundled. Make one install satisfy every importer: align the version ranges and run `npm dedupe` (pnpm: `pnpm dedupe` or an `overrides` entry), or mark the package external so Node loads a single install at run time.',
  'source-and-build':
    'One importer reaches the package through its source (a path alias, a `source`/`development` export condition) and another through its build. Make every importer take the same route: drop the alias or the condition for this build, or point both at the source.',
  'dual-package-files':
    "Two of the package's files that its `exports` map to one subpath are bundled: one importer `require()`s it, another `import`s it. Import it the same way everywhere, or pin one condition with `resolve.conditionNames`.",
  'one-id-several-chunks':
    'rolldown printed this module into several chunks and nothing shares its instance. Turn off the chunk-inlining option that duplicated it, or put the module in its own chunk with `output.codeSplitting.groups`.',
  'separate-formats':
    'Each format holds its own copy: a process that `require()`s one output and `import()`s the other gets two instances (the dual package hazard). Ship the stateful module in one format only, have the other format import it, or keep its state on `globalThis[Symbol.for(...)]`.',
  'separate-outputs':
    'Each output folder holds its own copy: a process that loads both gets two instances. Load one output per process, or build the consumers into one output.',
  'separate-builds':
    'Each build bundles its own copy: a process that loads both builds gets two instances. Build the consumers as entries of one config so they share one chunk, or mark the module external in all builds but the one that owns it.',
}

/** The fix added to a detected stateful module's: declare it, or make its copies safe. */
export function detectedFix(module: string): string {
  return `Nobody declared ${module} a singleton, so nothing else guards it. If it must be one instance, declare it (\`singletons: [${JSON.stringify(module)}]\` or a \`// @singleton\` comment before its first statement) and remove the copies as above; or make the copies safe: keep its state on \`globalThis[Symbol.for('…')]\`, which every copy shares. If the copies do no harm, \`detect: 'info'\` (or \`false\`) quiets this.`
}

export function unknownStateFix(module: string): string {
  return `If ${module} must be one instance, declare it (\`singletons: [${JSON.stringify(module)}]\` or a \`// @singleton\` comment) so its copies are checked.`
}

export const FACADE_NOTE = 're-export facade of the canonical copy (same instance, not a copy)'

export function optionError(option: string, accepted: string, got: unknown): string {
  return `${PREFIX} option \`${option}\` accepts ${accepted}; got ${describeValue(got)}.`
}

export function unknownOptionError(key: string, known: readonly string[]): string {
  return `${PREFIX} unknown option \`${key}\`. Known options: ${known.map((k) => `\`${k}\``).join(', ')}.`
}

export function unmatchedPatternWarning(pattern: string): string {
  return `${CODES.SINGLETON_PATTERN_UNMATCHED}: the singleton pattern ${pattern} matched no module in any output. Check the path (globs are relative to \`root\`) or the package name.`
}

export function metadataWarning(problem: MetadataProblem, display: string): string {
  return `${CODES.SINGLETON_PACKAGE_METADATA}: ${display} ${problem.reason}. The package is identified by the folder it is installed in, and its copies are still compared.`
}

/** Said when a build sharing the instance fails: what the verdict across builds covers. */
export function buildsIncompleteWarning(completed: number, failed: number, expected: number): string {
  const total = expected > 0 ? ` of ${expected}` : ''
  const scope =
    completed < 2
      ? `copies across builds could not be compared (${completed === 0 ? 'no build has' : 'only one build has'} completed)`
      : `copies across builds were compared among the ${completed} builds that completed`
  return `${CODES.SINGLETON_BUILDS_INCOMPLETE}: ${failed}${total} build${failed === 1 && !total ? '' : 's'} failed before writing ${failed === 1 ? 'its' : 'their'} output; ${scope}. Fix the failing build to get the full verdict.`
}

export function reportNameTaken(name: string): string {
  return `${CODES.SINGLETON_REPORT_NAME_TAKEN}: the report file name "${name}" is already a file of this output; nothing was written over it. Choose another name with the \`report\` option.`
}

/** A value as an error message shows it, whatever its kind (BigInt, Symbol, circular objects). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (value instanceof RegExp) return String(value)
  if (typeof value === 'string') {
    return value.length > 200
      ? `${JSON.stringify(value.slice(0, 200))}… (${value.length} characters)`
      : JSON.stringify(value)
  }
  if (typeof value === 'symbol') return `a symbol (${value.description ?? ''})`
  if (typeof value === 'bigint') return `a bigint (${value}n)`
  if (typeof value === 'function') return 'a function'
  if (Array.isArray(value)) return `an array (${safeJson(value)})`
  if (typeof value === 'object') return 'an object'
  return `${typeof value} ${String(value)}`
}

function safeJson(value: unknown): string {
  try {
    const text =
      JSON.stringify(value, (_, item: unknown) =>
        typeof item === 'symbol' ? `Symbol(${item.description ?? ''})` : typeof item === 'bigint' ? `${item}n` : item,
      ) ?? String(value)
    return text.length > 200 ? `${text.slice(0, 200)}…` : text
  } catch {
    return '…'
  }
}

export function promoteClash(name: string, module: string, other: string): string {
  return `${CODES.SINGLETON_PROMOTE_CLASH}: cannot promote ${module} to the entry name "${name}": ${other} already has that name. Rename one of the files, give your entry another name, or leave one out with \`promote.exclude\`.`
}

/** The promoted entries as the hand-written tsdown entry map they replace (the `coreDistEntries` pattern). */
export function promotedEntryMap(promotions: readonly { name: string; module: string; reason: string }[]): string {
  const width = Math.max(...promotions.map((p) => JSON.stringify(p.name).length))
  const lines = promotions
    .slice()
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((p) => `    ${`${JSON.stringify(p.name)}:`.padEnd(width + 1)} ${JSON.stringify(p.module)}, // ${p.reason}`)
  return `${CODES.SINGLETON_PROMOTED}: ${promotions.length} module${promotions.length === 1 ? '' : 's'} promoted to stable entries. The same map, written by hand, would be:\n  entry: {\n${lines.join('\n')}\n  },`
}

/** Said where promote planned a stable name the host did not give (see plugin/hosts/promote-host.ts). */
export function promoteIncomplete(
  missed: readonly { module: string; reason: string }[],
  host: string,
  why: string | undefined,
): string {
  const list = missed.map((m) => `${m.module} (${m.reason})`).join(', ')
  const count = missed.length === 1 ? '1 module' : `${missed.length} modules`
  return `${CODES.SINGLETON_PROMOTE_INCOMPLETE}: ${count} could not be promoted to a stable file name under ${host}: ${list}. Reason: ${why ?? 'the bundler did not put it in a chunk of its own'}. It keeps a hashed name, so a rebuild under a running process can load a second copy.`
}

/** Rollup's object form of `manualChunks` cannot be extended with the promoted singletons. */
export const MANUAL_CHUNKS_OBJECT = 'output.manualChunks is an object; write it as a function so promote can extend it'

/** Vite's dev server serves one singleton under several ids in one environment (plugin/hosts/dev-server.ts). */
export function servedTwice(module: string, environment: string, ids: readonly string[]): string {
  return [
    `${PREFIX} ${CODES.SINGLETON_SERVED_TWICE}: ${module} is served under ${ids.length} ids in the ${environment} environment; the page evaluates it once per id.`,
    ...ids.map((id, index) => `  id ${index + 1}: ${id}`),
    '  fix: serve it under one id. A pre-bundled copy (node_modules/.vite/deps) beside the file itself: add the package to `optimizeDeps.include` so every importer gets the pre-bundled one, or to `optimizeDeps.exclude` so none does; two installs or links of one package: `resolve.dedupe`; a query twin: import it under one spelling.',
  ].join('\n')
}

/** One line comparing the user's hand-kept entry list with what promote does (the report holds every name). */
export function promoteMigrationSummary(parts: {
  covered: readonly string[]
  kept: readonly string[]
  notBoundaries: readonly string[]
  addedByPromote: readonly string[]
  missing: readonly string[]
}): string {
  const some = (names: readonly string[]) =>
    names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`
  const said: string[] = []
  if (parts.covered.length > 0)
    said.push(
      `${count(parts.covered.length, 'entry', 'entries')} promote now pins under the same name, safe to delete (${some(parts.covered)})`,
    )
  if (parts.missing.length > 0)
    said.push(
      `${count(parts.missing.length, 'lazy boundary', 'lazy boundaries')} neither the list nor promote pins, left hashed so a rebuild strands a running process (${some(parts.missing)}): add ${parts.missing.length === 1 ? 'it' : 'them'} or set promote.boundaries: 'all'`,
    )
  if (parts.notBoundaries.length > 0)
    said.push(
      `${count(parts.notBoundaries.length, 'listed entry is', 'listed entries are')} imported statically, not a runtime boundary (${some(parts.notBoundaries)})`,
    )
  if (parts.kept.length > 0)
    said.push(
      `${count(parts.kept.length, 'listed boundary', 'listed boundaries')} promote does not cover: keep (${some(parts.kept)})`,
    )
  if (parts.addedByPromote.length > 0)
    said.push(`promote also pins ${count(parts.addedByPromote.length, 'module', 'modules')} the list lacks`)
  return `${CODES.SINGLETON_PROMOTE_MIGRATION}: your entry list vs promote: ${said.join('; ')}. Every name: the report's "migration" field (option report: true).`
}
