import { symbolForKey, unwrap, type Node } from './ast.ts'
import { slotOf } from './shared-state.ts'
import { memberName } from './state-syntax.ts'
import type { Binding, ModuleFacts } from './state-walk.ts'

/**
 * What a value made at module level is, from its expression alone: a state container, an object
 * with an identity, a fresh object that is state only if something mutates it later, a plain
 * value, another module's export, or the result of a call nobody here can see into.
 */
export type Nature =
  /** A `Map`, `Set`, `WeakMap` or `WeakSet`: made to be filled. */
  | { kind: 'container'; what: string }
  /** An object whose identity is the point: an emitter, a `WeakRef`, an instance of a class. */
  | { kind: 'identity'; what: string }
  /** `Symbol()`: a fresh identity per evaluation. */
  | { kind: 'symbol' }
  /** `globalThis[Symbol.for(k)] ??= …`: one slot per process, shared by every copy. */
  | { kind: 'slot'; slot: string }
  /** A fresh array, object, function or class: state when mutated after the module ran. */
  | { kind: 'mutable'; what: string; frozen: boolean }
  | { kind: 'value' }
  /** Another module's export (`require('x')`, a bundler's interop helper). */
  | { kind: 'import' }
  /** A call of a function of this module: what its body makes decides. */
  | { kind: 'factory'; fn: Node; what: string }
  /** A call the classifier cannot see into (an imported or global function). */
  | { kind: 'unknown'; what: string }

const CONTAINERS = new Set(['Map', 'Set', 'WeakMap', 'WeakSet'])
const IDENTITIES = new Set([
  'WeakRef',
  'FinalizationRegistry',
  'EventTarget',
  'EventEmitter',
  'BroadcastChannel',
  'MessageChannel',
  'AbortController',
])
/** Global classes whose instances are plain values: immutable, or not state by themselves. */
const VALUE_CLASSES = new Set([
  'Date',
  'RegExp',
  'Error',
  'TypeError',
  'RangeError',
  'SyntaxError',
  'ReferenceError',
  'EvalError',
  'URIError',
  'AggregateError',
  'URL',
  'TextEncoder',
  'TextDecoder',
  'Promise',
  'Function',
  'String',
  'Number',
  'Boolean',
  'Intl',
])
/** Global classes whose instances are fresh mutable objects, like a literal. */
const MUTABLE_CLASSES = new Set([
  'Array',
  'Object',
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
  'URLSearchParams',
  'Headers',
  'FormData',
])
/** Global functions (and namespaces of functions) whose results are plain values. */
const VALUE_FUNCTIONS = new Set([
  'String',
  'Number',
  'Boolean',
  'BigInt',
  'parseInt',
  'parseFloat',
  'isNaN',
  'isFinite',
  'encodeURIComponent',
  'decodeURIComponent',
  'encodeURI',
  'decodeURI',
  'escape',
  'unescape',
  'atob',
  'btoa',
  'RegExp',
  'Math',
  'Date',
  'Intl',
  'Number',
])
/** `Object.x(…)` and `Array.x(…)` that make a fresh object or array. */
const FRESH_OBJECT_FUNCTIONS = new Map([
  [
    'Object',
    new Set(['create', 'assign', 'fromEntries', 'entries', 'keys', 'values', 'getOwnPropertyNames', 'groupBy']),
  ],
  ['Array', new Set(['from', 'of'])],
  ['JSON', new Set(['parse'])],
])
const FREEZERS = new Set(['freeze', 'seal', 'preventExtensions'])
/** Node's modules whose functions return plain values (paths, URLs, a `require`). */
const VALUE_MODULES = new Set(
  ['path', 'url', 'os', 'module', 'util', 'process'].flatMap((name) => [name, `node:${name}`]),
)
/** Helpers bundlers emit: what their calls stand for. */
const BUNDLER_IMPORTS = new Set([
  'require',
  '__require',
  '__toESM',
  '__toCommonJS',
  '__importDefault',
  '__importStar',
  '_interopRequireDefault',
  '_interopRequireWildcard',
])
const BUNDLER_VALUES = new Set([
  '__commonJSMin',
  '__commonJS',
  '__esmMin',
  '__esm',
  '__exportAll',
  '__export',
  '__name',
])

const VALUE: Nature = { kind: 'value' }
const IMPORT: Nature = { kind: 'import' }

/** The order in which natures win when a value may be either (`a ?? new Map()`). */
const STRENGTH: Record<Nature['kind'], number> = {
  slot: 8,
  container: 7,
  identity: 6,
  symbol: 5,
  unknown: 4,
  factory: 3,
  mutable: 2,
  import: 1,
  value: 0,
}

function strongest(natures: readonly Nature[]): Nature {
  let best: Nature = VALUE
  for (const nature of natures) if (STRENGTH[nature.kind] > STRENGTH[best.kind]) best = nature
  return best
}

export class NatureReader {
  readonly #facts: ModuleFacts
  readonly #symbolKeys: Map<string, string>

  constructor(facts: ModuleFacts) {
    this.#facts = facts
    this.#symbolKeys = new Map()
    for (const binding of facts.moduleBindings) {
      const key = binding.kind === 'const' && binding.values.length === 1 ? symbolForKey(binding.values[0]) : undefined
      if (key !== undefined) this.#symbolKeys.set(binding.name, key)
    }
  }

  /** The slot a module-level expression keeps state in, shared by every copy (`globalThis[k] ??= …`). */
  slotOf(node: Node): string | undefined {
    return slotOf(node, this.#symbolKeys)
  }

  /** The nature of a binding from every value it gets while its owner runs. */
  ofBinding(binding: Binding): Nature {
    const natures = binding.values.map((value) => this.of(value))
    if (binding.functionNode) natures.push({ kind: 'mutable', what: 'function', frozen: false })
    if (binding.classNode) natures.push({ kind: 'mutable', what: 'class', frozen: false })
    return strongest(natures)
  }

  of(node: Node): Nature {
    const slot = this.slotOf(node)
    if (slot !== undefined) return { kind: 'slot', slot }
    const value = unwrap(node)
    switch (value.type) {
      case 'ObjectExpression':
        return { kind: 'mutable', what: 'object', frozen: false }
      case 'ArrayExpression':
        return { kind: 'mutable', what: 'array', frozen: false }
      case 'ArrowFunctionExpression':
      case 'FunctionExpression':
      case 'FunctionDeclaration':
        return { kind: 'mutable', what: 'function', frozen: false }
      case 'ClassExpression':
      case 'ClassDeclaration':
        return { kind: 'mutable', what: 'class', frozen: false }
      case 'NewExpression':
        return this.#construction(value)
      case 'CallExpression':
        return this.#call(value)
      case 'ChainExpression':
      case 'AwaitExpression':
        return this.of((value.expression ?? value.argument) as Node)
      case 'AssignmentExpression':
        return this.of(value.right as Node)
      case 'LogicalExpression':
        return strongest([this.of(value.left as Node), this.of(value.right as Node)])
      case 'ConditionalExpression':
        return strongest([this.of(value.consequent as Node), this.of(value.alternate as Node)])
      case 'SequenceExpression':
        return this.of((value.expressions as Node[]).at(-1) as Node)
      case 'ImportExpression':
        return IMPORT
      case 'TaggedTemplateExpression': {
        const tag = unwrap(value.tag as Node)
        const isRaw = tag.type === 'MemberExpression' && this.#isGlobal(tag.object as Node, 'String')
        return isRaw ? VALUE : { kind: 'unknown', what: `${describeCallee(tag)}\`…\`` }
      }
      case 'Destructured': {
        // A part of another value: unknown when that value is, otherwise followed as an object.
        const source = this.of(value.source as Node)
        if (source.kind === 'unknown' || source.kind === 'import') return source
        if (source.kind === 'factory') return { kind: 'unknown', what: source.what }
        return { kind: 'mutable', what: 'value', frozen: false }
      }
      default:
        // Literals, templates, names, members, operators: values (a name's own nature is its binding's).
        return VALUE
    }
  }

  #construction(node: Node): Nature {
    const callee = unwrap(node.callee as Node)
    const name =
      callee.type === 'Identifier'
        ? (callee.name as string)
        : callee.type === 'MemberExpression'
          ? memberName(callee)
          : undefined
    if (callee.type === 'FunctionExpression' || callee.type === 'ClassExpression') {
      return { kind: 'identity', what: 'instance of an anonymous class' }
    }
    if (name !== undefined && CONTAINERS.has(name)) return { kind: 'container', what: `new ${name}()` }
    if (name !== undefined && IDENTITIES.has(name)) return { kind: 'identity', what: `new ${name}()` }
    const global = callee.type === 'Identifier' && this.#isFree(callee)
    if (global && VALUE_CLASSES.has(name as string)) return VALUE
    if (global && MUTABLE_CLASSES.has(name as string)) return { kind: 'mutable', what: 'object', frozen: false }
    if (callee.type === 'MemberExpression' && this.#isGlobal(callee.object as Node, 'Intl')) return VALUE
    return { kind: 'identity', what: `instance of ${describeCallee(callee)}` }
  }

  #call(node: Node): Nature {
    const callee = unwrap(node.callee as Node)
    const args = node.arguments as Node[]
    if (callee.type === 'ArrowFunctionExpression' || callee.type === 'FunctionExpression') {
      return this.#returnsOf(callee)
    }
    if (callee.type === 'Identifier') return this.#callOf(callee, node)
    if (callee.type !== 'MemberExpression') return { kind: 'unknown', what: `${describeCallee(callee)}()` }
    const object = unwrap(callee.object as Node)
    const method = memberName(callee)
    // `(function () {…}).call(this)`
    if (
      (object.type === 'FunctionExpression' || object.type === 'ArrowFunctionExpression') &&
      (method === 'call' || method === 'apply')
    ) {
      return this.#returnsOf(object)
    }
    if (object.type === 'Identifier') {
      const name = object.name as string
      if (this.#isFree(object)) {
        if (name === 'Symbol') return method === 'for' ? VALUE : { kind: 'unknown', what: `Symbol.${method}()` }
        if (name === 'Object' && method !== undefined && FREEZERS.has(method)) {
          const frozen = args[0] ? this.of(args[0]) : VALUE
          return frozen.kind === 'mutable' ? { ...frozen, frozen: true } : frozen
        }
        const fresh = FRESH_OBJECT_FUNCTIONS.get(name)
        if (method !== undefined && fresh?.has(method))
          return { kind: 'mutable', what: method === 'from' || method === 'of' ? 'array' : 'object', frozen: false }
        if (
          VALUE_FUNCTIONS.has(name) ||
          name === 'JSON' ||
          name === 'Object' ||
          name === 'Array' ||
          name === 'Reflect' ||
          name === 'process' ||
          name === 'Promise'
        ) {
          return VALUE
        }
        return { kind: 'unknown', what: `${name}.${method ?? '…'}()` }
      }
      const binding = this.#facts.references.get(object)
      if (binding?.kind === 'import') {
        return binding.source !== undefined && VALUE_MODULES.has(binding.source)
          ? VALUE
          : { kind: 'unknown', what: `${name}.${method ?? '…'}()` }
      }
      // A method of this module's own value (`parts.slice()`, `KEYS.map(…)`): a fresh value at most.
      if (binding && binding.kind !== 'param') {
        const own = this.ofBinding(binding)
        if (own.kind === 'value' || own.kind === 'mutable') return { kind: 'mutable', what: 'value', frozen: false }
      }
      return { kind: 'unknown', what: `${name}.${method ?? '…'}()` }
    }
    // A method of a literal or of a member of one (`'a,b'.split(',')`, `/x/.source.replace(…)`).
    if (isLiteralChain(object)) return { kind: 'mutable', what: 'value', frozen: false }
    return { kind: 'unknown', what: `${describeCallee(callee)}()` }
  }

  #callOf(callee: Node, node: Node): Nature {
    const name = callee.name as string
    const binding = this.#facts.references.get(callee) ?? null
    if (binding === null) {
      if (name === 'Symbol') return { kind: 'symbol' }
      if (BUNDLER_IMPORTS.has(name) || (name.startsWith('require_') && (node.arguments as Node[]).length === 0)) {
        return IMPORT
      }
      if (BUNDLER_VALUES.has(name) || VALUE_FUNCTIONS.has(name)) return VALUE
      return { kind: 'unknown', what: `${name}()` }
    }
    if (BUNDLER_VALUES.has(name) || BUNDLER_IMPORTS.has(name)) return BUNDLER_IMPORTS.has(name) ? IMPORT : VALUE
    if (binding.kind === 'import') {
      return binding.source !== undefined && VALUE_MODULES.has(binding.source)
        ? VALUE
        : { kind: 'unknown', what: `${name}()` }
    }
    // A CommonJS module's lazy `require_x()` in a whole chunk: a binding made by `__commonJSMin`.
    if (binding.values.some((value) => this.#isBundlerWrapperCall(value))) return IMPORT
    if (binding.functionNode) return { kind: 'factory', fn: binding.functionNode, what: `${name}()` }
    return { kind: 'unknown', what: `${name}()` }
  }

  #isBundlerWrapperCall(value: Node): boolean {
    const call = unwrap(value)
    if (call.type !== 'CallExpression') return false
    const callee = unwrap(call.callee as Node)
    return callee.type === 'Identifier' && BUNDLER_VALUES.has(callee.name as string)
  }

  /** What an immediately called function returns. */
  #returnsOf(fn: Node): Nature {
    const returns = this.#facts.returns.get(fn) ?? []
    return strongest(returns.map((value) => this.of(value)))
  }

  #isFree(identifier: Node): boolean {
    return this.#facts.references.get(identifier) === null
  }

  #isGlobal(node: Node, name: string): boolean {
    const value = unwrap(node)
    return value.type === 'Identifier' && value.name === name && this.#isFree(value)
  }
}

function isLiteralChain(node: Node): boolean {
  let current = unwrap(node)
  while (current.type === 'MemberExpression' || current.type === 'CallExpression') {
    current = unwrap((current.type === 'MemberExpression' ? current.object : current.callee) as Node)
  }
  return current.type === 'Literal' || current.type === 'TemplateLiteral' || current.type === 'ArrayExpression'
}

/** How evidence names a callee: `createLogger`, `logging.create`, `…`. */
function describeCallee(node: Node): string {
  const value = unwrap(node)
  if (value.type === 'Identifier') return value.name as string
  if (value.type === 'MemberExpression') {
    const name = memberName(value)
    return `${describeReceiver(unwrap(value.object as Node))}.${name ?? '[…]'}`
  }
  return '…'
}

function describeReceiver(node: Node): string {
  if (node.type === 'Identifier') return node.name as string
  if (node.type === 'ThisExpression') return 'this'
  if (node.type === 'CallExpression') return `${describeCallee(node.callee as Node)}(…)`
  if (node.type === 'MemberExpression') return describeCallee(node)
  return '…'
}
