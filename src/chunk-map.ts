import path from 'node:path'
import type { NormalizedOutputOptions, OutputBundle, OutputChunk } from 'rolldown'
import { displayModule, displayPath, type BaseNames, type IdentityResolver, type ModuleIdentity } from './identity.ts'
import type { SingletonMatcher } from './singletons.ts'
import { declarationsOf, rememberSingleton } from './declarations.ts'
import { PLAIN_HOST, type OutputHost } from './plugin/hosts/output-host.ts'

export interface ChunkRecord {
  fileName: string
  isEntry: boolean
  isDynamicEntry: boolean
  facadeModuleId: string | null
  /** The chunk only re-exports its facade module, whose code lives in another chunk. */
  isFacade: boolean
  /** Modules whose rendered code the chunk holds (kept only for the report). */
  moduleIds: string[]
}

export interface ChainStep {
  module: string
  /** How this step is reached from the previous one; the first step is the entry. */
  edge: 'entry' | 'static' | 'dynamic'
}

/** One evaluated instance of a tracked module inside one output. */
export interface Copy {
  identity: ModuleIdentity
  /** Chunks whose code holds it: more than one only when they share one factory through a registry. */
  chunks: string[]
  /** rolldown printed the factory into several chunks behind its shared registry: evaluated once. */
  sharedFactory: boolean
  chain: ChainStep[]
}

export interface TrackedModule {
  key: string
  display: string
  declaredBy: string[]
  copies: Copy[]
  /** Chunks that re-export the module without holding its code: the same instance, never a copy. */
  facades: string[]
}

export interface OutputMap {
  /** Where it is written: equal keys mean a rebuild of the same output. */
  key: string
  /** The realm it runs in (a Vite environment or worker; `''` elsewhere): only outputs of one realm meet. */
  realm: string
  /** Outputs with equal groups come from one build (same entries) in several formats or folders. */
  group: string
  dir: string
  format: string
  label: string
  chunks: ChunkRecord[]
  /** Declared singletons found in this output, by identity key. */
  modules: Map<string, TrackedModule>
}

/** What the mapping needs to know from the plugin instance, across builds. */
export interface MapContext {
  root: string
  resolver: IdentityResolver
  matcher: SingletonMatcher
  markedIds: ReadonlySet<string>
  /** Keep each chunk's module list (only the report needs it). */
  keepModuleLists: boolean
  /** Identity keys of singletons seen in any output so far, and their base names. */
  singletonKeys: Map<string, { display: string; declaredBy: Set<string> }>
  twinNames: BaseNames
  patternHits: Set<string>
}

/** Type declarations (rolldown-plugin-dts, tsdown `dts`) are chunks that never run. */
const DECLARATION_FILE = /\.d\.[cm]?ts$/

/** rolldown's shared-chunk registry throws this text; it survives minification. */
const SHARED_REGISTRY_MARK = 'was not registered before it was required'

/** Where an output is written, as messages show it. */
export function outputDirOf(options: NormalizedOutputOptions, root: string): string {
  const folder = options.dir ?? (options.file ? path.dirname(options.file) : undefined)
  return folder ? displayPath(path.resolve(folder), root) : '(in memory)'
}

/**
 * One output's identity across rebuilds: its folder, format and entries (two configs may write
 * into one folder; a rebuild of the same config replaces its earlier record).
 */
export function outputKeyOf(
  options: NormalizedOutputOptions,
  root: string,
  entryIds: readonly string[],
  realm = '',
): string {
  return `${realm === '' ? '' : `${realm}|`}${outputDirOf(options, root)}|${options.format}|${entryIds.join('|')}`
}

/** The module ids of the user's entries, sorted. */
export function entryIdsOf(bundle: OutputBundle): string[] {
  const ids: string[] = []
  for (const item of Object.values(bundle)) {
    if (item.type === 'chunk' && item.isEntry && item.facadeModuleId !== null) ids.push(item.facadeModuleId)
  }
  return ids.sort()
}

export function mapOutput(
  bundle: OutputBundle,
  options: NormalizedOutputOptions,
  context: MapContext,
  host: OutputHost = PLAIN_HOST,
): OutputMap {
  const chunks = Object.values(bundle).filter(
    (item): item is OutputChunk => item.type === 'chunk' && !DECLARATION_FILE.test(item.fileName),
  )
  const dir = outputDirOf(options, context.root)
  const entryIds = entryIdsOf(bundle)

  const modules = new Map<string, TrackedModule>()
  const placements = new Map<string, { identity: ModuleIdentity; chunks: OutputChunk[] }>()

  for (const [chunk, id] of shortlist(chunks, context)) {
    const identity = context.resolver.identify(id)
    if (!identity || !context.singletonKeys.has(identity.key)) continue
    if (identity.query !== '' && !host.evaluates(identity)) continue
    if (chunk.facadeModuleId === id && isFacadeChunk(chunk)) {
      trackedModule(modules, identity, context).facades.push(chunk.fileName)
      continue
    }
    const rendered = chunk.modules[id]
    if (!rendered || rendered.renderedLength === 0) continue
    const placement = placements.get(id)
    if (placement) placement.chunks.push(chunk)
    else placements.set(id, { identity, chunks: [chunk] })
  }

  let sharedRegistry: boolean | undefined
  for (const { identity, chunks: holding } of placements.values()) {
    const tracked = trackedModule(modules, identity, context)
    if (holding.length > 1) {
      sharedRegistry ??= chunks.some((chunk) => chunk.code.includes(SHARED_REGISTRY_MARK))
    }
    const fileNames = holding.map((chunk) => chunk.fileName)
    if (holding.length > 1 && sharedRegistry) {
      tracked.copies.push({ identity, chunks: fileNames, sharedFactory: true, chain: [] })
    } else {
      for (const fileName of fileNames) {
        tracked.copies.push({ identity, chunks: [fileName], sharedFactory: false, chain: [] })
      }
    }
  }

  return {
    key: outputKeyOf(options, context.root, entryIds, host.realm),
    realm: host.realm,
    group: entryIds.join('\n'),
    dir,
    format: options.format,
    label: `${dir} (${options.format})`,
    chunks: chunks.map((chunk) => ({
      fileName: chunk.fileName,
      isEntry: chunk.isEntry,
      isDynamicEntry: chunk.isDynamicEntry,
      facadeModuleId: chunk.facadeModuleId,
      // Reading `chunk.modules` makes rolldown build every module's record: only for the report.
      isFacade: context.keepModuleLists && isFacadeChunk(chunk),
      moduleIds: context.keepModuleLists ? renderedModuleIds(chunk) : [],
    })),
    modules,
  }
}

/**
 * Where ids that may be a copy of a singleton sit: ids the patterns or the marker declare, and
 * ids sharing a base name with a singleton (a twin under another path or install can only be
 * told by its real path, which costs a syscall). One pass over every module id of the output.
 */
function shortlist(chunks: OutputChunk[], context: MapContext): [OutputChunk, string][] {
  const found: [OutputChunk, string][] = []
  const twinNamesBefore = context.twinNames.size
  for (const chunk of chunks) {
    // A facade holds no module but stands for one; it is listed so it can be told apart from a copy.
    if (chunk.facadeModuleId !== null && chunk.moduleIds.length === 0) found.push([chunk, chunk.facadeModuleId])
    for (const id of chunk.moduleIds) {
      const declaredBy = declarationsOf(id, context)
      if (declaredBy.length > 0) {
        const identity = context.resolver.identify(id)
        if (!identity) continue
        rememberSingleton(identity, declaredBy, context)
        found.push([chunk, id])
      } else if (context.twinNames.mayName(id)) {
        found.push([chunk, id])
      }
    }
  }
  // External imports only matter to a pattern no module has matched yet (for its warning).
  if (context.matcher.patterns.some((pattern) => !context.patternHits.has(pattern.label))) {
    matchExternals(chunks, context)
  }
  if (context.twinNames.size === twinNamesBefore) return found
  // This output declared a new singleton: look again for twins of it met before it was known.
  const seen = new Set(found.map(([chunk, id]) => `${chunk.fileName}\0${id}`))
  for (const chunk of chunks) {
    for (const id of chunk.moduleIds) {
      if (context.twinNames.mayName(id) && !seen.has(`${chunk.fileName}\0${id}`)) found.push([chunk, id])
    }
  }
  return found
}

function matchExternals(chunks: OutputChunk[], context: MapContext): void {
  const fileNames = new Set(chunks.map((chunk) => chunk.fileName))
  for (const chunk of chunks) {
    for (const imported of [...chunk.imports, ...chunk.dynamicImports]) {
      if (fileNames.has(imported)) continue
      for (const label of context.matcher.matchExternal(imported)) context.patternHits.add(label)
    }
  }
}

function trackedModule(
  modules: Map<string, TrackedModule>,
  identity: ModuleIdentity,
  context: MapContext,
): TrackedModule {
  let tracked = modules.get(identity.key)
  if (!tracked) {
    const known = context.singletonKeys.get(identity.key)
    tracked = {
      key: identity.key,
      display: known?.display ?? displayModule(identity, context.root),
      declaredBy: [...(known?.declaredBy ?? [])].sort(),
      copies: [],
      facades: [],
    }
    modules.set(identity.key, tracked)
  }
  return tracked
}

/** Modules whose code the chunk really holds (a listed module may render nothing). */
function renderedModuleIds(chunk: OutputChunk): string[] {
  const { modules } = chunk
  return chunk.moduleIds.filter((id) => (modules[id]?.renderedLength ?? 0) > 0)
}

/** A chunk that holds no code of its own: it only re-exports its facade module from another chunk. */
function isFacadeChunk(chunk: OutputChunk): boolean {
  if (chunk.facadeModuleId === null || chunk.modules[chunk.facadeModuleId]?.renderedLength) return false
  return chunk.moduleIds.every((id) => !chunk.modules[id]?.renderedLength)
}
