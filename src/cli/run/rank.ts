import type { RunFinding } from './findings.ts'

interface RankBy {
  /** Named by `--singletons`, or declared by a `--dist` folder's report. */
  declared: (finding: RunFinding) => boolean
  /** Whether the module holds top-level state (a Map, a registry) and why; `stateful: null` when its code cannot tell. */
  state?: (key: string) => { stateful: boolean | null; state: string | null } | undefined
}

/**
 * The order findings are printed in: declared singletons first, then modules known to hold
 * state (a copy of stateless code is a size matter, not a split), then the most evaluated, then
 * by name and realm. Fills each finding's `declared` and `stateful`.
 */
export function rank(findings: readonly RunFinding[], by: RankBy): RunFinding[] {
  const ranked = findings.map((finding) => ({
    ...finding,
    declared: by.declared(finding),
    ...(by.state?.(finding.key) ?? { stateful: null, state: null }),
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
