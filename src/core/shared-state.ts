import { parseModule, symbolForKey, unwrap, type Node } from './ast.ts'

/**
 * Whether every copy of a module shares its state: true when the module keeps its state in a
 * process-wide slot, `globalThis[Symbol.for('key')]` (or on `process`, `global`, `self`), and
 * holds no state of its own at module level. Pure: decided from the module's source alone.
 */
export interface SharedStateVerdict {
  shared: boolean
  reason: string
  /** The slots the module keeps state in, as written (`globalThis[Symbol.for("app.store")]`). */
  slots: string[]
  /** The module holds state of its own at module level (a Map, a `let`, ...), which each copy duplicates. */
  holdsState: boolean
}

/** Objects that are one per process, whichever copy of a module reads them. */
const PROCESS_WIDE = new Set(['globalThis', 'global', 'process', 'self', 'window'])

export function sharedStateOf(code: string, fileName: string): SharedStateVerdict {
  // Only a singleton that has copies is parsed.
  const parsed = parseModule(fileName, code)
  if (!parsed.ok) {
    const reason = `its source could not be parsed (${parsed.reason})`
    return { shared: false, reason, slots: [], holdsState: true }
  }
  const body = parsed.body
  const symbolKeys = new Map<string, string>()
  for (const statement of body) {
    for (const declarator of declaratorsOf(statement)) {
      const id = declarator.id as Node
      const key = symbolForKey(declarator.init as Node | null)
      if (id.type === 'Identifier' && key !== undefined && declarationKind(statement) === 'const') {
        symbolKeys.set(id.name as string, key)
      }
    }
  }
  const slots = new Set<string>()
  const perCopy: string[] = []
  for (const statement of body) {
    const own = perCopyState(statement, symbolKeys, slots)
    if (own) perCopy.push(own)
  }
  const slotList = [...slots].sort()
  if (perCopy.length > 0) {
    const shared = slotList.length > 0 ? `its state on ${slotList.join(', ')} is shared, but ` : ''
    const reason = `${shared}${perCopy[0]}, and each copy has its own`
    return { shared: false, reason, slots: slotList, holdsState: true }
  }
  return slotsVerdict(slotList)
}

function slotsVerdict(slots: string[]): SharedStateVerdict {
  if (slots.length === 0) {
    return { shared: false, reason: 'it keeps no state on globalThis[Symbol.for(...)]', slots, holdsState: false }
  }
  return {
    shared: true,
    reason: `it keeps its state on ${slots.join(', ')}: one slot per process, which every copy reads and writes`,
    slots,
    holdsState: false,
  }
}

/**
 * The verdict for one install of a package declared as a whole, from each of its files bundled:
 * shared when no file holds state of its own and some keep it in a slot.
 */
export function sharedAcrossFiles(verdicts: readonly SharedStateVerdict[]): SharedStateVerdict {
  const holding = verdicts.find((verdict) => verdict.holdsState)
  if (holding) return holding
  return slotsVerdict([...new Set(verdicts.flatMap((verdict) => verdict.slots))].sort())
}

/** Copies share state when each copy's source does, in the very same slots. */
export function sharedAcrossCopies(verdicts: readonly SharedStateVerdict[]): SharedStateVerdict {
  const notShared = verdicts.find((verdict) => !verdict.shared)
  if (notShared || verdicts.length === 0) {
    return notShared ?? { shared: false, reason: 'no source', slots: [], holdsState: false }
  }
  const first = verdicts[0] as SharedStateVerdict
  const same = verdicts.every((verdict) => verdict.slots.join('\n') === first.slots.join('\n'))
  if (!same) {
    const all = [...new Set(verdicts.flatMap((verdict) => verdict.slots))].sort()
    const reason = `its copies keep state in different slots (${all.join(', ')})`
    return { shared: false, reason, slots: all, holdsState: false }
  }
  return first
}

/** What module-level state the statement gives each copy of its own, described; undefined if none. */
function perCopyState(statement: Node, symbolKeys: Map<string, string>, slots: Set<string>): string | undefined {
  const inner = unwrapExport(statement)
  if (inner.type === 'VariableDeclaration') {
    for (const declarator of inner.declarations as Node[]) {
      const name = bindingName(declarator.id as Node)
      const init = declarator.init as Node | null
      const slot = init ? slotOf(init, symbolKeys) : undefined
      if (inner.kind !== 'const') return `\`${inner.kind} ${name}\` at module level can be reassigned per copy`
      if (slot !== undefined) slots.add(slot)
      else if (init && !isInert(init)) return `\`${name}\` is created at module level (${describe(init)})`
    }
    return undefined
  }
  if (inner.type === 'ClassDeclaration' || inner.type === 'ClassExpression') {
    const members = ((inner.body as Node).body as Node[]) ?? []
    const stateful = members.find(
      (member) => member.type === 'StaticBlock' || (member.static === true && member.type === 'PropertyDefinition'),
    )
    if (stateful) return `class \`${bindingName((inner.id as Node) ?? { type: 'x' })}\` has static state`
    return undefined
  }
  if (inner.type === 'ExpressionStatement') {
    const expression = unwrap(inner.expression as Node)
    if (expression.type === 'AssignmentExpression' && expression.operator === '=') {
      const replaced = slotReference(expression.left as Node, symbolKeys)
      if (replaced !== undefined) return `\`${replaced} = …\` replaces the shared value each time a copy is evaluated`
    }
    collectSlots(inner.expression as Node, symbolKeys, slots)
    return commonJsState(inner.expression as Node, symbolKeys)
  }
  if (statement.type === 'ExportDefaultDeclaration' && !isDeclaration(inner) && !isInert(inner)) {
    const slot = slotOf(inner, symbolKeys)
    if (slot !== undefined) slots.add(slot)
    else return `its default export is created at module level (${describe(inner)})`
  }
  return undefined
}

/**
 * `G[key]`, `G[key] ??= init`, `G[key] || (G[key] = init)`: the slot as written, if `node` is one.
 * A plain `G[key] = init` is not: each copy replaces what the copies before it stored.
 */
export function slotOf(node: Node, symbolKeys: ReadonlyMap<string, string>): string | undefined {
  const expression = unwrap(node)
  if (expression.type === 'AssignmentExpression' && ['??=', '||='].includes(expression.operator as string)) {
    return slotReference(expression.left as Node, symbolKeys)
  }
  if (expression.type === 'LogicalExpression' && ['??', '||'].includes(expression.operator as string)) {
    const left = slotReference(expression.left as Node, symbolKeys)
    const right = unwrap(expression.right as Node)
    const assigned =
      right.type === 'AssignmentExpression' && right.operator === '='
        ? slotReference(right.left as Node, symbolKeys)
        : undefined
    return left !== undefined && left === assigned ? left : undefined
  }
  return slotReference(expression, symbolKeys)
}

function slotReference(node: Node, symbolKeys: ReadonlyMap<string, string>): string | undefined {
  const expression = unwrap(node)
  if (expression.type !== 'MemberExpression' || expression.computed !== true) return undefined
  const object = unwrap(expression.object as Node)
  if (object.type !== 'Identifier' || !PROCESS_WIDE.has(object.name as string)) return undefined
  const property = unwrap(expression.property as Node)
  const key = property.type === 'Identifier' ? symbolKeys.get(property.name as string) : symbolForKey(property)
  return key === undefined ? undefined : `${object.name as string}[Symbol.for(${JSON.stringify(key)})]`
}

/** Slots assigned anywhere in a top-level expression statement (`module.exports = slot` too). */
function collectSlots(node: Node, symbolKeys: Map<string, string>, slots: Set<string>): void {
  const slot = slotOf(node, symbolKeys)
  if (slot !== undefined) {
    slots.add(slot)
    return
  }
  const expression = unwrap(node)
  if (expression.type === 'AssignmentExpression' && isCommonJsExport(expression.left as Node)) {
    collectSlots(expression.right as Node, symbolKeys, slots)
    return
  }
  if (expression.type === 'SequenceExpression') {
    for (const item of expression.expressions as Node[]) collectSlots(item, symbolKeys, slots)
  }
}

/** State a CommonJS module creates on its exports (`exports.cache = new Map()`), described. */
function commonJsState(node: Node, symbolKeys: Map<string, string>): string | undefined {
  const expression = unwrap(node)
  if (expression.type !== 'AssignmentExpression' || !isCommonJsExport(expression.left as Node)) return undefined
  const value = expression.right as Node
  if (slotOf(value, symbolKeys) !== undefined || isInert(value)) return undefined
  const nested = unwrap(value)
  if (nested.type === 'AssignmentExpression') return commonJsState(nested, symbolKeys)
  // `module.exports = { store, get }`: the export map itself, its values are judged where declared.
  const exportMap =
    nested.type === 'ObjectExpression' &&
    (nested.properties as Node[]).every(
      (property) =>
        property.type === 'Property' &&
        (isInert(property.value as Node) || slotOf(property.value as Node, symbolKeys) !== undefined),
    )
  return exportMap ? undefined : `an export is created at module level (${describe(value)})`
}

/** `module.exports`, `module.exports.name` or `exports.name`. */
function isCommonJsExport(node: Node): boolean {
  const target = unwrap(node)
  if (target.type !== 'MemberExpression') return false
  const object = unwrap(target.object as Node)
  const property = target.property as Node
  if (object.type === 'Identifier' && object.name === 'module') return property.name === 'exports'
  if (object.type === 'Identifier' && object.name === 'exports') return true
  return isCommonJsExport(object)
}

/** `require('name')`: a module, not state of this one. */
function isRequire(node: Node): boolean {
  const callee = unwrap(node.callee as Node)
  const args = node.arguments as Node[]
  return callee.type === 'Identifier' && callee.name === 'require' && args.length === 1 && args[0]?.type === 'Literal'
}

/** Values that hold no state: functions, primitives, `Symbol.for`, references to other bindings. */
function isInert(node: Node): boolean {
  const expression = unwrap(node)
  switch (expression.type) {
    case 'Literal':
    case 'Identifier':
    case 'ArrowFunctionExpression':
    case 'FunctionExpression':
    case 'FunctionDeclaration':
      return true
    case 'TemplateLiteral':
      return (expression.expressions as Node[]).length === 0
    case 'UnaryExpression':
      return isInert(expression.argument as Node)
    case 'MemberExpression':
      return !expression.computed && isInert(expression.object as Node)
    case 'CallExpression':
      return symbolForKey(expression) !== undefined || isRequire(expression)
    default:
      return false
  }
}

function isDeclaration(node: Node): boolean {
  return node.type === 'FunctionDeclaration' || node.type.startsWith('TS')
}

function describe(node: Node): string {
  const expression = unwrap(node)
  if (expression.type === 'NewExpression') {
    const callee = unwrap(expression.callee as Node)
    return `new ${callee.type === 'Identifier' ? (callee.name as string) : '...'}()`
  }
  if (expression.type === 'ObjectExpression') return 'an object literal'
  if (expression.type === 'ArrayExpression') return 'an array literal'
  if (expression.type === 'CallExpression') return 'a call the check cannot see into'
  if (expression.type === 'ClassExpression') return 'a class'
  return 'an expression the check cannot see into'
}

function unwrapExport(statement: Node): Node {
  if (statement.type === 'ExportNamedDeclaration') return (statement.declaration as Node | null) ?? statement
  if (statement.type === 'ExportDefaultDeclaration') return statement.declaration as Node
  return statement
}

function declaratorsOf(statement: Node): Node[] {
  const inner = unwrapExport(statement)
  return inner.type === 'VariableDeclaration' ? (inner.declarations as Node[]) : []
}

function declarationKind(statement: Node): string | undefined {
  const inner = unwrapExport(statement)
  return inner.type === 'VariableDeclaration' ? (inner.kind as string) : undefined
}

function bindingName(id: Node): string {
  return id.type === 'Identifier' ? (id.name as string) : '...'
}
