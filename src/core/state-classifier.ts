import { parseModule, SourceLines, unwrap, type Node } from './ast.ts'
import { NatureReader, type Nature } from './state-nature.ts'
import { walkModule, type Binding, type ModuleFacts, type Owner, type Use, type WalkContext } from './state-walk.ts'
import type { StateEvidence } from './types.ts'

/**
 * Whether a module's top level holds state, decided from its AST (oxc) alone:
 *
 * - **stateful**: a `Map`/`Set`/`WeakMap`/`WeakSet` made at module level (unless provably only read:
 *   not exported, never passed on, filled only while the module runs), an `EventEmitter`,
 *   `EventTarget`, `WeakRef` or instance of any class made there, an exported `Symbol()`, a
 *   module-level `let`/`var` reassigned inside a function, a module-level array, object, function
 *   or class mutated inside a function (a method like `push`/`set`, property assignment, `delete`,
 *   `Object.assign`, `this.x = …` in its own methods), a call of a function of this module whose
 *   closure keeps state (`const get = memoize(load)`); CommonJS exports alike;
 * - **shared**: state kept only in `globalThis[Symbol.for(k)]` slots, which every copy shares;
 * - **unsure**: a module-level value made by a call the classifier cannot see into
 *   (`const log = createLogger('x')`): it says so rather than guess;
 * - **stateless**: constants, functions, frozen literals, a `Map` made inside a function, a
 *   `let` never reassigned after the module ran.
 *
 * What runs while the module is evaluated (its own code, an IIFE, a static block, a function
 * only ever called from there, a bundler's wrapper) is initialisation: `const list = []; list.push(1)`
 * at top level is not state. Mutation by other modules (an exported array they push to) is not
 * visible from one module's code. Works on a module's own source (JS, TS, JSX) and on a module's
 * code as a bundle prints it (a `//#region` slice, imports and exports removed); for the latter,
 * `context` can name what the chunk exports and imports.
 */
export type StateVerdict =
  | { kind: 'stateful'; evidence: StateEvidence[] }
  | { kind: 'stateless' }
  | { kind: 'shared'; reason: string; slots: string[] }
  | { kind: 'unsure'; reason: string; evidence: StateEvidence[] }
  | { kind: 'unclassified'; reason: string }

export type ClassifyContext = WalkContext

const SCRIPT = /\.(?:[cm]?[jt]sx?)$/
/** Methods of a Map or Set that only read it. */
const READING_MEMBERS = new Set(['get', 'has', 'size', 'forEach', 'keys', 'values', 'entries'])
const CALLEE_DEPTH = 4

export function classifyState(code: string, fileName: string, context: ClassifyContext = {}): StateVerdict {
  const file = fileName.split('?')[0] as string
  // A JSON module is data: an object literal nothing in it mutates.
  if (file.endsWith('.json')) return { kind: 'stateless' }
  if (!SCRIPT.test(file)) {
    const dot = file.lastIndexOf('.')
    const extension = dot > file.lastIndexOf('/') ? file.slice(dot) : 'no extension'
    return { kind: 'unclassified', reason: `it is not JavaScript or TypeScript (${extension})` }
  }
  try {
    const parsed = parseModule(file, code, false)
    if (!parsed.ok) return { kind: 'unclassified', reason: `its code could not be parsed: ${parsed.reason}` }
    return new Classification(walkModule(parsed.body, context), new SourceLines(code)).verdict()
  } catch (error) {
    // The build never fails because of the classifier.
    return {
      kind: 'unclassified',
      reason: `the classifier failed on it: ${String((error as Error)?.message ?? error)}`,
    }
  }
}

class Classification {
  readonly #facts: ModuleFacts
  readonly #lines: SourceLines
  readonly #natures: NatureReader
  readonly #aliases = new Map<Binding, Binding[]>()
  readonly #initOnly: Set<Owner>
  readonly #evidence: StateEvidence[] = []
  readonly #unsure: StateEvidence[] = []
  readonly #slots = new Set<string>()

  constructor(facts: ModuleFacts, lines: SourceLines) {
    this.#facts = facts
    this.#lines = lines
    this.#natures = new NatureReader(facts)
    for (const binding of facts.allBindings) {
      const target = binding.aliasOf
      if (target && target !== binding) this.#aliases.set(target, [...(this.#aliases.get(target) ?? []), binding])
    }
    this.#initOnly = this.#initOnlyFunctions()
  }

  verdict(): StateVerdict {
    for (const expression of this.#facts.moduleStatements) {
      const slot = this.#natures.slotOf(expression)
      if (slot !== undefined) this.#slots.add(slot)
    }
    for (const binding of this.#facts.moduleBindings) this.#judge(binding)
    const byLine = (a: StateEvidence, b: StateEvidence) => a.line - b.line || a.binding.localeCompare(b.binding)
    if (this.#evidence.length > 0) return { kind: 'stateful', evidence: this.#evidence.sort(byLine) }
    if (this.#unsure.length > 0) {
      const unsure = this.#unsure.sort(byLine)
      const first = unsure[0] as StateEvidence
      const more = unsure.length > 1 ? ` (and ${unsure.length - 1} more)` : ''
      return { kind: 'unsure', reason: `\`${first.binding}\` ${first.why}${more}`, evidence: unsure }
    }
    if (this.#slots.size > 0) {
      const slots = [...this.#slots].sort()
      const reason = `it keeps its state on ${slots.join(', ')}: one slot per process, which every copy reads and writes`
      return { kind: 'shared', reason, slots }
    }
    return { kind: 'stateless' }
  }

  #at(binding: string, why: string, node: Node): StateEvidence {
    return { binding, why, line: this.#lines.lineOf(node.start), text: this.#lines.textAt(node.start) }
  }

  #judge(binding: Binding): void {
    if (['import', 'module', 'param', 'catch'].includes(binding.kind)) return
    const name = binding.kind === 'exports' ? 'module.exports' : binding.name
    const later = (use: Use) => this.#isLater(use.owner, binding.owner)
    const reassigned = binding.uses.find(
      (use) => use.kind === 'reassign' && later(use) && !this.#replacesItself(binding, use),
    )
    if (reassigned) {
      const what =
        binding.kind === 'exports' ? 'module.exports' : binding.kind === 'default' ? 'default export' : binding.kind
      const verb = isUpdate(reassigned.how) ? 'updated' : 'reassigned'
      this.#evidence.push(this.#at(name, `${what} ${verb} in a function`, reassigned.node))
    }
    // An alias's other uses count for the binding it was made from.
    if (binding.aliasOf && binding.aliasOf !== binding) return
    const nature = binding.kind === 'exports' && binding.values.length === 0 ? OBJECT : this.#natures.ofBinding(binding)
    if (nature.kind === 'slot') {
      this.#slots.add(nature.slot)
      return
    }
    const uses = this.#usesOf(binding)
    const before = this.#evidence.length - (reassigned ? 1 : 0)
    const unsureBefore = this.#unsure.length

    if (reassigned) {
      // Said above.
    } else if (nature.kind === 'container') {
      if (!this.#onlyRead(binding, uses))
        this.#evidence.push(this.#at(name, nature.what, this.#valueNode(binding, 'container')))
    } else if (nature.kind === 'identity') {
      this.#evidence.push(this.#at(name, nature.what, this.#valueNode(binding, 'identity')))
    } else if (nature.kind === 'symbol') {
      const node = this.#valueNode(binding, 'symbol')
      if (this.#exported(binding)) this.#evidence.push(this.#at(name, 'exported Symbol()', node))
      else if (!this.#facts.exportsVisible) {
        this.#unsure.push(
          this.#at(
            name,
            'Symbol(): one identity per copy, if it is exported (this code does not show its exports)',
            node,
          ),
        )
      }
    } else {
      this.#mutations(binding, name, nature, uses, later)
    }
    this.#members(binding, name)
    if (nature.kind === 'factory' && this.#evidence.length === before) this.#factory(binding, name, nature, 0)
    else if (nature.kind === 'unknown' && this.#evidence.length === before && this.#unsure.length === unsureBefore) {
      this.#unsure.push(
        this.#at(
          name,
          `made by ${nature.what}, a call the classifier cannot see into`,
          this.#valueNode(binding, 'unknown'),
        ),
      )
    }
  }

  /**
   * A function that replaces itself with another function on its first call (Babel's `_typeof`:
   * `function _typeof(o) { _typeof = …; return _typeof(o) }`): the same behaviour, no state.
   */
  #replacesItself(binding: Binding, use: Use): boolean {
    if (binding.kind !== 'function' || use.node.type !== 'AssignmentExpression') return false
    const value = this.#natures.of(use.node.right as Node)
    return value.kind === 'mutable' && value.what === 'function'
  }

  /** A module-level array, object, function, class or call result mutated after the module ran. */
  #mutations(binding: Binding, name: string, nature: Nature, uses: Use[], later: (use: Use) => boolean): void {
    if (nature.kind !== 'mutable' && nature.kind !== 'unknown' && nature.kind !== 'factory') return
    const frozen = nature.kind === 'mutable' && nature.frozen
    // Wiring a function's `prototype` (`F.prototype = proto; new F()`) is how objects are made, not state.
    const wiring = (use: Use) =>
      nature.kind === 'mutable' &&
      (nature.what === 'function' || nature.what === 'class') &&
      use.path[0] === 'prototype'
    const mutation = uses.find(
      (use) => use.kind === 'mutate' && later(use) && !(frozen && use.depth === 0) && !wiring(use),
    )
    if (!mutation) return
    const label = mutationName(name, binding, nature, mutation)
    if (nature.kind === 'unknown') {
      // The call may hand out one object per process (a registry kept on globalThis): not a guess to make.
      const why = `made by ${nature.what}, the result ${describeMutation('', mutation).trimStart()}; the call may return an object every copy shares`
      this.#unsure.push(this.#at(label, why, mutation.node))
      return
    }
    const why =
      binding.kind === 'exports' && mutation.depth === 0
        ? describeExportChange(mutation)
        : describeMutation(nature.kind === 'mutable' && nature.what !== 'value' ? nature.what : 'object', mutation)
    this.#evidence.push(this.#at(label, why, mutation.node))
  }

  /**
   * State made inside a module-level value: `{ cache: new Map() }`, `static items = new Set()`,
   * `exports.x = …`. One piece of evidence per binding is enough (an array of eight instances is
   * one fact); the exports of a CommonJS module are each their own.
   */
  #members(binding: Binding, name: string): void {
    const said = new Set(this.#evidence.map((item) => item.binding))
    if (binding.kind !== 'exports' && said.has(name)) return
    const parts: { path: string[]; value: Node }[] = [
      ...binding.memberValues,
      ...binding.values.map((value) => ({ path: [], value })),
    ]
    for (const { path, value } of parts) {
      for (const nested of this.#nestedState(value, path)) {
        const label = [binding.kind === 'exports' ? 'exports' : name, ...nested.path].join('.')
        const key = binding.kind === 'exports' ? label : name
        if (said.has(key)) continue
        if ((nested.nature.kind === 'container' || nested.nature.kind === 'identity') && nested.path.length > 0) {
          this.#evidence.push(this.#at(label, nested.nature.what, nested.node))
          said.add(key)
        } else if (nested.nature.kind === 'symbol' && binding.kind === 'exports') {
          this.#evidence.push(this.#at(label, 'exported Symbol()', nested.node))
          said.add(key)
        }
      }
    }
  }

  /** Containers, identities and symbols made inside a literal, functions left out. */
  #nestedState(node: Node, path: string[]): { path: string[]; nature: Nature; node: Node }[] {
    const value = unwrap(node)
    if (value.type === 'ObjectExpression') {
      return (value.properties as Node[]).flatMap((property) => {
        if (property.type !== 'Property' || property.computed) return []
        const key = property.key as Node
        const name = key.type === 'Identifier' ? (key.name as string) : String(key.value)
        return this.#nestedState(property.value as Node, [...path, name])
      })
    }
    if (value.type === 'ArrayExpression') {
      return (value.elements as (Node | null)[]).flatMap((element, index) =>
        element && element.type !== 'SpreadElement' ? this.#nestedState(element, [...path, String(index)]) : [],
      )
    }
    const nature = this.#natures.of(value)
    return nature.kind === 'container' || nature.kind === 'identity' || nature.kind === 'symbol'
      ? [{ path, nature, node: value }]
      : []
  }

  /** `const get = memoize(load)`: a call of this module's own function keeps what its closure keeps. */
  #factory(binding: Binding, name: string, nature: Nature & { kind: 'factory' }, depth: number): void {
    const owner = this.#facts.owners.get(nature.fn)
    const node = this.#valueNode(binding, 'factory')
    if (!owner || depth > CALLEE_DEPTH) {
      this.#unsure.push(this.#at(name, `made by ${nature.what}, a call the classifier cannot follow`, node))
      return
    }
    const kept = this.#closureState(owner)
    if (kept) {
      this.#evidence.push(this.#at(name, `${nature.what} keeps state in a closure (${kept})`, node))
      return
    }
    const returns = (this.#facts.returns.get(nature.fn) ?? []).map((value) => this.#natures.of(value))
    const made = returns.find((result) => result.kind === 'container' || result.kind === 'identity')
    if (made && (made.kind === 'container' || made.kind === 'identity')) {
      this.#evidence.push(this.#at(name, `${nature.what} returns ${made.what}`, node))
      return
    }
    const inner = returns.find((result) => result.kind === 'factory')
    if (inner?.kind === 'factory') {
      this.#factory(binding, name, inner, depth + 1)
      return
    }
    const unknown = returns.find((result) => result.kind === 'unknown')
    if (unknown?.kind === 'unknown') {
      this.#unsure.push(
        this.#at(
          name,
          `made by ${nature.what}, which returns ${unknown.what}, a call the classifier cannot see into`,
          node,
        ),
      )
    }
  }

  /** What a function's closure keeps across calls of what it returns: described, or undefined. */
  #closureState(owner: Owner): string | undefined {
    for (const local of owner.bindings) {
      if (local.kind === 'import') continue
      const uses = this.#usesOf(local)
      const inClosure = (use: Use) => use.owner !== owner
      const nature = this.#natures.ofBinding(local)
      if (uses.some((use) => use.kind === 'reassign' && inClosure(use))) return `${local.name} reassigned by a closure`
      if ((nature.kind === 'container' || nature.kind === 'identity') && uses.some(inClosure)) {
        return `${local.name}: ${nature.what}`
      }
      if (
        uses.some((use) => use.kind === 'mutate' && inClosure(use)) &&
        nature.kind !== 'value' &&
        nature.kind !== 'import'
      ) {
        return `${local.name} mutated by a closure`
      }
    }
    return undefined
  }

  /**
   * A binding's uses, with those of its aliases (`const alias = list`), made anywhere. An alias
   * shares the value, not the name: reassigning it leaves the binding as it was.
   */
  #usesOf(binding: Binding, seen = new Set<Binding>()): Use[] {
    seen.add(binding)
    const uses = [...binding.uses]
    for (const alias of this.#aliases.get(binding) ?? []) {
      if (!seen.has(alias)) uses.push(...this.#usesOf(alias, seen).filter((use) => use.kind !== 'reassign'))
    }
    return uses
  }

  #exported(binding: Binding, seen = new Set<Binding>()): boolean {
    seen.add(binding)
    if (binding.exported) return true
    return (this.#aliases.get(binding) ?? []).some((alias) => !seen.has(alias) && this.#exported(alias, seen))
  }

  /**
   * A Map or Set that is only read once the module has run: not exported, never passed on or
   * aliased, filled (if at all) while the module runs. Decided only where the module's exports
   * are visible.
   */
  #onlyRead(binding: Binding, uses: Use[]): boolean {
    if (!this.#facts.exportsVisible || this.#exported(binding) || (this.#aliases.get(binding)?.length ?? 0) > 0)
      return false
    return uses.every((use) => {
      if (!this.#isLater(use.owner, binding.owner)) return use.kind !== 'escape'
      if (use.kind === 'read' || use.kind === 'iterate') return true
      const member = use.path[0]
      return (
        (use.kind === 'member-read' || use.kind === 'member-call') &&
        member !== undefined &&
        READING_MEMBERS.has(member)
      )
    })
  }

  /** The node that made the binding's value of `kind`, for the evidence's line. */
  #valueNode(binding: Binding, kind: Nature['kind']): Node {
    return binding.values.find((value) => this.#natures.of(value).kind === kind) ?? binding.declaration
  }

  /** Whether code of `owner` runs after the module has been evaluated, for a binding of `bindingOwner`. */
  #isLater(owner: Owner, bindingOwner: Owner): boolean {
    if (owner === bindingOwner) return false
    return !(bindingOwner === this.#facts.moduleOwner && this.#initOnly.has(owner))
  }

  /**
   * Module-level functions only ever called while the module runs: not exported, not passed on,
   * called at least once, and only from the module's code (or from other such functions). Their
   * bodies initialise.
   */
  #initOnlyFunctions(): Set<Owner> {
    const initOnly = new Set<Owner>()
    if (!this.#facts.exportsVisible) return initOnly
    const candidates = new Map<Owner, Binding>()
    for (const binding of this.#facts.moduleBindings) {
      const owner = binding.functionNode ? this.#facts.owners.get(binding.functionNode) : undefined
      if (!owner || owner.parent !== this.#facts.moduleOwner || this.#exported(binding)) continue
      // A function this code never calls may be called from elsewhere (another module of a chunk).
      if (binding.uses.length === 0 || this.#aliases.has(binding)) continue
      if (binding.uses.some((use) => use.kind !== 'call')) continue
      candidates.set(owner, binding)
      initOnly.add(owner)
    }
    for (let changed = true; changed;) {
      changed = false
      for (const [owner, binding] of candidates) {
        if (!initOnly.has(owner)) continue
        const calledLater = binding.uses.some(
          (use) => use.owner !== this.#facts.moduleOwner && (!initOnly.has(use.owner) || use.owner === owner),
        )
        if (calledLater) {
          initOnly.delete(owner)
          changed = true
        }
      }
    }
    return initOnly
  }
}

const OBJECT: Nature = { kind: 'mutable', what: 'object', frozen: false }

const LOGICAL_ASSIGNMENTS = ['(??=)', '(||=)', '(&&=)']

/** `++`, `+=`: an update of the value there; `=`, `??=`, `||=`: a value put there. */
function isUpdate(how: string): boolean {
  return (
    how === '++' || how === '--' || (how.includes('updated') && !LOGICAL_ASSIGNMENTS.some((op) => how.endsWith(op)))
  )
}

/** `object property assigned in a function`, `array member [0] mutated by set() in a function`. */
function describeMutation(subject: string, use: Use): string {
  const where = use.viaThis ? 'in a method' : 'in a function'
  const target = use.depth > 0 ? `${subject} member ${memberPath(use.path.slice(0, use.depth))}` : subject
  const how = use.how
  if (how.endsWith('()')) return `${target} mutated by ${how} ${where}`
  if (how === 'delete') return `${target} property deleted ${where}`
  return `${target} property ${isUpdate(how) ? 'updated' : 'assigned'} ${where}`
}

function memberPath(path: readonly string[]): string {
  return path.map((part) => (part === '[]' ? '[…]' : /^\d+$/.test(part) ? `[${part}]` : `.${part}`)).join('')
}

/** An export of a CommonJS module set or changed after the module ran (`exports.count++` in a function). */
function describeExportChange(use: Use): string {
  const how = use.how
  if (how.endsWith('()')) return `export mutated by ${how} in a function`
  if (how === 'delete') return 'export deleted in a function'
  return isUpdate(how) ? 'export updated in a function' : 'export reassigned in a function'
}

/** `exports.count` and `Store.instance`, not `module.exports` and `Store`, when one member is what changes. */
function mutationName(name: string, binding: Binding, nature: Nature, use: Use): string {
  const member = use.path[0]
  if (member === undefined || member === '[]' || use.depth > 0 || use.how.endsWith('()')) return name
  if (binding.kind === 'exports') return `exports.${member}`
  return nature.kind === 'mutable' && nature.what === 'class' ? `${name}.${member}` : name
}
