import type { AuditFinding } from '../model.ts'
import { CAUSE_TITLES, CODES, FIXES, causeBetween, type Cause, type ModuleIdentity } from '../core.ts'
import type { AttributedBy, HeldCopy, LoadedAttribution } from './attribute-loaded.ts'
import type { HowLoaded, LoadKinds } from './how-loaded.ts'
import { displayFile, realmLabel } from './labels.ts'
import { RUN_TEXT } from './messages.ts'
import type { Load, TrackedProcess } from './records.ts'

/** One evaluation of a module's code in one realm. */
interface Evaluation {
  /** The loaded file that carried it, as printed. */
  file: string
  query: string
  /** ms since its process started. */
  at: number
  how: HowLoaded
  /** The file that imported or required it, as printed. */
  by: string | null
  /** The module as this copy names it (`name@version/subpath` for an installed package). */
  module: string
  /** The `--dist` folder holding the file, when one does. */
  dist: string | null
}

/** A module whose code was evaluated more than once in one realm. */
export interface RunFinding {
  code: typeof CODES.SINGLETON_DUPLICATED_AT_RUNTIME
  severity: 'error'
  module: string
  key: string
  pid: number
  threadId: number
  realm: string
  causes: string[]
  fixes: string[]
  evaluations: Evaluation[]
  /** Named by `--singletons`, or declared in a `--dist` folder's report. */
  declared: boolean
  /** Holds top-level state; null when its code could not tell (see rank.ts). */
  stateful: boolean | null
  /** What makes it stateful, in a few words (`` `pending` new Map() (line 3) ``), or why it cannot be told. */
  state: string | null
}

/** A module evaluated once in each of several realms of one process: by design, never a duplicate. */
export interface SeparateRealms {
  module: string
  key: string
  pid: number
  realms: string[]
}

export interface TimelineEntry {
  pid: number
  threadId: number
  at: number
  file: string
  query: string
  how: HowLoaded
  by: string | null
  specifier: string | null
  /** Null for a process that was not judged (its files were not read). */
  attributedBy: AttributedBy | null
  modules: string[]
}

export interface RunJudgement {
  findings: RunFinding[]
  separateRealms: SeparateRealms[]
  unattributed: { file: string; reason: string }[]
  timeline: TimelineEntry[]
  judged: TrackedProcess[]
  /** With `--dist`: processes that loaded nothing from the folders (a package manager, a shell tool). */
  notJudged: TrackedProcess[]
  /** Every module evaluated in a judged realm, by key. */
  modules: Map<string, ModuleIdentity>
}

interface Placed {
  load: Load
  held: HeldCopy
  dist: string | undefined
  format: 'esm' | 'cjs' | undefined
  evaluation: Evaluation
}

/**
 * Per realm (a process's main thread, each worker), every module whose code ran more than once:
 * two files holding its code, or one file loaded again as a new module record. Files that only
 * re-export, rolldown's runtime and data hold no module, so they never count; chunks the audit
 * groups as one copy (a factory shared through rolldown's registry) count once.
 */
export function judgeRun(
  processes: readonly TrackedProcess[],
  attribution: LoadedAttribution,
  kinds: LoadKinds,
): RunJudgement {
  const judged = attribution.dists
    ? processes.filter((tracked) =>
        tracked.realms.some((realm) => realm.loads.some((load) => attribution.distOf(load.file))),
      )
    : [...processes]
  const judgedSet = new Set(judged)
  const findings: RunFinding[] = []
  const separateRealms: SeparateRealms[] = []
  const unattributed = new Map<string, string>()
  const timeline: TimelineEntry[] = []
  const modules = new Map<string, ModuleIdentity>()

  for (const tracked of processes) {
    const { record } = tracked
    const judging = judgedSet.has(tracked)
    const realmsOf = new Map<string, { display: string; realms: string[] }>()
    for (const realm of tracked.realms) {
      const label = realmLabel(record, realm.threadId)
      const byKey = new Map<string, { display: string; placed: Map<string, Placed> }>()
      const occurrences = new Map<string, number>()
      for (const load of realm.loads) {
        const how = kinds.of(load)
        const entry: TimelineEntry = {
          pid: record.pid,
          threadId: realm.threadId,
          at: load.at,
          file: displayFile(load.file),
          query: load.query,
          how,
          // `--import-all`'s parent is the tracker itself: no file of the program.
          by: load.parent === null || how === 'import-all' ? null : displayFile(load.parent),
          specifier: load.specifier,
          attributedBy: null,
          modules: [],
        }
        timeline.push(entry)
        if (!judging) continue
        const code = attribution.attribute(load.file, load.format)
        entry.attributedBy = code.attributedBy
        entry.modules = code.modules.map((held) => held.module)
        if (code.attributedBy === 'none') unattributed.set(entry.file, code.reason ?? 'unknown')
        const url = load.file + load.query
        const nth = (occurrences.get(url) ?? 0) + 1
        occurrences.set(url, nth)
        for (const held of code.modules) {
          modules.set(held.key, held.identity)
          let module = byKey.get(held.key)
          if (!module) byKey.set(held.key, (module = { display: held.display, placed: new Map() }))
          // One copy loaded through several of its chunks is one evaluation; the same file loaded
          // again (a cache reset, a query) is another.
          const evaluationKey = `${held.copy}\0${load.query}\0${nth}`
          if (module.placed.has(evaluationKey)) continue
          module.placed.set(evaluationKey, {
            load,
            held,
            dist: code.dist,
            format: code.format,
            evaluation: {
              file: entry.file,
              query: load.query,
              at: load.at,
              how,
              by: entry.by,
              module: held.module,
              dist: code.dist ?? null,
            },
          })
        }
      }
      for (const [key, module] of byKey) {
        let seen = realmsOf.get(key)
        if (!seen) realmsOf.set(key, (seen = { display: module.display, realms: [] }))
        seen.realms.push(label)
        if (module.placed.size < 2) continue
        const placed = [...module.placed.values()].sort((a, b) => a.load.at - b.load.at)
        const reasons = uniqueCauses(placed, attribution.dists?.findings ?? [])
        findings.push({
          code: CODES.SINGLETON_DUPLICATED_AT_RUNTIME,
          severity: 'error',
          module: module.display,
          key,
          pid: record.pid,
          threadId: realm.threadId,
          realm: label,
          causes: reasons.map((reason) => reason.cause),
          fixes: reasons.map((reason) => reason.fix),
          evaluations: placed.map((one) => one.evaluation),
          declared: false,
          stateful: null,
          state: null,
        })
      }
    }
    for (const [key, seen] of realmsOf) {
      if (seen.realms.length > 1)
        separateRealms.push({ module: seen.display, key, pid: record.pid, realms: seen.realms })
    }
  }
  return {
    findings,
    separateRealms,
    unattributed: [...unattributed].map(([file, reason]) => ({ file, reason })),
    timeline,
    judged,
    notJudged: processes.filter((tracked) => !judgedSet.has(tracked)),
    modules,
  }
}

/** Why each further evaluation exists, compared with the first; each reason once. */
function uniqueCauses(placed: readonly Placed[], audited: readonly AuditFinding[]): { cause: string; fix: string }[] {
  const first = placed[0] as Placed
  const reasons = new Map<string, string>()
  for (const other of placed.slice(1)) {
    const { cause, fix } = causeOf(first, other, audited)
    if (!reasons.has(cause)) reasons.set(cause, fix)
  }
  return [...reasons].map(([cause, fix]) => ({ cause, fix }))
}

function causeOf(a: Placed, b: Placed, audited: readonly AuditFinding[]): { cause: string; fix: string } {
  const named = (cause: Cause) => ({ cause: CAUSE_TITLES[cause], fix: FIXES[cause] })
  if (a.load.file === b.load.file) return { cause: RUN_TEXT.reloaded, fix: RUN_TEXT.reloadedFix }
  const [first, second] = [a.held.identity, b.held.identity]
  // Two files of the module (two installs, a package's two builds, its source and its build).
  if (first.realpath !== second.realpath) {
    const copy = (identity: ModuleIdentity) => ({
      identity,
      chunks: [],
      sharedFactory: false,
      builtFrom: undefined,
      chain: [],
    })
    return named(causeBetween(copy(first), copy(second)))
  }
  // One source file bundled into two loaded files.
  if (a.dist && b.dist && a.dist === b.dist && a.format === b.format) {
    const finding = audited.find((one) => one.key === a.held.key && one.code === CODES.SINGLETON_DUPLICATED)
    return named(finding?.causes[0] ?? (first.id === second.id ? 'one-id-several-chunks' : 'same-file-two-ids'))
  }
  if (a.dist && a.dist === b.dist) return named('separate-formats')
  if (a.format && b.format && a.format !== b.format && !(a.dist || b.dist)) return named('separate-formats')
  return named('separate-builds')
}
