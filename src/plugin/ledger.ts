import type { MigrationView } from '../core/migration.ts'
import type { OutputMap, Promotion } from '../core/types.ts'

/**
 * When to judge copies across outputs, now that an output has closed: `wait` while announced
 * builds are still running, `all` when the last of them closes (the whole picture, once),
 * `incremental` after that (watch rebuilds) or when no count was announced (rolldown API): then
 * each output reports the splits it takes part in, so whichever closes last fails.
 */
type AcrossPhase = 'wait' | 'all' | 'incremental'

/**
 * What the builds sharing one plugin instance have produced: outputs keyed by folder, format,
 * realm and entries (a watch rebuild replaces its record), what promote did to each, and which
 * patterns have matched. Each record keeps only what later verdicts need, so it stays flat
 * across rebuilds and small beside the build.
 */
export class Ledger {
  readonly #outputs = new Map<string, OutputMap>()
  readonly #promotions = new Map<string, Promotion[]>()
  readonly #migrations = new Map<string, MigrationView>()
  readonly #matchedLabels = new Set<string>()
  readonly #warnedLabels = new Set<string>()
  #expectedOutputs = 0
  #failedBuilds = 0
  #judgedAll = false

  /** The host announced one more build (tsdown: one per config and format, before any runs). */
  expectOutput(): void {
    this.#expectedOutputs++
  }

  /** Records a closed output and says when to judge across outputs. */
  record(output: OutputMap, matchedLabels: Iterable<string>): AcrossPhase {
    for (const label of matchedLabels) this.#matchedLabels.add(label)
    const modules = new Map([...output.modules].filter(([, tracked]) => tracked.scope !== 'install'))
    this.#outputs.set(output.key, { ...output, modules })
    return this.#nextPhase()
  }

  /** A build failed before writing its output; says whether the others can now be judged. */
  recordFailure(): AcrossPhase {
    this.#failedBuilds++
    return this.#nextPhase()
  }

  get failedBuilds(): number {
    return this.#failedBuilds
  }

  get expectedOutputs(): number {
    return this.#expectedOutputs
  }

  outputs(): OutputMap[] {
    return [...this.#outputs.values()]
  }

  setPromotions(outputKey: string, promotions: Promotion[]): void {
    this.#promotions.set(outputKey, promotions)
  }

  promotionsOf(outputKey: string): Promotion[] {
    return this.#promotions.get(outputKey) ?? []
  }

  /** The user's entry list compared with what promote does, when they keep one. */
  setMigration(outputKey: string, view: MigrationView): void {
    this.#migrations.set(outputKey, view)
  }

  migrationOf(outputKey: string): MigrationView | null {
    return this.#migrations.get(outputKey) ?? null
  }

  /** Patterns that matched nothing and were not warned about yet, once every announced output closed. */
  unmatched(labels: readonly string[]): string[] {
    if (this.#outputs.size + this.#failedBuilds < this.#expectedOutputs) return []
    return labels.filter((label) => !this.#matchedLabels.has(label) && !this.#warnedLabels.has(label))
  }

  markWarned(labels: readonly string[]): void {
    for (const label of labels) this.#warnedLabels.add(label)
  }

  #nextPhase(): AcrossPhase {
    if (this.#expectedOutputs === 0 || this.#judgedAll) return 'incremental'
    if (this.#outputs.size + this.#failedBuilds < this.#expectedOutputs) return 'wait'
    this.#judgedAll = true
    return 'all'
  }
}
