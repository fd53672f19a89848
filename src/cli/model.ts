import type { ModuleIdentity } from './core.ts'
import type { EdgeKind } from './parse-chunk.ts'

export type ChunkKind = 'entry' | 'dynamic-entry' | 'shared' | 'shim'

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
  attributedBy: 'source map' | 'report' | 'bundler runtime' | 'none'
  /** Why the chunk could not be attributed. */
  unattributed: string | undefined
  computedDynamicImports: number
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
