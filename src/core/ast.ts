import type * as OxcParser from 'oxc-parser'
import { loadOnUse } from './load-on-use.ts'

// Only sources that need it are parsed (a singleton with copies, a module with copies).
const oxcParser = loadOnUse<typeof OxcParser>('oxc-parser')

/** The AST is ESTree (TS-ESTree for TypeScript); only the fields read are typed. */
export interface Node {
  type: string
  start: number
  end: number
  [field: string]: unknown
}

type SourceType = 'module' | 'commonjs' | 'script'

let rawTransfer: boolean | undefined

type Parsed = { ok: true; body: Node[]; sourceType: SourceType } | { ok: false; reason: string }

/**
 * Parses a module's code, the language taken from the file name (`.ts`, `.tsx`, `.jsx`...). ES module
 * syntax first; code that is only valid as CommonJS (a top-level `return`) or as a sloppy script
 * (`with`, legacy octal literals) is parsed as such, `.cjs` files as CommonJS first.
 */
export function parseModule(fileName: string, code: string, preserveParens = true): Parsed {
  const order: SourceType[] = /\.c[jt]s$/.test(fileName) ? ['commonjs', 'script'] : ['module', 'commonjs', 'script']
  let firstError: string | undefined
  const parser = oxcParser()
  // The AST handed over as a buffer, not as JSON to parse again, where the runtime allows it.
  rawTransfer ??= parser.rawTransferSupported()
  for (const sourceType of order) {
    // An experimental option, not in the parser's types: passed as a variable.
    const options = { sourceType, preserveParens, experimentalRawTransfer: rawTransfer }
    const parsed = parser.parseSync(fileName, code, options)
    if (parsed.errors.length === 0) {
      return { ok: true, body: (parsed.program as unknown as { body: Node[] }).body, sourceType }
    }
    firstError ??= parsed.errors[0]?.message
  }
  return { ok: false, reason: firstError ?? 'it could not be parsed' }
}

/** Sees through parentheses and TypeScript's `as`, `satisfies`, `!` and `<T>x`. */
export function unwrap(node: Node): Node {
  let current = node
  while (
    current.type === 'ParenthesizedExpression' ||
    current.type === 'TSAsExpression' ||
    current.type === 'TSSatisfiesExpression' ||
    current.type === 'TSNonNullExpression' ||
    current.type === 'TSTypeAssertion' ||
    current.type === 'TSInstantiationExpression'
  ) {
    current = current.expression as Node
  }
  return current
}

/** `Symbol.for('key')` with a string literal: the key. */
export function symbolForKey(node: Node | null | undefined): string | undefined {
  if (!node) return undefined
  const call = unwrap(node)
  if (call.type !== 'CallExpression') return undefined
  const callee = unwrap(call.callee as Node)
  const args = call.arguments as Node[]
  const isSymbolFor =
    callee.type === 'MemberExpression' &&
    callee.computed === false &&
    (callee.object as Node).type === 'Identifier' &&
    (callee.object as Node).name === 'Symbol' &&
    (callee.property as Node).name === 'for'
  const key = args.length === 1 ? unwrap(args[0] as Node) : undefined
  return isSymbolFor && key?.type === 'Literal' && typeof key.value === 'string' ? key.value : undefined
}

/** Line numbers and trimmed line texts of a source, for evidence; the line index is built on first use. */
export class SourceLines {
  readonly #code: string
  #starts: number[] | undefined

  constructor(code: string) {
    this.#code = code
  }

  /** The 1-based line holding `offset`. */
  lineOf(offset: number): number {
    const starts = (this.#starts ??= lineStarts(this.#code))
    let low = 0
    let high = starts.length - 1
    while (low < high) {
      const middle = (low + high + 1) >> 1
      if ((starts[middle] as number) <= offset) low = middle
      else high = middle - 1
    }
    return low + 1
  }

  /** The trimmed line holding `offset`; on a long (minified) line, the part from `offset` on. */
  textAt(offset: number): string {
    const starts = (this.#starts ??= lineStarts(this.#code))
    const line = this.lineOf(offset)
    const start = starts[line - 1] as number
    const end = line < starts.length ? (starts[line] as number) - 1 : this.#code.length
    const text = this.#code.slice(start, end).trim()
    if (text.length <= 160) return text
    const from = this.#code.slice(offset, Math.min(end, offset + 120)).trim()
    return `${from}…`
  }
}

function lineStarts(code: string): number[] {
  const starts = [0]
  for (let index = code.indexOf('\n'); index !== -1; index = code.indexOf('\n', index + 1)) starts.push(index + 1)
  return starts
}
