import { PREFIX } from './core.ts'
import { auditExitCode, copiesOf, type AuditResult, type AuditUnit } from './audit.ts'
import type { AuditChunk } from './model.ts'
import { withoutHash } from './names.ts'

/** Bumped on any change a reader of `diff --json` must know about. */
export const DIFF_JSON_VERSION = 1

type ChangeKind =
  | 'copies-appeared'
  | 'copies-disappeared'
  | 'copies-changed'
  | 'module-appeared'
  | 'module-disappeared'
  | 'moved'
  | 'shim-appeared'
  | 'shim-disappeared'

export interface ModuleChange {
  module: string
  kind: ChangeKind
  /** Chunk names without their hash, before and after. */
  before: string[]
  after: string[]
  copiesBefore: number
  copiesAfter: number
}

export interface DiffJson {
  schema: 'singleton-guard/diff'
  version: typeof DIFF_JSON_VERSION
  exitCode: 0 | 1 | 2
  before: string[]
  after: string[]
  changes: ModuleChange[]
}

/**
 * What changed for the modules that matter (those `--singletons` names, or any module with
 * copies or a shim in either build): copies, the chunks holding the code, the shims. Chunks are
 * compared by name without hash, and a chunk renamed beyond that is matched by the modules it holds.
 */
export function diffAudits(before: AuditResult, after: AuditResult): ModuleChange[] {
  const keys = new Set<string>()
  for (const result of [before, after]) {
    const declared = new Set(result.folders.flatMap((folder) => folder.declared))
    for (const unit of result.units.values()) {
      if (unit.scope === 'install') continue
      if (result.matcher || unit.shims.length > 0 || declared.has(unit.display)) keys.add(unit.key)
    }
    for (const finding of result.findings) keys.add(finding.key)
  }
  const changes: ModuleChange[] = []
  for (const key of keys) {
    const a = before.units.get(key)
    const b = after.units.get(key)
    const module = (b ?? a)?.display ?? key
    const copiesBefore = copiesOf(before, key)
    const copiesAfter = copiesOf(after, key)
    const holdersBefore = holderNames(a)
    const holdersAfter = holderNames(b)
    const base = { module, copiesBefore, copiesAfter }
    if (!a || !b) {
      changes.push({
        ...base,
        kind: a ? 'module-disappeared' : 'module-appeared',
        before: holdersBefore,
        after: holdersAfter,
      })
      continue
    }
    if (copiesBefore !== copiesAfter) {
      const kind =
        copiesAfter > 1 && copiesBefore <= 1
          ? 'copies-appeared'
          : copiesAfter <= 1 && copiesBefore > 1
            ? 'copies-disappeared'
            : 'copies-changed'
      changes.push({ ...base, kind, before: holdersBefore, after: holdersAfter })
    } else if (!sameChunks(holders(a), holders(b))) {
      changes.push({ ...base, kind: 'moved', before: holdersBefore, after: holdersAfter })
    }
    const shimsBefore = names(a.shims)
    const shimsAfter = names(b.shims)
    const appeared = shimsAfter.filter((shim) => !shimsBefore.includes(shim))
    const gone = shimsBefore.filter((shim) => !shimsAfter.includes(shim))
    if (appeared.length > 0) changes.push({ ...base, kind: 'shim-appeared', before: shimsBefore, after: appeared })
    if (gone.length > 0) changes.push({ ...base, kind: 'shim-disappeared', before: gone, after: shimsAfter })
  }
  return changes.sort((x, y) => x.module.localeCompare(y.module) || x.kind.localeCompare(y.kind))
}

export function diffExitCode(after: AuditResult): 0 | 1 | 2 {
  return auditExitCode(after)
}

export function diffText(before: AuditResult, after: AuditResult, changes: readonly ModuleChange[]): string {
  const from = before.folders.map((folder) => folder.display).join(', ')
  const to = after.folders.map((folder) => folder.display).join(', ')
  const lines = [`${PREFIX} diff ${from} -> ${to}`]
  for (const change of changes) lines.push(`  ${change.module}: ${describe(change)}`)
  if (changes.length === 0)
    lines.push('  no change for the modules that matter (renames that only change a hash are ignored).')
  const duplicated = after.findings.filter((finding) => finding.severity === 'error').length
  lines.push(
    duplicated > 0
      ? `${PREFIX} after: ${duplicated} module${duplicated === 1 ? ' is' : 's are'} evaluated more than once (\`audit ${to}\` explains why).`
      : `${PREFIX} after: no module is evaluated more than once.`,
  )
  return lines.join('\n')
}

function describe(change: ModuleChange): string {
  const list = (items: string[]) => items.join(', ') || '(none)'
  switch (change.kind) {
    case 'copies-appeared':
      return `copies appeared: ${change.copiesBefore} -> ${change.copiesAfter} (now in ${list(change.after)})`
    case 'copies-disappeared':
      return `copies disappeared: ${change.copiesBefore} -> ${change.copiesAfter} (now in ${list(change.after)})`
    case 'copies-changed':
      return `copies ${change.copiesBefore} -> ${change.copiesAfter} (${list(change.before)} -> ${list(change.after)})`
    case 'module-appeared':
      return `appeared in ${list(change.after)}`
    case 'module-disappeared':
      return `no longer in the build (was in ${list(change.before)})`
    case 'moved':
      return `moved from ${list(change.before)} to ${list(change.after)}`
    case 'shim-appeared':
      return `re-export shim appeared: ${list(change.after)}`
    case 'shim-disappeared':
      return `re-export shim disappeared: ${list(change.before)}`
  }
}

function holders(unit: AuditUnit): AuditChunk[] {
  return [...new Set(unit.copies.flatMap((copy) => copy.chunks))]
}

function holderNames(unit: AuditUnit | undefined): string[] {
  return unit ? names(holders(unit)) : []
}

function names(chunks: readonly AuditChunk[]): string[] {
  return [...new Set(chunks.map((chunk) => withoutHash(chunk.file)))].sort()
}

/**
 * The same chunks by name without hash; or, for a hash the name rules did not recognise
 * (`state-abcdefgh.js`), the same name before its last `-` segment and the same modules held.
 */
function sameChunks(a: AuditChunk[], b: AuditChunk[]): boolean {
  if (names(a).join('\n') === names(b).join('\n')) return true
  const prefixes = (chunks: AuditChunk[]) =>
    [...new Set(chunks.map((chunk) => namePrefix(chunk.file)))].sort().join('\n')
  const contents = (chunks: AuditChunk[]) =>
    chunks
      .map((chunk) =>
        chunk.modules
          .map((held) => held.identity.key)
          .sort()
          .join('\n'),
      )
      .sort()
      .join('\n\n')
  return prefixes(a) === prefixes(b) && contents(a) === contents(b)
}

function namePrefix(file: string): string {
  const cut = file.lastIndexOf('-')
  return cut > file.lastIndexOf('/') ? file.slice(0, cut) : file
}
