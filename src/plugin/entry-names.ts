import path from 'node:path'
import type { InputOptions } from 'rolldown'
import { isInstalledPackage } from '../core/identity.ts'
import { commonDir, isVirtualId, splitQuery, toPosix, withoutExtension } from '../core/paths.ts'
import type { ModuleIdentity } from '../core/types.ts'

/** One entry the build was given: its name (as the user wrote it, if they did) and absolute file. */
export interface UserEntry {
  name: string
  file: string
  /** The user wrote the name (object input); otherwise rolldown derived it from the file name. */
  named: boolean
}

/** The entries a build was given, as absolute files, with the names rolldown gives their chunks. */
export interface UserEntries {
  list: UserEntry[]
  byName: Map<string, string>
  byFile: Map<string, UserEntry>
  files: Set<string>
  /** Where promoted names start. */
  bases: NameBases
}

/**
 * Where stable names start, learned from the entries the user named, per top folder of the
 * project (`src`, `extensions`): `{ 'agents/x': 'src/agents/x.ts' }` says names of files under
 * `src/` start at `src/`. A folder no named entry speaks for falls back to the entries' common
 * folder; `promote.base` overrides both.
 */
interface NameBases {
  cwd: string
  byTop: Map<string, string>
  fallback: string
}

export function userEntries(input: InputOptions['input'], cwd: string, base?: string): UserEntries {
  const pairs: [string | undefined, string][] =
    typeof input === 'string'
      ? [[undefined, input]]
      : Array.isArray(input)
        ? input.map((file) => [undefined, file] as [undefined, string])
        : Object.entries(input ?? {})
  const list: UserEntry[] = []
  const byName = new Map<string, string>()
  const files = new Set<string>()
  const byFile = new Map<string, UserEntry>()
  for (const [name, specifier] of pairs) {
    if (isVirtualId(specifier)) continue
    const file = path.resolve(cwd, splitQuery(specifier).file)
    const entryName = name ?? withoutExtension(path.basename(file))
    files.add(file)
    byName.set(entryName, file)
    const entry = { name: entryName, file, named: name !== undefined }
    list.push(entry)
    byFile.set(file, entry)
  }
  return { list, byName, byFile, files, bases: learnNameBases(list, cwd, base) }
}

/** Name bases taught by `entries` (only those the user named), or the explicit `base`. */
export function learnNameBases(entries: readonly UserEntry[], cwd: string, base?: string): NameBases {
  if (base !== undefined) return { cwd, byTop: new Map(), fallback: base }
  const votes = new Map<string, Map<string, number>>()
  for (const entry of entries) {
    const taught = entry.named ? baseTaughtBy(entry) : undefined
    const top = topFolderOf(entry.file, cwd)
    if (taught === undefined || top === undefined) continue
    const tally = votes.get(top) ?? new Map<string, number>()
    tally.set(taught, (tally.get(taught) ?? 0) + 1)
    votes.set(top, tally)
  }
  const byTop = new Map<string, string>()
  for (const [top, tally] of votes) {
    // Most entries win; on a tie, the deeper folder (names as short as the user's).
    const [winner] = [...tally].sort((a, b) => b[1] - a[1] || b[0].length - a[0].length)
    if (winner) byTop.set(top, winner[0])
  }
  const fallback = commonDir(entries.map((entry) => path.dirname(entry.file))) ?? cwd
  return { cwd, byTop, fallback }
}

/** The folder an entry's name starts at: `agents/x` for `src/agents/x.ts` says `src`. */
function baseTaughtBy(entry: UserEntry): string | undefined {
  const name = entry.name.replace(/^\.\//, '')
  const file = withoutExtension(toPosix(entry.file))
  if (name === '' || name.startsWith('/') || name.split('/').includes('..')) return undefined
  if (!file.endsWith(`/${name}`)) return undefined
  return (
    file
      .slice(0, -(name.length + 1))
      .split('/')
      .join(path.sep) || path.sep
  )
}

/** The first folder of `file` below `cwd` (`src` for `<cwd>/src/a/b.ts`); '' for files directly in it. */
function topFolderOf(file: string, cwd: string): string | undefined {
  const relative = path.relative(cwd, file)
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined
  const parts = relative.split(path.sep)
  return parts.length > 1 ? (parts[0] as string) : ''
}

/**
 * A stable entry name: the module's path relative to where names start for its top folder (see
 * `NameBases`), or `root`, without extension; a file of an installed package becomes
 * `vendor/<package>/<subpath>`.
 */
export function stableEntryName(identity: ModuleIdentity, bases: NameBases, root: string): string {
  if (isInstalledPackage(identity) && identity.subpath) {
    return withoutExtension(`vendor/${identity.package.name}/${identity.subpath}`)
  }
  const top = topFolderOf(identity.file, bases.cwd)
  const learned = top === undefined ? undefined : bases.byTop.get(top)
  for (const base of [learned, bases.fallback, root]) {
    if (base === undefined) continue
    const relative = path.relative(base, identity.file)
    if (relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative))
      return withoutExtension(toPosix(relative))
  }
  return withoutExtension(path.basename(identity.file))
}
