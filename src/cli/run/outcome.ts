import type { RunJudgement } from './findings.ts'
import type { TrackedProcess } from './records.ts'

/** What a run (or a snapshot of one) found: the input of the text and the JSON. */
export interface RunOutcome {
  command: readonly string[]
  /** How the command ended; undefined for a snapshot taken while it runs. */
  status: { code: number | null; signal: NodeJS.Signals | null } | undefined
  processes: TrackedProcess[]
  judgement: RunJudgement
  notes: string[]
  /** The exit code the run ends with (a signal the command died of is re-raised: 128 + its number). */
  exitCode: number | undefined
}

/** The one-line verdict both outputs end with. */
export function verdictOf(outcome: RunOutcome): string {
  const { findings, unattributed, judged } = outcome.judgement
  if (outcome.processes.length === 0) return 'nothing was recorded: no Node process of the command loaded the tracker'
  if (findings.length > 0) {
    const modules = new Set(findings.map((finding) => finding.key)).size
    const realms = new Set(findings.map((finding) => finding.realm)).size
    return `${modules} module${modules === 1 ? ' is' : 's are'} evaluated more than once in ${realms === 1 ? 'one realm' : `${realms} realms`}`
  }
  if (judged.length === 0) return 'no process loaded a file from the --dist folders: nothing was judged'
  return `no module is evaluated more than once in any realm${unattributed.length > 0 ? ' (in the files that could be attributed)' : ''}`
}
