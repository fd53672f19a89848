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
