import { describe, expect, it } from 'vitest'
import { classifyState, type ClassifyContext, type StateVerdict } from '../../src/core/state-classifier.ts'

/**
 * The classifier over snippets: each names the module's file (the language comes from it), its
 * code, and the verdict: the kind and, for stateful or unsure code, each binding with what makes
 * it so.
 */
interface Case {
  name: string
  file?: string
  code: string
  kind: StateVerdict['kind']
  /** `binding: why` of each piece of evidence, in source order. */
  evidence?: string[]
  context?: ClassifyContext
}

function check({ file = 'module.js', code, kind, evidence, context }: Case): void {
  const verdict = classifyState(code, file, context)
  const said = 'evidence' in verdict ? verdict.evidence.map((item) => `${item.binding}: ${item.why}`) : []
  expect({ kind: verdict.kind, evidence: said }).toEqual({ kind, evidence: evidence ?? [] })
}

const stateful: Case[] = [
  {
    name: 'a module-level Map',
    code: 'export const store = new Map()',
    kind: 'stateful',
    evidence: ['store: new Map()'],
  },
  {
    name: 'Set, WeakMap, WeakSet, WeakRef, EventTarget',
    code: 'export const a = new Set(), b = new WeakMap(), c = new WeakSet()\nexport const d = new WeakRef({}), e = new EventTarget()',
    kind: 'stateful',
    evidence: ['a: new Set()', 'b: new WeakMap()', 'c: new WeakSet()', 'd: new WeakRef()', 'e: new EventTarget()'],
  },
  {
    name: 'an EventEmitter from node:events',
    code: "import { EventEmitter } from 'node:events'\nexport const bus = new EventEmitter()",
    kind: 'stateful',
    evidence: ['bus: new EventEmitter()'],
  },
  {
    name: 'a Map inside Object.freeze (freezing does not freeze its entries)',
    code: 'export const registry = Object.freeze(new Map())',
    kind: 'stateful',
    evidence: ['registry: new Map()'],
  },
  {
    name: 'a private Map filled by an exported function',
    code: 'const pending = new Map()\nexport function add(id, job) { pending.set(id, job) }',
    kind: 'stateful',
    evidence: ['pending: new Map()'],
  },
  {
    name: 'a let reassigned inside a function',
    code: 'let current = null\nexport function use(value) { current = value }\nexport const get = () => current',
    kind: 'stateful',
    evidence: ['current: let reassigned in a function'],
  },
  {
    name: 'a counter updated inside a function',
    code: 'let next = 0\nexport const id = () => next++',
    kind: 'stateful',
    evidence: ['next: let updated in a function'],
  },
  {
    name: 'export let reassigned by an exported setter (TypeScript)',
    file: 'config.mts',
    code: 'export let config: { debug: boolean } | undefined\nexport function configure(next: { debug: boolean }): void { config = next }',
    kind: 'stateful',
    evidence: ['config: let reassigned in a function'],
  },
  {
    name: 'a var reassigned inside a function, declared in a block',
    code: 'if (typeof window === "undefined") { var cached = null }\nexport function load() { cached = {} }',
    kind: 'stateful',
    evidence: ['cached: var reassigned in a function'],
  },
  {
    name: 'an array pushed to inside a function',
    code: 'const queue = []\nexport function enqueue(job) { queue.push(job) }',
    kind: 'stateful',
    evidence: ['queue: array mutated by push() in a function'],
  },
  {
    name: 'an object written by property assignment inside a function',
    code: 'const cache = {}\nexport function remember(key, value) { cache[key] = value }',
    kind: 'stateful',
    evidence: ['cache: object property assigned in a function'],
  },
  {
    name: 'an object whose property is deleted inside a function',
    code: 'const handles = { a: 1 }\nexport function release(key) { delete handles[key] }',
    kind: 'stateful',
    evidence: ['handles: object property deleted in a function'],
  },
  {
    name: 'Object.assign into a module-level object inside a function',
    code: 'const settings = {}\nexport function set(partial) { Object.assign(settings, partial) }',
    kind: 'stateful',
    evidence: ['settings: object mutated by Object.assign() in a function'],
  },
  {
    name: 'a nested array of a frozen object pushed to',
    code: 'export const STATE = Object.freeze({ items: [] })\nexport const add = (x) => STATE.items.push(x)',
    kind: 'stateful',
    evidence: ['STATE: object member .items mutated by push() in a function'],
  },
  {
    name: 'mutation through an alias',
    code: 'const list = []\nconst alias = list\nexport function add(x) { alias.push(x) }',
    kind: 'stateful',
    evidence: ['list: array mutated by push() in a function'],
  },
  {
    name: 'mutation through an alias made inside the function',
    code: 'const list = []\nexport function add(x) { const items = list; items.push(x) }',
    kind: 'stateful',
    evidence: ['list: array mutated by push() in a function'],
  },
  {
    name: 'a let initialised from another binding, then reassigned',
    code: 'const defaults = { debug: false }\nlet current = defaults\nexport function set(next) { current = next }',
    kind: 'stateful',
    evidence: ['current: let reassigned in a function'],
  },
  {
    name: 'an instance of a class',
    code: 'class Store { items = [] }\nexport const store = new Store()',
    kind: 'stateful',
    evidence: ['store: instance of Store'],
  },
  {
    name: 'an instance of an imported class',
    code: "import { Scheduler } from './scheduler.js'\nexport const scheduler = new Scheduler()",
    kind: 'stateful',
    evidence: ['scheduler: instance of Scheduler'],
  },
  {
    name: 'an exported Symbol()',
    code: "export const kState = Symbol('state')",
    kind: 'stateful',
    evidence: ['kState: exported Symbol()'],
  },
  {
    name: 'a Symbol() exported by name later',
    code: "const kState = Symbol('state')\nexport { kState }",
    kind: 'stateful',
    evidence: ['kState: exported Symbol()'],
  },
  {
    name: 'a class static field holding a Map',
    code: 'export class Registry { static items = new Map() }',
    kind: 'stateful',
    evidence: ['Registry.items: new Map()'],
  },
  {
    name: 'a class static counter updated by a static method (this)',
    code: 'export class Ids { static next = 0\n  static take() { return this.next++ } }',
    kind: 'stateful',
    evidence: ['Ids.next: class property updated in a method'],
  },
  {
    name: 'a lazily made instance kept on the class',
    code: 'export class Client { static instance\n  static get() { return (Client.instance ??= new Client()) } }',
    kind: 'stateful',
    evidence: ['Client.instance: class property assigned in a function'],
  },
  {
    name: 'a class whose constructor fills a private module-level WeakMap',
    code: 'const secrets = new WeakMap()\nexport class Box { constructor(v) { secrets.set(this, v) } }',
    kind: 'stateful',
    evidence: ['secrets: new WeakMap()'],
  },
  {
    name: 'an id counter used by an instance field initialiser',
    code: 'let nextId = 0\nexport class Node { id = nextId++ }',
    kind: 'stateful',
    evidence: ['nextId: let updated in a function'],
  },
  {
    name: 'an object literal whose method mutates this',
    code: 'export const counter = { count: 0, increment() { this.count++ } }',
    kind: 'stateful',
    evidence: ['counter: object property updated in a method'],
  },
  {
    name: 'a default-exported object whose method pushes to this',
    code: 'export default { items: [], add(x) { this.items.push(x) } }',
    kind: 'stateful',
    evidence: ['default: object member .items mutated by push() in a method'],
  },
  {
    name: 'a default-exported Map',
    code: 'export default new Map()',
    kind: 'stateful',
    evidence: ['default: new Map()'],
  },
  {
    name: 'a Map in an object literal',
    code: 'export const state = { sessions: new Map(), version: 1 }',
    kind: 'stateful',
    evidence: ['state.sessions: new Map()'],
  },
  {
    name: 'a function memoising on itself',
    code: 'export function load() { return (load.cached ??= fetchIt()) }',
    kind: 'stateful',
    evidence: ['load: function property assigned in a function'],
  },
  {
    name: 'state inside an IIFE, kept by the closures it returns',
    code: 'export const store = (() => {\n  const entries = new Map()\n  return { get: (k) => entries.get(k), set: (k, v) => entries.set(k, v) }\n})()',
    kind: 'stateful',
    evidence: ['entries: new Map()'],
  },
  {
    name: 'a call of a local factory whose closure keeps a Map',
    code: 'function memoize(fn) { const cache = new Map(); return (k) => cache.get(k) ?? cache.set(k, fn(k)).get(k) }\nexport const lookup = memoize((k) => k.length)',
    kind: 'stateful',
    evidence: ['lookup: memoize() keeps state in a closure (cache: new Map())'],
  },
  {
    name: 'a call of a local debounce whose closure reassigns its timer',
    code: 'function debounce(fn, ms) { let timer; return () => { clearTimeout(timer); timer = setTimeout(fn, ms) } }\nexport const save = debounce(() => {}, 100)',
    kind: 'stateful',
    evidence: ['save: debounce() keeps state in a closure (timer reassigned by a closure)'],
  },
  {
    name: 'a local factory that returns a Map',
    code: 'function createCache() { return new Map() }\nexport const cache = createCache()',
    kind: 'stateful',
    evidence: ['cache: createCache() returns new Map()'],
  },
  {
    name: 'a TypeScript namespace holding a let',
    file: 'ids.ts',
    code: 'export namespace Ids { let next = 0; export function take(): number { return next++ } }',
    kind: 'stateful',
    evidence: ['next: let updated in a function'],
  },
  {
    name: 'TypeScript with type annotations and assertions',
    file: 'store.ts',
    code: 'interface Entry { id: string }\nconst entries = new Map<string, Entry>() as Map<string, Entry>\nexport function put(e: Entry): void { entries.set(e.id, e) }',
    kind: 'stateful',
    evidence: ['entries: new Map()'],
  },
  {
    name: 'TSX: a component module with a module-level cache',
    file: 'view.tsx',
    code: 'const seen: Record<string, true> = {}\nexport function View({ id }: { id: string }) { seen[id] = true; return <div id={id}>{id}</div> }',
    kind: 'stateful',
    evidence: ['seen: object property assigned in a function'],
  },
  {
    name: 'a let set by an exported init function',
    code: 'let db\nexport function init(conn) { db = conn }\nexport const query = (q) => db.run(q)',
    kind: 'stateful',
    evidence: ['db: let reassigned in a function'],
  },
  {
    name: 'an array pushed to by a class method',
    code: 'const all = []\nexport class Widget { mount() { all.push(this) } }',
    kind: 'stateful',
    evidence: ['all: array mutated by push() in a function'],
  },
  {
    name: 'a setter storing on the object',
    code: 'export const settings = { _level: 0, set level(v) { this._level = v } }',
    kind: 'stateful',
    evidence: ['settings: object property assigned in a method'],
  },
  {
    name: 'a private Map whose arrays are pushed to through get()',
    code: "const handlers = new Map([['open', []]])\nexport function on(type, h) { handlers.get(type).push(h) }",
    kind: 'stateful',
    evidence: ['handlers: new Map()'],
  },
  {
    name: 'an object of arrays pushed to through at()',
    code: 'const slots = [[], []]\nexport function put(i, x) { slots.at(i).push(x) }',
    kind: 'stateful',
    evidence: ['slots: array member .at() mutated by push() in a function'],
  },
  {
    name: 'an array sorted in place by a function',
    code: 'const order = [3, 1, 2]\nexport function sortNow() { order.sort() }',
    kind: 'stateful',
    evidence: ['order: array mutated by sort() in a function'],
  },
  {
    name: 'an exported Map filled while the module runs (importers may fill it too)',
    code: "export const registry = new Map()\nregistry.set('default', 1)",
    kind: 'stateful',
    evidence: ['registry: new Map()'],
  },
  {
    name: 'an async function reassigning a cache',
    code: 'let config\nexport async function load() { config ??= await fetchConfig(); return config }',
    kind: 'stateful',
    evidence: ['config: let reassigned in a function'],
  },
  {
    name: 'a class expression with a static array pushed to through this',
    code: 'export const Registry = class { static all = []\n  static add(x) { this.all.push(x) } }',
    kind: 'stateful',
    evidence: ['Registry: class member .all mutated by push() in a method'],
  },
  {
    name: 'a function declared after the code that uses it (hoisting)',
    code: 'export const bump = () => increment()\nfunction increment() { return ++count }\nvar count = 0',
    kind: 'stateful',
    evidence: ['count: var updated in a function'],
  },
  {
    name: 'a callback registered with setInterval updates state',
    code: 'let ticks = 0\nsetInterval(() => { ticks++ }, 1000)\nexport const count = () => ticks',
    kind: 'stateful',
    evidence: ['ticks: let updated in a function'],
  },
]

const stateless: Case[] = [
  {
    name: 'constants and functions',
    code: "export const NAME = 'x'\nexport const LIMIT = 10\nexport function add(a, b) { return a + b }",
    kind: 'stateless',
  },
  {
    name: 'a let never reassigned after the module ran',
    code: 'let mode = "a"\nif (globalThis.process) mode = "b"\nexport const get = () => mode',
    kind: 'stateless',
  },
  {
    name: 'a frozen plain object',
    code: 'export const COLORS = Object.freeze({ red: "#f00", list: [1, 2] })',
    kind: 'stateless',
  },
  {
    name: 'an object never mutated',
    code: 'export const DEFAULTS = { retries: 3, codes: [500, 502] }\nexport const get = (k) => DEFAULTS[k]',
    kind: 'stateless',
  },
  {
    name: 'a Map made inside a function',
    code: 'export function group(items) { const m = new Map(); for (const i of items) m.set(i.k, i); return m }',
    kind: 'stateless',
  },
  {
    name: 'an array filled only while the module runs',
    code: 'const list = []\nlist.push(1)\nlist.push(2)\nexport const first = () => list[0]',
    kind: 'stateless',
  },
  {
    name: 'a lookup table filled in a loop and a forEach while the module runs',
    code: 'const table = {}\nfor (const k of ["a", "b"]) table[k] = k.toUpperCase()\n;["c"].forEach((k) => { table[k] = k })\nexport const lookup = (k) => table[k]',
    kind: 'stateless',
  },
  {
    name: 'a private Map only read after the module ran',
    code: 'const ALIASES = new Map([["a", "alpha"]])\nexport const alias = (k) => ALIASES.get(k) ?? k\nexport const known = (k) => ALIASES.has(k)',
    kind: 'stateless',
  },
  {
    name: 'a registry filled by a local function only called while the module runs',
    code: 'const handlers = {}\nfunction register(name, fn) { handlers[name] = fn }\nregister("a", () => 1)\nregister("b", () => 2)\nexport const run = (name) => handlers[name]()',
    kind: 'stateless',
  },
  {
    name: 'a parameter shadowing a module-level let',
    code: 'let count = 0\nexport function bump(count) { count++; return count }',
    kind: 'stateless',
  },
  {
    name: 'an inner let shadowing a module-level let',
    code: 'let count = 0\nexport function bump() { let count = 1; count += 1; return count }',
    kind: 'stateless',
  },
  {
    name: 'a catch parameter shadowing a module-level let',
    code: 'let error = null\nexport function attempt(f) { try { f() } catch (error) { error = String(error); return error } }',
    kind: 'stateless',
  },
  {
    name: 'a function expression name shadowing',
    code: 'let step = 0\nexport const run = function step() { return step }',
    kind: 'stateless',
  },
  {
    name: 'a local alias reassigned, the original untouched',
    code: 'const LIMIT = 10\nexport function count(n) { let left = LIMIT; left -= n; return left }',
    kind: 'stateless',
  },
  {
    name: 'destructured parameters shadowing',
    code: 'let count = 0\nexport function bump({ count }) { count++; return count }',
    kind: 'stateless',
  },
  {
    name: 'a var redeclared inside a function',
    code: 'var n = 0\nexport function f() { var n = 1; n++; return n }',
    kind: 'stateless',
  },
  {
    name: 'a block-scoped let inside a function',
    code: 'let n = 0\nexport function f(x) { if (x) { let n = 2; n++; return n } return n }',
    kind: 'stateless',
  },
  {
    name: "an arrow's this is not the object literal's",
    code: 'export const api = { n: 0, inc: () => { this?.n } }',
    kind: 'stateless',
  },
  {
    name: 'a private Map filled by a setup function called once while the module runs',
    code: "const table = new Map()\nfunction setup() { table.set('a', 1) }\nsetup()\nexport const get = (k) => table.get(k)",
    kind: 'stateless',
  },
  { name: 'Symbol.for keys', code: "export const KEY = Symbol.for('app.key')", kind: 'stateless' },
  {
    name: 'a private Symbol() used as a key',
    code: "const kId = Symbol('id')\nexport const idOf = (o) => o[kId]",
    kind: 'stateless',
  },
  {
    name: 'a class without static state',
    code: 'export class Point { constructor(x) { this.x = x } move(dx) { this.x += dx; return this } }\nexport const VERSION = 1',
    kind: 'stateless',
  },
  {
    name: 'a static constant',
    code: 'export class Format { static VERSION = 2; static ZERO = Object.freeze({}) }',
    kind: 'stateless',
  },
  {
    name: 'plain values from globals',
    code: 'export const started = new Date()\nexport const re = /x/g\nexport const big = BigInt(1)\nexport const json = JSON.stringify({})',
    kind: 'stateless',
  },
  {
    name: 'paths from node:path and node:url',
    code: "import path from 'node:path'\nimport { fileURLToPath } from 'node:url'\nconst here = path.dirname(fileURLToPath(import.meta.url))\nexport const file = (f) => path.join(here, f)",
    kind: 'stateless',
  },
  {
    name: 'a function replacing itself on first call (Babel helpers)',
    code: 'function _typeof(o) { _typeof = typeof Symbol === "function" ? (x) => typeof x : (x) => typeof x; return _typeof(o) }\nexport { _typeof }',
    kind: 'stateless',
  },
  {
    name: "a function's prototype wired inside a function",
    code: 'function F() {}\nexport function create(proto) { F.prototype = proto; const o = new F(); F.prototype = null; return o }',
    kind: 'stateless',
  },
  {
    name: 'an IIFE that builds a table and returns it',
    code: 'export const HEX = (() => { const t = []; for (let i = 0; i < 256; i++) t.push(i.toString(16)); return t })()',
    kind: 'stateless',
  },
  {
    name: 'a local factory with no closure state',
    code: 'function createAdder(n) { return (x) => x + n }\nexport const inc = createAdder(1)',
    kind: 'stateless',
  },
  {
    name: 'JSX',
    file: 'app.jsx',
    code: 'import { Button } from "./button.js"\nexport const App = () => <Button label="x" />',
    kind: 'stateless',
  },
  {
    name: 'a TypeScript enum and types',
    file: 'e.ts',
    code: 'export enum Color { Red, Green }\nexport type Id = string\ndeclare const injected: number',
    kind: 'stateless',
  },
  { name: 'a JSON module', file: 'data.json', code: '{ "a": 1 }', kind: 'stateless' },
  { name: 'an empty module', code: '', kind: 'stateless' },
  {
    name: 'a write to a global is not this module’s state',
    code: 'globalThis.__count ??= 0\nexport function hit() { globalThis.__count++ }',
    kind: 'stateless',
  },
]

const commonJs: Case[] = [
  {
    name: 'CommonJS: module.exports holding a Map',
    file: 'cache.cjs',
    code: 'module.exports = { cache: new Map() }',
    kind: 'stateful',
    evidence: ['exports.cache: new Map()'],
  },
  {
    name: 'CommonJS: exports.x = new Map()',
    file: 'cache.cjs',
    code: 'exports.entries = new Map()\nexports.get = (k) => exports.entries.get(k)',
    kind: 'stateful',
    evidence: ['exports.entries: new Map()'],
  },
  {
    name: 'CommonJS: an export updated in a function',
    file: 'count.cjs',
    code: 'exports.count = 0\nexports.inc = function () { exports.count++ }',
    kind: 'stateful',
    evidence: ['exports.count: export updated in a function'],
  },
  {
    name: 'CommonJS: module.exports reassigned in a function',
    file: 'swap.cjs',
    code: 'module.exports = {}\nfunction swap(next) { module.exports = next }\nswap.call(null, {})\nsetTimeout(() => swap({}), 1)',
    kind: 'stateful',
    evidence: ['module.exports: module.exports reassigned in a function'],
  },
  {
    name: 'CommonJS: a var cache in a module',
    file: 'memo.cjs',
    code: 'var cache = {}\nmodule.exports = function get(k) { return cache[k] || (cache[k] = compute(k)) }\nfunction compute(k) { return k }',
    kind: 'stateful',
    evidence: ['cache: object property assigned in a function'],
  },
  {
    name: 'CommonJS: module.exports = new EventEmitter()',
    file: 'bus.cjs',
    code: "const { EventEmitter } = require('events')\nmodule.exports = new EventEmitter()",
    kind: 'stateful',
    evidence: ['module.exports: new EventEmitter()'],
  },
  {
    name: 'CommonJS: an exported Symbol()',
    file: 'key.cjs',
    code: "exports.kState = Symbol('state')",
    kind: 'stateful',
    evidence: ['exports.kState: exported Symbol()'],
  },
  {
    name: 'CommonJS: a top-level return',
    file: 'guard.cjs',
    code: 'if (process.env.SKIP) return\nlet n = 0\nmodule.exports = () => ++n',
    kind: 'stateful',
    evidence: ['n: let updated in a function'],
  },
  {
    name: 'CommonJS: functions and a required module',
    file: 'util.cjs',
    code: "const fs = require('fs')\nconst path = require('path')\nmodule.exports = { read: (p) => fs.readFileSync(path.resolve(p), 'utf8'), VERSION: 1 }",
    kind: 'stateless',
  },
  {
    name: 'CommonJS: exports filled while the module runs',
    file: 'consts.cjs',
    code: 'exports.A = 1\nexports.B = [1, 2]\nmodule.exports.C = { x: 1 }',
    kind: 'stateless',
  },
  {
    name: 'CommonJS: a function parameter named exports is not the module’s',
    file: 'umd.cjs',
    code: 'function define(exports) { exports.x = 1 }\nmodule.exports = define',
    kind: 'stateless',
  },
  {
    name: 'CommonJS: state on globalThis[Symbol.for()]',
    file: 'shared.cjs',
    code: "module.exports = globalThis[Symbol.for('app.registry')] ??= new Map()",
    kind: 'shared',
  },
]

const sharedAndUnsure: Case[] = [
  {
    name: 'state kept on globalThis[Symbol.for()] is shared by every copy',
    code: "const KEY = Symbol.for('app.store')\nexport const store = (globalThis[KEY] ??= new Map())\nexport const put = (k, v) => store.set(k, v)",
    kind: 'shared',
  },
  {
    name: 'a slot filled by a statement',
    code: "globalThis[Symbol.for('app.bus')] ||= new EventTarget()",
    kind: 'shared',
  },
  {
    name: 'a call of unknown nature: unsure, not stateful',
    code: "import { createLogger } from 'logger'\nconst log = createLogger('x')\nexport const warn = (m) => log.warn(m)",
    kind: 'unsure',
    evidence: ['log: made by createLogger(), a call the classifier cannot see into'],
  },
  {
    name: 'an unknown call result mutated in a function: unsure (it may be shared)',
    code: "import { globalMap } from 'registry'\nconst entries = globalMap('k')\nexport function drop(k) { entries.delete(k) }",
    kind: 'unsure',
    evidence: [
      'entries: made by globalMap(), the result mutated by delete() in a function; the call may return an object every copy shares',
    ],
  },
  {
    name: 'a Symbol() whose export cannot be seen (a bundled region)',
    code: "const kState = Symbol('state')",
    kind: 'unsure',
    evidence: ['kState: Symbol(): one identity per copy, if it is exported (this code does not show its exports)'],
  },
  {
    name: 'a region told what its chunk exports',
    code: "const kState = Symbol('state')",
    context: { exportedNames: ['kState'] },
    kind: 'stateful',
    evidence: ['kState: exported Symbol()'],
  },
  {
    name: 'a region told a binding is not exported: its read-only Set is a constant',
    code: 'const FLAGS = new Set(["-h", "--help"])\nfunction isHelp(a) { return FLAGS.has(a) }',
    context: { exportedNames: ['isHelp'] },
    kind: 'stateless',
  },
  {
    name: 'a region whose exports cannot be seen: a Set may be filled elsewhere',
    code: 'const FLAGS = new Set(["-h", "--help"])\nfunction isHelp(a) { return FLAGS.has(a) }',
    kind: 'stateful',
    evidence: ['FLAGS: new Set()'],
  },
  {
    name: 'a region told where a name is imported from',
    code: 'const here = path.dirname(fileURLToPath(import.meta.url))',
    context: { importedFrom: { path: 'node:path', fileURLToPath: 'node:url' } },
    kind: 'stateless',
  },
]

const unclassified: Case[] = [
  { name: 'a syntax error', code: 'const = 1', kind: 'unclassified' },
  { name: 'a stylesheet', file: 'style.css', code: '.a { color: red }', kind: 'unclassified' },
]

describe('classifyState', () => {
  for (const [group, cases] of Object.entries({ stateful, stateless, commonJs, sharedAndUnsure, unclassified })) {
    describe(group, () => {
      for (const item of cases) it(item.name, () => check(item))
    })
  }

  it('names the line that makes a module stateful, trimmed', () => {
    const verdict = classifyState(
      'const a = 1\n\nconst jobs = []\nexport function add(j) {\n    jobs.push(j)\n}\n',
      'jobs.js',
    )
    expect(verdict).toEqual({
      kind: 'stateful',
      evidence: [{ binding: 'jobs', why: 'array mutated by push() in a function', line: 5, text: 'jobs.push(j)' }],
    })
  })

  it('says why it could not classify, and never throws', () => {
    expect(classifyState('export const = 1', 'bad.js')).toMatchObject({
      kind: 'unclassified',
      reason: expect.stringContaining('its code could not be parsed'),
    })
    expect(classifyState('a', 'style.css')).toEqual({
      kind: 'unclassified',
      reason: 'it is not JavaScript or TypeScript (.css)',
    })
  })

  it('reads the file name for the language: TypeScript syntax in a .js file does not parse', () => {
    expect(classifyState('export const m: Map<string, number> = new Map()', 'a.js').kind).toBe('unclassified')
    expect(classifyState('export const m: Map<string, number> = new Map()', 'a.ts').kind).toBe('stateful')
  })
})
