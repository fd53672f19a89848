/** `@singleton` as a tag: alone, or followed by a note (`@singleton one registry per process`). */
const TAG = /^@singleton(?:\s|$)/

/**
 * `// @singleton` or `/* @singleton *\/` among the comments before the first statement, as a tag
 * that starts the comment or one of a block comment's lines (a JSDoc block with a description
 * above it). Directives ('use strict') and a hashbang may come first; anything later does not count.
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
      if (TAG.test(text.trim())) return true
      index = end === -1 ? code.length : end + 1
    } else if (code.startsWith('/*', index)) {
      const end = code.indexOf('*/', index + 2)
      if (end === -1) return false
      const lines = code.slice(index + 2, end).split('\n')
      if (lines.some((line) => TAG.test(line.replace(/^\s*\*+/, '').trim()))) return true
      index = end + 2
    } else {
      const directive = /^(['"])use [\w ]+\1;?/.exec(code.slice(index, index + 40))
      if (!directive) return false
      index += directive[0].length
    }
  }
  return false
}
