/**
 * The one bridge from the CLI to the shared core: identity, patterns, the chunk map, verdicts and
 * their words. Nothing else in src/cli imports from ../core.
 */
export { IdentityResolver, displayModule } from '../core/identity.ts'
export { isFile, isVirtualId, splitQuery } from '../core/paths.ts'
export { PatternError, SingletonMatcher } from '../core/patterns.ts'
export { SingletonIndex } from '../core/singleton-index.ts'
export { sourcesOfBuiltFile } from '../core/built-from.ts'
export { holdsSharedRegistry, mapOutput } from '../core/chunk-map.ts'
export { moduleMarkersOf, moduleSectionsOf, type MarkedModule } from '../core/module-markers.ts'
export { classifyState, type StateVerdict } from '../core/state-classifier.ts'
export { causeBetween, judgeAcross, judgeWithin } from '../core/verdicts.ts'
export { CAUSE_TITLES, CODES, FIXES, PREFIX } from '../core/messages.ts'
export { explainFinding, formatChain } from '../core/explain.ts'
export type { Cause, ChainStep, ChunkInput, Finding, ModuleIdentity, OutputMap, StateEvidence } from '../core/types.ts'
