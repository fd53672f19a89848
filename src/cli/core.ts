/**
 * The one bridge from the CLI to the shared core: identity, patterns, verdicts and their words.
 * When the core moves, only these paths change.
 */
export {
  IdentityResolver,
  displayModule,
  displayPath,
  isVirtualId,
  stripQuery,
  type ModuleIdentity,
  type PackageInfo,
} from '../identity.ts'
export { SingletonMatcher } from '../singletons.ts'
export { judgeAcross, judgeWithin, type Finding, type FindingCopy } from '../verdicts.ts'
export type { ChainStep, Copy, OutputMap, TrackedModule } from '../chunk-map.ts'
export { CAUSE_TITLES, CODES, FACADE_NOTE, PREFIX, type Cause } from '../messages.ts'
export { explainFinding, formatChain } from '../explain.ts'
export { REPORT_VERSION } from '../report.ts'
