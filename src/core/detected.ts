import { CODES, detectedFix, unknownStateFix } from './messages.ts'
import type { StateVerdict } from './state-classifier.ts'
import type { DetectMode, Finding } from './types.ts'
import { sharingState } from './verdicts.ts'

/**
 * Findings about modules nobody declared: the same verdicts as for a declared singleton (copies,
 * causes, chains), then turned into what the module's state makes them. A copy of a stateful
 * module is reported at the `detect` level, never above the level the same copy of a declared
 * singleton gets (`onDuplicate`, `formats`, `builds`: `ignore` there drops it too); a module the
 * classifier cannot decide about is information; state kept on `globalThis[Symbol.for()]` is
 * shared, as for a declared singleton; a stateless module is not reported.
 */
export function asDetected(
  finding: Finding,
  verdict: StateVerdict,
  detect: Exclude<DetectMode, false>,
): Finding | undefined {
  switch (verdict.kind) {
    case 'stateless':
      return undefined
    case 'shared':
      return { ...sharingState(finding, verdict.reason), detected: true }
    case 'stateful':
      return {
        ...finding,
        code: CODES.SINGLETON_STATEFUL_DUPLICATED,
        severity: milder(detect, finding.severity),
        detected: true,
        evidence: verdict.evidence,
        fixes: [...finding.fixes, detectedFix(finding.module)],
      }
    case 'unsure':
    case 'unclassified':
      return {
        ...finding,
        code: CODES.SINGLETON_STATE_UNKNOWN,
        severity: 'info',
        detected: true,
        evidence: verdict.kind === 'unsure' ? verdict.evidence : [],
        stateUnknown: verdict.kind === 'unsure' ? verdict.reason : `could not classify it: ${verdict.reason}`,
        fixes: [unknownStateFix(finding.module)],
      }
  }
}

const SEVERITY_ORDER: Finding['severity'][] = ['info', 'warn', 'error']

function milder(a: Finding['severity'], b: Finding['severity']): Finding['severity'] {
  return SEVERITY_ORDER[Math.min(SEVERITY_ORDER.indexOf(a), SEVERITY_ORDER.indexOf(b))] as Finding['severity']
}

/**
 * One verdict for a module from those of its copies' sources (two installs are two files):
 * stateful when any copy is (its evidence), then unsure, could not classify, shared, stateless.
 */
export function verdictOfCopies(verdicts: readonly StateVerdict[]): StateVerdict {
  const stateful = verdicts.find((verdict) => verdict.kind === 'stateful')
  if (stateful) return stateful
  return (
    verdicts.find((verdict) => verdict.kind === 'unsure') ??
    verdicts.find((verdict) => verdict.kind === 'unclassified') ??
    verdicts.find((verdict) => verdict.kind === 'shared') ?? { kind: 'stateless' }
  )
}
