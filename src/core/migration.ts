/**
 * The migration view: the user's hand-kept entry list (the `coreDistEntries` pattern) compared
 * with what `promote` does in the same build. Pure: works from plain data the promoter gathers.
 */

/** What the module graph says about one entry the user listed. */
export type EntryRole =
  /** A dynamic-import target loaded lazily from a chunk that does not hold it: a runtime boundary. */
  | 'boundary'
  /** A declared singleton listed as an entry. */
  | 'singleton'
  /** Imported statically (and never lazily from elsewhere): it rides in its importer's chunk. */
  | 'static'
  /** Imported by nothing: a plain entry point of the package. */
  | 'entry'

export interface ListedEntry {
  name: string
  module: string
  role: EntryRole
  /** Modules that import it statically. */
  importedBy: string[]
  /** What promote would do with the module were the entry deleted: the name it would give, or why it would not. */
  promote: { name: string } | { skipped: string }
}

interface MigrationInput {
  listed: readonly ListedEntry[]
  /** Boundaries and singletons promote pinned in this build that are not entries of the list. */
  pinned: readonly { name: string; module: string; reason: string }[]
  /** Lazy chunks left with hashed names: neither the list nor promote names them. */
  unpinned: readonly { module: string; fileName: string }[]
}

export interface MigrationView {
  /** Listed entries promote now pins under the very same name: safe to delete from the list. */
  covered: { name: string; module: string }[]
  /** Listed boundaries promote would not pin under the same name: keep them (or change the option named). */
  kept: { name: string; module: string; why: string }[]
  /** Listed entries that are not runtime boundaries at all: imported statically, they ride in their importer's chunk. */
  notBoundaries: { name: string; module: string; importedBy: string[] }[]
  /** Boundaries the list misses that promote pins. */
  addedByPromote: { name: string; module: string; reason: string }[]
  /** Boundaries the list misses that nothing pins: hashed, they strand a running process after a rebuild. */
  missing: { module: string; fileName: string }[]
}

/** The view, or undefined when the user keeps no list of boundaries (nothing to migrate from). */
export function migrationView(input: MigrationInput): MigrationView | undefined {
  const handKept = input.listed.filter((entry) => entry.role === 'boundary' || entry.role === 'singleton')
  if (handKept.length === 0) return undefined
  const view: MigrationView = { covered: [], kept: [], notBoundaries: [], addedByPromote: [], missing: [] }
  for (const entry of handKept) {
    const { name, module } = entry
    if (entry.role === 'singleton') {
      // Promote pins a singleton's file under the same name, but as a chunk: it keeps only the
      // exports the build uses, so a consumer of the published entry may lose the others.
      view.kept.push({
        name,
        module,
        why: 'an entry of its own keeps every export; a promoted chunk keeps only those the build uses',
      })
    } else if ('name' in entry.promote && entry.promote.name === name) view.covered.push({ name, module })
    else {
      const why =
        'name' in entry.promote
          ? `promote would name it "${entry.promote.name}"; set promote.base, or keep the entry`
          : entry.promote.skipped
      view.kept.push({ name, module, why })
    }
  }
  for (const entry of input.listed) {
    if (entry.role === 'static') {
      view.notBoundaries.push({ name: entry.name, module: entry.module, importedBy: [...entry.importedBy].sort() })
    }
  }
  view.addedByPromote = input.pinned.map(({ name, module, reason }) => ({ name, module, reason }))
  view.missing = input.unpinned.map(({ module, fileName }) => ({ module, fileName }))
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name)
  view.covered.sort(byName)
  view.kept.sort(byName)
  view.notBoundaries.sort(byName)
  view.addedByPromote.sort(byName)
  view.missing.sort((a, b) => a.module.localeCompare(b.module))
  return view
}

/**
 * Worth a warning (users build with `--logLevel warn`): the list can shrink (entries promote now
 * covers) or a boundary strands (nothing pins it). The rest is information.
 */
export function migrationNeedsAttention(view: MigrationView): boolean {
  return view.covered.length > 0 || view.missing.length > 0
}
