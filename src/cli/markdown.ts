import { CAUSE_TITLES } from './core.ts'
import { nothingAttributed, type AuditResult } from './audit.ts'
import type { ModuleChange } from './diff.ts'
import { moduleRows, summarize } from './summary.ts'

/** Rows before "and N more" (`--all` prints every one); files named per row. */
const ROWS = 50
const FILES = 3

/**
 * `audit --format markdown`: a heading with the verdict and a table (module, copies, files,
 * cause), ready to paste into a pull request comment or a CI job summary.
 */
export function auditMarkdown(result: AuditResult, all: boolean): string {
  const summary = summarize(result)
  const rows = moduleRows(result)
  const lines = [`### singleton-guard: ${verdict(result, summary.modulesDuplicated)}`, '']
  const folders = result.folders.map((folder) => code(folder.display)).join(', ')
  const unread = result.unattributed.length
  lines.push(
    `${folders}: ${result.chunks.size} chunks, ${summary.modulesWithCopies} module${summary.modulesWithCopies === 1 ? '' : 's'} with copies${unread > 0 ? `, ${unread} chunk${unread === 1 ? '' : 's'} not attributed (no source map, no bundler markers)` : ''}.`,
  )
  if (rows.length > 0) {
    lines.push('', '| module | copies | files | cause | state |', '| --- | ---: | --- | --- | --- |')
    const shown = all ? rows : rows.slice(0, ROWS)
    for (const row of shown) {
      const cause = row.causes.map((c) => CAUSE_TITLES[c]).join('; ') || (row.copies <= 1 ? 'one copy' : '')
      lines.push(
        `| ${code(row.module)} | ${row.copies} | ${files(row.files, all)} | ${escape(cause)} | ${stateCell(row.state)} |`,
      )
    }
    if (shown.length < rows.length)
      lines.push('', `_and ${rows.length - shown.length} more modules with copies (\`--all\`)._`)
  }
  return lines.join('\n')
}

/** `diff --format markdown`: the changes as a table (module, copies before -> after, files, change). */
export function diffMarkdown(
  before: AuditResult,
  after: AuditResult,
  changes: readonly ModuleChange[],
  all: boolean,
): string {
  const from = before.folders.map((folder) => code(folder.display)).join(', ')
  const to = after.folders.map((folder) => code(folder.display)).join(', ')
  const duplicated = summarize(after).modulesDuplicated
  const lines = [`### singleton-guard diff: ${from} → ${to}`, '']
  lines.push(`After: ${verdict(after, duplicated)}.`)
  if (changes.length === 0) {
    lines.push('', 'No change for the modules that matter (renames that only change a hash are ignored).')
    return lines.join('\n')
  }
  lines.push('', '| module | copies | files | change |', '| --- | ---: | --- | --- |')
  const shown = all ? changes : changes.slice(0, ROWS)
  for (const change of shown) {
    const copies =
      change.copiesBefore === change.copiesAfter
        ? `${change.copiesAfter}`
        : `${change.copiesBefore} → ${change.copiesAfter}`
    const moved = `${files(change.before, all)} → ${files(change.after, all)}`
    lines.push(`| ${code(change.module)} | ${copies} | ${moved} | ${change.kind.replace(/-/g, ' ')} |`)
  }
  if (shown.length < changes.length) lines.push('', `_and ${changes.length - shown.length} more changes (\`--all\`)._`)
  return lines.join('\n')
}

function verdict(result: AuditResult, duplicated: number): string {
  if (duplicated > 0) return `${duplicated} module${duplicated === 1 ? ' is' : 's are'} evaluated more than once`
  if (result.unattributed.length > 0 && nothingAttributed(result))
    return 'nothing could be attributed to source modules'
  return `no module is evaluated more than once${result.unattributed.length > 0 ? ' in the attributed chunks' : ''}`
}

function stateCell(state: ReturnType<typeof moduleRows>[number]['state']): string {
  if (!state) return '–'
  if (state.stateful === 'yes') return escape(`yes: ${state.first ?? ''}`.trim())
  return state.stateful === 'no' ? 'none (code only)' : 'cannot be told'
}

function files(list: readonly string[], all: boolean): string {
  if (list.length === 0) return '–'
  const shown = all ? list : list.slice(0, FILES)
  const more = list.length - shown.length
  return shown.map(code).join(', ') + (more > 0 ? ` and ${more} more` : '')
}

/** Text in a table cell: a pipe would end the cell. */
function escape(text: string): string {
  return text.replace(/\|/g, '\\|')
}

function code(text: string): string {
  return `\`${escape(text).replace(/`/g, "'")}\``
}
