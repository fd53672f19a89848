import { PREFIX, explainFinding, formatChain } from './core.ts'

const explain = (finding: Parameters<typeof explainFinding>[0]): string => `${PREFIX} ${explainFinding(finding)}`
import type { AuditResult } from './audit.ts'
import type { ModuleView } from './module-view.ts'
import type { AuditChunk } from './model.ts'

/** The audit as people read it: the plugin's own diagnosis for each finding, then shims and notes. */
export function auditText(result: AuditResult): string {
  const lines = [summaryLine(result)]
  for (const finding of result.findings) lines.push('', explain(finding))
  const shims = [...result.chunks.values()].filter((chunk) => chunk.kind === 'shim')
  if (shims.length > 0) {
    lines.push('', `re-export shims (facades: the same instance, never a copy):`)
    for (const shim of shims) lines.push(`  ${shim.id} -> ${shim.forwardsTo.join(', ') || '(outside these folders)'}`)
  }
  lines.push(...trailer(result))
  const errors = result.findings.filter((finding) => finding.severity === 'error').length
  const warnings = result.findings.length - errors
  lines.push(
    '',
    errors > 0
      ? `${PREFIX} ${errors} module${errors === 1 ? ' is' : 's are'} evaluated more than once.`
      : `${PREFIX} no module is evaluated more than once${warnings > 0 ? ` in one process that loads one output (${warnings} warning${warnings === 1 ? '' : 's'} above)` : ''}${result.unattributed.length > 0 ? ' in the attributed chunks' : ''}.`,
  )
  return lines.join('\n')
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
  lines.push(...trailer(result))
  return lines.join('\n').trimEnd()
}

function summaryLine(result: AuditResult): string {
  const chunks = [...result.chunks.values()]
  const count = (kind: AuditChunk['kind']) => chunks.filter((chunk) => chunk.kind === kind).length
  const folders = result.folders.map((folder) => folder.display).join(', ')
  const scope = result.matcher
    ? `${result.units.size} module${result.units.size === 1 ? '' : 's'} matching ${result.matcher.patterns.map((p) => p.label).join(', ')}`
    : `${result.units.size} module${result.units.size === 1 ? '' : 's'}`
  return `${PREFIX} audited ${folders}: ${chunks.length} chunk${chunks.length === 1 ? '' : 's'} (${count('entry')} entry, ${count('dynamic-entry')} dynamic entry, ${count('shared')} shared, ${count('shim')} shim), ${scope}`
}

function trailer(result: AuditResult): string[] {
  const lines: string[] = []
  if (result.unattributed.length > 0) {
    lines.push('', 'not attributed (no code of theirs is in the verdict):')
    for (const chunk of result.unattributed) lines.push(`  ${chunk.id}: ${chunk.unattributed}`)
  }
  if (result.notes.length > 0) {
    lines.push('', 'notes:')
    for (const note of result.notes) lines.push(`  ${note}`)
  }
  return lines
}
