import {
  SingletonIndex,
  SingletonMatcher,
  judgeAcross,
  judgeWithin,
  mapOutput,
  sourcesOfBuiltFile,
  type ChainStep,
  type ChunkInput,
  type Finding,
  type ModuleIdentity,
  type OutputMap,
} from './core.ts'
import { nameBuildCauses } from './build-causes.ts'
import { guessBuilds, type GuessedBuild } from './builds.ts'
import { chunkChain, linkChunks, shimTargets } from './graph.ts'
import path from 'node:path'
import { InputError, TEXT } from './messages.ts'
import type { AuditChunk, AuditFinding, AuditFolder, Mode } from './model.ts'
import { stemOf } from './names.ts'
import type { Progress } from './progress.ts'
import { compareByImportance } from './rank.ts'
import { ModuleStates, type ModuleState } from './module-state.ts'
import { readFolder, type ReadChunk } from './read-folder.ts'
import { AuditResolver } from './source-identity.ts'

interface AuditOptions {
  dirs: readonly string[]
  /** Where patterns and printed paths are relative to. */
  root: string
  /** Limit the verdict to these modules (the plugin's pattern syntax); every module otherwise. */
  singletons: readonly string[] | undefined
  /** Every pattern must name a module (`--singletons`); `--module` says so in its own words. */
  everyPatternMustMatch: boolean
  formats: Mode
  builds: Mode
  /** A chunk that cannot be attributed makes the audit inconclusive (exit code 2). */
  strict: boolean
  /** Any module with copies fails the audit, stateless ones included (`--strict-duplicates`). */
  strictDuplicates?: boolean
  progress: Progress
}

/** What the verdicts count: a module (or, for a package declared whole, the package). */
export interface AuditUnit {
  key: string
  scope: 'module' | 'install' | 'package'
  display: string
  copies: { output: string; chunks: AuditChunk[]; identity: ModuleIdentity }[]
  /** Shims standing for it: the same instance, never a copy. */
  shims: AuditChunk[]
  /** Chunks importing a chunk that holds it or a shim of it. */
  importerCount: number
}

export interface AuditResult {
  folders: AuditFolder[]
  chunks: Map<string, AuditChunk>
  /** Every unit met, by key (with `--singletons`, only the declared ones and their twins). */
  units: Map<string, AuditUnit>
  /** Most important first (rank.ts). */
  findings: AuditFinding[]
  unattributed: AuditChunk[]
  /** The builds the folders hold, as guessed from their import graphs (builds.ts): they only name causes. */
  builds: GuessedBuild[]
  notes: string[]
  /** Undefined when every module is judged. */
  matcher: SingletonMatcher | undefined
  root: string
  strict: boolean
}

/**
 * Without `--singletons`, every module is declared, so the verdicts list every copy; except a
 * package's built file whose source map names a source bundled in these folders too: left
 * undeclared, the core's twin search counts it as a copy of that source (a package bundled from
 * its source and from its build).
 */
function everyModule(builds: ReadonlySet<string>): SingletonMatcher {
  const every = [{ label: 'every module', scope: 'module' as const }]
  const matcher = {
    patterns: [],
    mayDeclare: () => true,
    matchExternal: () => [],
    match: (identity: ModuleIdentity) => (builds.has(identity.realpath) ? [] : every),
  }
  return matcher as unknown as SingletonMatcher
}

/** Bundled files that are builds (by their own source map) of other files bundled in these folders. */
function buildsOfBundledSources(chunks: ReadonlyMap<string, AuditChunk>): Set<string> {
  const bundled = new Set<string>()
  for (const chunk of chunks.values()) for (const held of chunk.modules) bundled.add(held.identity.realpath)
  const builds = new Set<string>()
  for (const chunk of chunks.values()) {
    for (const held of chunk.modules) {
      // Only package files are read again: a project's own sources are not builds of anything.
      if (!held.identity.package || builds.has(held.identity.realpath)) continue
      if (sourcesOfBuiltFile(held.identity.realpath).some((source) => bundled.has(source)))
        builds.add(held.identity.realpath)
    }
  }
  return builds
}

/**
 * Reads the folders, rebuilds each output's chunks as the plugin's chunk map takes them (modules
 * from the source maps, facades from the parser), and judges them with the plugin's own verdicts.
 */
export function audit(options: AuditOptions): AuditResult {
  const resolver = new AuditResolver()
  const folders: AuditFolder[] = []
  const read: ReadChunk[] = []
  for (const dir of distinctFolders(options.dirs)) {
    const one = readFolder(dir, resolver, options.progress)
    folders.push(one.folder)
    read.push(...one.chunks)
  }
  options.progress.done()
  linkChunks(read)
  const chunks = new Map(read.map(({ chunk }) => [chunk.id, chunk]))
  const registries = new Set(read.filter(({ code }) => code !== '').map(({ chunk }) => chunk.id))
  const builds = guessBuilds([...chunks.values()], (chunk) => registries.has(chunk.id))

  const matcher = options.singletons ? new SingletonMatcher([...options.singletons], options.root) : undefined
  const builtFiles = matcher ? new Set<string>() : buildsOfBundledSources(chunks)
  const index = new SingletonIndex(matcher ?? everyModule(builtFiles), resolver, new Set(), options.root)
  // Maps name files by any path (symlinked ones included): identities are always resolved.
  index.resolveEveryId()
  const groups = outputsOf(read)
  const mapAll = () => groups.map((group) => mapGroup(group, chunks, index))
  // A twin met in an earlier output is only known once its singleton is: map again when needed.
  const maps = groups.length > 1 && (matcher || builtFiles.size > 0) ? (mapAll(), mapAll()) : mapAll()

  const modes = { onDuplicate: 'error' as const, formats: options.formats, builds: options.builds, root: options.root }
  const within: Finding[] = maps.flatMap((map) => judgeWithin(map, modes))
  const buildOf = (chunk: string) => chunks.get(chunk)?.build ?? chunk
  const judged = [...nameBuildCauses(within, buildOf, options.builds), ...judgeAcross(maps, modes)]

  const units = unitsOf(maps, chunks)
  const declared = new Set(folders.flatMap((folder) => folder.declared))
  const states = new ModuleStates().statesOf(
    [...new Set(judged.map((finding) => finding.key))].map((key) => ({
      key,
      copies: (units.get(key)?.copies ?? []).map((copy) => ({
        source: copy.identity.id,
        realpath: copy.identity.realpath,
        chunks: copy.chunks,
      })),
    })),
  )
  const findings: AuditFinding[] = judged
    .map((finding) => {
      const unit = units.get(finding.key)
      const state = states.get(finding.key) as ModuleState
      const audited: AuditFinding = {
        ...finding,
        importerCount: unit?.importerCount ?? 0,
        declared: declared.has(finding.module),
        stateful: state.stateful,
        builds: [...new Set(finding.copies.map((copy) => buildOf(`${copy.output}/${copy.chunks[0]}`)))].sort(),
      }
      if (state.evidence.length > 0) audited.evidence = state.evidence
      if (state.reason !== undefined) audited.stateUnknown = state.reason
      // Every module is judged: a copy of code that holds no state is duplicated bytes, not a
      // split; one whose state cannot be told is a warning. Declared singletons keep their level.
      if (!matcher && !audited.declared && !options.strictDuplicates) audited.severity = levelOf(audited, state.read)
      return audited
    })
    .sort(compareByImportance)

  const notes = folders.flatMap((folder) => folder.notes.map((note) => `${folder.display}: ${note}`))
  if (resolver.missing.size > 0) notes.push(TEXT.missingSources(resolver.missing.size))
  const computed = [...chunks.values()].reduce((sum, chunk) => sum + chunk.computedDynamicImports, 0)
  if (computed > 0) notes.push(TEXT.dynamicNotLiteral(computed))
  if (matcher && options.everyPatternMustMatch) {
    // A pattern that names nothing here (a typo) must not read as an all-clear for that module.
    const matched = new Set(maps.flatMap((map) => [...map.modules.values()].flatMap((tracked) => tracked.declaredBy)))
    const unmatched = matcher.patterns.map((pattern) => pattern.label).filter((label) => !matched.has(label))
    if (unmatched.length > 0) throw new InputError(TEXT.noSingletonMatched(unmatched.join(', ')))
  }
  const unattributed = [...chunks.values()].filter((chunk) => chunk.unattributed !== undefined)
  return {
    folders,
    chunks,
    units,
    findings,
    unattributed,
    builds,
    notes,
    matcher,
    root: options.root,
    strict: options.strict,
  }
}

const LEVEL_ORDER: Record<Finding['severity'], number> = { error: 0, warn: 1, info: 2 }

/**
 * A finding's level once its module's state is known, never above what the modes gave it: a
 * module whose code could not be read keeps its level (no all-clear for code nobody read); one
 * read but undecidable is a warning.
 */
function levelOf(finding: AuditFinding, read: boolean): Finding['severity'] {
  const byState: Finding['severity'] =
    finding.stateful === 'yes' || !read ? 'error' : finding.stateful === 'unknown' ? 'warn' : 'info'
  return LEVEL_ORDER[byState] > LEVEL_ORDER[finding.severity] ? byState : finding.severity
}

/** The same folder given twice is read once; a folder inside another would count its chunks twice. */
function distinctFolders(dirs: readonly string[]): string[] {
  const seen = new Map<string, string>()
  for (const dir of dirs) if (!seen.has(path.resolve(dir))) seen.set(path.resolve(dir), dir)
  for (const [absolute, dir] of seen) {
    for (const [other, otherDir] of seen) {
      if (other !== absolute && absolute.startsWith(other + path.sep))
        throw new InputError(TEXT.nestedFolders(dir, otherDir))
    }
  }
  return [...seen.values()]
}

interface OutputGroup {
  folder: string
  format: 'esm' | 'cjs'
  read: ReadChunk[]
}

/** One output per folder and format (tsdown writes esm and cjs side by side). */
function outputsOf(read: readonly ReadChunk[]): OutputGroup[] {
  const groups = new Map<string, OutputGroup>()
  for (const item of read) {
    const key = `${item.chunk.folder}\0${item.chunk.format}`
    let group = groups.get(key)
    if (!group) groups.set(key, (group = { folder: item.chunk.folder, format: item.chunk.format, read: [] }))
    group.read.push(item)
  }
  return [...groups.values()]
}

function mapGroup(group: OutputGroup, chunks: ReadonlyMap<string, AuditChunk>, index: SingletonIndex): OutputMap {
  const format = group.format === 'esm' ? 'es' : 'cjs'
  const inputs: ChunkInput[] = group.read.map(({ chunk, code }) => chunkInput(chunk, code, chunks))
  const chains = new Map<string, ChainStep[]>()
  // A copy's chain is its chunk's: the chunk map names the chunk of each copy.
  const chainOf = (_id: string, file: string): ChainStep[] => {
    const holder = chunks.get(`${group.folder}/${file}`)
    if (!holder) return []
    let chain = chains.get(holder.id)
    if (!chain) chains.set(holder.id, (chain = chunkChain(holder, chunks)))
    return chain
  }
  const output = { key: `${group.folder}|${format}`, group: group.folder, realm: 'default', dir: group.folder, format }
  return mapOutput({ chunks: inputs, output, index, chainOf, keepChunks: false }).map
}

/** A chunk as the plugin's chunk map takes it from the bundler, rebuilt from the bytes. */
function chunkInput(chunk: AuditChunk, code: string, chunks: ReadonlyMap<string, AuditChunk>): ChunkInput {
  const modules: Record<string, { renderedLength: number }> = {}
  for (const held of chunk.modules) modules[held.source] = { renderedLength: Math.max(1, held.segments) }
  const fileOf = (edge: AuditChunk['imports'][number]) =>
    edge.target ? (chunks.get(edge.target)?.file ?? edge.specifier) : edge.specifier
  return {
    fileName: chunk.file,
    isEntry: chunk.kind === 'entry',
    isDynamicEntry: chunk.kind === 'dynamic-entry',
    facadeModuleId: chunk.kind === 'shim' ? (standsFor(chunk, chunks)?.source ?? null) : null,
    moduleIds: chunk.modules.map((held) => held.source),
    modules,
    code,
    imports: chunk.imports.filter((edge) => edge.kind !== 'dynamic').map(fileOf),
    dynamicImports: chunk.imports.filter((edge) => edge.kind === 'dynamic').map(fileOf),
  }
}

/** The module a shim stands for: the one of its target named like it, or its target's only module. */
function standsFor(
  shim: AuditChunk,
  chunks: ReadonlyMap<string, AuditChunk>,
): AuditChunk['modules'][number] | undefined {
  const held = shimTargets(shim, chunks).flatMap((target) => target.modules)
  const named = held.filter((module) => stemOf(module.source) === stemOf(shim.file))
  if (named.length === 1) return named[0]
  return held.length === 1 ? held[0] : undefined
}

function unitsOf(maps: readonly OutputMap[], chunks: ReadonlyMap<string, AuditChunk>): Map<string, AuditUnit> {
  const units = new Map<string, AuditUnit>()
  for (const map of maps) {
    const chunkOf = (file: string) => chunks.get(`${map.dir}/${file}`) as AuditChunk
    for (const tracked of map.modules.values()) {
      let unit = units.get(tracked.key)
      if (!unit) {
        unit = {
          key: tracked.key,
          scope: tracked.scope,
          display: tracked.display,
          copies: [],
          shims: [],
          importerCount: 0,
        }
        units.set(tracked.key, unit)
      }
      for (const copy of tracked.copies)
        unit.copies.push({ output: map.dir, chunks: copy.chunks.map(chunkOf), identity: copy.identity })
      for (const facade of tracked.facades) unit.shims.push(chunkOf(facade))
    }
  }
  for (const unit of units.values()) {
    const importers = new Set<string>()
    for (const chunk of [...unit.copies.flatMap((copy) => copy.chunks), ...unit.shims]) {
      for (const edge of chunk.importers) if (edge.target) importers.add(edge.target)
    }
    unit.importerCount = importers.size
  }
  return units
}

/** How many copies of a unit the verdicts count: the most any finding names, else what was found. */
export function copiesOf(result: AuditResult, key: string): number {
  const findings = result.findings.filter((finding) => finding.key === key)
  if (findings.length > 0) return Math.max(...findings.map((finding) => finding.copies.length))
  return Math.min(1, result.units.get(key)?.copies.length ?? 0)
}

/**
 * 1 with an error-severity finding, whatever could not be read. 2 when chunks could not be
 * attributed and none could (nothing was judged), or with `--strict` when any could not. Else 0;
 * the text then says which chunks the verdict does not cover.
 */
export function auditExitCode(result: AuditResult): 0 | 1 | 2 {
  if (result.findings.some((finding) => finding.severity === 'error')) return 1
  if (result.unattributed.length === 0) return 0
  return result.strict || nothingAttributed(result) ? 2 : 0
}

/** No chunk's modules are known: every chunk with code was left unattributed. */
export function nothingAttributed(result: AuditResult): boolean {
  for (const chunk of result.chunks.values()) {
    if (chunk.attributedBy !== 'none' && chunk.attributedBy !== 'bundler runtime') return false
  }
  return true
}
