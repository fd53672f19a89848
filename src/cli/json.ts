import type { AuditResult } from './audit.ts'
import { displayModule } from './core.ts'
import type { AttributedBy, AuditFinding, ChunkKind } from './model.ts'
import type { ModuleView } from './module-view.ts'
import type { EdgeKind } from './parse-chunk.ts'
import { summarize, type AuditSummary } from './summary.ts'

/** Bumped on any change a reader of `--json` must know about; documented in the README. */
const AUDIT_JSON_VERSION = 1

interface AuditJson {
  schema: 'singleton-guard/audit'
  version: typeof AUDIT_JSON_VERSION
  exitCode: 0 | 1 | 2
  /** One line, as the text output ends. */
  verdict: string
  folders: {
    dir: string
    notes: string[]
    chunks: {
      file: string
      kind: ChunkKind
      format: 'esm' | 'cjs'
      bytes: number
      attributedBy: AttributedBy
      unattributed: string | null
      imports: { target: string | null; specifier: string; kind: EdgeKind }[]
      forwardsTo: string[]
      modules: string[]
    }[]
  }[]
  /** The counts the text opens with. */
  summary: AuditSummary
  /** The builds told apart in the folders (guessed from the import graph: they only name causes). */
  builds: { label: string; folder: string; format: 'esm' | 'cjs'; entries: string[]; chunks: string[] }[]
  findings: AuditFinding[]
  shims: { chunk: string; forwardsTo: string[] }[]
  unattributed: { chunk: string; reason: string }[]
  notes: string[]
  /** With `--module`: the picture of each matching module. */
  modules?: ModuleView[]
}

export function auditJson(
  result: AuditResult,
  exitCode: 0 | 1 | 2,
  verdict: string,
  views: ModuleView[] | undefined,
): AuditJson {
  const chunks = [...result.chunks.values()]
  const json: AuditJson = {
    schema: 'singleton-guard/audit',
    version: AUDIT_JSON_VERSION,
    exitCode,
    verdict,
    folders: result.folders.map((folder) => ({
      dir: folder.display,
      notes: folder.notes,
      chunks: folder.chunks.map((chunk) => ({
        file: chunk.file,
        kind: chunk.kind,
        format: chunk.format,
        bytes: chunk.bytes,
        attributedBy: chunk.attributedBy,
        unattributed: chunk.unattributed ?? null,
        imports: chunk.imports.map((edge) => ({
          target: edge.target ?? null,
          specifier: edge.specifier,
          kind: edge.kind,
        })),
        forwardsTo: chunk.forwardsTo,
        modules: chunk.modules.map((held) => displayModule(held.identity, result.root, true)),
      })),
    })),
    summary: summarize(result),
    builds: result.builds.map((build) => ({
      label: build.label,
      folder: build.folder,
      format: build.format,
      entries: build.entries,
      chunks: build.chunks.map((chunk) => chunk.id),
    })),
    findings: result.findings,
    shims: chunks
      .filter((chunk) => chunk.kind === 'shim')
      .map((chunk) => ({ chunk: chunk.id, forwardsTo: chunk.forwardsTo })),
    unattributed: result.unattributed.map((chunk) => ({ chunk: chunk.id, reason: chunk.unattributed as string })),
    notes: result.notes,
  }
  if (views) json.modules = views
  return json
}
