import { init, parse, type Import } from 'es-module-lexer'
import { Visitor, parseSync, rawTransferSupported, type Node } from 'oxc-parser'

/** How a chunk reaches another file. */
export type EdgeKind = 'static' | 'dynamic' | 'require'

interface ChunkImport {
  specifier: string
  kind: EdgeKind
}

export interface ParsedChunk {
  format: 'esm' | 'cjs'
  imports: ChunkImport[]
  /** `import(expression)` whose specifier is not a literal: cannot be followed. */
  computedDynamicImports: number
  /** Every statement only imports, re-exports or requires: a facade of another chunk's code. */
  forwardsOnly: boolean
  /** The `sourceMappingURL` comment's value, when present. */
  sourceMappingUrl: string | undefined
  /** No code at all (`export {}`, a directive, comments): nothing to attribute. */
  empty: boolean
}

await init

/**
 * Reads a chunk's imports, re-exports, dynamic imports and `require()` calls. ESM chunks go
 * through es-module-lexer (a real lexer, not a pattern: it tells strings, comments and regular
 * expressions from code, reports literal and computed `import()` specifiers, and whether a module
 * holds only import/export statements), an order of magnitude faster than building an AST for
 * megabytes of chunks. CommonJS chunks, which it cannot read, go through oxc-parser, whose AST
 * gives the `require()` calls and the statements of a CommonJS facade.
 */
export function parseChunk(fileName: string, code: string): ParsedChunk {
  const sourceMappingUrl = mappingUrlOf(code)
  const empty = code.length <= EMPTY_LIMIT && isEmptyModule(code)
  let lexed: ReturnType<typeof lex> | undefined
  try {
    lexed = lex(code)
  } catch {
    // Not valid ESM to the lexer: oxc-parser decides, and names the syntax error if there is one.
  }
  if (!lexed?.hasModuleSyntax) return { ...parseWithOxc(fileName, code), sourceMappingUrl, empty }
  const imports: ChunkImport[] = []
  let computedDynamicImports = 0
  for (const entry of lexed.imports) {
    if (entry.type === 'static' || entry.type === 'reexport-star') {
      imports.push({ specifier: entry.specifier, kind: 'static' })
    } else if (entry.type === 'dynamic') {
      if (entry.specifier === undefined || entry.glob) computedDynamicImports++
      else imports.push({ specifier: entry.specifier, kind: 'dynamic' })
    }
  }
  const hasStatic = imports.some((entry) => entry.kind === 'static')
  const onlyStatic = hasStatic && imports.every((entry) => entry.kind === 'static') && computedDynamicImports === 0
  let forwardsOnly = lexed.facade && onlyStatic
  // The lexer's facade test stops at a directive (`"use strict"`): small chunks with one are asked again.
  if (!forwardsOnly && onlyStatic && code.length <= SHIM_RECHECK_LIMIT && startsWithDirective(code)) {
    forwardsOnly = parseWithOxc(fileName, code).forwardsOnly
  }
  return { format: 'esm', imports: unique(imports), computedDynamicImports, forwardsOnly, sourceMappingUrl, empty }
}

/** Beyond this size a chunk is not read as a possibly empty module. */
const EMPTY_LIMIT = 512

/** Only comments, directives and `export {}`: rolldown writes such chunks for modules of types only. */
function isEmptyModule(code: string): boolean {
  const rest = code
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
    .replace(/(["'])use strict\1\s*;?|export\s*\{\s*\}\s*;?/g, '')
  return rest.trim() === ''
}

function lex(code: string): { imports: readonly Import[]; facade: boolean; hasModuleSyntax: boolean } {
  const [imports, , facade, hasModuleSyntax] = parse(code)
  return { imports, facade, hasModuleSyntax }
}

/** Beyond this size a chunk the lexer does not call a facade is not re-read as a possible shim. */
const SHIM_RECHECK_LIMIT = 16 * 1024

/** A directive prologue (`"use strict"`, `'use client'`) before the first statement, comments aside. */
function startsWithDirective(code: string): boolean {
  const start = code
    .slice(0, 2048)
    .replace(/^(?:\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*/, '')
    .charAt(0)
  return start === '"' || start === "'"
}

/**
 * oxc-parser hands the AST over from its native side through a shared buffer where Node allows it
 * (22 and later): several times faster than through JSON on the minified megabytes of a real dist.
 */
const OXC_OPTIONS = { sourceType: 'unambiguous', lang: 'js', experimentalRawTransfer: rawTransferSupported() } as const

function parseWithOxc(fileName: string, code: string): Omit<ParsedChunk, 'sourceMappingUrl' | 'empty'> {
  const result = parseSync(fileName, code, OXC_OPTIONS)
  const fatal = result.errors.find((error) => error.severity === 'Error')
  if (fatal) throw new SyntaxError(fatal.message)
  const { module } = result
  const imports: ChunkImport[] = []
  for (const statement of module.staticImports)
    imports.push({ specifier: statement.moduleRequest.value, kind: 'static' })
  for (const statement of module.staticExports) {
    for (const entry of statement.entries) {
      if (entry.moduleRequest) imports.push({ specifier: entry.moduleRequest.value, kind: 'static' })
    }
  }
  let computedDynamicImports = 0
  for (const dynamic of module.dynamicImports) {
    const specifier = literalText(code.slice(dynamic.moduleRequest.start, dynamic.moduleRequest.end))
    if (specifier === undefined) computedDynamicImports++
    else imports.push({ specifier, kind: 'dynamic' })
  }
  // The AST is only built (a large cost on a minified script of megabytes) when the text can hold CommonJS.
  const mayBeCommonJs = code.includes('require') || code.includes('exports')
  const program = mayBeCommonJs ? result.program : undefined
  const { requires, usesExports } = program ? commonJsOf(program) : { requires: [], usesExports: false }
  imports.push(...requires)
  const forwardsOnly =
    program !== undefined &&
    program.body.length > 0 &&
    program.body.every(isForwardingStatement) &&
    imports.some((entry) => entry.kind !== 'dynamic')
  return {
    // A script with neither ESM syntax nor CommonJS loads the same either way: it joins the ESM output.
    format:
      module.hasModuleSyntax || !(usesExports || requires.length > 0 || fileName.endsWith('.cjs')) ? 'esm' : 'cjs',
    imports: unique(imports),
    computedDynamicImports,
    forwardsOnly,
  }
}

/**
 * The `sourceMappingURL` of the chunk's last line comment. Only the tail is read: the comment
 * must be the last thing in the file, on a line of its own.
 */
function mappingUrlOf(code: string): string | undefined {
  const end = code.trimEnd().length
  const lineStart = code.lastIndexOf('\n', end - 1) + 1
  const line = code.slice(lineStart, end).trim()
  for (const prefix of ['//# sourceMappingURL=', '//@ sourceMappingURL=']) {
    if (line.startsWith(prefix)) {
      const url = line.slice(prefix.length).trim()
      if (url !== '' && !url.includes(' ')) return url
    }
  }
  return undefined
}

/** The value of a string or plain template literal, from the parser's span of the specifier. */
function literalText(text: string): string | undefined {
  const quote = text[0]
  if (text.length < 2 || text[text.length - 1] !== quote) return undefined
  if (quote !== '"' && quote !== "'" && quote !== '`') return undefined
  const inner = text.slice(1, -1)
  if (inner.includes('\\') || inner.includes(quote) || (quote === '`' && inner.includes('${'))) return undefined
  return inner
}

/** `require('x')` calls, and whether the code reads or writes `exports` / `module.exports`. */
function commonJsOf(program: Node): { requires: ChunkImport[]; usesExports: boolean } {
  const requires: ChunkImport[] = []
  let usesExports = false
  new Visitor({
    CallExpression(node) {
      const { callee } = node
      const first = node.arguments[0]
      if (callee.type !== 'Identifier' || callee.name !== 'require' || node.arguments.length !== 1) return
      if (first?.type === 'Literal' && typeof first.value === 'string')
        requires.push({ specifier: first.value, kind: 'require' })
    },
    MemberExpression(node) {
      if (node.object.type === 'Identifier' && (node.object.name === 'exports' || node.object.name === 'module'))
        usesExports = true
    },
  }).visit(program as never)
  return { requires, usesExports }
}

/** A statement that only forwards another module's bindings. */
function isForwardingStatement(statement: Node): boolean {
  switch (statement.type) {
    case 'ImportDeclaration':
    case 'ExportAllDeclaration':
    case 'EmptyStatement':
      return true
    case 'ExportNamedDeclaration':
      return statement.declaration === null
    case 'ExpressionStatement':
      return 'directive' in statement && typeof statement.directive === 'string'
        ? true
        : isCommonJsForwarding(statement.expression)
    case 'VariableDeclaration':
      return statement.declarations.every((declarator) => declarator.init !== null && isRequireCall(declarator.init))
    default:
      return false
  }
}

/** `module.exports = require('x')`, `exports.a = dep.a`, `Object.defineProperty(exports, ...)`. */
function isCommonJsForwarding(expression: Node): boolean {
  if (isRequireCall(expression)) return true
  if (expression.type === 'AssignmentExpression') {
    return (
      isExportsTarget(expression.left) && (isRequireCall(expression.right) || isMemberOfIdentifier(expression.right))
    )
  }
  if (expression.type === 'CallExpression' && expression.callee.type === 'MemberExpression') {
    const { object, property } = expression.callee
    const target = expression.arguments[0]
    return (
      object.type === 'Identifier' &&
      object.name === 'Object' &&
      property.type === 'Identifier' &&
      property.name === 'defineProperty' &&
      target !== undefined &&
      isExportsTarget(target)
    )
  }
  if (expression.type === 'SequenceExpression') return expression.expressions.every(isCommonJsForwarding)
  return false
}

function isExportsTarget(node: Node): boolean {
  if (node.type === 'Identifier') return node.name === 'exports'
  if (node.type !== 'MemberExpression') return false
  const { object, property } = node
  if (object.type === 'Identifier' && object.name === 'module')
    return property.type === 'Identifier' && property.name === 'exports'
  return isExportsTarget(object)
}

function isMemberOfIdentifier(node: Node): boolean {
  return node.type === 'MemberExpression' && (node.object.type === 'Identifier' || isMemberOfIdentifier(node.object))
}

function isRequireCall(node: Node): boolean {
  return (
    node.type === 'CallExpression' &&
    node.callee.type === 'Identifier' &&
    node.callee.name === 'require' &&
    node.arguments[0]?.type === 'Literal'
  )
}

function unique(imports: ChunkImport[]): ChunkImport[] {
  const seen = new Set<string>()
  return imports.filter((entry) => {
    const key = `${entry.kind}\0${entry.specifier}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
