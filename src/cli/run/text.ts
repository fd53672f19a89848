import { PREFIX } from '../core.ts'
import type { RunFinding } from './findings.ts'
import { HOW_TEXT } from './how-loaded.ts'
import { formatMs } from './messages.ts'
import { verdictOf, type RunOutcome } from './outcome.ts'

/** The run as people read it, printed on stderr so the command's own stdout stays its own. */
export function runText(outcome: RunOutcome): string {
  const { judgement } = outcome
  const lines = [summaryLine(outcome)]
  for (const finding of judgement.findings) lines.push('', explainRunFinding(finding))
  if (judgement.separateRealms.length > 0) {
    lines.push(
      '',
      'separate realms (a worker has its own module instances: one evaluation in each is not a duplicate):',
    )
    for (const one of judgement.separateRealms) lines.push(`  ${one.module}: ${one.realms.join('; ')}`)
  }
  if (judgement.unattributed.length > 0) {
    lines.push('', 'not attributed (a copy in them cannot be seen):')
    for (const { file, reason } of judgement.unattributed) lines.push(`  ${file}: ${reason}`)
  }
  if (outcome.notes.length > 0) {
    lines.push('', 'notes:')
    for (const note of outcome.notes) lines.push(`  ${note}`)
  }
  lines.push('', `${PREFIX} ${verdictOf(outcome)}.`)
  return lines.join('\n')
}

function summaryLine(outcome: RunOutcome): string {
  const { processes, judgement } = outcome
  const realms = processes.reduce((sum, tracked) => sum + tracked.realms.length, 0)
  const loads = processes.reduce(
    (sum, tracked) => sum + tracked.realms.reduce((inner, realm) => inner + realm.loads.length, 0),
    0,
  )
  const hooks = [...new Set(processes.map((tracked) => tracked.record.hooks))]
    .map((kind) => (kind === 'registerHooks' ? "Node's registerHooks" : "Node's register hooks and a CommonJS hook"))
    .join(', ')
  const status = outcome.status
  const ended = !status
    ? 'is running'
    : status.signal
      ? `ended by ${status.signal}`
      : `ended with exit code ${status.code}`
  const command = outcome.command.join(' ')
  const tracked =
    processes.length === 0
      ? 'no process tracked'
      : `tracked ${count(processes.length, 'process', 'processes')} (${count(realms, 'realm')}, ${count(loads, 'file')} loaded${hooks ? `; ${hooks}` : ''})${judgement.notJudged.length > 0 ? `, ${judgement.judged.length} judged` : ''}`
  return `${PREFIX} run: \`${command.length > 100 ? `${command.slice(0, 97)}...` : command}\` ${ended}; ${tracked}.`
}

function explainRunFinding(finding: RunFinding): string {
  const lines = [
    `${PREFIX} ${finding.code}: ${finding.module} is evaluated ${finding.evaluations.length} times in ${finding.realm}; each evaluation is a separate module instance, with state of its own.`,
  ]
  if (finding.stateful === true) lines.push(`  state: ${finding.state ?? 'top-level state'}`)
  else if (finding.stateful === false) lines.push('  state: none at its top level: duplicated code, not a split state')
  else if (finding.state) lines.push(`  state: cannot be told: ${finding.state}`)
  for (const cause of finding.causes) lines.push(`  cause: ${cause}`)
  finding.evaluations.forEach((evaluation, index) => {
    const by = evaluation.by ? ` by ${evaluation.by}` : ''
    const query = evaluation.query ? ` (as ${evaluation.file}${evaluation.query})` : ''
    lines.push(
      `  evaluation ${index + 1}: ${evaluation.file} at ${formatMs(evaluation.at)} ms, ${HOW_TEXT[evaluation.how]}${by}${query}  ${evaluation.module}`,
    )
  })
  for (const fix of finding.fixes) lines.push(`  fix: ${fix}`)
  return lines.join('\n')
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}
