import type { OutputMap } from './chunk-map.ts'
import { displayPath } from './identity.ts'
import type { Session } from './session.ts'
import type { Promotion } from './promote.ts'
import { migrationReport, type ReportMigration } from './plugin/migration-report.ts'
import type { Finding } from './verdicts.ts'

/** Bumped on any change a reader of the report must know about. */
export const REPORT_VERSION = 1

export interface SingletonReport {
  version: typeof REPORT_VERSION
  generator: 'rolldown-plugin-singleton-guard'
  /** Every output closed so far by the builds sharing this plugin instance. */
  outputs: ReportOutput[]
  singletons: ReportSingleton[]
  findings: Finding[]
  /** Modules `promote` turned into stable entries, per output. */
  promoted: { output: string; format: string; entries: Promotion[] }[]
  /** Your hand-kept entry list compared with what promote does (only when you keep one). */
  migration: ReportMigration[]
}

export interface ReportOutput {
  dir: string
  format: string
  chunks: {
    fileName: string
    isEntry: boolean
    isDynamicEntry: boolean
    facadeModule: string | null
    isFacade: boolean
    modules: string[]
  }[]
}

export interface ReportSingleton {
  module: string
  declaredBy: string[]
  copies: { output: string; format: string; chunks: string[]; id: string; sharedFactory: boolean }[]
  facades: string[]
}

export function buildReport(session: Session): SingletonReport {
  const outputs = [...session.outputs.values()].sort((a, b) => a.key.localeCompare(b.key))
  return {
    version: REPORT_VERSION,
    generator: 'rolldown-plugin-singleton-guard',
    outputs: outputs.map((output) => reportOutput(output, session.root)),
    singletons: reportSingletons(outputs, session.root),
    findings: uniqueFindings([...session.findings.values()].flat()),
    promoted: outputs
      .map((output) => ({
        output: output.dir,
        format: output.format,
        entries: session.promotions.get(output.key) ?? [],
      }))
      .filter((entry) => entry.entries.length > 0),
    migration: migrationReport(outputs, session.migrations),
  }
}

function reportOutput(output: OutputMap, root: string): ReportOutput {
  return {
    dir: output.dir,
    format: output.format,
    chunks: output.chunks
      .map((chunk) => ({
        fileName: chunk.fileName,
        isEntry: chunk.isEntry,
        isDynamicEntry: chunk.isDynamicEntry,
        facadeModule: chunk.facadeModuleId === null ? null : displayPath(chunk.facadeModuleId, root),
        isFacade: chunk.isFacade,
        modules: chunk.moduleIds.map((id) => displayPath(id, root)),
      }))
      .sort((a, b) => a.fileName.localeCompare(b.fileName)),
  }
}

function reportSingletons(outputs: OutputMap[], root: string): ReportSingleton[] {
  const byKey = new Map<string, ReportSingleton>()
  for (const output of outputs) {
    for (const tracked of output.modules.values()) {
      let entry = byKey.get(tracked.key)
      if (!entry) {
        entry = { module: tracked.display, declaredBy: tracked.declaredBy, copies: [], facades: [] }
        byKey.set(tracked.key, entry)
      }
      for (const copy of tracked.copies) {
        entry.copies.push({
          output: output.dir,
          format: output.format,
          chunks: copy.chunks,
          id: displayPath(copy.identity.id, root),
          sharedFactory: copy.sharedFactory,
        })
      }
      for (const facade of tracked.facades) entry.facades.push(`${output.dir}/${facade}`)
    }
  }
  return [...byKey.values()].sort((a, b) => a.module.localeCompare(b.module))
}

function uniqueFindings(findings: Finding[]): Finding[] {
  const seen = new Map<string, Finding>()
  for (const finding of findings) {
    const signature = `${finding.code}|${finding.key}|${finding.copies.map((c) => `${c.output}/${c.chunks}`).join(',')}`
    seen.set(signature, finding)
  }
  return [...seen.values()]
}
