import { IdentityResolver } from './core/identity.ts'
import { SingletonIndex } from './core/singleton-index.ts'
import { resolveOptions, type Options } from './options.ts'
import { checkPlugin } from './plugin/check.ts'
import { dedupePlugins } from './plugin/dedupe.ts'
import { DedupeLog } from './plugin/dedupe-log.ts'
import { hostCountPlugin } from './plugin/host-count.ts'
import { devServerPlugins } from './plugin/hosts/dev-server.ts'
import type { SingletonGuardPlugin } from './plugin/hosts/public-plugin.ts'
import { EnvironmentProgress, viteHostPlugin } from './plugin/hosts/vite-host.ts'
import { Ledger } from './plugin/ledger.ts'
import { markerPlugin } from './plugin/marker.ts'
import { promotePlugin } from './plugin/promote.ts'
import { runtimeGuardPlugins } from './runtime/plugin.ts'

export type {
  Options,
  PromoteOptions,
  Pattern,
  DuplicateMode,
  CrossMode,
  DetectMode,
  DedupeOptions,
  RuntimeGuardMode,
} from './options.ts'
export type { RuntimeGuardEvent, RuntimeEvaluation, Registry, RegistryListing } from './runtime/registry.ts'
export type { Cause, ChainStep, Finding, FindingCopy, Promotion, PromotionReason, StateEvidence } from './core/types.ts'
export type {
  SingletonReport,
  ReportOutput,
  ReportChunk,
  ReportSingleton,
  ReportDetected,
  ReportDedupe,
} from './core/report.ts'
export type { SingletonGuardPlugin } from './plugin/hosts/public-plugin.ts'
export type { MigrationView } from './core/migration.ts'
export { REPORT_VERSION } from './core/report.ts'
export { CODES } from './core/messages.ts'

/**
 * Fails (or warns about) a build in which a module that must be evaluated once per process
 * ends up in more than one copy. Place one instance in every config whose outputs meet in one
 * process: it compares them all. Works in rolldown, tsdown, Vite 8 (build and dev server) and
 * Rollup 4.
 */
export function singletonGuard(options: Options = {}): SingletonGuardPlugin[] {
  const resolved = resolveOptions(options)
  const markedIds = new Set<string>()
  const index = new SingletonIndex(resolved.matcher, new IdentityResolver(), markedIds, resolved.root)
  const ledger = new Ledger()
  const environments = new EnvironmentProgress()
  const dedupeLog = resolved.dedupe ? new DedupeLog() : undefined
  const plugins: SingletonGuardPlugin[] = [
    ...(resolved.dedupe && dedupeLog
      ? dedupePlugins({ dedupe: resolved.dedupe, root: resolved.root, index, log: dedupeLog })
      : []),
    hostCountPlugin(ledger),
    markerPlugin(markedIds, index),
    checkPlugin(
      { ...resolved, report: resolved.report, ...(dedupeLog ? { dedupeLog } : {}) },
      index,
      ledger,
      environments,
    ),
    viteHostPlugin(environments),
    ...devServerPlugins(resolved.singletons, resolved.root, index),
  ]
  if (resolved.promote) plugins.push(promotePlugin(resolved.root, resolved.promote, index, ledger))
  if (resolved.runtimeGuard) plugins.push(...runtimeGuardPlugins(resolved.runtimeGuard, resolved, index))
  return plugins
}

export default singletonGuard
