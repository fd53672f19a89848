import { Visitor, parseSync, type Node } from 'oxc-parser'

/** How a chunk reaches another file. */
export type EdgeKind = 'static' | 'dynamic' | 'require'

export interface ChunkImport {
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
}

/**
 * Reads a chunk's imports, re-exports, dynamic imports and `require()` calls with oxc-parser:
 * one native pass handles ESM and CommonJS (es-module-lexer reads ESM only). The ESM statement
 * list comes from the parser's module record; the JS AST is only materialised when the chunk is
 * CommonJS, may call `require`, or may be a shim (small by definition), which keeps big chunks cheap.
 */
/** Larger chunks are never shims: a re-export list this long would be a generated barrel. */
const SHIM_SIZE_LIMIT = 256 * 1024

export function parseChunk(fileName: string, code: string): ParsedChunk {
  const result = parseSync(fileName, code, { sourceType: 'unambiguous', lang: 'js' })
  const fatal = result.errors.find((error) => error.severity === 'Error')
  if (fatal) throw new SyntaxError(fatal.message)
  const { module } = result
  const format = module.hasModuleSyntax ? 'esm' : 'cjs'
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

  // A shim is a handful of statements: only chunks that small, with an import, get their AST built.
  const mayBeShim = code.length <= SHIM_SIZE_LIMIT && (format === 'cjs' || imports.length > 0)
  // A plain substring test: the parser below decides what is really a call.
  const mayRequire = code.includes('require')
  let forwardsOnly = false
  if (mayBeShim || mayRequire) {
    const { program } = result
    if (mayRequire) imports.push(...requireCalls(program))
    if (mayBeShim) forwardsOnly = program.body.length > 0 && program.body.every(isForwardingStatement)
    if (forwardsOnly && !imports.some((entry) => entry.kind !== 'dynamic')) forwardsOnly = false
  }

  let sourceMappingUrl: string | undefined
  for (const comment of result.comments) {
    const value = comment.value.trim()
    for (const prefix of ['# sourceMappingURL=', '@ sourceMappingURL=']) {
      if (value.startsWith(prefix)) sourceMappingUrl = value.slice(prefix.length).trim()
    }
  }
  return { format, imports: unique(imports), computedDynamicImports, forwardsOnly, sourceMappingUrl }
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

function requireCalls(program: Node): ChunkImport[] {
  const found: ChunkImport[] = []
  new Visitor({
    CallExpression(node) {
      const { callee } = node
      const first = node.arguments[0]
      if (callee.type !== 'Identifier' || callee.name !== 'require' || node.arguments.length !== 1) return
      if (first?.type === 'Literal' && typeof first.value === 'string')
        found.push({ specifier: first.value, kind: 'require' })
    },
  }).visit(program as never)
  return found
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
