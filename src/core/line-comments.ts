/**
 * The `//` comments that start a line, told apart from text that only looks like one: a line of
 * a template literal, of a block comment, or of a string continued with `\`. Bundlers print their
 * per-module comments there (`//#region src/a.ts`, `// src/a.ts`); a template literal in the
 * user's code can hold the very same line.
 *
 * A lexer, not a parser: it follows strings, template literals (with their `${}` nesting),
 * comments and regular expressions, which is all that decides whether a line start is code. A
 * regular expression is told from a division by the token before it, the usual rule; it cannot
 * span lines, so a wrong guess is confined to one line. It reads megabytes of chunks at several
 * hundred megabytes a second, with no allocation per token: a full parser (oxc-parser) costs
 * several times more on a large dist and fails on chunks of tens of megabytes.
 */

export interface LineComment {
  /** Offset of the first `/`. */
  start: number
  /** The text after `//`, without the line break. */
  text: string
  /** Tokens of code (outside comments) before the comment: equal counts mean no code between. */
  codeBefore: number
}

interface LineComments {
  comments: LineComment[]
  /** Tokens of code in the whole text, counted as for `codeBefore`. */
  codeTokens: number
}

const NONE: LineComments = { comments: [], codeTokens: 0 }

/**
 * The line-start comments whose text `accept` takes (it sees the text after `//`), that are
 * comments to the parser. Text without such a line is not lexed at all.
 */
export function lineStartComments(code: string, accept: (text: string) => boolean): LineComments {
  const candidates: number[] = []
  const texts: string[] = []
  let at = code.startsWith('//') ? 0 : code.indexOf('\n//')
  if (at > 0) at++
  while (at !== -1) {
    let end = code.indexOf('\n', at)
    if (end === -1) end = code.length
    const text = code.slice(at + 2, code.charCodeAt(end - 1) === CR ? end - 1 : end)
    if (accept(text)) {
      candidates.push(at)
      texts.push(text)
    }
    at = code.indexOf('\n//', end - 1)
    if (at !== -1) at++
  }
  if (candidates.length === 0) return NONE
  const { real, codeBefore, codeTokens } = lex(code, candidates)
  const comments: LineComment[] = []
  for (let index = 0; index < candidates.length; index++) {
    if (real[index] === 1) {
      comments.push({
        start: candidates[index] as number,
        text: texts[index] as string,
        codeBefore: codeBefore[index] as number,
      })
    }
  }
  return { comments, codeTokens }
}

const TAB = 9
const LF = 10
const CR = 13
const SPACE = 32
const DOUBLE_QUOTE = 34
const HASH = 35
const DOLLAR = 36
const QUOTE = 39
const CLOSE_PAREN = 41
const STAR = 42
const DOT = 46
const SLASH = 47
const OPEN_BRACKET = 91
const BACKSLASH = 92
const CLOSE_BRACKET = 93
const BACKTICK = 96
const OPEN_BRACE = 123
const CLOSE_BRACE = 125

/** Words after which a `/` starts a regular expression, not a division. */
const REGEX_AFTER = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
])

function isWordChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === DOLLAR ||
    c === 95 ||
    c === HASH ||
    c >= 128
  )
}

/** A template literal's end (after the backtick), or its next `${` as a negative offset (after the brace). */
function templateEnd(code: string, from: number): number {
  const n = code.length
  for (let j = from; j < n; j++) {
    const c = code.charCodeAt(j)
    if (c === BACKSLASH) j++
    else if (c === BACKTICK) return j + 1
    else if (c === DOLLAR && code.charCodeAt(j + 1) === OPEN_BRACE) return -(j + 2)
  }
  return n
}

/** A string literal's end; an unescaped line break ends it too (broken input must not swallow the file). */
function stringEnd(code: string, from: number, quote: number): number {
  const n = code.length
  for (let j = from; j < n; j++) {
    const c = code.charCodeAt(j)
    if (c === BACKSLASH) j++
    else if (c === quote) return j + 1
    else if (c === LF) return j
  }
  return n
}

/** A regular expression's end (after its flags), or -1 when the line ends first: then it was a division. */
function regexEnd(code: string, from: number): number {
  const n = code.length
  let inClass = false
  for (let j = from; j < n; j++) {
    const c = code.charCodeAt(j)
    if (c === LF || c === CR) return -1
    if (c === BACKSLASH) j++
    else if (c === OPEN_BRACKET) inClass = true
    else if (c === CLOSE_BRACKET) inClass = false
    else if (c === SLASH && !inClass) {
      let end = j + 1
      while (end < n && isWordChar(code.charCodeAt(end))) end++
      return end
    }
  }
  return -1
}

function lex(
  code: string,
  candidates: readonly number[],
): { real: Uint8Array; codeBefore: Float64Array; codeTokens: number } {
  const real = new Uint8Array(candidates.length)
  const codeBefore = new Float64Array(candidates.length)
  const n = code.length
  const last = candidates.length
  let next = 0
  let count = 0
  // What the previous token allows a `/` to be.
  let regexAllowed = true
  // The previous token was a word: a `/` after it is a division unless the word is a keyword.
  let wordStart = -1
  let wordEnd = -1
  let afterDot = false
  // Open `${` substitutions: the brace depth of the code around each.
  const outer: number[] = []
  let depth = 0
  let i = code.startsWith('#!') ? code.indexOf('\n') : 0
  if (i === -1) i = n
  // Passes the candidates a jump went over: they lie inside a string, template, comment or regex.
  const skipTo = (position: number) => {
    while (next < last && (candidates[next] as number) < position) next++
  }
  while (i < n) {
    const c = code.charCodeAt(i)
    if (c === SPACE || c === LF || c === TAB || c === CR) {
      i++
      continue
    }
    if (c === SLASH) {
      const d = code.charCodeAt(i + 1)
      if (d === SLASH) {
        if (next < last && candidates[next] === i) {
          real[next] = 1
          codeBefore[next] = count
          next++
        }
        const end = code.indexOf('\n', i)
        i = end === -1 ? n : end
        continue
      }
      if (d === STAR) {
        const end = code.indexOf('*/', i + 2)
        i = end === -1 ? n : end + 2
        skipTo(i)
        continue
      }
      count++
      const regex =
        regexAllowed ||
        (wordStart !== -1 && !afterDot && wordEnd - wordStart <= 10 && REGEX_AFTER.has(code.slice(wordStart, wordEnd)))
      const end = regex ? regexEnd(code, i + 1) : -1
      wordStart = -1
      if (end !== -1) {
        i = end
        regexAllowed = false
        skipTo(i)
      } else {
        i++
        regexAllowed = true
      }
      afterDot = false
      continue
    }
    count++
    if (isWordChar(c)) {
      let end = i + 1
      while (end < n && isWordChar(code.charCodeAt(end))) end++
      wordStart = i
      wordEnd = end
      regexAllowed = false
      i = end
      continue
    }
    // A word ends here: `afterDot` said whether it was a property name.
    const wasDot = c === DOT
    wordStart = -1
    if (c === QUOTE || c === DOUBLE_QUOTE) {
      i = stringEnd(code, i + 1, c)
      regexAllowed = false
      skipTo(i)
    } else if (c === BACKTICK) {
      i = readTemplate(i + 1, false)
    } else if (c === OPEN_BRACE) {
      depth++
      regexAllowed = true
      i++
    } else if (c === CLOSE_BRACE) {
      if (depth === 0 && outer.length > 0) {
        // The end of a `${...}`: back into the template literal.
        i = readTemplate(i + 1, true)
      } else {
        if (depth > 0) depth--
        regexAllowed = true
        i++
      }
    } else {
      regexAllowed = c !== CLOSE_PAREN && c !== CLOSE_BRACKET
      i++
    }
    afterDot = wasDot
  }
  // The candidates left were never reached in code (inside an unterminated string or comment).
  return { real, codeBefore, codeTokens: count }

  /**
   * Reads a template literal's text from `from` (just after its backtick, or after the `}` that
   * closed one of its substitutions); returns where code resumes.
   */
  function readTemplate(from: number, resumed: boolean): number {
    const end = templateEnd(code, from)
    if (end >= 0) {
      // Closed: back to the code around the template, which reads it as a value.
      if (resumed) depth = outer.pop() as number
      regexAllowed = false
      skipTo(end)
      return end
    }
    // A `${`: code until its closing brace, at a depth of its own.
    if (!resumed) outer.push(depth)
    depth = 0
    regexAllowed = true
    skipTo(-end)
    return -end
  }
}
