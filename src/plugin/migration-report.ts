import type { MigrationView } from './migration.ts'

/** The report's `migration` field: per output, the hand-kept entry list compared with what promote does. */
export interface ReportMigration extends MigrationView {
  output: string
  format: string
}

export function migrationReport(
  outputs: readonly { key: string; dir: string; format: string }[],
  views: ReadonlyMap<string, MigrationView>,
): ReportMigration[] {
  const field: ReportMigration[] = []
  for (const output of outputs) {
    const view = views.get(output.key)
    if (view) field.push({ output: output.dir, format: output.format, ...view })
  }
  return field
}
