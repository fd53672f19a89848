import type { PluginContext } from 'rolldown'
import type { SingletonIndex } from '../../core/singleton-index.ts'
import { evaluatesFile } from './loader-queries.ts'
import { environmentOf, realmOf } from './vite-environment.ts'

/** Which bundler runs the build, as far as promote is concerned (Vite 8 runs rolldown). */
type Bundler = 'rolldown' | 'rollup'

/** What promote needs to know about the build it runs in. */
export interface PromotionHost {
  /** Vite's root, against which Vite resolves the entries it was given; undefined elsewhere. */
  root: string | undefined
  /** How messages name the host: Vite, Rollup or rolldown. */
  label: string
  /** The realm of an output with these entries (see vite-environment.ts). */
  realm: (entryIds: readonly string[]) => string
  /**
   * The output being written has no lazy chunks to strand (one file, `inlineDynamicImports`) or
   * gives every module its own file (`preserveModules`): nothing is promoted, nothing is missed.
   */
  oneFilePerModuleOrNone: boolean
}

/** rolldown sets `meta.rolldownVersion`; Rollup 4 does not. */
function bundlerOf(context: object): Bundler {
  const meta = (context as { meta?: { rolldownVersion?: unknown } }).meta
  return typeof meta?.rolldownVersion === 'string' ? 'rolldown' : 'rollup'
}

/** Read from the `options` hook's context, where Vite has set `this.environment`. */
export function promotionHostOf(context: object): PromotionHost {
  const environment = environmentOf(context)
  return {
    root: environment?.config?.root,
    label: environment ? 'Vite' : bundlerOf(context) === 'rollup' ? 'Rollup' : 'rolldown',
    realm: (entryIds) => realmOf(environment, entryIds),
    oneFilePerModuleOrNone: false,
  }
}

/** A singleton's id that evaluates its code here: not `?raw` data, not a `?worker` wrapper. */
export function singletonEvaluatedHere(context: PluginContext, id: string, index: SingletonIndex): boolean {
  const identity = index.resolver.identify(id)
  // Only a query twin can be data or a worker: nothing else pays for the module's code.
  return identity === null || identity.query === '' || evaluatesFile(identity, context.getModuleInfo(id)?.code)
}
