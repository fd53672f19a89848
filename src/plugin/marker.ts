import type { Plugin } from 'rolldown'
import { hasSingletonMarker } from '../core/marker.ts'
import { PLUGIN_NAME } from '../core/messages.ts'
import { realpathOrNull } from '../core/paths.ts'
import type { SingletonIndex } from '../core/singleton-index.ts'

/**
 * Records modules that declare themselves singletons. The native `code` filter means the JS
 * handler runs only for the few files that mention the marker; the handler checks its place.
 * When a watched file changes, the marks of every id loading it (twins too) are dropped and what
 * the index derived is forgotten, so removing `// @singleton` takes effect on the rebuild.
 */
export function markerPlugin(markedIds: Set<string>, index: SingletonIndex): Plugin {
  return {
    name: `${PLUGIN_NAME}:marker`,
    transform: {
      order: 'pre',
      // A plain string: rolldown tests it as a substring search, cheaper than a regular expression.
      filter: { code: '@singleton' },
      handler(code, id) {
        if (hasSingletonMarker(code)) markedIds.add(id)
        else markedIds.delete(id)
        return null
      },
    },
    watchChange(file) {
      const real = realpathOrNull(file) ?? file
      for (const id of markedIds) {
        const identity = index.resolver.identify(id)
        if (id === file || identity?.file === file || identity?.realpath === real) markedIds.delete(id)
      }
      index.forget(file)
    },
  }
}
