import { CAUSE_TITLES, displayModule, type ChainStep } from './core.ts'
import { chunkChain } from './graph.ts'
import { copiesOf, type AuditResult } from './audit.ts'
import type { AuditChunk, AuditFinding, ChunkKind } from './model.ts'
import type { EdgeKind } from './parse-chunk.ts'

export interface ModuleView {
  module: string
  key: string
  /** `package` when a package was named as a whole: its copies are its installs. */
  scope: 'module' | 'package'
  /** `1 copy: one realm`, `2 copies: same package, two installs`, ... */
  verdict: string
  copies: number
  /** Each file holding its code, with the module as that copy names it (`name@version/subpath`). */
  files: { chunk: string; kind: ChunkKind; module: string }[]
  shims: { chunk: string; forwardsTo: string[] }[]
  /** Every importer of each file and shim above, static and dynamic. */
  importers: { of: string; importer: string; kind: EdgeKind }[]
  /** The shortest chain of chunk imports from an entry to each file and shim. */
  chains: { chunk: string; chain: ChainStep[] }[]
  findings: AuditFinding[]
}

/** The full picture of each module the audit was limited to (`--module`). */
export function moduleViews(result: AuditResult): ModuleView[] {
  const views: ModuleView[] = []
  for (const unit of result.units.values()) {
    if (unit.scope === 'install') continue
    const findings = result.findings.filter((finding) => finding.key === unit.key)
    const copies = copiesOf(result, unit.key)
    const causes = [...new Set(findings.flatMap((finding) => finding.causes))].map((cause) => CAUSE_TITLES[cause])
    const files = unit.copies.flatMap((copy) =>
      copy.chunks.map((chunk) => ({
        chunk: chunk.id,
        kind: chunk.kind,
        module: displayModule(copy.identity, result.root, true),
      })),
    )
    const involved: AuditChunk[] = [...new Set([...unit.copies.flatMap((copy) => copy.chunks), ...unit.shims])]
    views.push({
      module: unit.display,
      key: unit.key,
      scope: unit.scope,
      verdict:
        copies === 1
          ? '1 copy: one realm'
          : copies === 0
            ? '0 copies: only shims'
            : `${copies} copies: ${causes.join('; ')}`,
      copies,
      files,
      shims: unit.shims.map((shim) => ({ chunk: shim.id, forwardsTo: shim.forwardsTo })),
      importers: involved.flatMap((chunk) =>
        chunk.importers.map((edge) => ({ of: chunk.id, importer: edge.target as string, kind: edge.kind })),
      ),
      chains: involved.map((chunk) => ({ chunk: chunk.id, chain: chunkChain(chunk, result.chunks) })),
      findings,
    })
  }
  return views.sort((a, b) => b.copies - a.copies || a.module.localeCompare(b.module))
}
