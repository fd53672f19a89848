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

/**
 * The stable names of promoted singletons that sit in a chunk which is not an entry: a hashed
 * shared chunk, renamed by every rebuild that changes it. (In an entry chunk, a singleton keeps
 * the entry's own name; a module the output does not hold was tree-shaken away.)
 */
export function singletonsInSharedChunks(
  bundle: OutputBundle,
  singletonNames: ReadonlyMap<string, string>,
): Set<string> {
  const found = new Set<string>()
  for (const item of Object.values(bundle)) {
    if (item.type !== 'chunk' || item.isEntry) continue
    for (const id of item.moduleIds) {
      const name = singletonNames.get(id)
      if (name !== undefined) found.add(name)
    }
  }
  return found
}

/**
 * Says which planned singletons did not get their stable file (Rollup with an object
 * `manualChunks`): they are left out of what `SINGLETON_PROMOTED` and the report claim, which
 * list only the files written under a stable name.
 */
export function warnUnpromotedSingletons(
  context: PluginContext,
  planned: readonly { name: string; module: string; reason: string }[],
  promoted: readonly { name: string }[],
  inSharedChunks: ReadonlySet<string>,
  host: PromotionHost,
): void {
  if (host.oneFilePerModuleOrNone) return
  const done = new Set(promoted.map((promotion) => promotion.name))
  const missed = planned.filter(
    (promotion) => promotion.reason === 'singleton' && !done.has(promotion.name) && inSharedChunks.has(promotion.name),
  )
  if (missed.length > 0) {
    context.warn({
      code: CODES.SINGLETON_PROMOTE_INCOMPLETE,
      message: promoteIncomplete(missed, host.label, host.cannotPin),
    })
  }
}
