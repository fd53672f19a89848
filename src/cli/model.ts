import type { Finding, ModuleIdentity } from './core.ts'
import type { EdgeKind } from './parse-chunk.ts'

export type ChunkKind = 'entry' | 'dynamic-entry' | 'shared' | 'shim'

/** A level of a cross-output finding, as the plugin's `formats` and `builds` options take it. */
export type Mode = 'error' | 'warn' | 'ignore'

/**
 * What said which modules a chunk holds: its source map, the plugin's report, its bundler's
 * per-module comments (`//#region <module>`, `// <module>`), or nothing (`none`: a shim holds no
 * code; other chunks with `none` are listed as not attributed). `bundler runtime`: the chunk holds
 * only the bundler's own virtual modules.
 */
export type AttributedBy = 'source map' | 'report' | 'region markers' | 'path comments' | 'bundler runtime' | 'none'

interface ChunkEdge {
  /** The chunk reached, as `<folder>/<file>`; undefined for an import leaving the audited folders. */
  target: string | undefined
  specifier: string
  kind: EdgeKind
}

/** A source module whose code a chunk holds. */
export interface HeldModule {
  source: string
  identity: ModuleIdentity
  segments: number
}

/** One chunk file, as read from its bytes. */
export interface AuditChunk {
  /** `<folder>/<file>`: unique across the audited folders. */
  id: string
  folder: string
  /** Path inside its folder, with forward slashes. */
  file: string
  absolute: string
  bytes: number
  format: 'esm' | 'cjs'
  kind: ChunkKind
  /** From the plugin's report, when it says so; otherwise inferred from the import graph. */
  entrySource: 'report' | 'graph'
  imports: ChunkEdge[]
  importers: ChunkEdge[]
  /** A shim holds no code: only import/export statements forwarding to these chunks. */
  forwardsTo: string[]
  modules: HeldModule[]
  /** Where the build ran, for a chunk attributed by markers: their module ids are relative to it. */
  markerBase?: string
  /** For a chunk attributed by its source map: the map's URL (`undefined`: `<chunk>.map` beside it). */
  mapUrl?: string | undefined
  attributedBy: AttributedBy
  /** Why the chunk could not be attributed. */
  unattributed: string | undefined
  computedDynamicImports: number
  /** The build it belongs to, as builds.ts tells them apart (a label). */
  build: string
}

/** One audited folder. */
export interface AuditFolder {
  /** As printed: relative to the current folder. */
  display: string
  absolute: string
  chunks: AuditChunk[]
  notes: string[]
  /** Singletons the plugin's report declares, as module display names. */
  declared: string[]
}

/**
 * Whether a module's top level holds state (a Map, a registry): a copy of such a module is a
 * split realm, a copy of any other only duplicated code. `unknown` until a detection fills it in.
 */
export type Stateful = 'yes' | 'no' | 'unknown'

/** A finding of the core, with what the CLI adds to rank and place it. */
export interface AuditFinding extends Finding {
  /** Chunks importing a chunk that holds it or a shim of it. */
  importerCount: number
  /** The plugin's report declared it a singleton. */
  declared: boolean
  stateful: Stateful
  /** The builds (as guessed: builds.ts) that hold its copies. */
  builds: string[]
}
