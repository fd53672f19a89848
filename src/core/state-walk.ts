import { unwrap, type Node } from './ast.ts'
import {
  COMMONJS_WRAPPERS,
  destructured,
  ESM_WRAPPERS,
  immediateFunction,
  isLowerCase,
  isNode,
  isTypeOnly,
  memberName,
  MUTATING_METHODS,
  OBJECT_MUTATORS,
  patternNames,
  propertyName,
  SYNCHRONOUS_CALLBACKS,
  TYPE_KEYS,
  TYPE_ONLY,
  varNames,
} from './state-syntax.ts'

/**
 * One walk over a module's AST that resolves every name to its binding (shadowing, hoisting,
 * block scopes, parameters, catch clauses) and records how each binding is used: reassigned,
 * mutated (property assignment, `delete`, a mutating method), read, or passed on. The state
 * classifier judges from these facts; nothing here decides what is state.
 *
 * A function's bindings live once per call; those of the module's own code live once per
 * evaluation, and so do those of code that runs once with it: an IIFE, a static block, and the
 * wrappers bundlers put around a module (`__commonJSMin`, `__esmMin`, esbuild's `__commonJS`).
 */

/** A function whose every call makes fresh bindings; the module itself is the root owner. */
export interface Owner {
  node: Node | null
  parent: Owner | null
  /** The binding naming the function, when it has one (`function f`, `const f = () => …`). */
  name: Binding | undefined
  /** Bindings made by each call (parameters, locals). */
  bindings: Binding[]
}

type BindingKind =
  | 'var'
  | 'let'
  | 'const'
  | 'function'
  | 'class'
  | 'param'
  | 'import'
  | 'catch'
  | 'enum'
  | 'namespace'
  /** `export default <expression>`: a binding without a name. */
  | 'default'
  /** CommonJS `exports` / `module.exports`. */
  | 'exports'
  /** CommonJS `module`: only its `exports` property is followed. */
  | 'module'

type UseKind =
  /** The value is consumed where it stands (a test, an operand, a property read). */
  | 'read'
  | 'call'
  | 'member-read'
  | 'member-call'
  | 'iterate'
  /** The value goes somewhere the walk does not follow (an argument, a return, an export, a store). */
  | 'escape'
  | 'reassign'
  | 'mutate'

export interface Use {
  kind: UseKind
  /** For `reassign`/`mutate`: what was done (`push()`, `property assigned`, `++`...). */
  how: string
  /** The member path from the binding to what is used (`['list', 'push']`). */
  path: string[]
  /** For `mutate`: how many objects deep the mutated object is (0: the binding's own value). */
  depth: number
  node: Node
  owner: Owner
  /** The use went through `this` in a method. */
  viaThis: boolean
}

export interface Binding {
  name: string
  kind: BindingKind
  owner: Owner
  declaration: Node
  /** Values it gets while its owner runs: the declarator's init and assignments in the owner's own code. */
  values: Node[]
  /** Values assigned to its members while its owner runs (`exports.cache = new Map()`, static fields). */
  memberValues: { path: string[]; value: Node }[]
  uses: Use[]
  exported: boolean
  /** The binding this one was initialised from (`const alias = list`): its mutations are that one's. */
  aliasOf: Binding | undefined
  /** The function or class it names, when it names one. */
  functionNode: Node | undefined
  classNode: Node | undefined
  /** An import's module specifier. */
  source: string | undefined
}

export interface ModuleFacts {
  moduleOwner: Owner
  /** Bindings made once per evaluation of the module (its own code, IIFEs, wrappers). */
  moduleBindings: Binding[]
  /** Every identifier reference met, with its binding (`null`: a global or an undeclared name). */
  references: WeakMap<Node, Binding | null>
  /** What each function returns (its `return` arguments, an arrow's expression body). */
  returns: WeakMap<Node, Node[]>
  /** The owner each function makes (for a call of a local function). */
  owners: WeakMap<Node, Owner>
  /** Every binding, whatever its owner (for aliases made inside functions). */
  allBindings: Binding[]
  /** Expression statements run by the module's own code (`globalThis[k] ??= …`). */
  moduleStatements: Node[]
  /** The module's exports can be seen (ESM syntax or CommonJS exports): a binding not exported is private. */
  exportsVisible: boolean
  exportsBinding: Binding | undefined
}

export interface WalkContext {
  /** Local names the module's code exports, for code whose export statements were removed (a bundled region). */
  exportedNames?: readonly string[]
  /** Local names imported, with their module specifiers, for code whose import statements were removed. */
  importedFrom?: Readonly<Record<string, string>>
}

interface Scope {
  parent: Scope | null
  names: Map<string, Binding>
  /** A function's (or the module's) scope, where `var` lands. */
  isFunction: boolean
}

interface This {
  binding: Binding
  path: string[]
}

interface Ctx {
  scope: Scope
  owner: Owner
  thisRoot: This | null
  /** The function whose `return`s are being collected. */
  fn: Node | null
}

export function walkModule(body: readonly Node[], context: WalkContext = {}): ModuleFacts {
  return new Walker(context).run(body)
}

class Walker {
  readonly #context: WalkContext
  readonly #moduleOwner: Owner = { node: null, parent: null, name: undefined, bindings: [] }
  readonly #references = new WeakMap<Node, Binding | null>()
  readonly #returns = new WeakMap<Node, Node[]>()
  readonly #owners = new WeakMap<Node, Owner>()
  readonly #moduleStatements: Node[] = []
  readonly #allBindings: Binding[] = []
  #exportsVisible = false
  #exports: Binding | undefined
  #module: Binding | undefined

  constructor(context: WalkContext) {
    this.#context = context
  }

  run(body: readonly Node[]): ModuleFacts {
    const scope: Scope = { parent: null, names: new Map(), isFunction: true }
    const ctx: Ctx = { scope, owner: this.#moduleOwner, thisRoot: null, fn: null }
    this.#hoist(body, ctx, scope)
    for (const [name, source] of Object.entries(this.#context.importedFrom ?? {})) {
      if (!scope.names.has(name)) this.#declare(scope, name, 'import', ctx.owner, body[0] ?? NO_NODE).source = source
    }
    if (this.#context.exportedNames) {
      this.#exportsVisible = true
      for (const name of this.#context.exportedNames) {
        const binding = scope.names.get(name)
        if (binding) binding.exported = true
      }
    }
    for (const statement of body) this.#statement(statement, ctx)
    return {
      moduleOwner: this.#moduleOwner,
      moduleBindings: this.#moduleOwner.bindings,
      references: this.#references,
      returns: this.#returns,
      owners: this.#owners,
      allBindings: this.#allBindings,
      moduleStatements: this.#moduleStatements,
      exportsVisible: this.#exportsVisible,
      exportsBinding: this.#exports,
    }
  }

  // ── declarations ──────────────────────────────────────────────────────────────────────────

  #declare(scope: Scope, name: string, kind: BindingKind, owner: Owner, declaration: Node): Binding {
    const existing = scope.names.get(name)
    if (existing) return existing
    const binding: Binding = {
      name,
      kind,
      owner,
      declaration,
      values: [],
      memberValues: [],
      uses: [],
      exported: false,
      aliasOf: undefined,
      functionNode: undefined,
      classNode: undefined,
      source: undefined,
    }
    scope.names.set(name, binding)
    owner.bindings.push(binding)
    this.#allBindings.push(binding)
    return binding
  }

  /** A pseudo binding that is not in any scope (`export default <expression>`). */
  #anonymous(name: string, kind: BindingKind, owner: Owner, declaration: Node): Binding {
    const binding = this.#declare({ parent: null, names: new Map(), isFunction: false }, name, kind, owner, declaration)
    return binding
  }

  /** Names a block declares (let, const, class, function) and, in a function's scope, every `var` below it. */
  #hoist(statements: readonly Node[], ctx: Ctx, scope: Scope): void {
    const functionScope = scope.isFunction ? scope : nearestFunctionScope(scope)
    for (const statement of statements) {
      const exported = statement.type === 'ExportNamedDeclaration' || statement.type === 'ExportDefaultDeclaration'
      if (exported || statement.type === 'ImportDeclaration' || statement.type === 'TSExportAssignment') {
        this.#exportsVisible = true
      }
      const inner = exported ? ((statement.declaration as Node | null) ?? statement) : statement
      switch (inner.type) {
        case 'VariableDeclaration': {
          if (inner.declare === true) break
          const kind = inner.kind as string
          const target = kind === 'var' ? functionScope : scope
          for (const declarator of inner.declarations as Node[]) {
            for (const id of patternNames(declarator.id as Node)) {
              const binding = this.#declare(target, id.name as string, bindingKind(kind), ctx.owner, inner)
              if (exported) binding.exported = true
            }
          }
          break
        }
        case 'FunctionDeclaration':
        case 'ClassDeclaration':
        case 'TSEnumDeclaration':
        case 'TSModuleDeclaration': {
          const id = inner.id as Node | null
          if (!id || id.type !== 'Identifier' || inner.declare === true) break
          const kind =
            inner.type === 'FunctionDeclaration'
              ? 'function'
              : inner.type === 'ClassDeclaration'
                ? 'class'
                : inner.type === 'TSEnumDeclaration'
                  ? 'enum'
                  : 'namespace'
          const binding = this.#declare(scope, id.name as string, kind, ctx.owner, inner)
          if (exported) binding.exported = true
          break
        }
        case 'ImportDeclaration':
          if (inner.importKind === 'type') break
          for (const specifier of inner.specifiers as Node[]) {
            if (specifier.importKind === 'type') continue
            const binding = this.#declare(scope, (specifier.local as Node).name as string, 'import', ctx.owner, inner)
            binding.source = (inner.source as Node).value as string
          }
          break
        case 'TSImportEqualsDeclaration':
          if (inner.importKind !== 'type') {
            this.#declare(scope, (inner.id as Node).name as string, 'import', ctx.owner, inner)
          }
          break
        default:
          for (const name of varNames(inner)) this.#declare(functionScope, name.name as string, 'var', ctx.owner, name)
      }
    }
  }

  #resolve(name: string, scope: Scope): Binding | null {
    for (let current: Scope | null = scope; current; current = current.parent) {
      const found = current.names.get(name)
      if (found) return found
    }
    // CommonJS: a free `exports` or `module` is the module's own.
    if (name === 'exports') return this.#exportsOf()
    if (name === 'module') return this.#moduleObject()
    return null
  }

  #exportsOf(): Binding {
    this.#exportsVisible = true
    return (this.#exports ??= this.#anonymous('exports', 'exports', this.#moduleOwner, NO_NODE))
  }

  #moduleObject(): Binding {
    return (this.#module ??= this.#anonymous('module', 'module', this.#moduleOwner, NO_NODE))
  }

  // ── uses ─────────────────────────────────────────────────────────────────────────────────

  #use(binding: Binding, kind: UseKind, node: Node, ctx: Ctx, extra: Partial<Use> = {}): void {
    binding.uses.push({
      kind,
      how: extra.how ?? '',
      path: extra.path ?? [],
      depth: extra.depth ?? 0,
      node,
      owner: ctx.owner,
      viaThis: extra.viaThis ?? false,
    })
  }

  #reference(node: Node, ctx: Ctx, kind: UseKind): void {
    const binding = this.#resolve(node.name as string, ctx.scope)
    this.#references.set(node, binding)
    if (binding) this.#use(binding, kind, node, ctx)
  }

  // ── statements ───────────────────────────────────────────────────────────────────────────

  #statements(statements: readonly Node[], ctx: Ctx, scope: Scope): void {
    const inner = { ...ctx, scope }
    this.#hoist(statements, inner, scope)
    for (const statement of statements) this.#statement(statement, inner)
  }

  #block(statements: readonly Node[], ctx: Ctx): void {
    this.#statements(statements, ctx, { parent: ctx.scope, names: new Map(), isFunction: false })
  }

  #statement(node: Node, ctx: Ctx): void {
    switch (node.type) {
      case 'VariableDeclaration':
        if (node.declare !== true) this.#variables(node, ctx)
        return
      case 'FunctionDeclaration': {
        const id = node.id as Node | null
        const binding = id ? this.#resolve(id.name as string, ctx.scope) : null
        if (binding) binding.functionNode = node
        this.#function(node, ctx, { name: binding ?? undefined })
        return
      }
      case 'ClassDeclaration': {
        const id = node.id as Node | null
        const binding = id ? this.#resolve(id.name as string, ctx.scope) : null
        this.#class(node, ctx, binding ?? undefined)
        return
      }
      case 'ExpressionStatement':
        if (ctx.owner === this.#moduleOwner) this.#moduleStatements.push(node.expression as Node)
        this.#expression(node.expression as Node, ctx, 'read')
        return
      case 'ExportNamedDeclaration':
        if (node.declaration) this.#statement(node.declaration as Node, ctx)
        else if (!node.source) {
          for (const specifier of node.specifiers as Node[]) {
            const local = specifier.local as Node
            if (local.type !== 'Identifier' || specifier.exportKind === 'type') continue
            const binding = this.#resolve(local.name as string, ctx.scope)
            if (binding) binding.exported = true
            this.#reference(local, ctx, 'escape')
          }
        }
        return
      case 'ExportDefaultDeclaration':
        this.#exportDefault(node.declaration as Node, ctx)
        return
      case 'TSExportAssignment': {
        const exports = this.#exportsOf()
        exports.values.push(node.expression as Node)
        this.#markExported(node.expression as Node, ctx)
        this.#expression(node.expression as Node, ctx, 'escape')
        return
      }
      case 'ReturnStatement':
        if (node.argument) {
          if (ctx.fn) this.#returnsOf(ctx.fn).push(node.argument as Node)
          this.#expression(node.argument as Node, ctx, 'escape')
        }
        return
      case 'BlockStatement':
        this.#block(node.body as Node[], ctx)
        return
      case 'StaticBlock':
        this.#block(node.body as Node[], ctx)
        return
      case 'TSModuleDeclaration': {
        const body = node.body as Node | null
        if (node.declare === true || !body) return
        if (body.type === 'TSModuleBlock') this.#block(body.body as Node[], ctx)
        else this.#statement(body, ctx)
        return
      }
      case 'TSEnumDeclaration':
        for (const member of (node.body as Node).members as Node[]) {
          if (member.initializer) this.#expression(member.initializer as Node, ctx, 'read')
        }
        return
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement': {
        const scope: Scope = { parent: ctx.scope, names: new Map(), isFunction: false }
        const inner = { ...ctx, scope }
        const head = (node.init ?? node.left) as Node | null
        if (head?.type === 'VariableDeclaration') {
          this.#hoist([head], inner, scope)
          this.#variables(head, inner, node.type === 'ForStatement' ? undefined : (node.right as Node))
        } else if (head && node.type !== 'ForStatement') this.#target(head, inner, 'reassigned by a loop')
        else if (head) this.#expression(head, inner, 'read')
        if (node.test) this.#expression(node.test as Node, inner, 'read')
        if (node.update) this.#expression(node.update as Node, inner, 'read')
        if (node.right) this.#expression(node.right as Node, inner, node.type === 'ForOfStatement' ? 'iterate' : 'read')
        this.#statement(node.body as Node, inner)
        return
      }
      case 'CatchClause': {
        const scope: Scope = { parent: ctx.scope, names: new Map(), isFunction: false }
        if (node.param) this.#pattern(node.param as Node, { ...ctx, scope }, scope, 'catch')
        this.#block(((node.body as Node).body as Node[]) ?? [], { ...ctx, scope })
        return
      }
      case 'LabeledStatement':
        this.#statement(node.body as Node, ctx)
        return
      case 'SwitchStatement': {
        this.#expression(node.discriminant as Node, ctx, 'read')
        // The cases share one block scope.
        const cases = node.cases as Node[]
        const scope: Scope = { parent: ctx.scope, names: new Map(), isFunction: false }
        const inner = { ...ctx, scope }
        this.#hoist(
          cases.flatMap((switchCase) => switchCase.consequent as Node[]),
          inner,
          scope,
        )
        for (const switchCase of cases) {
          if (switchCase.test) this.#expression(switchCase.test as Node, inner, 'read')
          for (const statement of switchCase.consequent as Node[]) this.#statement(statement, inner)
        }
        return
      }
      case 'BreakStatement':
      case 'ContinueStatement':
      case 'ImportDeclaration':
      case 'ExportAllDeclaration':
      case 'TSImportEqualsDeclaration':
      case 'EmptyStatement':
      case 'DebuggerStatement':
        return
      default:
        if (isTypeOnly(node.type)) return
        this.#children(node, ctx, 'read')
    }
  }

  #exportDefault(declaration: Node, ctx: Ctx): void {
    if (declaration.type === 'FunctionDeclaration' || declaration.type === 'ClassDeclaration') {
      const id = declaration.id as Node | null
      if (id) {
        this.#statement(declaration, ctx)
        return
      }
    }
    if (TYPE_ONLY.has(declaration.type)) return
    const value = unwrap(declaration)
    if (value.type === 'Identifier') {
      const binding = this.#resolve(value.name as string, ctx.scope)
      if (binding) binding.exported = true
      this.#reference(value, ctx, 'escape')
      return
    }
    const binding = this.#anonymous('default', 'default', ctx.owner, declaration)
    binding.exported = true
    binding.values.push(declaration)
    if (value.type === 'FunctionDeclaration' || value.type === 'FunctionExpression') binding.functionNode = value
    if (value.type === 'ClassDeclaration' || value.type === 'ClassExpression') {
      this.#class(value, ctx, binding)
      return
    }
    this.#expression(declaration, ctx, 'escape', { binding, path: [] })
  }

  #variables(node: Node, ctx: Ctx, loopSource?: Node): void {
    for (const declarator of node.declarations as Node[]) {
      const id = declarator.id as Node
      const init = declarator.init as Node | null
      if (id.type === 'Identifier') {
        const binding = this.#resolve(id.name as string, ctx.scope)
        if (binding && init) {
          binding.values.push(init)
          binding.aliasOf ??= this.#rootBinding(init, ctx)
          const value = unwrap(init)
          if (value.type === 'ArrowFunctionExpression' || value.type === 'FunctionExpression') {
            binding.functionNode = value
            this.#function(value, ctx, { name: binding })
            continue
          }
          if (value.type === 'ClassExpression') {
            this.#class(value, ctx, binding)
            continue
          }
        }
        if (binding && loopSource) binding.values.push(loopSource)
        if (init)
          this.#expression(init, ctx, binding?.aliasOf ? 'read' : 'escape', binding ? { binding, path: [] } : null)
      } else {
        if (init) this.#expression(init, ctx, 'escape')
        const source = init ?? loopSource
        for (const name of patternNames(id)) {
          const binding = this.#resolve(name.name as string, ctx.scope)
          if (!binding) continue
          if (source) binding.values.push(destructured(source))
          if (init) binding.aliasOf ??= this.#rootBinding(init, ctx)
        }
        this.#patternDefaults(id, ctx)
      }
    }
  }

  /** Declares a parameter or catch pattern's names in `scope`, and walks its default values. */
  #pattern(node: Node, ctx: Ctx, scope: Scope, kind: BindingKind): void {
    const target = node.type === 'TSParameterProperty' ? (node.parameter as Node) : node
    for (const name of patternNames(target)) this.#declare(scope, name.name as string, kind, ctx.owner, name)
    this.#patternDefaults(target, ctx)
  }

  #patternDefaults(node: Node, ctx: Ctx): void {
    switch (node.type) {
      case 'AssignmentPattern':
        this.#patternDefaults(node.left as Node, ctx)
        this.#expression(node.right as Node, ctx, 'escape')
        return
      case 'ObjectPattern':
        for (const property of node.properties as Node[]) {
          if (property.type === 'RestElement') this.#patternDefaults(property.argument as Node, ctx)
          else {
            if (property.computed) this.#expression(property.key as Node, ctx, 'read')
            this.#patternDefaults(property.value as Node, ctx)
          }
        }
        return
      case 'ArrayPattern':
        for (const element of node.elements as (Node | null)[]) if (element) this.#patternDefaults(element, ctx)
        return
      case 'RestElement':
        this.#patternDefaults(node.argument as Node, ctx)
    }
  }

  // ── functions and classes ────────────────────────────────────────────────────────────────

  #returnsOf(fn: Node): Node[] {
    let list = this.#returns.get(fn)
    if (!list) this.#returns.set(fn, (list = []))
    return list
  }

  #function(
    node: Node,
    ctx: Ctx,
    options: { name?: Binding; runsOnce?: boolean; thisRoot?: This | null; commonJs?: boolean },
  ): void {
    const owner: Owner = options.runsOnce ? ctx.owner : { node, parent: ctx.owner, name: options.name, bindings: [] }
    if (!options.runsOnce) this.#owners.set(node, owner)
    const scope: Scope = { parent: ctx.scope, names: new Map(), isFunction: true }
    const thisRoot = node.type === 'ArrowFunctionExpression' ? ctx.thisRoot : (options.thisRoot ?? null)
    const inner: Ctx = { scope, owner, thisRoot, fn: node }
    this.#returnsOf(node)
    const id = node.id as Node | null
    if (node.type === 'FunctionExpression' && id) this.#declare(scope, id.name as string, 'function', owner, id)
    const params = node.params as Node[]
    for (const param of params) this.#pattern(param, inner, scope, 'param')
    if (options.commonJs) {
      // `(exports, module) => { … }`: the wrapper's parameters are the module's own.
      const [exportsParam, moduleParam] = params
      if (exportsParam?.type === 'Identifier') scope.names.set(exportsParam.name as string, this.#exportsOf())
      if (moduleParam?.type === 'Identifier') scope.names.set(moduleParam.name as string, this.#moduleObject())
    }
    const body = node.body as Node | null
    if (!body) return
    if (body.type === 'BlockStatement') this.#statements(body.body as Node[], inner, scope)
    else {
      this.#returnsOf(node).push(body)
      this.#expression(body, inner, 'escape')
    }
  }

  #class(node: Node, ctx: Ctx, binding: Binding | undefined): void {
    if (binding) binding.classNode = node
    for (const decorator of (node.decorators as Node[] | undefined) ?? []) this.#expression(decorator, ctx, 'read')
    if (node.superClass) this.#expression(node.superClass as Node, ctx, 'read')
    let scope = ctx.scope
    const id = node.id as Node | null
    if (node.type === 'ClassExpression' && id) {
      scope = {
        parent: ctx.scope,
        names: new Map([[id.name as string, binding ?? this.#anonymous(id.name as string, 'class', ctx.owner, node)]]),
        isFunction: false,
      }
    }
    const classThis: This | null = binding ? { binding, path: [] } : null
    for (const member of (node.body as Node).body as Node[]) {
      if (TYPE_ONLY.has(member.type)) continue
      for (const decorator of (member.decorators as Node[] | undefined) ?? []) this.#expression(decorator, ctx, 'read')
      if (member.computed) this.#expression(member.key as Node, { ...ctx, scope }, 'read')
      const isStatic = member.static === true
      if (member.type === 'StaticBlock') {
        this.#block(member.body as Node[], { ...ctx, scope, thisRoot: classThis })
      } else if (member.type === 'MethodDefinition') {
        this.#function(member.value as Node, { ...ctx, scope }, { thisRoot: isStatic ? classThis : null })
      } else if (member.type === 'PropertyDefinition' || member.type === 'AccessorProperty') {
        const value = member.value as Node | null
        if (!value) continue
        if (isStatic) {
          const name = propertyName(member)
          if (binding && name !== undefined) binding.memberValues.push({ path: [name], value })
          this.#expression(
            value,
            { ...ctx, scope, thisRoot: classThis },
            'escape',
            classThis && name !== undefined ? { binding: classThis.binding, path: [name] } : null,
          )
        } else {
          // An instance field's initializer runs at each construction, like a function.
          const owner: Owner = { node: member, parent: ctx.owner, name: undefined, bindings: [] }
          this.#expression(value, { ...ctx, scope, owner, thisRoot: null }, 'escape')
        }
      }
    }
  }

  // ── expressions ──────────────────────────────────────────────────────────────────────────

  /**
   * Walks an expression in which an identifier is used as `role`. `holder` is the binding (and
   * path) the expression's value is stored in, so that `this` in an object literal's methods is
   * known to be that binding.
   */
  #expression(node: Node, ctx: Ctx, role: UseKind, holder: This | null = null): void {
    switch (node.type) {
      case 'Identifier':
        this.#reference(node, ctx, role)
        return
      case 'ParenthesizedExpression':
      case 'TSAsExpression':
      case 'TSSatisfiesExpression':
      case 'TSNonNullExpression':
      case 'TSTypeAssertion':
      case 'TSInstantiationExpression':
      case 'ChainExpression':
      case 'AwaitExpression':
        this.#expression((node.expression ?? node.argument) as Node, ctx, role, holder)
        return
      case 'MemberExpression':
        this.#member(node, ctx, 'member-read', '')
        return
      case 'CallExpression':
      case 'NewExpression':
        this.#call(node, ctx)
        return
      case 'AssignmentExpression':
        this.#assignment(node, ctx)
        return
      case 'UpdateExpression':
        this.#target(node.argument as Node, ctx, node.operator as string)
        return
      case 'UnaryExpression':
        if (node.operator === 'delete') this.#target(node.argument as Node, ctx, 'delete')
        else this.#expression(node.argument as Node, ctx, 'read')
        return
      case 'BinaryExpression':
        if ((node.left as Node).type !== 'PrivateIdentifier') this.#expression(node.left as Node, ctx, 'read')
        this.#expression(node.right as Node, ctx, 'read')
        return
      case 'LogicalExpression':
        this.#expression(node.left as Node, ctx, role, holder)
        this.#expression(node.right as Node, ctx, role, holder)
        return
      case 'ConditionalExpression':
        this.#expression(node.test as Node, ctx, 'read')
        this.#expression(node.consequent as Node, ctx, role, holder)
        this.#expression(node.alternate as Node, ctx, role, holder)
        return
      case 'SequenceExpression': {
        const items = node.expressions as Node[]
        items.forEach((item, index) =>
          this.#expression(
            item,
            ctx,
            index === items.length - 1 ? role : 'read',
            index === items.length - 1 ? holder : null,
          ),
        )
        return
      }
      case 'ArrayExpression':
        for (const element of node.elements as (Node | null)[]) if (element) this.#expression(element, ctx, 'escape')
        return
      case 'SpreadElement':
        this.#expression(node.argument as Node, ctx, 'iterate')
        return
      case 'ObjectExpression':
        this.#object(node, ctx, holder)
        return
      case 'ArrowFunctionExpression':
      case 'FunctionExpression':
        this.#function(node, ctx, {})
        return
      case 'ClassExpression':
        this.#class(node, ctx, holder && holder.path.length === 0 ? holder.binding : undefined)
        return
      case 'TemplateLiteral':
        for (const expression of node.expressions as Node[]) this.#expression(expression, ctx, 'read')
        return
      case 'TaggedTemplateExpression':
        this.#expression(node.tag as Node, ctx, 'call')
        for (const expression of (node.quasi as Node).expressions as Node[]) this.#expression(expression, ctx, 'escape')
        return
      case 'YieldExpression':
        if (node.argument) this.#expression(node.argument as Node, ctx, 'escape')
        return
      case 'ThisExpression':
      case 'Literal':
      case 'Super':
      case 'MetaProperty':
      case 'PrivateIdentifier':
        return
      case 'JSXIdentifier':
        // `<Store />` reads the binding `Store`; lower-case names are elements.
        if (!isLowerCase((node.name as string)[0] ?? 'a')) this.#reference({ ...node, type: 'Identifier' }, ctx, 'read')
        return
      default:
        this.#children(node, ctx, 'escape')
    }
  }

  /** Any other node: its children, types left out. */
  #children(node: Node, ctx: Ctx, role: UseKind): void {
    for (const [key, value] of Object.entries(node)) {
      if (TYPE_KEYS.has(key) || value === null || typeof value !== 'object') continue
      if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) this.#childNode(item, ctx, role)
      } else if (isNode(value)) this.#childNode(value, ctx, role)
    }
  }

  #childNode(node: Node, ctx: Ctx, role: UseKind): void {
    if (isTypeOnly(node.type)) return
    const type = node.type
    if (type.endsWith('Statement') || type.endsWith('Declaration') || type === 'CatchClause') this.#statement(node, ctx)
    else this.#expression(node, ctx, role)
  }

  #object(node: Node, ctx: Ctx, holder: This | null): void {
    for (const property of node.properties as Node[]) {
      if (property.type === 'SpreadElement') {
        this.#expression(property.argument as Node, ctx, 'read')
        continue
      }
      if (property.computed) this.#expression(property.key as Node, ctx, 'read')
      const value = unwrap(property.value as Node)
      const name = propertyName(property)
      const inner: This | null =
        holder && name !== undefined ? { binding: holder.binding, path: [...holder.path, name] } : null
      if (value.type === 'FunctionExpression') {
        // A method's `this` is the object the literal becomes.
        this.#function(value, ctx, { thisRoot: holder })
      } else this.#expression(property.value as Node, ctx, 'escape', inner)
    }
  }

  #call(node: Node, ctx: Ctx): void {
    const callee = unwrap(node.callee as Node)
    const args = node.arguments as Node[]
    const callee0 = callee.type === 'ChainExpression' ? unwrap(callee.expression as Node) : callee
    // An IIFE (also `.call(this)`, `new function () {}`): its body runs once, with the code around it.
    const immediate = immediateFunction(callee0)
    if (immediate) {
      for (const arg of args) this.#expression(arg, ctx, 'escape')
      if (callee0.type === 'MemberExpression') this.#expression(callee0.object as Node, ctx, 'read')
      this.#function(immediate, ctx, { runsOnce: true, thisRoot: null })
      return
    }
    if (callee0.type === 'Identifier') {
      const name = callee0.name as string
      const wrapper = COMMONJS_WRAPPERS.has(name) ? 'cjs' : ESM_WRAPPERS.has(name) ? 'esm' : undefined
      if (wrapper) {
        this.#reference(callee0, ctx, 'call')
        for (const arg of args) this.#wrapped(arg, ctx, wrapper === 'cjs')
        return
      }
      this.#reference(callee0, ctx, 'call')
    } else if (callee0.type === 'MemberExpression') {
      const method = memberName(callee0)
      const objectMutator = this.#objectMutator(callee0, ctx)
      if (objectMutator && args[0]) {
        this.#mutatedValue(args[0], ctx, `${objectMutator}()`)
        for (const arg of args.slice(1)) this.#expression(arg, ctx, 'escape')
        return
      }
      if (method !== undefined && MUTATING_METHODS.has(method)) this.#member(callee0, ctx, 'mutate', `${method}()`)
      else this.#member(callee0, ctx, 'member-call', '')
      if (method !== undefined && SYNCHRONOUS_CALLBACKS.has(method)) {
        // `keys.forEach((k) => table[k] = …)`: the callback runs during the call, with the code around it.
        for (const arg of args) {
          const value = unwrap(arg)
          if (value.type === 'ArrowFunctionExpression' || value.type === 'FunctionExpression') {
            this.#function(value, ctx, { runsOnce: true, thisRoot: null })
          } else this.#expression(arg, ctx, 'escape')
        }
        return
      }
    } else this.#expression(callee0, ctx, 'read')
    for (const arg of args) this.#expression(arg, ctx, 'escape')
  }

  /** A wrapper's argument: the module's code as a function, or an object of them (esbuild). */
  #wrapped(arg: Node, ctx: Ctx, commonJs: boolean): void {
    const value = unwrap(arg)
    if (value.type === 'ArrowFunctionExpression' || value.type === 'FunctionExpression') {
      this.#function(value, ctx, { runsOnce: true, commonJs })
    } else if (value.type === 'ObjectExpression') {
      for (const property of value.properties as Node[]) {
        const inner = property.type === 'Property' ? unwrap(property.value as Node) : undefined
        if (inner && (inner.type === 'ArrowFunctionExpression' || inner.type === 'FunctionExpression')) {
          this.#function(inner, ctx, { runsOnce: true, commonJs })
        } else this.#expression(property, ctx, 'escape')
      }
    } else this.#expression(arg, ctx, 'escape')
  }

  /** `Object.assign` and the like, on the global `Object` or `Reflect`: their name. */
  #objectMutator(callee: Node, ctx: Ctx): string | undefined {
    const object = unwrap(callee.object as Node)
    const method = memberName(callee)
    if (object.type !== 'Identifier' || method === undefined) return undefined
    const methods = OBJECT_MUTATORS.get(object.name as string)
    if (!methods?.has(method) || this.#resolve(object.name as string, ctx.scope) !== null) return undefined
    return `${object.name as string}.${method}`
  }

  #assignment(node: Node, ctx: Ctx): void {
    const left = unwrap(node.left as Node)
    const operator = node.operator as string
    const right = node.right as Node
    const how = operator === '=' ? 'reassigned' : `updated (${operator})`
    if (left.type === 'Identifier') {
      const binding = this.#resolve(left.name as string, ctx.scope)
      this.#references.set(left, binding)
      if (binding) {
        this.#use(binding, 'reassign', node, ctx, { how })
        // A value given while the binding's own code runs (a bundler's lazy init, `x ??= new Map()`).
        if (binding.owner === ctx.owner && operator !== '+=' && operator !== '-=') binding.values.push(right)
      }
      this.#expression(right, ctx, 'escape', binding ? { binding, path: [] } : null)
      return
    }
    const root = left.type === 'MemberExpression' ? this.#memberRoot(left, ctx) : undefined
    this.#target(left, ctx, operator === '=' ? 'property assigned' : `property updated (${operator})`)
    const binding = root?.binding
    if (binding && binding.owner === ctx.owner && operator === '=') {
      // `exports.cache = new Map()`, `Store.instances = new Set()`, `module.exports = …` while the module runs.
      if (root.path.length > 0) binding.memberValues.push({ path: root.path, value: right })
      else binding.values.push(right)
    }
    if (binding?.kind === 'exports') this.#markExported(right, ctx)
    this.#expression(right, ctx, 'escape', binding ? { binding, path: root.path } : null)
  }

  /** `module.exports = { cache }`, `exports.x = x`: the bindings named are exported. */
  #markExported(value: Node, ctx: Ctx): void {
    const node = unwrap(value)
    if (node.type === 'Identifier') {
      const binding = this.#resolve(node.name as string, ctx.scope)
      if (binding) binding.exported = true
    } else if (node.type === 'ObjectExpression') {
      for (const property of node.properties as Node[]) {
        if (property.type === 'Property') this.#markExported(property.value as Node, ctx)
      }
    }
  }

  /** An assignment, update or `delete` target: a binding reassigned, or an object mutated. */
  #target(node: Node, ctx: Ctx, how: string): void {
    const target = unwrap(node)
    switch (target.type) {
      case 'Identifier': {
        const binding = this.#resolve(target.name as string, ctx.scope)
        this.#references.set(target, binding)
        if (binding) this.#use(binding, 'reassign', target, ctx, { how })
        return
      }
      case 'MemberExpression':
        this.#member(target, ctx, 'mutate', how)
        return
      case 'ObjectPattern':
        for (const property of target.properties as Node[]) {
          if (property.type === 'RestElement') this.#target(property.argument as Node, ctx, how)
          else {
            if (property.computed) this.#expression(property.key as Node, ctx, 'read')
            this.#target(property.value as Node, ctx, how)
          }
        }
        return
      case 'ArrayPattern':
        for (const element of target.elements as (Node | null)[]) if (element) this.#target(element, ctx, how)
        return
      case 'AssignmentPattern':
        this.#target(target.left as Node, ctx, how)
        this.#expression(target.right as Node, ctx, 'escape')
        return
      case 'RestElement':
        this.#target(target.argument as Node, ctx, how)
        return
      default:
        this.#expression(target, ctx, 'read')
    }
  }

  /**
   * The binding (or `this` of a method) a member chain starts from, and the path from it.
   * `module.exports.x` starts from the exports binding; any other member of `module`, from none.
   */
  #memberRoot(
    node: Node,
    ctx: Ctx,
    throughAccessors = false,
  ): { binding: Binding | null; path: string[]; viaThis: boolean } {
    const path: string[] = []
    let current: Node = node
    for (;;) {
      if (current.type === 'ChainExpression') current = unwrap(current.expression as Node)
      if (current.type === 'MemberExpression') {
        path.unshift(memberName(current) ?? '[]')
        current = unwrap(current.object as Node)
        continue
      }
      // `handlers.get(type).push(h)` mutates what the Map holds: followed through `get()` and `at()`.
      const callee = throughAccessors && current.type === 'CallExpression' ? unwrap(current.callee as Node) : undefined
      const accessor = callee?.type === 'MemberExpression' ? memberName(callee) : undefined
      if (callee && (accessor === 'get' || accessor === 'at')) {
        path.unshift(`${accessor}()`)
        current = unwrap(callee.object as Node)
        continue
      }
      break
    }
    if (current.type === 'Identifier') {
      const binding = this.#resolve(current.name as string, ctx.scope)
      this.#references.set(current, binding)
      if (binding?.kind === 'module') {
        return path[0] === 'exports'
          ? { binding: this.#exportsOf(), path: path.slice(1), viaThis: false }
          : { binding: null, path, viaThis: false }
      }
      return { binding, path, viaThis: false }
    }
    if (current.type === 'ThisExpression' && ctx.thisRoot) {
      return { binding: ctx.thisRoot.binding, path: [...ctx.thisRoot.path, ...path], viaThis: true }
    }
    return { binding: null, path, viaThis: false }
  }

  /** Walks a member chain's computed keys, and its root when that is not a name or `this`. */
  #memberParts(node: Node, ctx: Ctx): void {
    let current: Node = node
    while (current.type === 'MemberExpression') {
      if (current.computed) this.#expression(current.property as Node, ctx, 'read')
      current = unwrap(current.object as Node)
      if (current.type === 'ChainExpression') current = unwrap(current.expression as Node)
    }
    if (current.type !== 'Identifier' && current.type !== 'ThisExpression') this.#expression(current, ctx, 'read')
  }

  /**
   * A member chain used as `kind`. A mutation's depth counts the objects between the binding and
   * the one mutated: `a.b = 1` and `a.push(1)` mutate `a` itself (0), `a.b.push(1)` mutates `a.b` (1).
   */
  #member(node: Node, ctx: Ctx, kind: UseKind, how: string): void {
    this.#memberParts(node, ctx)
    const root = this.#memberRoot(node, ctx, kind === 'mutate')
    if (!root.binding) return
    // `module.exports = …` assigns the exports binding itself.
    const use = kind === 'mutate' && root.path.length === 0 ? 'reassign' : kind
    const depth = kind === 'mutate' ? Math.max(0, root.path.length - 1) : 0
    this.#use(root.binding, use, node, ctx, { how, path: root.path, depth, viaThis: root.viaThis })
  }

  /** The value itself changed by a call (`Object.assign(target, …)`): a name, a member, or `this`. */
  #mutatedValue(node: Node, ctx: Ctx, how: string): void {
    const value = unwrap(node)
    if (value.type !== 'Identifier' && value.type !== 'MemberExpression' && value.type !== 'ThisExpression') {
      this.#expression(node, ctx, 'escape')
      return
    }
    if (value.type === 'MemberExpression') this.#memberParts(value, ctx)
    const root = this.#memberRoot(value, ctx)
    if (root.binding) {
      this.#use(root.binding, 'mutate', value, ctx, {
        how,
        path: root.path,
        depth: root.path.length,
        viaThis: root.viaThis,
      })
    }
  }

  /** The binding an expression's value comes from (`list`, `state.items`), for aliases. */
  #rootBinding(init: Node, ctx: Ctx): Binding | undefined {
    const value = unwrap(init)
    if (value.type === 'Identifier') return this.#resolve(value.name as string, ctx.scope) ?? undefined
    if (value.type === 'MemberExpression') {
      const root = this.#memberRoot(value, ctx)
      return root.binding && !root.viaThis ? root.binding : undefined
    }
    return undefined
  }
}

const NO_NODE: Node = { type: 'Program', start: 0, end: 0 }

function nearestFunctionScope(scope: Scope): Scope {
  let current = scope
  while (!current.isFunction && current.parent) current = current.parent
  return current
}

function bindingKind(kind: string): BindingKind {
  return kind === 'let' || kind === 'const' ? kind : kind === 'var' ? 'var' : 'const'
}
