import type { Plugin } from 'rolldown'
import { checkPlugin } from './check.ts'
import { markerPlugin } from './marker.ts'
import { promotePlugin } from './promote.ts'
import { PLUGIN_NAME } from './messages.ts'
import { resolveOptions, type Options } from './options.ts'
import { Session } from './session.ts'
import { EnvironmentProgress, viteHostPlugin } from './plugin/hosts/vite-host.ts'
import { devServerPlugins } from './plugin/hosts/dev-server.ts'
import type { SingletonGuardPlugin } from './plugin/hosts/public-plugin.ts'

export type { Options, PromoteOptions, Pattern, DuplicateMode, CrossMode } from './options.ts'
export type { Finding, FindingCopy } from './verdicts.ts'
export type { Promotion, PromotionReason } from './promote.ts'
export type { SingletonReport } from './report.ts'
export { REPORT_VERSION } from './report.ts'
export { CODES } from './messages.ts'
export type { SingletonGuardPlugin } from './plugin/hosts/public-plugin.ts'

/** The tsdown hook we use, typed here so tsdown stays an optional peer. */
interface TsdownHooks {
  tsdownConfigResolved?: () => void
}

/**
 * Fails (or warns about) a build in which a module that must be evaluated once per process
 * ends up in more than one copy. Place one instance in every config whose outputs meet in one
 * process: it compares them all.
 */
export function singletonGuard(options: Options = {}): SingletonGuardPlugin[] {
  const resolved = resolveOptions(options)
  const session = new Session(resolved)
  const environments = new EnvironmentProgress()
  const host: Plugin & TsdownHooks = {
    name: `${PLUGIN_NAME}:host`,
    tsdownConfigResolved() {
      session.expectedOutputs++
    },
  }
  const plugins = [
    host,
    markerPlugin(session.markedIds, (file) => session.fileChanged(file)),
    checkPlugin(resolved, session, environments),
    viteHostPlugin(environments),
    ...devServerPlugins(resolved, session),
  ]
  if (resolved.promote) plugins.push(promotePlugin(resolved, resolved.promote, session))
  return plugins
}

export default singletonGuard
