import type { DedupeMerge, DedupeRefusal } from '../core/types.ts'

/** One per plugin instance: merges by install pair, refusals by install and importer's package. */
export class DedupeLog {
  readonly merges: Map<string, DedupeMerge> = new Map()
  readonly refusals: Map<string, DedupeRefusal> = new Map()
  /** Merges not yet said (each is said once, by the build that made it first). */
  readonly #unsaid = new Set<string>()

  merged(merge: Omit<DedupeMerge, 'imports'>): void {
    const key = `${merge.from}\0${merge.to}`
    const known = this.merges.get(key)
    if (known) known.imports++
    else {
      this.merges.set(key, { ...merge, imports: 1 })
      this.#unsaid.add(key)
    }
  }

  refused(refusal: DedupeRefusal, importerPackage: string): void {
    const key = `${refusal.install}\0${importerPackage}`
    if (!this.refusals.has(key)) this.refusals.set(key, refusal)
  }

  /** Merges made since the last call. */
  takeUnsaid(): DedupeMerge[] {
    const merges = [...this.#unsaid].map((key) => this.merges.get(key) as DedupeMerge)
    this.#unsaid.clear()
    return merges
  }

  /** Why the installs of `name` that remain were not merged, one line each. */
  refusalsOf(name: string): string[] {
    return [...this.refusals.values()]
      .filter((refusal) => refusal.package === name)
      .map(
        (r) =>
          `${r.install} (${r.version}) not merged into ${r.canonical} (${r.canonicalVersion}) for ${r.importer}: ${r.why}${r.option ? `; \`${r.option}\` would merge it` : ''}`,
      )
  }
}
