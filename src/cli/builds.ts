import path from 'node:path'
import type { AuditChunk } from './model.ts'

/** A build guessed from the bytes of one audited folder. */
export interface GuessedBuild {
  /** How it is printed: the folder its chunks share, and its entry where that folder holds several builds. */
  label: string
  /** The audited folder (as printed) it was found in. */
  folder: string
  format: 'esm' | 'cjs'
  chunks: AuditChunk[]
  /** Its entry chunks (`<folder>/<file>`). */
  entries: string[]
}

/**
 * Tells apart the builds that wrote into one folder (an app and its extensions built by separate
 * configs, workers bundled on their own, stale chunks of an earlier build). One build's chunks
 * reach each other through their imports, so each connected part of the import graph (static,
 * `import()` and `require()` edges, among chunks of one folder and format) is a build of its own.
 * Formats are told apart by the chunks' syntax.
 *
 * Only a guess, and used only to name a cause: two builds that share no chunk look like one
 * build's two entries with nothing in common. The number of copies is counted from the chunks,
 * whatever this says.
 */
export function guessBuilds(chunks: readonly AuditChunk[]): GuessedBuild[] {
  const parent = new Map<string, string>()
  const find = (id: string): string => {
    let root = id
    while (parent.get(root) !== root) root = parent.get(root) as string
    // Path halving keeps later finds short on graphs of thousands of chunks.
    for (let node = id; node !== root;) {
      const next = parent.get(node) as string
      parent.set(node, root)
      node = next
    }
    return root
  }
  const byId = new Map(chunks.map((chunk) => [chunk.id, chunk]))
  for (const chunk of chunks) parent.set(chunk.id, chunk.id)
  for (const chunk of chunks) {
    for (const edge of chunk.imports) {
      const target = edge.target ? byId.get(edge.target) : undefined
      if (!target || target.folder !== chunk.folder || target.format !== chunk.format) continue
      const [a, b] = [find(chunk.id), find(target.id)]
      if (a !== b) parent.set(a, b)
    }
  }
  const parts = new Map<string, AuditChunk[]>()
  for (const chunk of chunks) {
    const root = find(chunk.id)
    const part = parts.get(root)
    if (part) part.push(chunk)
    else parts.set(root, [chunk])
  }
  const builds = [...parts.values()].map((members) => {
    const first = members[0] as AuditChunk
    return {
      label: '',
      folder: first.folder,
      format: first.format,
      chunks: members,
      entries: members.filter((chunk) => chunk.kind === 'entry').map((chunk) => chunk.id),
    }
  })
  label(builds)
  for (const build of builds) for (const chunk of build.chunks) chunk.build = build.label
  // The largest first: the app, then what was built beside it.
  return builds.sort((a, b) => b.chunks.length - a.chunks.length || a.label.localeCompare(b.label))
}

/**
 * `dist/extensions/x` for a build alone in its subfolder; `dist (entry main.js)` where a folder
 * holds several; the format is added where one folder holds both.
 */
function label(builds: GuessedBuild[]): void {
  const home = (build: GuessedBuild) => {
    const dir = commonDir(build.chunks.map((chunk) => path.posix.dirname(chunk.file)))
    return dir === '' ? build.folder : `${build.folder}/${dir}`
  }
  const homes = new Map<string, GuessedBuild[]>()
  for (const build of builds) {
    const key = home(build)
    homes.set(key, [...(homes.get(key) ?? []), build])
  }
  for (const [key, sharing] of homes) {
    const formats = new Set(sharing.map((build) => build.format)).size > 1
    for (const build of sharing) {
      const entries = build.entries.length > 0 ? build.entries : build.chunks.map((chunk) => chunk.id)
      const first = [...entries].sort((a, b) => a.length - b.length || a.localeCompare(b))[0] as string
      const shown = first.slice(key.length + 1)
      const more = entries.length > 1 ? ` and ${entries.length - 1} more` : ''
      const format = formats ? `, ${build.format}` : ''
      build.label = sharing.length === 1 ? key : `${key} (${shown}${more}${format})`
    }
  }
}

function commonDir(dirs: readonly string[]): string {
  let common = (dirs[0] ?? '.').split('/')
  for (const dir of dirs.slice(1)) {
    const parts = dir.split('/')
    let length = 0
    while (length < common.length && common[length] === parts[length]) length++
    common = common.slice(0, length)
  }
  const joined = common.join('/')
  return joined === '.' ? '' : joined
}
