import { copiesOf, type AuditResult } from './audit.ts'
import type { Finding } from './core.ts'
import type { AttributedBy, AuditFinding, Stateful } from './model.ts'

type Cause = Finding['causes'][number]

/** The counts an audit opens with: how many modules have copies, why, and in which builds. */
export interface AuditSummary {
  /** Modules with a finding (each module once, whatever its number of findings). */
  modulesWithCopies: number
  /** Of those, the ones with an error-severity finding (a process evaluates them more than once). */
  modulesDuplicated: number
  /** Of those, the ones whose top level holds no state: duplicated code, not a split realm. */
  modulesWithoutState: number
  byCause: { cause: Cause; modules: number }[]
  /** Builds as guessed (builds.ts), the ones holding a copy, most first. */
  byBuild: { build: string; modules: number }[]
  /** Chunks with code, by what attributed them (`not attributed` for the ones nothing did). */
  byAttribution: { attributedBy: AttributedBy | 'not attributed'; chunks: number }[]
}

export function summarize(result: AuditResult): AuditSummary {
  const causes = new Map<string, Set<Cause>>()
  const builds = new Map<string, Set<string>>()
  const duplicated = new Set<string>()
  const withoutState = new Set<string>()
  for (const finding of result.findings) {
    const known = causes.get(finding.key) ?? new Set()
    for (const cause of finding.causes) known.add(cause)
    causes.set(finding.key, known)
    for (const build of finding.builds) builds.set(build, (builds.get(build) ?? new Set()).add(finding.key))
    if (finding.severity === 'error') duplicated.add(finding.key)
    else if (finding.stateful === 'no') withoutState.add(finding.key)
  }
  const byCause = new Map<Cause, number>()
  for (const set of causes.values()) for (const cause of set) byCause.set(cause, (byCause.get(cause) ?? 0) + 1)
  const byAttribution = new Map<AttributedBy | 'not attributed', number>()
  for (const chunk of result.chunks.values()) {
    // Shims and empty chunks hold no code: nothing to attribute.
    if (chunk.attributedBy === 'none' && chunk.unattributed === undefined) continue
    const by = chunk.unattributed === undefined ? chunk.attributedBy : 'not attributed'
    byAttribution.set(by, (byAttribution.get(by) ?? 0) + 1)
  }
  return {
    modulesWithCopies: causes.size,
    modulesDuplicated: duplicated.size,
    modulesWithoutState: [...withoutState].filter((key) => !duplicated.has(key)).length,
    byCause: [...byCause]
      .map(([cause, modules]) => ({ cause, modules }))
      .sort((a, b) => b.modules - a.modules || a.cause.localeCompare(b.cause)),
    byBuild: [...builds]
      .map(([build, keys]) => ({ build, modules: keys.size }))
      .sort((a, b) => b.modules - a.modules || a.build.localeCompare(b.build)),
    byAttribution: [...byAttribution]
      .map(([attributedBy, chunks]) => ({ attributedBy, chunks }))
      .sort((a, b) => b.chunks - a.chunks),
  }
}

/** One module as the tables show it: its copies, the files holding them, why. */
interface ModuleRow {
  module: string
  key: string
  copies: number
  /** `<folder>/<file>` of each chunk holding its code. */
  files: string[]
  shims: string[]
  causes: Cause[]
  severity: Finding['severity'] | undefined
  /** Whether its top level holds state, and the first binding that makes it so. */
  state: { stateful: Stateful; first: string | undefined } | undefined
}

/**
 * Every module with copies, most important first (the findings' order); with `--singletons` or
 * `--module`, the modules named that have one copy too, after them.
 */
export function moduleRows(result: AuditResult): ModuleRow[] {
  const rows = new Map<string, ModuleRow>()
  for (const finding of result.findings) {
    let row = rows.get(finding.key)
    if (!row) {
      row = {
        module: finding.module,
        key: finding.key,
        copies: copiesOf(result, finding.key),
        files: [],
        shims: [],
        causes: [],
        severity: finding.severity,
        state: { stateful: finding.stateful, first: evidenceLine(finding) },
      }
      rows.set(finding.key, row)
    }
    for (const copy of finding.copies) for (const chunk of copy.chunks) row.files.push(`${copy.output}/${chunk}`)
    row.shims.push(...finding.facades)
    row.causes.push(...finding.causes)
    if (finding.severity === 'error') row.severity = 'error'
  }
  if (result.matcher) {
    for (const unit of result.units.values()) {
      if (unit.scope === 'install' || rows.has(unit.key)) continue
      rows.set(unit.key, {
        module: unit.display,
        key: unit.key,
        copies: copiesOf(result, unit.key),
        files: unit.copies.flatMap((copy) => copy.chunks.map((chunk) => chunk.id)),
        shims: unit.shims.map((shim) => shim.id),
        causes: [],
        severity: undefined,
        state: undefined,
      })
    }
  }
  for (const row of rows.values()) {
    row.files = [...new Set(row.files)].sort()
    row.shims = [...new Set(row.shims)].sort()
    row.causes = [...new Set(row.causes)].sort()
  }
  return [...rows.values()]
}

/** The first piece of evidence, in a few words: `` `pending` new Map() (line 3) ``. */
function evidenceLine(finding: AuditFinding): string | undefined {
  const first = finding.evidence?.[0]
  return first ? `\`${first.binding}\` ${first.why} (line ${first.line})` : undefined
}
