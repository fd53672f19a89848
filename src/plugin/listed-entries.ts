import type { ModuleInfo } from 'rolldown'
import type { EntryRole, ListedEntry } from '../core/migration.ts'
import { displayPath, splitQuery } from '../core/paths.ts'
import type { ModuleIdentity } from '../core/types.ts'
import { learnNameBases, stableEntryName, type UserEntries, type UserEntry } from './entry-names.ts'

/** What the migration view needs to know of one build's graph, read at `buildEnd`. */
interface EntryGraph {
  /** Module ids of the user's entries. */
  entryIds: ReadonlyMap<string, UserEntry>
  entries: UserEntries
  /** Modules whose static imports reach a singleton. */
  reachesSingleton: ReadonlySet<string>
  root: string
  promote: { singletons: boolean; boundaries: 'singletons' | 'all'; base: string | undefined }
  include: ((file: string) => boolean) | undefined
  exclude: ((file: string) => boolean) | undefined
  infoOf: (id: string) => ModuleInfo
  isSingleton: (id: string) => boolean
  identify: (id: string) => ModuleIdentity | null
}

/**
 * A runtime boundary: a module some importer loads lazily without already holding it statically
 * (`import()` of a module its own importer also imports statically moves nothing: rolldown keeps
 * it in that chunk). Whether rolldown really gives it a chunk of its own is known only at naming
 * time, where a chunk is named only if it is the boundary's dynamic entry.
 */
export function isBoundary(info: ModuleInfo): boolean {
  return info.dynamicImporters.some((importer) => !info.importers.includes(importer))
}

/**
 * The user's entries as the migration view needs them: what each is in the graph, and what
 * promote would do with it were the entry deleted (named from the entries that would remain).
 */
export function listedEntries(graph: EntryGraph): ListedEntry[] {
  const { entryIds, entries, reachesSingleton, root, promote, include, exclude } = graph
  const facts = [...entryIds].map(([id, entry]) => {
    const info = graph.infoOf(id)
    const role: EntryRole = graph.isSingleton(id)
      ? 'singleton'
      : isBoundary(info)
        ? 'boundary'
        : info.importers.length > 0
          ? 'static'
          : 'entry'
    return { id, entry, role, importedBy: info.importers.map((importer) => displayPath(importer, root)) }
  })
  const handKept = new Set(facts.filter((f) => f.role === 'boundary' || f.role === 'singleton').map((f) => f.entry))
  const remaining = learnNameBases(
    entries.list.filter((entry) => !handKept.has(entry)),
    entries.bases.cwd,
    promote.base,
  )
  return facts.map(({ id, entry, role, importedBy }): ListedEntry => {
    const file = splitQuery(id).file
    const identity = graph.identify(id)
    let skipped: string | undefined
    if (!identity) skipped = 'not a file promote can name'
    else if (exclude?.(file)) skipped = 'excluded by promote.exclude'
    else if (role === 'singleton' && !promote.singletons) skipped = 'promote.singletons is false'
    else if (role === 'boundary' && promote.boundaries !== 'all' && !reachesSingleton.has(id) && !include?.(file)) {
      skipped = "reaches no singleton: promote.boundaries: 'all' pins it"
    }
    return {
      name: entry.name,
      id,
      module: displayPath(id, root),
      role,
      importedBy,
      promote:
        skipped === undefined && identity
          ? { name: stableEntryName(identity, remaining, root) }
          : { skipped: skipped ?? 'not a file promote can name' },
    }
  })
}
