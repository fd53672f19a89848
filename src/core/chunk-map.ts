import { displayPath, isDeclarationFile } from './paths.ts'
import type { SingletonIndex, Unit } from './singleton-index.ts'
import type {
  ChainStep,
  ChunkInput,
  ChunkRecord,
  Copy,
  ModuleIdentity,
  OutputInfo,
  OutputMap,
  TrackedModule,
} from './types.ts'

/** rolldown's shared-chunk registry throws this text; it survives minification. */
const SHARED_REGISTRY_MARK = 'was not registered before it was required'

/** Whether a chunk holds rolldown's shared-chunk registry (a factory printed into several chunks runs once). */
export function holdsSharedRegistry(code: string): boolean {
  return code.includes(SHARED_REGISTRY_MARK)
}

interface MapRequest {
  chunks: readonly ChunkInput[]
  output: OutputInfo
  index: SingletonIndex
  /**
   * The shortest import chain from an entry to a module id; `chunk` names the chunk of the copy
   * (a module printed into several chunks has a chain to each: the CLI reads chains from chunks).
   */
  chainOf: (id: string, chunk: string) => ChainStep[]
  /** Keep each chunk's rendered module list (the report needs it; nothing else does). */
  keepChunks: boolean
  /**
   * Whether a module id with a query evaluates its file's code in this output: not when a loader
   * made it data (`?raw`, `?url`) or a worker's wrapper (`?worker`). Every id does when omitted.
   */
  evaluates?: (identity: ModuleIdentity) => boolean
}

interface MappedOutput {
  map: OutputMap
  /** Every chunk, only when `keepChunks`. */
  chunks: ChunkRecord[]
  /** Labels of the patterns that declared a module of this output, or name one of its external imports. */
  matchedLabels: Set<string>
}

interface Placement {
  id: string
  identity: ModuleIdentity
  chunks: ChunkInput[]
  builtFrom: string | undefined
}

interface UnitPlacements {
  unit: Unit
  /** By module id for module units, by install folder for package units. */
  byCopy: Map<string, Placement>
  facades: string[]
}

/** Maps one output's chunks to the copies of every declared singleton they hold. */
export function mapOutput(request: MapRequest): MappedOutput {
  const { index, output } = request
  const chunks = request.chunks.filter((chunk) => !isDeclarationFile(chunk.fileName))
  const matchedLabels = new Set<string>()
  const units = new Map<string, UnitPlacements>()
  const place = (unit: Unit, chunk: ChunkInput, identity: ModuleIdentity, builtFrom: string | undefined) => {
    if (identity.query !== '' && request.evaluates?.(identity) === false) return
    let entry = units.get(unit.key)
    if (!entry) units.set(unit.key, (entry = { unit, byCopy: new Map(), facades: [] }))
    if (chunk.facadeModuleId === identity.id && isFacadeChunk(chunk)) {
      entry.facades.push(chunk.fileName)
      return
    }
    if ((chunk.modules[identity.id]?.renderedLength ?? 0) === 0) return
    const copyKey = unit.copiesBy === 'install' ? (identity.package?.dir ?? identity.realpath) : identity.id
    const placement = entry.byCopy.get(copyKey)
    if (!placement) entry.byCopy.set(copyKey, { id: identity.id, identity, chunks: [chunk], builtFrom })
    else if (!placement.chunks.includes(chunk)) placement.chunks.push(chunk)
  }

  // Declared modules first, so that their twins met anywhere in this output are recognised.
  const declared = new Set<string>()
  for (const chunk of chunks) {
    for (const id of idsOf(chunk)) {
      const declarations = index.declarationsOf(id)
      if (declarations.length === 0) continue
      const identity = index.resolver.identify(id)
      if (!identity) continue
      for (const declaration of declarations) matchedLabels.add(declaration.label)
      const { units: declaredUnits, builtFrom } = index.record(identity, declarations)
      for (const unit of declaredUnits) place(unit, chunk, identity, builtFrom)
      declared.add(id)
    }
  }
  if (index.knownCount > 0) {
    for (const chunk of chunks) {
      for (const id of idsOf(chunk)) {
        if (declared.has(id) || !index.mayBeTwin(id)) continue
        const twin = index.twinOf(id)
        if (twin) for (const unit of twin.units) place(unit, chunk, twin.identity, twin.builtFrom)
      }
    }
  }
  // External imports only matter to a pattern no module has matched (for its warning).
  if (index.matcher.patterns.some((pattern) => !matchedLabels.has(pattern.label))) {
    for (const label of externalMatches(chunks, index)) matchedLabels.add(label)
  }

  const modules = new Map<string, TrackedModule>()
  let sharedRegistry: boolean | undefined
  const hasSharedRegistry = () => (sharedRegistry ??= chunks.some((chunk) => holdsSharedRegistry(chunk.code)))
  for (const { unit, byCopy, facades } of units.values()) {
    const known = index.known(unit.key)
    const copies: Copy[] = []
    for (const placement of byCopy.values()) {
      const fileNames = placement.chunks.map((chunk) => chunk.fileName).sort()
      // A module of a declared package is only worth a chain when it is duplicated in this output.
      const chainTo = (fileName: string) =>
        unit.scope !== 'install' || byCopy.size > 1 ? request.chainOf(placement.id, fileName) : []
      const copy = { identity: placement.identity, sharedFactory: false, builtFrom: placement.builtFrom }
      const first = fileNames[0] as string
      if (unit.copiesBy === 'install' || fileNames.length === 1)
        copies.push({ ...copy, chunks: fileNames, chain: chainTo(first) })
      else if (hasSharedRegistry())
        copies.push({ ...copy, chunks: fileNames, sharedFactory: true, chain: chainTo(first) })
      else for (const fileName of fileNames) copies.push({ ...copy, chunks: [fileName], chain: chainTo(fileName) })
    }
    if (copies.length === 0 && facades.length === 0) continue
    modules.set(unit.key, {
      key: unit.key,
      scope: unit.scope,
      display: known?.display ?? unit.key,
      declaredBy: [...(known?.declaredBy ?? [])].sort(),
      copies,
      facades: facades.sort(),
    })
  }

  return {
    map: { ...output, label: `${output.dir} (${output.format})`, modules },
    chunks: request.keepChunks ? chunks.map(chunkRecord) : [],
    matchedLabels,
  }
}

/** A facade holds no module but stands for one: listed so it can be told apart from a copy. */
function idsOf(chunk: ChunkInput): readonly string[] {
  if (chunk.facadeModuleId !== null && chunk.moduleIds.length === 0) return [chunk.facadeModuleId]
  return chunk.moduleIds
}

function externalMatches(chunks: readonly ChunkInput[], index: SingletonIndex): string[] {
  const fileNames = new Set(chunks.map((chunk) => chunk.fileName))
  const labels: string[] = []
  for (const chunk of chunks) {
    for (const imported of [...chunk.imports, ...chunk.dynamicImports]) {
      if (!fileNames.has(imported)) labels.push(...index.matcher.matchExternal(imported))
    }
  }
  return labels
}

function chunkRecord(chunk: ChunkInput): ChunkRecord {
  const { modules } = chunk
  return {
    fileName: chunk.fileName,
    isEntry: chunk.isEntry,
    isDynamicEntry: chunk.isDynamicEntry,
    facadeModuleId: chunk.facadeModuleId,
    isFacade: isFacadeChunk(chunk),
    moduleIds: chunk.moduleIds.filter((id) => (modules[id]?.renderedLength ?? 0) > 0),
  }
}

/** A chunk that holds no code of its own: it only re-exports its facade module from another chunk. */
function isFacadeChunk(chunk: ChunkInput): boolean {
  if (chunk.facadeModuleId === null || chunk.modules[chunk.facadeModuleId]?.renderedLength) return false
  return chunk.moduleIds.every((id) => !chunk.modules[id]?.renderedLength)
}

/** Where an output is written, as messages show it. */
export function outputDirLabel(folder: string | undefined, root: string): string {
  return folder ? displayPath(folder, root) : '(in memory)'
}
