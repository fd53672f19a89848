import path from 'node:path'
import { installFolderOf } from './manifest.ts'
import { isVirtualId } from './paths.ts'

/**
 * Which module ids may be one module in several copies, found by string work on the ids alone:
 * no syscall, no parse. Only the candidates this finds are resolved and classified.
 *
 * - two installs of a package at one subpath: `…/node_modules/a/node_modules/shared/index.js`
 *   and `…/node_modules/shared/index.js` (pnpm's `.pnpm/shared@1/node_modules/shared/…` alike);
 * - one file with and without a query (`state.js`, `state.js?v=2`);
 * - the same file in two outputs (two builds, or esm + cjs of one build).
 *
 * Where a build keeps symlinked paths as ids, the caller passes the real path of each id
 * (`realPathOf`), which it resolves in that mode anyway.
 */

/** One chunk's module ids, as read once from the bundle. */
export interface ChunkIds {
  fileName: string
  ids: readonly string[]
}

export interface Placement {
  id: string
  chunk: string
}

type RealPathOf = (id: string) => string | undefined

const NODE_MODULES = `${path.sep}node_modules${path.sep}`
/**
 * The key under which two ids may be one module, from the id alone: `<name>/<subpath>` for a
 * file of an installed package (after the last `node_modules/`, whatever the install folder),
 * the path otherwise; the query left out. Undefined for virtual modules.
 */
export function copyKeyOf(id: string): string | undefined {
  if (isVirtualId(id)) return undefined
  const query = id.indexOf('?')
  const file = query === -1 ? id : id.slice(0, query)
  const at = file.lastIndexOf(NODE_MODULES)
  return at === -1 ? file : `node_modules:${file.slice(at + NODE_MODULES.length)}`
}

/**
 * Groups of ids of one output that may be one module under several ids (each group has at
 * least two distinct ids). The first pass looks only at install folders and queries; the
 * second runs only when a package's name is installed in two folders, or an id has a query.
 */
export function candidatesWithin(chunks: readonly ChunkIds[], realPathOf?: RealPathOf): Placement[][] {
  if (realPathOf) return groupsOf(chunks, (id) => copyKeyOf(realPathOf(id) ?? id))
  // A few native string searches per id and nothing allocated for ids of an install already seen
  // (a chunk lists a package's files together): a graph with no copies costs next to nothing.
  const twiceInstalled = new Set<string>()
  const firstFolder = new Map<string, string>()
  const queryFiles = new Set<string>()
  let lastFolder = ''
  for (const chunk of chunks) {
    for (const id of chunk.ids) {
      const query = id.indexOf('?')
      const file = query === -1 ? id : id.slice(0, query)
      if (query !== -1 && !isVirtualId(id)) queryFiles.add(file)
      if (lastFolder !== '' && file.startsWith(lastFolder) && file.indexOf(NODE_MODULES, lastFolder.length - 1) === -1)
        continue
      const folder = installFolderOf(file)
      if (folder === undefined) continue
      // With its separator: `node_modules/ab` must not take `node_modules/abc/x.js` for its own.
      lastFolder = file.slice(0, folder.length + 1)
      const name = folder.slice(folder.lastIndexOf('node_modules') + 'node_modules/'.length)
      const seen = firstFolder.get(name)
      if (seen === undefined) firstFolder.set(name, folder)
      else if (seen !== folder) twiceInstalled.add(name)
    }
  }
  if (twiceInstalled.size === 0 && queryFiles.size === 0) return []
  return groupsOf(chunks, (id) => {
    const key = copyKeyOf(id)
    if (key === undefined) return undefined
    const query = id.indexOf('?')
    if (queryFiles.has(query === -1 ? id : id.slice(0, query))) return key
    if (!key.startsWith('node_modules:')) return undefined
    const subpath = key.slice('node_modules:'.length)
    const name = subpath.startsWith('@') ? subpath.split(path.sep, 2).join(path.sep) : subpath.split(path.sep, 1)[0]
    return name !== undefined && twiceInstalled.has(name) ? key : undefined
  })
}

/**
 * Keys found in `current` and in at least one of `others`, with their placements per output.
 * `current` is indexed once; the others are only looked up.
 */
export function candidatesAcross(
  current: { key: string; chunks: readonly ChunkIds[] },
  others: readonly { key: string; chunks: readonly ChunkIds[] }[],
  realPathOf?: RealPathOf,
): Map<string, Map<string, Placement[]>> {
  const keyOf = realPathOf ? (id: string) => copyKeyOf(realPathOf(id) ?? id) : copyKeyOf
  const here = new Map<string, Placement[]>()
  for (const chunk of current.chunks) {
    for (const id of chunk.ids) {
      const key = keyOf(id)
      if (key === undefined) continue
      const list = here.get(key)
      if (list) list.push({ id, chunk: chunk.fileName })
      else here.set(key, [{ id, chunk: chunk.fileName }])
    }
  }
  const found = new Map<string, Map<string, Placement[]>>()
  for (const other of others) {
    for (const chunk of other.chunks) {
      for (const id of chunk.ids) {
        const key = keyOf(id)
        const mine = key === undefined ? undefined : here.get(key)
        if (!mine || key === undefined) continue
        let outputs = found.get(key)
        if (!outputs) found.set(key, (outputs = new Map([[current.key, mine]])))
        const list = outputs.get(other.key)
        if (list) list.push({ id, chunk: chunk.fileName })
        else outputs.set(other.key, [{ id, chunk: chunk.fileName }])
      }
    }
  }
  return found
}

function groupsOf(chunks: readonly ChunkIds[], keyOf: (id: string) => string | undefined): Placement[][] {
  const groups = new Map<string, Placement[]>()
  for (const chunk of chunks) {
    for (const id of chunk.ids) {
      const key = keyOf(id)
      if (key === undefined) continue
      const list = groups.get(key)
      if (list) list.push({ id, chunk: chunk.fileName })
      else groups.set(key, [{ id, chunk: chunk.fileName }])
    }
  }
  return [...groups.values()].filter((list) => new Set(list.map((placement) => placement.id)).size > 1)
}
