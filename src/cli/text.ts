import { CAUSE_TITLES, PREFIX, explainFinding, formatChain } from './core.ts'
import { nothingAttributed, type AuditResult } from './audit.ts'
import { HOW_TO_ATTRIBUTE, listSome } from './messages.ts'
import type { ModuleView } from './module-view.ts'
import type { AuditChunk, AuditFinding } from './model.ts'
import { moduleRows, summarize } from './summary.ts'

const explain = (
  finding: Parameters<typeof explainFinding>[0],
  limits?: Parameters<typeof explainFinding>[1],
): string => `${PREFIX} ${explainFinding(finding, limits)}`

/** What the text shows before "and N more" (`--all` shows everything). */
const LIMITS = { findings: 50, copies: 5, facades: 3, builds: 10, chunks: 5 }

/**
 * The audit as people read it, at any size: the verdict and the counts first (by cause, by
 * build), then the most important findings in the plugin's own words, the singletons asked for
 * that have one copy, what could not be read and why; capped unless `all`.
 */
export function auditText(result: AuditResult, all: boolean): string {
  const summary = summarize(result)
  const lines = [verdictLine(result), scopeLine(result)]
  if (summary.modulesWithCopies > 0) {
    lines.push(
      `  modules with copies: ${count(summary.modulesWithCopies)} (${count(summary.modulesDuplicated)} at error level, ${count(summary.modulesWithCopies - summary.modulesDuplicated - summary.modulesWithoutState)} warnings, ${count(summary.modulesWithoutState)} without state: duplicated code only)`,
    )
    lines.push(
      `  by cause: ${summary.byCause.map((entry) => `${CAUSE_TITLES[entry.cause]} ${count(entry.modules)}`).join('; ')}`,
    )
    if (result.builds.length > 1) {
      lines.push(
        `  by build (${result.builds.length} builds told apart by their import graphs; this names causes, the copies are counted from the chunks):`,
      )
      const shown = all ? summary.byBuild : summary.byBuild.slice(0, LIMITS.builds)
      for (const entry of shown) lines.push(`    ${entry.build}: ${count(entry.modules)}`)
      if (shown.length < summary.byBuild.length)
        lines.push(`    and ${summary.byBuild.length - shown.length} more builds`)
    }
  }
  const findings = all ? result.findings : result.findings.slice(0, LIMITS.findings)
  const fixesShown = new Set<string>()
  const limits = all ? { fixesShown } : { copies: LIMITS.copies, facades: LIMITS.facades, fixesShown }
  for (const finding of findings) lines.push('', withState(finding, explain(finding, limits)))
  if (findings.length < result.findings.length) {
    lines.push(
      '',
      `and ${count(result.findings.length - findings.length)} more findings: \`--all\` prints every one, \`--json\` carries everything.`,
    )
  }
  lines.push(...singleCopies(result))
  const shims = [...result.chunks.values()].filter((chunk) => chunk.kind === 'shim')
  if (shims.length > 0 && all) {
    lines.push('', `re-export shims (facades: the same instance, never a copy):`)
    for (const shim of shims) lines.push(`  ${shim.id} -> ${shim.forwardsTo.join(', ') || '(outside these folders)'}`)
  } else if (shims.length > 0) {
    lines.push(
      '',
      `${count(shims.length)} re-export shim${shims.length === 1 ? '' : 's'} (facades: the same instance, never a copy); \`--all\` lists them.`,
    )
  }
  lines.push(...trailer(result, all))
  lines.push('', verdictLine(result))
  return lines.join('\n')
}

/**
 * A finding's state, after its headline: the evidence the core prints for a stateful module, a
 * line for the others (duplicated code only, or why it cannot be told).
 */
function withState(finding: AuditFinding, text: string): string {
  let line: string | undefined
  if (finding.stateful === 'no') {
    line = finding.stateUnknown
      ? `  state: ${finding.stateUnknown}`
      : '  state: none at its top level: duplicated code, a matter of bytes, not a split realm'
  } else if (finding.stateful === 'unknown') {
    line = `  state: cannot be told${finding.stateUnknown ? `: ${finding.stateUnknown}` : ''}`
  }
  if (line === undefined) return text
  const [headline, ...rest] = text.split('\n')
  return [headline, line, ...rest].join('\n')
}

/** The first line and the last: what was found, in one sentence, as the plugin ends its check. */
function verdictLine(result: AuditResult): string {
  const errors = new Set(
    result.findings.filter((finding) => finding.severity === 'error').map((finding) => finding.key),
  ).size
  const stateless = new Set(
    result.findings.filter((f) => f.severity === 'info' && f.stateful === 'no').map((f) => f.key),
  ).size
  const warnings =
    result.findings.length - result.findings.filter((finding) => finding.severity === 'error').length - stateless
  const code =
    stateless > 0
      ? `; ${count(stateless)} module${stateless === 1 ? '' : 's'} without state duplicated (code only, not a split)`
      : ''
  if (errors > 0) {
    const what = `${errors === 1 ? 'module' : 'modules'}${result.matcher ? '' : ' with state or declared'}`
    return `${PREFIX} ${count(errors)} ${what} ${errors === 1 ? 'is' : 'are'} evaluated more than once${code}.`
  }
  const unread = result.unattributed.length
  if (unread > 0 && nothingAttributed(result)) {
    return `${PREFIX} no chunk could be attributed to source modules: nothing was judged.`
  }
  return `${PREFIX} no module ${result.matcher ? '' : 'with state '}is evaluated more than once${code}${warnings > 0 ? ` (${warnings} warning${warnings === 1 ? '' : 's'} above)` : ''}${unread > 0 ? ` in the attributed chunks; ${count(unread)} chunk${unread === 1 ? '' : 's'} could not be read (listed above)` : ''}.`
}

function scopeLine(result: AuditResult): string {
  const chunks = [...result.chunks.values()]
  const kinds = new Map<AuditChunk['kind'], number>()
  for (const chunk of chunks) kinds.set(chunk.kind, (kinds.get(chunk.kind) ?? 0) + 1)
  const kind = (name: AuditChunk['kind']) => count(kinds.get(name) ?? 0)
  const folders = result.folders.map((folder) => folder.display).join(', ')
  const modules = [...result.units.values()].filter((unit) => unit.scope !== 'install').length
  const scope = result.matcher
    ? `${count(modules)} module${modules === 1 ? '' : 's'} matching ${result.matcher.patterns.map((p) => p.label).join(', ')}`
    : `${count(modules)} module${modules === 1 ? '' : 's'}`
  const read = summarize(result)
    .byAttribution.map((entry) =>
      entry.attributedBy === 'not attributed'
        ? `${count(entry.chunks)} not attributed`
        : `${count(entry.chunks)} by ${entry.attributedBy}`,
    )
    .join(', ')
  return `${PREFIX} audited ${folders}: ${count(chunks.length)} chunk${chunks.length === 1 ? '' : 's'} (${kind('entry')} entry, ${kind('dynamic-entry')} dynamic entry, ${kind('shared')} shared, ${kind('shim')} shim), ${scope}${read ? `; chunks with code: ${read}` : ''}`
}

/** `--singletons`/`--module` on modules with one copy: where it is, so "clean" names its file. */
function singleCopies(result: AuditResult): string[] {
  if (!result.matcher) return []
  const rows = moduleRows(result).filter((row) => row.copies <= 1)
  if (rows.length === 0) return []
  const lines = ['']
  for (const row of rows) {
    const where = row.files.length > 0 ? row.files.join(', ') : '(no chunk holds its code)'
    const shims = row.shims.length > 0 ? `; re-export shims (not copies): ${row.shims.join(', ')}` : ''
    lines.push(`${PREFIX} ${row.module}: ${row.copies} cop${row.copies === 1 ? 'y' : 'ies'}: ${where}${shims}`)
  }
  return lines
}

/** `--module`: every file, shim, importer and chain of the module, then its one-line verdict. */
export function moduleText(views: readonly ModuleView[], result: AuditResult): string {
  const lines: string[] = []
  for (const view of views) {
    lines.push(`${PREFIX} ${view.module}: ${view.verdict}`)
    lines.push('  code in:')
    for (const file of view.files) lines.push(`    ${file.chunk} (${file.kind})  ${file.module}`)
    if (view.files.length === 0) lines.push('    (no chunk holds its code)')
    if (view.shims.length > 0) {
      lines.push('  re-export shims (not copies):')
      for (const shim of view.shims) lines.push(`    ${shim.chunk} -> ${shim.forwardsTo.join(', ')}`)
    }
    lines.push('  importers:')
    const byFile = new Map<string, string[]>()
    for (const edge of view.importers) {
      const list = byFile.get(edge.of) ?? []
      list.push(
        `${edge.importer} (${edge.kind === 'dynamic' ? 'import()' : edge.kind === 'require' ? 'require()' : 'static'})`,
      )
      byFile.set(edge.of, list)
    }
    for (const chunk of [...view.files.map((file) => file.chunk), ...view.shims.map((shim) => shim.chunk)]) {
      const list = byFile.get(chunk) ?? []
      if (lines.includes(`    of ${chunk}:`)) continue
      lines.push(`    of ${chunk}:${list.length === 0 ? ' none (an entry)' : ''}`)
      for (const importer of list) lines.push(`      ${importer}`)
    }
    lines.push('  chains from the entries:')
    for (const { chunk, chain } of view.chains) lines.push(`    ${chunk}: ${formatChain(chain)}`)
    for (const finding of view.findings) lines.push('', explain(finding))
    lines.push('')
  }
  lines.push(...trailer(result, true))
  return lines.join('\n').trimEnd()
}

/** What could not be read, by reason, with how to make it readable; then the notes. */
function trailer(result: AuditResult, all: boolean): string[] {
  const lines: string[] = []
  if (result.unattributed.length > 0) {
    const byReason = new Map<string, string[]>()
    for (const chunk of result.unattributed) {
      const reason = chunk.unattributed as string
      byReason.set(reason, [...(byReason.get(reason) ?? []), chunk.id])
    }
    lines.push(
      '',
      `not attributed: ${count(result.unattributed.length)} chunk${result.unattributed.length === 1 ? '' : 's'} (no code of theirs is in the verdict; a copy in them cannot be seen):`,
    )
    for (const [reason, chunks] of byReason) {
      lines.push(`  ${reason}: ${all ? chunks.join(', ') : listSome(chunks, LIMITS.chunks)}`)
    }
    lines.push(`  ${HOW_TO_ATTRIBUTE}`)
  }
  if (result.notes.length > 0) {
    lines.push('', 'notes:')
    for (const note of result.notes) lines.push(`  ${note}`)
  }
  return lines
}

/** 1234 -> 1,234: counts of thousands are read at a glance. */
function count(value: number): string {
  return value.toLocaleString('en-US')
}
