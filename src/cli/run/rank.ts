import type { ModuleIdentity } from '../core.ts'
import type { RunFinding } from './findings.ts'

interface RankBy {
  /** Named by `--singletons`, or declared by a `--dist` folder's report. */
  declared: (finding: RunFinding) => boolean
  /**
   * Whether the module holds top-level state (a Map, a registry), or undefined when unknown.
   * This is where the state classifier of issue 16 (`src/core/state-classifier.ts`) plugs in:
   * pass a function that reads the module's source; until then nothing is known.
   */
  holdsState?: (identity: ModuleIdentity | undefined) => boolean | undefined
}

/**
 * The order findings are printed in: declared singletons first, then modules known to hold
 * state (a copy of stateless code is a size matter, not a split), then the most evaluated, then
 * by name and realm. Fills each finding's `declared` and `stateful`.
 */
export function rank(
  findings: readonly RunFinding[],
  by: RankBy,
  identities: ReadonlyMap<string, ModuleIdentity>,
): RunFinding[] {
  const ranked = findings.map((finding) => ({
    ...finding,
    declared: by.declared(finding),
    stateful: by.holdsState?.(identities.get(finding.key)) ?? null,
  }))
  const score = (finding: RunFinding) => (finding.declared ? 2 : 0) + (finding.stateful ? 1 : 0)
  return ranked.sort(
    (a, b) =>
      score(b) - score(a) ||
      b.evaluations.length - a.evaluations.length ||
      a.module.localeCompare(b.module) ||
      a.pid - b.pid ||
      a.threadId - b.threadId,
  )
}
