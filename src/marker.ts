import type { Plugin } from 'rolldown'
import { PLUGIN_NAME } from './messages.ts'

/**
 * `// @singleton` or `/* @singleton *\/` among the comments before the first statement.
 * Directives ('use strict') and a hashbang may come first; anything later does not count.
 */
export function hasSingletonMarker(code: string): boolean {
  let index = code.startsWith('#!') ? code.indexOf('\n') + 1 || code.length : 0
  while (index < code.length) {
    const char = code[index] as string
    if (/\s/.test(char)) {
      index++
    } else if (code.startsWith('//', index)) {
      const end = code.indexOf('\n', index)
      const text = code.slice(index + 2, end === -1 ? code.length : end)
      if (text.trim() === '@singleton') return true
      index = end === -1 ? code.length : end + 1
    } else if (code.startsWith('/*', index)) {
      const end = code.indexOf('*/', index + 2)
      if (end === -1) return false
      const text = code.slice(index + 2, end).replace(/^\s*\*+/gm, '')
      if (text.trim() === '@singleton') return true
      index = end + 2
    } else {
      const directive = /^(['"])use [\w ]+\1;?/.exec(code.slice(index, index + 40))
      if (!directive) return false
      index += directive[0].length
    }
  }
  return false
}

/**
 * Records modules that declare themselves singletons. The native `code` filter means the JS
 * handler runs only for the few files that mention the marker; the handler checks its place.
 */
export function markerPlugin(markedIds: Set<string>, fileChanged: (file: string) => void): Plugin {
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
    watchChange(id) {
      fileChanged(id)
    },
  }
}
