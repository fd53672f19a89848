import type { NormalizedOutputOptions, OutputBundle, OutputChunk, PreRenderedChunk } from 'rolldown'
import { namesWithHash } from './promoted-file-name.ts'

/**
 * Where a singleton promote planned for ended up, read from the files written. Promote never
 * moves a module out of the chunk the bundler gave it (that can change the order the program
 * evaluates its modules in, and pull the module's dependencies along); it names that chunk.
 */
type SingletonPlacement =
  /** In a file promote named after it; `alsoHolds` are the modules the bundler put beside it. */
  | { kind: 'own'; module: string; name: string; fileName: string; alsoHolds: string[] }
  /** In a file with a stable name given for something else: an entry, a boundary, another singleton. */
  | { kind: 'stable'; module: string; fileName: string; holder: string }
  /** In a file whose name has a hash that promote does not give (an entry named with `[hash]`). */
  | { kind: 'hashed'; module: string; fileName: string; pattern: string }

interface PlacementRequest {
  bundle: OutputBundle
  output: Pick<NormalizedOutputOptions, 'entryFileNames'>
  /** Planned singletons: module id -> stable name. */
  singletonNames: ReadonlyMap<string, string>
  /** The name promote gave a chunk, if any. */
  nameOfChunk: (chunk: OutputChunk) => string | undefined
  /** What a name promote gave stands for, as messages say it (`the lazy boundary "x"`). */
  holderOf: (name: string) => string
  display: (id: string) => string
}

export function singletonPlacements(request: PlacementRequest): SingletonPlacement[] {
  const { singletonNames, display } = request
  const placements: SingletonPlacement[] = []
  for (const item of Object.values(request.bundle)) {
    if (item.type !== 'chunk') continue
    const held = item.moduleIds.filter((id) => singletonNames.has(id))
    if (held.length === 0) continue
    // Read once, and only for the chunks that hold a singleton: rolldown converts it on every read.
    const modules = item.modules
    const rendered = item.moduleIds.filter((id) => (modules[id]?.renderedLength ?? 0) > 0)
    const renderedSet = new Set(rendered)
    for (const id of held) {
      if (!renderedSet.has(id)) continue
      const module = display(id)
      const promotedName = item.isEntry ? undefined : request.nameOfChunk(item)
      if (promotedName !== undefined && promotedName === singletonNames.get(id)) {
        const alsoHolds = rendered.filter((other) => other !== id).map(display)
        placements.push({ kind: 'own', module, name: promotedName, fileName: item.fileName, alsoHolds })
      } else if (promotedName !== undefined) {
        placements.push({ kind: 'stable', module, fileName: item.fileName, holder: request.holderOf(promotedName) })
      } else {
        const pattern = namingOf(item.isEntry ? request.output.entryFileNames : undefined, item)
        if (pattern !== undefined && !namesWithHash(pattern)) {
          placements.push({ kind: 'stable', module, fileName: item.fileName, holder: 'an entry' })
        } else {
          placements.push({ kind: 'hashed', module, fileName: item.fileName, pattern: pattern ?? 'chunkFileNames' })
        }
      }
    }
  }
  return placements.sort((a, b) => a.module.localeCompare(b.module))
}

function namingOf(
  naming: NormalizedOutputOptions['entryFileNames'] | undefined,
  chunk: OutputChunk,
): string | undefined {
  if (naming === undefined) return undefined
  return typeof naming === 'function' ? naming(chunk as unknown as PreRenderedChunk) : naming
}
