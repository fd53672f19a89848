import type { Plugin } from 'rolldown'
import { PLUGIN_NAME } from './messages.ts'
import type { SingletonMatcher } from './singletons.ts'

/**
 * Collects the ids the singleton patterns may declare. rolldown tests the filter natively, so
 * the handler runs only for those few modules and no JavaScript runs for the rest; the check
 * then looks at nothing else. A `load` hook, not `transform`: it is handed the id alone, where
 * `transform` would copy each module's source into JavaScript. Returning null leaves loading
 * to rolldown and the other plugins.
 */
export function candidatesPlugin(matcher: SingletonMatcher, candidateIds: Set<string>): Plugin {
  const filter = matcher.nativeIdFilter()
  if (filter.length === 0) return { name: `${PLUGIN_NAME}:candidates` }
  return {
    name: `${PLUGIN_NAME}:candidates`,
    load: {
      order: 'pre',
      filter: { id: filter },
      handler(id) {
        candidateIds.add(id)
        return null
      },
    },
  }
}
