/**
 * Every text the plugin prints lives here, so wording is reviewed in one place. Texts passed to a
 * host's logger carry no prefix of their own: the host already names the plugin
 * (`[plugin singleton-guard:check]`), and one prefix per message is enough. Texts printed outside
 * a host (option errors, the CLI) start with PREFIX.
 */
import type { Cause, DedupeMerge, MetadataProblem } from './types.ts'

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
  SINGLETON_DEDUPED: 'SINGLETON_DEDUPED',
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
export function promotedEntryMap(
  promotions: readonly { name: string; module: string; reason: string; alsoHolds?: readonly string[] }[],
  alreadyStable: readonly { module: string; fileName: string; holder: string }[] = [],
): string {
  const said: string[] = []
  if (promotions.length > 0) {
    const width = Math.max(...promotions.map((p) => JSON.stringify(p.name).length))
    const lines = promotions
      .slice()
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((p) => {
        const beside = p.alsoHolds?.length
          ? `, sharing its file with ${countOf(p.alsoHolds.length, 'module')} the bundler put with it (nothing moved)`
          : ''
        return `    ${`${JSON.stringify(p.name)}:`.padEnd(width + 1)} ${JSON.stringify(p.module)}, // ${p.reason}${beside}`
      })
    said.push(
      `${promotions.length} module${promotions.length === 1 ? '' : 's'} promoted to stable entries. The same map, written by hand, would be:\n  entry: {\n${lines.join('\n')}\n  },`,
    )
  }
  if (alreadyStable.length > 0) {
    const shown = alreadyStable.slice(0, 5).map((p) => `${p.module} in ${p.fileName} (${p.holder})`)
    const list = `${shown.join(', ')}${alreadyStable.length > 5 ? ` and ${alreadyStable.length - 5} more (the report lists them)` : ''}`
    said.push(
      `${countOf(alreadyStable.length, 'singleton')} already in a file with a stable name, left where the bundler put ${alreadyStable.length === 1 ? 'it' : 'them'} (safe across rebuilds): ${list}.`,
    )
  }
  return `${CODES.SINGLETON_PROMOTED}: ${said.join('\n')}`
}

function countOf(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}

/**
 * Said where a singleton stays in a file whose name has a hash: promote names chunks, it never
 * moves a module into another one (see plugin/singleton-placement.ts).
 */
export function promoteLeftHashed(
  placements: readonly { module: string; fileName: string; pattern: string }[],
  host: string,
): string {
  const shown = placements.slice(0, 5).map((p) => `${p.module} in ${p.fileName} (an entry named by "${p.pattern}")`)
  const list = `${shown.join(', ')}${placements.length > 5 ? ` and ${placements.length - 5} more` : ''}`
  const count = countOf(placements.length, 'singleton')
  return `${CODES.SINGLETON_PROMOTE_INCOMPLETE}: ${count} stay${placements.length === 1 ? 's' : ''} in a file whose name has a hash under ${host}: ${list}. Promote does not move a module out of the chunk the bundler gave it: moving it can change the order in which the program evaluates its modules. A rebuild under a running process can load a second copy; give the entries a naming without [hash] (entryFileNames) to keep it in one file across rebuilds.`
}

/** Vite's dev server serves one singleton under several ids in one environment (plugin/hosts/dev-server.ts). */
export function servedTwice(module: string, environment: string, ids: readonly string[]): string {
  return [
    `${PREFIX} ${CODES.SINGLETON_SERVED_TWICE}: ${module} is served under ${ids.length} ids in the ${environment} environment; the page evaluates it once per id.`,
    ...ids.map((id, index) => `  id ${index + 1}: ${id}`),
    '  fix: serve it under one id. A pre-bundled copy (node_modules/.vite/deps) beside the file itself: add the package to `optimizeDeps.include` so every importer gets the pre-bundled one, or to `optimizeDeps.exclude` so none does; two installs or links of one package: `resolve.dedupe`; a query twin: import it under one spelling.',
  ].join('\n')
}

/**
 * One line comparing the user's hand-kept entry list with what promote does (the report holds
 * every name). It leads with the runtime boundaries the list lacks: a forgotten boundary is the
 * incident, and the one name a maintainer cannot see otherwise.
 */
export function promoteMigrationSummary(parts: {
  /** Boundaries the list lacks that promote pins. */
  pinnedMissing: readonly string[]
  /** Boundaries the list lacks that stay hashed. */
  hashedMissing: readonly string[]
  /** Listed entries promote covers under the same name, with every export. */
  covered: readonly string[]
  /** Listed boundaries kept because their file would lose public exports. */
  keptForExports: readonly string[]
  /** Every listed boundary to keep. */
  kept: readonly string[]
  notBoundaries: readonly string[]
  boundaries: 'singletons' | 'all'
}): string {
  const some = (names: readonly string[]) =>
    names.length <= 5 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`
  const they = (names: readonly string[], one: string, many: string) => (names.length === 1 ? one : many)
  const said: string[] = []
  if (parts.pinnedMissing.length > 0) {
    said.push(
      `your entry list lacks ${countOf(parts.pinnedMissing.length, 'lazy runtime boundary', 'lazy runtime boundaries')}: ${some(parts.pinnedMissing)}; without promote ${they(parts.pinnedMissing, 'it', 'each')} would strand a running process after a rebuild (promote pins ${they(parts.pinnedMissing, 'it', 'them')})`,
    )
  }
  if (parts.hashedMissing.length > 0) {
    const fix =
      parts.boundaries === 'all'
        ? `add ${they(parts.hashedMissing, 'it', 'them')} to the list or leave ${they(parts.hashedMissing, 'it', 'them')} out of promote.exclude`
        : `set promote.boundaries: 'all' (promote now pins only boundaries that reach a singleton) or add ${they(parts.hashedMissing, 'it', 'them')} to the list`
    said.push(
      `${countOf(parts.hashedMissing.length, 'lazy runtime boundary', 'lazy runtime boundaries')} neither the list nor promote pins stay${parts.hashedMissing.length === 1 ? 's' : ''} hashed and would strand a running process after a rebuild: ${some(parts.hashedMissing)}; ${fix}`,
    )
  }
  // Counts, and the names while they are few.
  const named = (names: readonly string[]) => (names.length <= 3 ? ` (${names.join(', ')})` : '')
  const counts: string[] = []
  if (parts.covered.length > 0) {
    counts.push(
      `${countOf(parts.covered.length, 'listed entry', 'listed entries')} safe to delete${named(parts.covered)}`,
    )
  }
  if (parts.kept.length > 0) {
    const exports =
      parts.keptForExports.length > 0
        ? `, ${parts.keptForExports.length} of them for public exports the build does not use${named(parts.keptForExports)}`
        : ''
    counts.push(
      `${countOf(parts.kept.length, 'listed boundary', 'listed boundaries')} to keep${named(parts.kept)}${exports}`,
    )
  }
  if (parts.notBoundaries.length > 0) {
    counts.push(
      `${countOf(parts.notBoundaries.length, 'listed entry', 'listed entries')} imported statically, not a runtime boundary${named(parts.notBoundaries)}`,
    )
  }
  if (counts.length > 0) said.push(counts.join(', '))
  if (said.length === 0) said.push('the list and promote agree')
  return `${CODES.SINGLETON_PROMOTE_MIGRATION}: ${said.join('; ')}. Every name: the report's "migration" field (option report: true).`
}

/** One merge `dedupe` made: which install now serves which, and why that was safe. */
export function dedupedMessage(merge: Omit<DedupeMerge, 'imports'>): string {
  if (merge.package === '(files)') {
    return `${CODES.SINGLETON_DEDUPED}: ${merge.from} is served as ${merge.to}: ${merge.why}, now one module.`
  }
  return `${CODES.SINGLETON_DEDUPED}: ${merge.package}: imports of ${merge.from} (${merge.fromVersion}) are served by ${merge.to} (${merge.toVersion}), the install nearest the root: ${merge.why}. No file of ${merge.from} is bundled.`
}
