import { unwrap, type Node } from './ast.ts'

// What the state walk needs to know of JavaScript and TypeScript syntax, and of the names that
// bundlers and the language give things.

/** Wrappers bundlers put around a module's code; the function inside runs once, like the module. */
export const COMMONJS_WRAPPERS: ReadonlySet<string> = new Set(['__commonJSMin', '__commonJS'])
export const ESM_WRAPPERS: ReadonlySet<string> = new Set(['__esmMin', '__esm'])
/** Keys of TS-ESTree nodes that hold types only. */
export const TYPE_KEYS: ReadonlySet<string> = new Set([
  'typeAnnotation',
  'returnType',
  'typeParameters',
  'typeArguments',
  'superTypeArguments',
  'superTypeParameters',
  'implements',
])
export const TYPE_ONLY: ReadonlySet<string> = new Set([
  'TSTypeAliasDeclaration',
  'TSInterfaceDeclaration',
  'TSDeclareFunction',
  'TSIndexSignature',
  'TSAbstractMethodDefinition',
  'TSAbstractPropertyDefinition',
  'TSAbstractAccessorProperty',
])
export const OBJECT_MUTATORS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['Object', new Set(['assign', 'defineProperty', 'defineProperties', 'setPrototypeOf'])],
  ['Reflect', new Set(['set', 'defineProperty', 'deleteProperty', 'setPrototypeOf'])],
])
/** Array methods that call their callback before they return. */
export const SYNCHRONOUS_CALLBACKS: ReadonlySet<string> = new Set([
  'forEach',
  'map',
  'filter',
  'reduce',
  'reduceRight',
  'some',
  'every',
  'find',
  'findIndex',
  'findLast',
  'findLastIndex',
  'flatMap',
  'sort',
  'toSorted',
])
/** Methods that change the array, Map, Set, WeakMap or WeakSet they are called on. */
export const MUTATING_METHODS: ReadonlySet<string> = new Set([
  'push',
  'pop',
  'shift',
  'unshift',
  'splice',
  'sort',
  'reverse',
  'fill',
  'copyWithin',
  'set',
  'add',
  'delete',
  'clear',
])

/** Type-level TypeScript: declarations of types, and type nodes themselves. */
export function isTypeOnly(type: string): boolean {
  return TYPE_ONLY.has(type) || (type.startsWith('TS') && (type.endsWith('Type') || type.endsWith('Keyword')))
}

export function isLowerCase(character: string): boolean {
  return character !== character.toUpperCase()
}

export function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as Node).type === 'string'
}

/** The identifiers a binding pattern declares. */
export function patternNames(node: Node): Node[] {
  switch (node.type) {
    case 'Identifier':
      return [node]
    case 'ObjectPattern':
      return (node.properties as Node[]).flatMap((property) =>
        patternNames((property.type === 'RestElement' ? property.argument : property.value) as Node),
      )
    case 'ArrayPattern':
      return (node.elements as (Node | null)[]).flatMap((element) => (element ? patternNames(element) : []))
    case 'AssignmentPattern':
      return patternNames(node.left as Node)
    case 'RestElement':
      return patternNames(node.argument as Node)
    case 'TSParameterProperty':
      return patternNames(node.parameter as Node)
    default:
      return []
  }
}

/** `var` declarations anywhere in a statement, functions left out (they have their own). */
export function varNames(node: Node): Node[] {
  switch (node.type) {
    case 'VariableDeclaration':
      return node.kind === 'var' && node.declare !== true
        ? (node.declarations as Node[]).flatMap((declarator) => patternNames(declarator.id as Node))
        : []
    case 'BlockStatement':
    case 'StaticBlock':
      return (node.body as Node[]).flatMap(varNames)
    case 'IfStatement':
      return [...varNames(node.consequent as Node), ...(node.alternate ? varNames(node.alternate as Node) : [])]
    case 'ForStatement':
      return [...(node.init ? varNames(node.init as Node) : []), ...varNames(node.body as Node)]
    case 'ForInStatement':
    case 'ForOfStatement':
      return [...varNames(node.left as Node), ...varNames(node.body as Node)]
    case 'WhileStatement':
    case 'DoWhileStatement':
    case 'LabeledStatement':
    case 'WithStatement':
      return varNames(node.body as Node)
    case 'TryStatement':
      return [
        ...varNames(node.block as Node),
        ...(node.handler ? varNames((node.handler as Node).body as Node) : []),
        ...(node.finalizer ? varNames(node.finalizer as Node) : []),
      ]
    case 'SwitchStatement':
      return (node.cases as Node[]).flatMap((switchCase) => (switchCase.consequent as Node[]).flatMap(varNames))
    default:
      return []
  }
}

/** A function called where it is written: `(() => {})()`, `(function () {}).call(this)`, `new function () {}`. */
export function immediateFunction(callee: Node): Node | undefined {
  if (callee.type === 'ArrowFunctionExpression' || callee.type === 'FunctionExpression') return callee
  if (callee.type === 'MemberExpression' && !callee.computed) {
    const name = memberName(callee)
    const object = unwrap(callee.object as Node)
    if (
      (name === 'call' || name === 'apply') &&
      (object.type === 'FunctionExpression' || object.type === 'ArrowFunctionExpression')
    ) {
      return object
    }
  }
  return undefined
}

/** A member's name when it is written out (`a.b`, `a['b']`), undefined for a computed key. */
export function memberName(node: Node): string | undefined {
  const property = node.property as Node
  if (!node.computed)
    return property.type === 'PrivateIdentifier' ? `#${property.name as string}` : (property.name as string)
  const key = unwrap(property)
  return key.type === 'Literal' && (typeof key.value === 'string' || typeof key.value === 'number')
    ? String(key.value)
    : undefined
}

export function propertyName(node: Node): string | undefined {
  const key = node.key as Node
  if (!node.computed) {
    if (key.type === 'Identifier') return key.name as string
    if (key.type === 'PrivateIdentifier') return `#${key.name as string}`
    if (key.type === 'Literal') return String(key.value)
    return undefined
  }
  const value = unwrap(key)
  return value.type === 'Literal' ? String(value.value) : undefined
}

/** A synthetic node standing for a value taken out of `source` by destructuring. */
export function destructured(source: Node): Node {
  return { type: 'Destructured', start: source.start, end: source.end, source }
}
