import path from 'node:path'
import type * as OxcParser from 'oxc-parser'
import { loadOnUse } from './load-on-use.ts'

// Only read for the chunks that load an entry of a hand-kept list.
const oxcParser = loadOnUse<typeof OxcParser>('oxc-parser')

/**
 * Which exports of one chunk another chunk uses: every one (the module namespace escapes: it is
 * returned, passed on, stored), or the names it reads. What rolldown keeps of a dynamic entry is
 * what its importers use (`const { a } = await import('./x.js')` keeps `a` alone), so an entry of
 * a hand-kept list can only be deleted when its importers use all of its exports.
 */
type ExportsUsed = { all: true } | { all: false; names: Set<string> }

interface Node {
  type: string
  start: number
  [field: string]: unknown
}

const NOTHING = (): ExportsUsed => ({ all: false, names: new Set() })
const ALL: ExportsUsed = { all: true }

/**
 * The exports of the chunk `target` (a file name in the output, like `cli/daemon-cli.mjs`) that
 * the chunk `importer` (its code and file name) uses: through static imports and re-exports,
 * `import()` (ESM) or `Promise.resolve().then(() => require(...))` (rolldown's CommonJS).
 * Where a use cannot be read for certain, only the names read for certain count: the answer
 * errs towards "not every export", never towards "every export".
 */
export function exportsUsedFrom(importer: { fileName: string; code: string }, target: string): ExportsUsed {
  const parsed = oxcParser().parseSync(importer.fileName, importer.code, { sourceType: 'unambiguous' })
  if (parsed.errors.length > 0) return NOTHING()
  const program = parsed.program as unknown as Node
  const parents = new Map<Node, Node>()
  const loads: Node[] = []
  const used = NOTHING()
  const names = (used as { names: Set<string> }).names
  const isTarget = (specifier: unknown) =>
    typeof specifier === 'string' &&
    specifier.startsWith('.') &&
    path.posix.join(path.posix.dirname(importer.fileName), specifier) === target

  walk(program, undefined, (node, parent) => {
    if (parent) parents.set(node, parent)
    if (node.type === 'ImportDeclaration' || node.type === 'ExportNamedDeclaration') {
      if (!isTarget(literalValue(node.source))) return
      for (const specifier of (node.specifiers as Node[] | undefined) ?? []) {
        const imported = specifier.type === 'ExportSpecifier' ? specifier.local : specifier.imported
        if (specifier.type === 'ImportSpecifier' || specifier.type === 'ExportSpecifier') {
          names.add(nameOf(imported as Node))
        }
      }
    } else if (node.type === 'ImportExpression' && isTarget(literalValue(node.source))) loads.push(node)
    else if (isRequireCall(node) && isTarget(literalValue((node.arguments as Node[])[0]))) loads.push(node)
  })

  let all = false
  for (const load of loads) {
    const value = load.type === 'ImportExpression' ? load : promisedRequire(load, parents)
    const reads = value ? usesOfNamespacePromise(value, parents, program) : undefined
    if (reads === undefined) continue
    if (reads.all) all = true
    else for (const name of reads.names) names.add(name)
  }
  return all ? ALL : used
}

/** `Promise.resolve().then(() => require(x))`: the call whose value is the promised namespace. */
function promisedRequire(call: Node, parents: ReadonlyMap<Node, Node>): Node | undefined {
  const arrow = parents.get(call)
  if (arrow?.type !== 'ArrowFunctionExpression' || arrow.body !== call) return undefined
  const then = parents.get(arrow)
  if (then?.type !== 'CallExpression' || (then.arguments as Node[])[0] !== arrow) return undefined
  const callee = then.callee as Node
  return callee.type === 'MemberExpression' && propertyName(callee) === 'then' ? then : undefined
}

/** What is read of the namespace a promise (an `import()`) resolves to. */
function usesOfNamespacePromise(
  promise: Node,
  parents: ReadonlyMap<Node, Node>,
  program: Node,
): ExportsUsed | undefined {
  const parent = skipParentheses(promise, parents)
  if (parent === undefined) return ALL
  if (parent.node.type === 'AwaitExpression') return usesOfNamespace(parent.node, parents, program)
  if (parent.node.type === 'MemberExpression' && parent.node.object === parent.child) {
    if (propertyName(parent.node) !== 'then') return ALL
    const call = parents.get(parent.node)
    const callback = call?.type === 'CallExpression' ? ((call.arguments as Node[])[0] as Node | undefined) : undefined
    if (!callback || !isFunction(callback)) return ALL
    const param = (callback.params as Node[])[0]
    if (param === undefined) return NOTHING()
    return usesOfBinding(param, callback, program)
  }
  if (parent.node.type === 'ExpressionStatement') return NOTHING()
  return ALL
}

/** What is read of a namespace value (`await import(x)`), from where the value goes. */
function usesOfNamespace(value: Node, parents: ReadonlyMap<Node, Node>, program: Node): ExportsUsed | undefined {
  const parent = skipParentheses(value, parents)
  if (parent === undefined) return ALL
  const { node, child } = parent
  if (node.type === 'ExpressionStatement') return NOTHING()
  if (node.type === 'MemberExpression' && node.object === child) {
    const name = propertyName(node)
    return name === undefined ? ALL : { all: false, names: new Set([name]) }
  }
  if (node.type === 'VariableDeclarator' && node.init === child) {
    return usesOfBinding(node.id as Node, scopeOf(node, parents) ?? program, program)
  }
  return ALL
}

/**
 * What is read through a binding of the namespace: a destructuring pattern names what it reads;
 * a plain name is followed through its scope (every reference a static member read, or the
 * namespace escapes). A name declared again in the scope could hide another value: then only
 * what is certain counts, nothing.
 */
function usesOfBinding(binding: Node, scope: Node, program: Node): ExportsUsed {
  if (binding.type === 'ObjectPattern') {
    const names = new Set<string>()
    for (const property of binding.properties as Node[]) {
      if (property.type !== 'Property' || property.computed) return NOTHING()
      names.add(nameOf(property.key as Node))
    }
    return { all: false, names }
  }
  if (binding.type !== 'Identifier') return NOTHING()
  const name = binding.name as string
  const names = new Set<string>()
  let escapes = false
  let declarations = 0
  const parents = new Map<Node, Node>()
  walk(scope === program ? program : scope, undefined, (node, parent) => {
    if (parent) parents.set(node, parent)
  })
  for (const [node, parent] of parents) {
    if (node.type !== 'Identifier' || node.name !== name) continue
    if (isDeclarationOf(node, parent)) declarations++
    else if (parent.type === 'MemberExpression' && parent.object === node) {
      const read = propertyName(parent)
      if (read === undefined) escapes = true
      else names.add(read)
    } else if (!(parent.type === 'MemberExpression' && parent.property === node && !parent.computed)) {
      if (!(parent.type === 'Property' && parent.key === node && !parent.shorthand)) escapes = true
    }
  }
  if (declarations > 1) return NOTHING()
  return escapes ? ALL : { all: false, names }
}

function isDeclarationOf(node: Node, parent: Node): boolean {
  if (parent.type === 'VariableDeclarator' && parent.id === node) return true
  if (isFunction(parent) && (parent.params as Node[]).includes(node)) return true
  if ((parent.type === 'FunctionDeclaration' || parent.type === 'ClassDeclaration') && parent.id === node) return true
  return parent.type === 'CatchClause' && parent.param === node
}

/** The nearest function (or the program) around a declarator: where its name can be read. */
function scopeOf(node: Node, parents: ReadonlyMap<Node, Node>): Node | undefined {
  for (let at = parents.get(node); at; at = parents.get(at)) if (isFunction(at)) return at
  return undefined
}

function skipParentheses(node: Node, parents: ReadonlyMap<Node, Node>): { node: Node; child: Node } | undefined {
  let child = node
  let parent = parents.get(child)
  while (parent?.type === 'ParenthesizedExpression') {
    child = parent
    parent = parents.get(child)
  }
  return parent ? { node: parent, child } : undefined
}

function isFunction(node: Node): boolean {
  return (
    node.type === 'ArrowFunctionExpression' || node.type === 'FunctionExpression' || node.type === 'FunctionDeclaration'
  )
}

function isRequireCall(node: Node): boolean {
  if (node.type !== 'CallExpression') return false
  const callee = node.callee as Node
  return callee.type === 'Identifier' && callee.name === 'require' && (node.arguments as Node[]).length === 1
}

function propertyName(member: Node): string | undefined {
  const property = member.property as Node
  if (!member.computed) return property.type === 'Identifier' ? (property.name as string) : undefined
  return typeof literalValue(property) === 'string' ? (literalValue(property) as string) : undefined
}

function nameOf(node: Node): string {
  return node.type === 'Identifier' ? (node.name as string) : String(literalValue(node))
}

function literalValue(node: unknown): unknown {
  const value = node as Node | null | undefined
  if (value?.type === 'Literal') return value.value
  if (value?.type === 'TemplateLiteral' && (value.expressions as Node[]).length === 0) {
    return ((value.quasis as Node[])[0]?.value as { cooked?: string } | undefined)?.cooked
  }
  return undefined
}

function walk(node: Node, parent: Node | undefined, visit: (node: Node, parent: Node | undefined) => void): void {
  visit(node, parent)
  for (const key in node) {
    if (key === 'type' || key === 'start' || key === 'end') continue
    const value = node[key]
    if (Array.isArray(value)) {
      for (const item of value) if (item && typeof (item as Node).type === 'string') walk(item as Node, node, visit)
    } else if (value && typeof (value as Node).type === 'string') walk(value as Node, node, visit)
  }
}
