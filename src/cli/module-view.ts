import { CAUSE_TITLES, displayModule, displayPath, type ChainStep } from './core.ts'
import { chunkChain } from './graph.ts'
import type { AuditFinding, AuditResult } from './audit.ts'
import type { AuditChunk, ChunkKind } from './model.ts'
import type { EdgeKind } from './parse-chunk.ts'

export interface ModuleView {
  module: string
  key: string
  /** `1 copy: one realm`, `2 copies: same package, two installs`, ... */
  verdict: string
  copies: number
  /** Each file holding its code, with the source file it was built from. */
  files: { chunk: string; kind: ChunkKind; source: string; module: string }[]
  shims: { chunk: string; forwardsTo: string[] }[]
  /** Every importer of each file and shim above, static and dynamic. */
  importers: { of: string; importer: string; kind: EdgeKind }[]
  /** The shortest chain of chunk imports from an entry to each file and shim. */
  chains: { chunk: string; chain: ChainStep[] }[]
  findings: AuditFinding[]
}

/** The full picture of the modules the audit was limited to (`--module`). */
export function moduleViews(result: AuditResult): ModuleView[] {
  const views: ModuleView[] = []
  for (const key of result.considered) {
    const placed = result.modules.get(key)
    if (!placed) continue
    const findings = result.findings.filter((finding) => finding.key === key)
    const copies = findings.length > 0 ? Math.max(...findings.map((finding) => finding.copies.length)) : 1
    const causes = [...new Set(findings.flatMap((finding) => finding.causes))].map((cause) => CAUSE_TITLES[cause])
    const holders = [...new Set(placed.holders.map((holder) => holder.chunk))]
    const involved: AuditChunk[] = [...holders, ...placed.shims]
    views.push({
      module: placed.display,
      key,
      verdict: copies === 1 ? '1 copy: one realm' : `${copies} copies: ${causes.join('; ')}`,
      copies,
      files: placed.holders.map(({ chunk, identity }) => ({
        chunk: chunk.id,
        kind: chunk.kind,
        source: displayPath(identity.id, result.root),
        module: displayModule(identity, result.root, true),
      })),
      shims: placed.shims.map((shim) => ({ chunk: shim.id, forwardsTo: shim.forwardsTo })),
      importers: involved.flatMap((chunk) =>
        chunk.importers.map((edge) => ({ of: chunk.id, importer: edge.target as string, kind: edge.kind })),
      ),
      chains: involved.map((chunk) => ({ chunk: chunk.id, chain: chunkChain(chunk, result.chunks) })),
      findings,
    })
  }
  return views.sort((a, b) => b.copies - a.copies || a.module.localeCompare(b.module))
}
