import type { Plugin } from 'rolldown'
import { PLUGIN_NAME } from './messages.ts'
import type { SingletonMatcher } from './singletons.ts'

/**
 * Collects the ids the singleton patterns may declare. rolldown tests the filter natively, so
 * the handler runs only for those few modules and no JavaScript runs for the rest; the check
 * then looks at nothing else.
 */
export function candidatesPlugin(matcher: SingletonMatcher, candidateIds: Set<string>): Plugin {
  const filter = matcher.nativeIdFilter()
  if (filter.length === 0) return { name: `${PLUGIN_NAME}:candidates` }
  return {
    name: `${PLUGIN_NAME}:candidates`,
    transform: {
      order: 'pre',
      filter: { id: filter },
      handler(_code, id) {
        candidateIds.add(id)
        return null
      },
    },
  }
}
