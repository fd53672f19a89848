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
  /** The module id of the entry. */
  id: string
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
  pinned: readonly { name: string; module: string; reason: string; fileName?: string; importer: string | undefined }[]
  /** Lazy chunks left with hashed names: neither the list nor promote names them. */
  unpinned: readonly { module: string; fileName: string; importer: string | undefined }[]
  /**
   * The exports the entry's file would lose were it deleted from the list (a lazy chunk keeps only
   * what the build uses), by module id; undefined when the output holds no file of it.
   */
  exportsLost: (id: string) => readonly string[] | undefined
}

/** A runtime boundary the list lacks: hashed, it strands a running process after a rebuild. */
interface MissingBoundary {
  module: string
  /** The file written for it. */
  fileName: string
  /** A module that loads it lazily. */
  importer: string | undefined
  /** Promote pins it under a stable name (only while promote is on); otherwise it stays hashed. */
  pinned: boolean
}

export interface MigrationView {
  /** Listed entries promote pins under the very same name, with every export: safe to delete from the list. */
  covered: { name: string; module: string }[]
  /**
   * Listed boundaries whose deletion would change a file: promote would name it otherwise, would
   * not pin it, or its file would lose public exports (`exportsLost`). Keep them.
   */
  kept: { name: string; module: string; why: string; exportsLost?: string[] }[]
  /** Listed entries that are not runtime boundaries at all: imported statically, they ride in their importer's chunk. */
  notBoundaries: { name: string; module: string; importedBy: string[] }[]
  /** Runtime boundaries the list lacks: the names a maintainer most needs to see. */
  missing: MissingBoundary[]
  /** Singletons (and `promote.include` targets) promote pins that the list lacks. */
  addedByPromote: { name: string; module: string; reason: string }[]
}

/** The view, or undefined when the user keeps no list of boundaries (nothing to migrate from). */
export function migrationView(input: MigrationInput): MigrationView | undefined {
  const handKept = input.listed.filter((entry) => entry.role === 'boundary' || entry.role === 'singleton')
  if (handKept.length === 0) return undefined
  const view: MigrationView = { covered: [], kept: [], notBoundaries: [], addedByPromote: [], missing: [] }
  for (const entry of handKept) {
    const { name, module } = entry
    if (entry.role === 'singleton') {
      // Without the entry, the module rides in whatever chunk the bundler gives it: its file's
      // name and exports are the bundler's to choose.
      view.kept.push({
        name,
        module,
        why: 'an entry of its own keeps its file and every export; without it the module goes where the bundler puts it',
      })
      continue
    }
    if (!('name' in entry.promote)) {
      view.kept.push({ name, module, why: entry.promote.skipped })
      continue
    }
    if (entry.promote.name !== name) {
      view.kept.push({
        name,
        module,
        why: `promote would name it "${entry.promote.name}"; set promote.base, or keep the entry`,
      })
      continue
    }
    if (entry.importedBy.length > 0) {
      // Without the entry, a module that is also imported statically can ride in that
      // importer's chunk: no file of its own, under no name of its own.
      view.kept.push({
        name,
        module,
        why: `also imported statically (by ${[...entry.importedBy].sort().join(', ')}): without the entry the bundler may put it in that importer's file`,
      })
      continue
    }
    const lost = input.exportsLost(entry.id)
    if (lost === undefined) {
      view.kept.push({ name, module, why: 'this output holds no file of it, so its exports could not be compared' })
    } else if (lost.length > 0) {
      view.kept.push({
        name,
        module,
        why: `keep: public exports; as a lazy chunk its file would lose ${lost.join(', ')} (the build itself does not use ${lost.length === 1 ? 'it' : 'them'})`,
        exportsLost: [...lost],
      })
    } else view.covered.push({ name, module })
  }
  for (const entry of input.listed) {
    if (entry.role === 'static') {
      view.notBoundaries.push({ name: entry.name, module: entry.module, importedBy: [...entry.importedBy].sort() })
    }
  }
  for (const pinned of input.pinned) {
    if (pinned.reason === 'runtime boundary') {
      view.missing.push({
        module: pinned.module,
        fileName: pinned.fileName ?? pinned.name,
        importer: pinned.importer,
        pinned: true,
      })
    } else view.addedByPromote.push({ name: pinned.name, module: pinned.module, reason: pinned.reason })
  }
  for (const { module, fileName, importer } of input.unpinned)
    view.missing.push({ module, fileName, importer, pinned: false })
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name)
  view.covered.sort(byName)
  view.kept.sort(byName)
  view.notBoundaries.sort(byName)
  view.addedByPromote.sort(byName)
  view.missing.sort((a, b) => a.module.localeCompare(b.module))
  return view
}

/**
 * Worth a warning (users build with `--logLevel warn`): the list lacks a boundary (hashed or
 * only pinned by promote) or can shrink (entries promote now covers). The rest is information.
 */
export function migrationNeedsAttention(view: MigrationView): boolean {
  return view.covered.length > 0 || view.missing.length > 0
}
