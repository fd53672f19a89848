import type { MigrationView } from './migration.ts'
import { displayPath } from './paths.ts'
import type {
  ChunkRecord,
  DedupeMerge,
  DedupeRefusal,
  Finding,
  FindingCode,
  OutputMap,
  Promotion,
  StateEvidence,
} from './types.ts'

/** Bumped on any change a reader of the report must know about. */
export const REPORT_VERSION = 2

/** The report of one output: proportional to that output, whatever else shares the plugin instance. */
export interface SingletonReport {
  version: typeof REPORT_VERSION
  generator: 'rolldown-plugin-singleton-guard'
  output: ReportOutput
  /** Each declared singleton met in this output: who declared it, its copies here, the facades that are not copies. */
  singletons: ReportSingleton[]
  /** Findings this output takes part in (copies in other outputs are named in them). */
  findings: Finding[]
  /** Modules `promote` turned into stable file names in this output. */
  promoted: Promotion[]
  /** Your hand-kept entry list compared with what promote does (null unless you keep a list of runtime entries). */
  migration: MigrationView | null
  /** Modules nobody declared that have copies here and hold state, or may (`detect`): added within version 2. */
  detected: ReportDetected[]
  /** With `dedupe`: the installs merged into the canonical one, and the ones refused with why (added within version 2). */
  dedupe?: ReportDedupe
}

export interface ReportDedupe {
  merged: DedupeMerge[]
  refused: DedupeRefusal[]
}

export interface ReportOutput {
  dir: string
  format: string
  /** A realm of its own (a Vite environment), `default` otherwise. */
  realm: string
  chunks: ReportChunk[]
}

export interface ReportChunk {
  fileName: string
  isEntry: boolean
  isDynamicEntry: boolean
  facadeModule: string | null
  isFacade: boolean
  /** Modules whose rendered code this chunk holds. */
  modules: string[]
}

export interface ReportSingleton {
  module: string
  /** `module`, or `package` when a package was declared as a whole (its copies are installs). */
  scope: 'module' | 'package'
  declaredBy: string[]
  copies: { chunks: string[]; id: string; sharedFactory: boolean }[]
  facades: string[]
}

export interface ReportDetected {
  module: string
  /** `stateful`; `shared` (its state is on `globalThis[Symbol.for()]`); `unknown` (the classifier could not tell). */
  state: 'stateful' | 'shared' | 'unknown'
  /** The bindings that hold state (or may), each with its source line. */
  evidence: StateEvidence[]
  /** Why the state is shared, or why it could not be told. */
  reason: string | null
  /** The codes of this output's findings about it. */
  findings: FindingCode[]
}

interface ReportInput {
  output: OutputMap
  chunks: readonly ChunkRecord[]
  findings: readonly Finding[]
  promotions: readonly Promotion[]
  migration?: MigrationView | null
  dedupe?: ReportDedupe
  root: string
}

export function buildReport({
  output,
  chunks,
  findings,
  promotions,
  migration,
  dedupe,
  root,
}: ReportInput): SingletonReport {
  const report: SingletonReport = {
    version: REPORT_VERSION,
    generator: 'rolldown-plugin-singleton-guard',
    output: {
      dir: output.dir,
      format: output.format,
      realm: output.realm,
      chunks: chunks
        .map((chunk) => ({
          fileName: chunk.fileName,
          isEntry: chunk.isEntry,
          isDynamicEntry: chunk.isDynamicEntry,
          facadeModule: chunk.facadeModuleId === null ? null : displayPath(chunk.facadeModuleId, root),
          isFacade: chunk.isFacade,
          modules: chunk.moduleIds.map((id) => displayPath(id, root)),
        }))
        .sort((a, b) => a.fileName.localeCompare(b.fileName)),
    },
    singletons: [...output.modules.values()]
      // A module of a declared package is listed only when it is duplicated; its package is listed always.
      .filter((tracked) => tracked.scope !== 'install' || tracked.copies.length > 1)
      .map((tracked) => ({
        module: tracked.display,
        scope: tracked.scope === 'package' ? ('package' as const) : ('module' as const),
        declaredBy: tracked.declaredBy,
        copies: tracked.copies.map((copy) => ({
          chunks: copy.chunks,
          id: displayPath(copy.identity.id, root),
          sharedFactory: copy.sharedFactory,
        })),
        facades: tracked.facades,
      }))
      .sort((a, b) => a.module.localeCompare(b.module) || a.scope.localeCompare(b.scope)),
    findings: [...findings],
    promoted: [...promotions].sort((a, b) => a.name.localeCompare(b.name)),
    migration: migration ?? null,
    detected: detectedIn(findings),
  }
  if (dedupe) report.dedupe = dedupe
  return report
}

function detectedIn(findings: readonly Finding[]): ReportDetected[] {
  const byModule = new Map<string, ReportDetected>()
  for (const finding of findings) {
    if (!finding.detected) continue
    const known = byModule.get(finding.key)
    if (known) {
      if (!known.findings.includes(finding.code)) known.findings.push(finding.code)
      continue
    }
    byModule.set(finding.key, {
      module: finding.module,
      state: finding.sharedState !== undefined ? 'shared' : finding.stateUnknown !== undefined ? 'unknown' : 'stateful',
      evidence: finding.evidence ?? [],
      reason: finding.sharedState ?? finding.stateUnknown ?? null,
      findings: [finding.code],
    })
  }
  return [...byModule.values()].sort((a, b) => a.module.localeCompare(b.module))
}
