/** What comes before a module's first statement: its hashbang, comments and directives. */
interface Prologue {
  /** Comments in order; a block comment's text without its `/*` and `*\/`. */
  comments: { text: string; block: boolean }[]
  /** Where the first statement may start: after the hashbang and the last directive. */
  end: number
}

/**
 * Reads the prologue: a hashbang, then whitespace, comments and directives (`'use strict'`,
 * `'use client'`) up to the first other statement. A directive ends its statement:
 * `'use strict' + x` is an expression, so it ends the prologue.
 */
export function readPrologue(code: string): Prologue {
  let index = code.startsWith('#!') ? code.indexOf('\n') + 1 || code.length : 0
  const prologue: Prologue = { comments: [], end: index }
  while (index < code.length) {
    if (/\s/.test(code[index] as string)) {
      index++
    } else if (code.startsWith('//', index)) {
      const end = code.indexOf('\n', index)
      prologue.comments.push({ text: code.slice(index + 2, end === -1 ? code.length : end), block: false })
      index = end === -1 ? code.length : end + 1
    } else if (code.startsWith('/*', index)) {
      const end = code.indexOf('*/', index + 2)
      if (end === -1) break
      prologue.comments.push({ text: code.slice(index + 2, end), block: true })
      index = end + 2
    } else {
      const directive = /^(['"])use [\w -]+\1[ \t]*(?:;|(?=\r?\n|$|\/[/*]))/.exec(code.slice(index, index + 60))
      if (!directive) break
      index += directive[0].length
      prologue.end = index
    }
  }
  return prologue
}
