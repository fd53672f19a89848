import path from 'node:path'
import type { AuditChunk } from './model.ts'
import { withoutHash } from './names.ts'

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
 * configs, workers bundled on their own, stale chunks of an earlier build), from the bytes:
 *
 * 1. One build's chunks reach each other through their imports: chunks joined by an import
 *    (static, `import()` or `require()`, within one folder and format: formats are told apart by
 *    the chunks' syntax) are one build...
 * 2. ...unless joining them would put one module into two chunks of one build, which a bundler
 *    does not do (rolldown's shared registry aside, where this rule is not used). Builds that
 *    write into one folder meet through a file they both wrote (an entry name without hash, or
 *    a chunk whose content, and so whose hash, came out the same); such an import does not join
 *    builds that hold a module each. Imports of hashed chunks are followed first: one build's
 *    chunks make them to each other.
 *
 * Only a guess, and used only to name a cause: two builds that share no module look like one
 * build with two entries. The number of copies is counted from the chunks, whatever this says.
 */
export function guessBuilds(
  chunks: readonly AuditChunk[],
  holdsRegistry: (chunk: AuditChunk) => boolean,
): GuessedBuild[] {
  const byId = new Map(chunks.map((chunk) => [chunk.id, chunk]))
  const edges: [AuditChunk, AuditChunk][] = []
  const weak: [AuditChunk, AuditChunk][] = []
  for (const chunk of chunks) {
    for (const edge of chunk.imports) {
      const target = edge.target ? byId.get(edge.target) : undefined
      if (!target || target === chunk || target.folder !== chunk.folder || target.format !== chunk.format) continue
      ;(withoutHash(target.file) !== target.file ? edges : weak).push([chunk, target])
    }
  }
  // Where rolldown's shared registry runs one factory from several chunks, a module in two
  // chunks is no sign of two builds: imports alone join chunks then.
  const parts = new Parts(chunks, !chunks.some(holdsRegistry))
  for (const [a, b] of [...edges, ...weak]) parts.join(a, b)
  const builds = parts.groups().map((members) => {
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

/** Chunks joined into builds (union-find), each build with the modules its chunks hold. */
class Parts {
  readonly #parent = new Map<string, string>()
  readonly #modules = new Map<string, Set<string>>()
  readonly #chunks: readonly AuditChunk[]
  readonly #oneCopyPerBuild: boolean
  /** Pairs of builds found to share a module: not asked again. */
  readonly #apart = new Set<string>()

  constructor(chunks: readonly AuditChunk[], oneCopyPerBuild = true) {
    this.#chunks = chunks
    this.#oneCopyPerBuild = oneCopyPerBuild
    for (const chunk of chunks) {
      this.#parent.set(chunk.id, chunk.id)
      if (oneCopyPerBuild) this.#modules.set(chunk.id, new Set(chunk.modules.map((held) => held.source)))
    }
  }

  #find(id: string): string {
    let root = id
    while (this.#parent.get(root) !== root) root = this.#parent.get(root) as string
    // Path compression keeps later finds short on graphs of thousands of chunks.
    for (let node = id; node !== root;) {
      const next = this.#parent.get(node) as string
      this.#parent.set(node, root)
      node = next
    }
    return root
  }

  join(a: AuditChunk, b: AuditChunk): void {
    let [ra, rb] = [this.#find(a.id), this.#find(b.id)]
    if (ra === rb) return
    if (!this.#oneCopyPerBuild) {
      this.#parent.set(ra, rb)
      return
    }
    const pair = ra < rb ? `${ra}\0${rb}` : `${rb}\0${ra}`
    if (this.#apart.has(pair)) return
    let [small, large] = [this.#modules.get(ra) as Set<string>, this.#modules.get(rb) as Set<string>]
    if (small.size > large.size) {
      ;[small, large] = [large, small]
      ;[ra, rb] = [rb, ra]
    }
    for (const module of small) {
      if (large.has(module)) {
        this.#apart.add(pair)
        return
      }
    }
    for (const module of small) large.add(module)
    this.#parent.set(ra, rb)
    this.#modules.delete(ra)
  }

  groups(): AuditChunk[][] {
    const groups = new Map<string, AuditChunk[]>()
    for (const chunk of this.#chunks) {
      const root = this.#find(chunk.id)
      const group = groups.get(root)
      if (group) group.push(chunk)
      else groups.set(root, [chunk])
    }
    return [...groups.values()]
  }
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
      // A name without hash says most: the entry as the user named it.
      const hashed = (id: string) => Number(withoutHash(id) !== id)
      const first = [...entries].sort(
        (a, b) => hashed(a) - hashed(b) || a.length - b.length || a.localeCompare(b),
      )[0] as string
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
