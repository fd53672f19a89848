import type { RunFinding, SeparateRealms, TimelineEntry } from './findings.ts'
import { processLabel } from './labels.ts'
import type { ProcessRecord } from './protocol.ts'
import { verdictOf, type RunOutcome } from './outcome.ts'

/** Bumped on any change a reader of `run --json` must know about; documented in the README. */
const RUN_JSON_VERSION = 1

export const RUN_JSON_SCHEMA = 'singleton-guard/run'

interface RunJson {
  schema: typeof RUN_JSON_SCHEMA
  version: typeof RUN_JSON_VERSION
  /** Undefined (null) for a snapshot taken while the command runs. */
  exitCode: number | null
  verdict: string
  command: readonly string[]
  status: { code: number | null; signal: string | null } | null
  processes: {
    pid: number
    ppid: number
    label: string
    argv: string[]
    node: string
    hooks: ProcessRecord['hooks']
    /** The tracker's last write: `exit`, a signal, `snapshot`, or `start` (nothing after start). */
    lastWrite: ProcessRecord['reason']
    /** ms since the process started. */
    lastWriteAt: number
    exitCode: number | null
    judged: boolean
    realms: { threadId: number; loads: number }[]
    notes: string[]
  }[]
  findings: RunFinding[]
  separateRealms: SeparateRealms[]
  unattributed: { file: string; reason: string }[]
  notes: string[]
  timeline: TimelineEntry[]
}

export function runJson(outcome: RunOutcome): RunJson {
  const judged = new Set(outcome.judgement.judged)
  return {
    schema: RUN_JSON_SCHEMA,
    version: RUN_JSON_VERSION,
    exitCode: outcome.exitCode ?? null,
    verdict: verdictOf(outcome),
    command: outcome.command,
    status: outcome.status ?? null,
    processes: outcome.processes.map((tracked) => ({
      pid: tracked.record.pid,
      ppid: tracked.record.ppid,
      label: processLabel(tracked.record),
      argv: tracked.record.argv,
      node: tracked.record.node,
      hooks: tracked.record.hooks,
      lastWrite: tracked.record.reason,
      lastWriteAt: tracked.record.writtenAt,
      exitCode: tracked.record.exitCode,
      judged: judged.has(tracked),
      realms: tracked.realms.map((realm) => ({ threadId: realm.threadId, loads: realm.loads.length })),
      notes: tracked.record.notes,
    })),
    findings: outcome.judgement.findings,
    separateRealms: outcome.judgement.separateRealms,
    unattributed: outcome.judgement.unattributed,
    notes: outcome.notes,
    timeline: outcome.judgement.timeline,
  }
}
