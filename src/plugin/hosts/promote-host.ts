import type { OutputBundle, OutputOptions, PluginContext } from 'rolldown'
import { CODES, promoteIncomplete } from '../../core/messages.ts'
import type { SingletonIndex } from '../../core/singleton-index.ts'
import { evaluatesFile } from './loader-queries.ts'
import { bundlerOf, type Bundler, type RollupPinning } from './rollup-promote.ts'
import { environmentOf, realmOf } from './vite-environment.ts'

/** What promote needs to know about the build it runs in. */
export interface PromotionHost {
  bundler: Bundler
  /** Vite's root, against which Vite resolves the entries it was given; undefined elsewhere. */
  root: string | undefined
  /** How messages name the host: Vite, Rollup or rolldown. */
  label: string
  /** The realm of an output with these entries (see vite-environment.ts). */
  realm: (entryIds: readonly string[]) => string
  /** Takes what Rollup's pinning gave and returns the options to set; remembers why it could not. */
  pinned: (pinning: RollupPinning) => OutputOptions
  /** Why singletons could not be pinned into chunks of their own, when the host said so. */
  cannotPin: string | undefined
  /**
   * The output being written has no lazy chunks to strand (one file, `inlineDynamicImports`) or
   * gives every module its own file (`preserveModules`): nothing is promoted, nothing is missed.
   */
  oneFilePerModuleOrNone: boolean
}

/** Read from the `options` hook's context, where Vite has set `this.environment`. */
export function promotionHostOf(context: object): PromotionHost {
  const environment = environmentOf(context)
  const bundler = bundlerOf(context)
  const host: PromotionHost = {
    bundler,
    root: environment?.config?.root,
    label: environment ? 'Vite' : bundler === 'rollup' ? 'Rollup' : 'rolldown',
    realm: (entryIds) => realmOf(environment, entryIds),
    cannotPin: undefined,
    oneFilePerModuleOrNone: false,
    pinned(pinning) {
      host.cannotPin = 'cannot' in pinning ? pinning.cannot : undefined
      return 'cannot' in pinning ? {} : { manualChunks: pinning.manualChunks }
    },
  }
  return host
}

/** A singleton's id that evaluates its code here: not `?raw` data, not a `?worker` wrapper. */
export function singletonEvaluatedHere(context: PluginContext, id: string, index: SingletonIndex): boolean {
  const identity = index.resolver.identify(id)
  return identity === null || evaluatesFile(identity, context.getModuleInfo(id)?.code)
}

/** The stable names whose module is in some chunk of this output (the rest were tree-shaken away). */
export function namesInOutput(bundle: OutputBundle, names: readonly ReadonlyMap<string, string>[]): Set<string> {
  const present = new Set<string>()
  for (const item of Object.values(bundle)) {
    if (item.type !== 'chunk') continue
    for (const id of item.moduleIds)
      for (const byId of names) {
        const name = byId.get(id)
        if (name !== undefined) present.add(name)
      }
  }
  return present
}

/**
 * The promotions that happened: a module promote planned and the output holds, but whose chunk
 * did not get the stable name, is said in a warning and left out of what `SINGLETON_PROMOTED`
 * and the report claim. A module the output does not hold (tree-shaken away) is left out silently.
 */
export function promotedAsHostAllows<T extends { name: string; module: string; reason: string; fileName?: string }>(
  context: PluginContext,
  promotions: readonly T[],
  host: PromotionHost,
  present: ReadonlySet<string>,
): T[] {
  const missed = host.oneFilePerModuleOrNone
    ? []
    : promotions.filter((promotion) => promotion.fileName === undefined && present.has(promotion.name))
  if (missed.length > 0) {
    context.warn({
      code: CODES.SINGLETON_PROMOTE_INCOMPLETE,
      message: promoteIncomplete(missed, host.label, host.cannotPin),
    })
  }
  return promotions.filter((promotion) => promotion.fileName !== undefined)
}
