import fs from 'node:fs'
import path from 'node:path'
import { UserError } from './core/errors.ts'
import { CODES, describeValue, optionError, PREFIX, unknownOptionError } from './core/messages.ts'
import { PatternError, SingletonMatcher } from './core/patterns.ts'
import type { CrossMode, DetectMode, DuplicateMode, Pattern } from './core/types.ts'
import type { DedupeResolved } from './plugin/dedupe.ts'
import type { PromoteResolved } from './plugin/promote.ts'
import { handlerSource } from './runtime/handler-source.ts'
import type { RuntimeGuardHandler, RuntimeGuardMode } from './runtime/registry.ts'

export type { CrossMode, DetectMode, DuplicateMode, Pattern, RuntimeGuardMode }

export interface PromoteOptions {
  /**
   * Dynamic-import targets to promote in addition to those that reach a singleton,
   * as globs relative to `root`, absolute paths or RegExp.
   * @default undefined (only boundaries that reach a singleton)
   */
  include?: Pattern | Pattern[]
  /**
   * Dynamic-import targets never to promote.
   * @default undefined
   */
  exclude?: Pattern | Pattern[]
  /**
   * Also pin every singleton module to a stable entry file of its own.
   * @default true
   */
  singletons?: boolean
  /**
   * Which lazy boundaries (dynamic-import targets that get a chunk of their own) get a stable
   * name: `'singletons'`, those whose static imports reach a singleton; `'all'`, every one, as a
   * hand-kept entry list does (any hashed lazy chunk strands a running process after a rebuild).
   * @default 'singletons'
   */
  boundaries?: 'singletons' | 'all'
  /**
   * Folder, relative to `root`, where promoted names start (`'src'`: `src/agents/x.ts` becomes
   * `agents/x`). Modules outside it are named relative to `root`.
   * @default learned from the entries you named (`{ 'agents/x': 'src/agents/x.ts' }` means `'src'`),
   * per top folder; else the entries' common folder
   */
  base?: string
}

export interface DedupeOptions {
  /**
   * Which installs of a package holding a declared singleton are merged into the canonical one.
   * @default 'same-version'
   */
  packages?: 'same-version' | 'compatible' | false
  /**
   * The ids of one real file (a symlinked path kept as an id) resolve to one id.
   * @default true
   */
  files?: boolean
}

export interface Options {
  /**
   * Modules that must be evaluated once per process: globs relative to `root`, absolute paths,
   * RegExp tested against the module id, or package specifiers (`shared-state`, `@scope/pkg/sub`).
   * A module can also declare itself with a `// @singleton` comment before its first statement.
   * @default []
   */
  singletons?: Pattern | Pattern[]
  /**
   * Folder that globs and displayed paths are relative to.
   * @default process.cwd()
   */
  root?: string
  /**
   * What to do when a singleton has more than one copy inside one output.
   * @default 'error'
   */
  onDuplicate?: DuplicateMode
  /**
   * What to do when the outputs of one build (esm + cjs, or two output folders) each hold a copy.
   * @default 'warn'
   */
  formats?: CrossMode
  /**
   * What to do when separate builds sharing this plugin instance each hold a copy.
   * @default 'error'
   */
  builds?: CrossMode
  /**
   * Modules nobody declared whose top level holds state (a `Map`, a `let` reassigned in a
   * function, a registry...) and that end up in more than one copy: reported at this level,
   * never above the level the same copies of a declared singleton get. Read from each such
   * module's source (only modules with copies are read). `false`: not looked for.
   * @default 'warn'
   */
  detect?: DetectMode
  /**
   * Repair what can be proven safe at resolve time, for declared singletons only: every import
   * that resolves into another install of a package holding one is served by the canonical
   * install (nearest the root), when the two are the same version with identical files
   * (`'same-version'`) or, with `'compatible'`, when the canonical version satisfies the
   * importer's declared range (never across a major; 0.x: a minor); `files`: the ids of one real
   * file (symlinked paths kept as ids) become one. Every merge is reported, every refusal says why.
   * `true` is `{ packages: 'same-version', files: true }`.
   * @default false
   */
  dedupe?: boolean | DedupeOptions
  /**
   * Turn lazy runtime boundaries that reach a singleton, and the singletons themselves,
   * into entries with stable file names.
   * @default false
   */
  promote?: boolean | PromoteOptions
  /**
   * Emit a JSON report asset into each output; a string names the file.
   * @default false
   */
  report?: boolean | string
  /**
   * Make each declared singleton register itself when it is evaluated, so a second evaluation in
   * one process is caught where it happens: `'warn'` prints once per module on `console.error`,
   * `'throw'` stops the second copy before its top level runs, a function receives the event.
   * The function runs in the built program: its source is copied there, so it must be
   * self-contained (no variables from the config file).
   * @default false
   */
  runtimeGuard?: RuntimeGuardMode
}

interface OptionsResolved {
  singletons: Pattern[]
  /** The singleton patterns, compiled once. */
  matcher: SingletonMatcher
  root: string
  onDuplicate: DuplicateMode
  formats: CrossMode
  builds: CrossMode
  detect: DetectMode
  dedupe: DedupeResolved | false
  promote: PromoteResolved | false
  report: string | false
  runtimeGuard: RuntimeGuardMode
}

const DEFAULT_REPORT_NAME = 'singleton-report.json'

const KNOWN_OPTIONS = [
  'singletons',
  'root',
  'onDuplicate',
  'formats',
  'builds',
  'detect',
  'dedupe',
  'promote',
  'report',
  'runtimeGuard',
] as const
const KNOWN_PROMOTE_OPTIONS = ['include', 'exclude', 'singletons', 'boundaries', 'base'] as const

/** A mistake in the options the user wrote: printed without a stack trace. */
class OptionsError extends UserError {
  constructor(message: string) {
    super(CODES.SINGLETON_GUARD_OPTION, message)
  }
}

export function resolveOptions(options: unknown = {}): OptionsResolved {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new OptionsError(`${PREFIX} singletonGuard() takes an options object; got ${describeValue(options)}.`)
  }
  const input = readFields(options, '')
  rejectUnknownKeys(input, KNOWN_OPTIONS, '')
  const root = resolveRoot(input.root)
  const singletons = patternList(input.singletons, 'singletons')

  return {
    singletons,
    matcher: compilePatterns(singletons, root),
    root,
    onDuplicate: oneOf(input.onDuplicate, 'onDuplicate', ['error', 'warn'], 'error'),
    formats: oneOf(input.formats, 'formats', ['error', 'warn', 'ignore'], 'warn'),
    builds: oneOf(input.builds, 'builds', ['error', 'warn', 'ignore'], 'error'),
    detect: resolveDetect(input.detect),
    dedupe: resolveDedupe(input.dedupe),
    promote: resolvePromote(input.promote, root),
    report: resolveReport(input.report),
    runtimeGuard: resolveRuntimeGuard(input.runtimeGuard),
  }
}

/**
 * The options as plain data, read once: a getter or a Proxy that throws is the user's option
 * error, named, never an error from inside the plugin.
 */
function readFields(value: object, parent: string): Record<string, unknown> {
  let keys: string[]
  try {
    keys = Object.keys(value)
  } catch (error) {
    const what =
      parent === ''
        ? 'singletonGuard() could not read its options'
        : `option \`${parent.slice(0, -1)}\` could not be read`
    throw new OptionsError(`${PREFIX} ${what}: ${messageOf(error)}.`)
  }
  const fields: Record<string, unknown> = {}
  for (const key of keys) {
    try {
      fields[key] = (value as Record<string, unknown>)[key]
    } catch (error) {
      throw new OptionsError(`${PREFIX} option \`${parent}${key}\` could not be read: ${messageOf(error)}.`)
    }
  }
  return fields
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.split('\n')[0]!.slice(0, 200)
}

/** A RegExp, from this realm or another (a `vm` context, a worker's config). */
function isRegExp(value: unknown): value is RegExp {
  return value instanceof RegExp || Object.prototype.toString.call(value) === '[object RegExp]'
}

function rejectUnknownKeys(input: Record<string, unknown>, known: readonly string[], parent: string): void {
  for (const key of Object.keys(input)) {
    if (!known.includes(key)) {
      throw new OptionsError(
        unknownOptionError(
          parent + key,
          known.map((k) => parent + k),
        ),
      )
    }
  }
}

function patternList(value: unknown, option: string): Pattern[] {
  if (value === undefined) return []
  let list: unknown[]
  try {
    list = Array.isArray(value) ? Array.from(value as unknown[]) : [value]
  } catch (error) {
    throw new OptionsError(`${PREFIX} option \`${option}\` could not be read: ${messageOf(error)}.`)
  }
  for (const item of list) {
    const valid = isRegExp(item) || (typeof item === 'string' && item.trim() !== '' && !item.includes('\0'))
    if (!valid) {
      throw new OptionsError(optionError(option, 'a non-empty string, a RegExp, or an array of them', value))
    }
  }
  return list.map((item) => {
    // Another realm's RegExp is rebuilt here, so `instanceof` holds everywhere after.
    if (isRegExp(item)) {
      const foreign = item as { source: string; flags: string }
      return item instanceof RegExp ? item : new RegExp(foreign.source, foreign.flags)
    }
    const text = item as string
    // An absolute path is normalised: `/repo/src/../src/state.ts` names `/repo/src/state.ts`.
    return path.isAbsolute(text.trim()) ? path.normalize(text.trim()) : text
  })
}

function compilePatterns(patterns: Pattern[], root: string): SingletonMatcher {
  try {
    return new SingletonMatcher(patterns, root)
  } catch (error) {
    if (!(error instanceof PatternError)) throw error
    throw new OptionsError(
      `${PREFIX} option \`singletons\`: ${error.message}. It accepts globs relative to \`root\`, absolute paths, RegExp, or package specifiers.`,
    )
  }
}

function resolveRoot(value: unknown): string {
  if (value === undefined) return process.cwd()
  if (typeof value !== 'string' || value === '' || value.includes('\0')) {
    throw new OptionsError(optionError('root', 'a folder path (string)', value))
  }
  const root = path.resolve(value)
  let isFolder = false
  try {
    isFolder = fs.statSync(root).isDirectory()
  } catch {
    throw new OptionsError(optionError('root', 'an existing folder', value).replace(/\.$/, ', which does not exist.'))
  }
  if (!isFolder)
    throw new OptionsError(optionError('root', 'an existing folder', value).replace(/\.$/, ', which is a file.'))
  return root
}

function oneOf<T extends string>(value: unknown, option: string, accepted: readonly T[], fallback: T): T {
  if (value === undefined) return fallback
  if (typeof value === 'string' && (accepted as readonly string[]).includes(value)) return value as T
  throw new OptionsError(optionError(option, accepted.map((a) => `'${a}'`).join(' or '), value))
}

function resolveDetect(value: unknown): DetectMode {
  if (value === undefined) return 'warn'
  if (value === false || value === 'warn' || value === 'error' || value === 'info') return value
  throw new OptionsError(optionError('detect', "'warn' or 'error' or 'info' or false", value))
}

const DEDUPE_SHAPES = "true, false, or { packages: 'same-version' | 'compatible' | false, files: boolean }"

function resolveDedupe(value: unknown): DedupeResolved | false {
  if (value === undefined || value === false) return false
  if (value === true) return { packages: 'same-version', files: true }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new OptionsError(optionError('dedupe', DEDUPE_SHAPES, value))
  }
  const input = readFields(value, 'dedupe.')
  rejectUnknownKeys(input, ['packages', 'files'], 'dedupe.')
  if (input.files !== undefined && typeof input.files !== 'boolean') {
    throw new OptionsError(optionError('dedupe.files', 'true or false', input.files))
  }
  const packages =
    input.packages === false
      ? false
      : oneOf(input.packages, 'dedupe.packages', ['same-version', 'compatible'], 'same-version')
  const files = (input.files as boolean | undefined) ?? true
  return packages === false && !files ? false : { packages, files }
}

function resolvePromote(value: unknown, root: string): PromoteResolved | false {
  if (value === undefined || value === false) return false
  if (value === true) return { include: [], exclude: [], singletons: true, boundaries: 'singletons', base: undefined }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new OptionsError(
      optionError('promote', 'true, false, or { include, exclude, singletons, boundaries, base }', value),
    )
  }
  const input = readFields(value, 'promote.')
  rejectUnknownKeys(input, KNOWN_PROMOTE_OPTIONS, 'promote.')
  if (input.singletons !== undefined && typeof input.singletons !== 'boolean') {
    throw new OptionsError(optionError('promote.singletons', 'true or false', input.singletons))
  }
  return {
    include: patternList(input.include, 'promote.include'),
    exclude: patternList(input.exclude, 'promote.exclude'),
    singletons: input.singletons ?? true,
    boundaries: oneOf(input.boundaries, 'promote.boundaries', ['singletons', 'all'], 'singletons'),
    base: resolveBase(input.base, root),
  }
}

function resolveBase(value: unknown, root: string): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || value.trim() === '' || value.includes('\0') || path.isAbsolute(value)) {
    throw new OptionsError(
      optionError('promote.base', 'a folder path relative to `root` (e.g. "src") where promoted names start', value),
    )
  }
  return path.resolve(root, value)
}

function resolveReport(value: unknown): string | false {
  if (value === undefined || value === false) return false
  if (value === true) return DEFAULT_REPORT_NAME
  if (typeof value === 'string') {
    const name = path.posix.normalize(value.replace(/\\/g, '/'))
    const plainFile =
      value.trim() === value &&
      value !== '' &&
      !value.includes('\0') &&
      !value.endsWith('/') &&
      !value.endsWith('\\') &&
      !path.isAbsolute(value) &&
      !/^[a-zA-Z]:/.test(value) &&
      name !== '.' &&
      !name.split('/').includes('..') &&
      // No file system takes a name longer than 255 bytes (the format's suffix needs a few).
      name.split('/').every((part) => Buffer.byteLength(part) <= 240)
    if (plainFile) return name
  }
  throw new OptionsError(
    optionError(
      'report',
      'true, false, or a relative file name inside the output folder, at most 240 bytes a segment (e.g. "singleton-report.json")',
      value,
    ),
  )
}

function resolveRuntimeGuard(value: unknown): RuntimeGuardMode {
  if (value === undefined || value === false) return false
  if (value === 'warn' || value === 'throw') return value
  if (typeof value === 'function' && handlerSource(value as RuntimeGuardHandler) !== undefined) {
    return value as RuntimeGuardHandler
  }
  const accepted =
    typeof value === 'function'
      ? 'a function whose source can be copied into the output (an arrow, a function expression or a method; not a bound, native or class function)'
      : "false, 'warn', 'throw', or a function (event) => void"
  throw new OptionsError(optionError('runtimeGuard', accepted, value))
}
