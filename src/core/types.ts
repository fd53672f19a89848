/** The data that flows between the parts: plain values, complete when created. */

export type Pattern = string | RegExp
export type DuplicateMode = 'error' | 'warn'
export type CrossMode = 'error' | 'warn' | 'ignore'
/** The level of a module nobody declared that holds state and has copies (`false`: not looked for). */
export type DetectMode = 'warn' | 'error' | 'info' | false

/** A package that holds a module: its nearest package.json with a name, or the folder it is installed under. */
export interface PackageInfo {
  name: string
  /** `unknown` when the manifest has no readable version. */
  version: string
  /** Real path of the package folder. */
  dir: string
  /** `exports` field (or `undefined`), kept to match `pkg/subpath` specifiers. */
  exports: unknown
  /** `main`/`module` targets, for packages without `exports`. */
  mainFields: string[]
  /**
   * `folder` when the name was read from where it is installed (`node_modules/<name>`), not its
   * manifest; `path` when the install is not on disk at all (a dist audited without its sources).
   */
  nameFrom: 'manifest' | 'folder' | 'path'
}

/** What "the same module" means for one module id. */
export interface ModuleIdentity {
  /** The id as the bundler knows it. */
  id: string
  /** The id without its query (`?worker`) or hash suffix. */
  file: string
  query: string
  /** The file with every symlink resolved. */
  realpath: string
  package: PackageInfo | undefined
  /** Path inside the package folder, with forward slashes. */
  subpath: string | undefined
  /** The `exports` (or `main`) subpath that loads this file (`.`, `./store`), when one does. */
  exportSubpath: string | undefined
  /**
   * Equal keys mean one module, whatever the install: one real file, or the same module of a
   * package (same export subpath, or same file subpath) at any version or layout.
   */
  key: string
  /** Equal install keys mean one module within one install of a package (or one real file). */
  installKey: string
}

/** How a declaration reaches: one module, or every module of a package (installs compared). */
export type DeclarationScope = 'module' | 'package'

/**
 * What a tracked unit is: a module (copies compared in and across outputs), a module of a
 * declared package within one install (copies compared in one output only; its installs are
 * compared by the package unit), or a declared package (its copies are installs).
 */
export type UnitScope = 'module' | 'install' | 'package'

export interface Declaration {
  /** How messages name the pattern (`'src/state.ts'`, `/registry/`, `// @singleton`). */
  label: string
  scope: DeclarationScope
  /**
   * The module key the pattern itself gives (`pkg/subpath`: whatever file each install resolves
   * that subpath to is the one module), when it gives one.
   */
  key?: string
}

/** A chunk as the chunk map needs it: rolldown's, Rollup's and Vite's output chunks have this shape. */
export interface ChunkInput {
  fileName: string
  isEntry: boolean
  isDynamicEntry: boolean
  facadeModuleId: string | null
  moduleIds: readonly string[]
  /** Read only for chunks that hold a candidate (rolldown builds it on first access). */
  modules: Readonly<Record<string, { renderedLength: number }>>
  code: string
  imports: readonly string[]
  dynamicImports: readonly string[]
}

/** Where one output was written and what it came from. */
export interface OutputInfo {
  /** Equal keys mean a rebuild of the same output. */
  key: string
  /** Outputs with equal groups come from one build (same entries) in several formats or folders. */
  group: string
  /** A realm of its own (a Vite environment); outputs of different realms are never compared. */
  realm: string
  dir: string
  format: string
}

export interface ChunkRecord {
  fileName: string
  isEntry: boolean
  isDynamicEntry: boolean
  facadeModuleId: string | null
  /** The chunk only re-exports its facade module, whose code lives in another chunk. */
  isFacade: boolean
  /** Modules whose rendered code the chunk holds. */
  moduleIds: string[]
}

export interface ChainStep {
  module: string
  /** How this step is reached from the previous one; the first step is the entry. */
  edge: 'entry' | 'static' | 'dynamic'
}

/** One evaluated instance of a tracked module (or, for a package, of one install) inside one output. */
export interface Copy {
  identity: ModuleIdentity
  /** Chunks whose code holds it: several when they share one factory, or hold parts of one install. */
  chunks: string[]
  /** rolldown printed the factory into several chunks behind its shared registry: evaluated once. */
  sharedFactory: boolean
  /** The file's source map names the other copy's source: a build of it, not a second file. */
  builtFrom: string | undefined
  chain: ChainStep[]
}

export interface TrackedModule {
  key: string
  scope: UnitScope
  display: string
  declaredBy: string[]
  copies: Copy[]
  /** Chunks that re-export the module without holding its code: the same instance, never a copy. */
  facades: string[]
}

export interface OutputMap extends OutputInfo {
  label: string
  /** Declared singletons found in this output, by key. */
  modules: Map<string, TrackedModule>
}

export type Cause =
  | 'same-file-two-ids'
  | 'same-package-two-installs'
  | 'source-and-build'
  | 'dual-package-files'
  | 'one-id-several-chunks'
  | 'separate-formats'
  | 'separate-outputs'
  | 'separate-builds'

export type FindingCode =
  | 'SINGLETON_DUPLICATED'
  | 'SINGLETON_DUPLICATED_ACROSS_OUTPUTS'
  | 'SINGLETON_DUPLICATED_ACROSS_BUILDS'
  | 'SINGLETON_COPIES_SHARE_STATE'
  | 'SINGLETON_STATEFUL_DUPLICATED'
  | 'SINGLETON_STATE_UNKNOWN'

export interface FindingCopy {
  output: string
  format: string
  chunks: string[]
  /** The module as this copy names it: its id, or `name@version/subpath` for installed packages. */
  module: string
  /** How this copy differs from the first one (query, symlink, version, ...). */
  detail: string | undefined
  chain: ChainStep[]
}

export interface Finding {
  code: FindingCode
  /** `info`: copies that share their state (kept on `globalThis[Symbol.for(...)]`), not a duplicate. */
  severity: 'error' | 'warn' | 'info'
  module: string
  /** `package` when a package was declared as a whole: its copies are installs. */
  scope: 'module' | 'package'
  key: string
  causes: Cause[]
  /** How many outputs hold the copies (1 for copies inside one output). */
  outputCount: number
  /** Output keys involved, to tell which output completes a split across outputs. */
  outputKeys: string[]
  copies: FindingCopy[]
  /** Chunks that only re-export the module: listed so nobody mistakes them for copies. */
  facades: string[]
  fixes: string[]
  /** Why the copies share one state, when they do (`SINGLETON_COPIES_SHARE_STATE`). */
  sharedState?: string
  /** With `dedupe`: why the installs that remain were not merged, and which option would merge them. */
  dedupe?: string[]
  /** Found by `detect`: the module is not declared a singleton; its source says it holds state. */
  detected?: boolean
  /** What makes a detected module's top level stateful (or may, for `SINGLETON_STATE_UNKNOWN`). */
  evidence?: StateEvidence[]
  /** Why the classifier could not decide (`SINGLETON_STATE_UNKNOWN`). */
  stateUnknown?: string
}

export type PromotionReason = 'runtime boundary' | 'singleton' | 'include'

export interface Promotion {
  /** The stable name, `[name]` in the build's entry file naming. */
  name: string
  module: string
  reason: PromotionReason
  /** The file written, known once the output is generated. */
  fileName?: string
  /** Modules the bundler put in the same file as a pinned singleton (promote moves nothing). */
  alsoHolds?: string[]
}

/** Why a module's top level holds state: the binding, what makes it state, and the source line. */
export interface StateEvidence {
  /** The binding (`cache`, `Store.instances`, `exports.count`, `default`). */
  binding: string
  /** What makes it state, in a few words (`new Map()`, `let reassigned in a function`). */
  why: string
  /** 1-based line in the module's source. */
  line: number
  /** That line, trimmed. */
  text: string
}

/** A problem with a package's metadata that the user should hear of, once. */
export interface MetadataProblem {
  file: string
  reason: string
}

/** An install `dedupe` served by the canonical one: install folders as printed. */
export interface DedupeMerge {
  package: string
  from: string
  to: string
  fromVersion: string
  toVersion: string
  why: string
  /** Imports served by the canonical install instead. */
  imports: number
}

/** An import `dedupe` left in the install it resolved to, and why. */
export interface DedupeRefusal {
  package: string
  install: string
  version: string
  canonical: string
  canonicalVersion: string
  /** The module whose import was left where it resolved. */
  importer: string
  why: string
  /** The option that would merge it, when one would. */
  option: string | undefined
}
