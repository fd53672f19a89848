import type { OutputBundle, PluginContext } from 'rolldown'
import { entryIdsOf } from '../../chunk-map.ts'
import { evaluatesFile } from './loader-queries.ts'
import type { OutputHost } from './output-host.ts'
import { environmentOf, realmOf } from './vite-environment.ts'

/** The host of the output being generated, read from the hook's context. */
export function outputHostOf(context: PluginContext, bundle: OutputBundle): OutputHost {
  const environment = environmentOf(context)
  return {
    realm: realmOf(environment, environment ? entryIdsOf(bundle) : []),
    evaluates: (identity) => evaluatesFile(identity, codeOf(context, identity.id)),
  }
}

function codeOf(context: PluginContext, id: string): string | null | undefined {
  return context.getModuleInfo(id)?.code
}
