import {
  SingletonMatcher,
  displayModule,
  judgeAcross,
  judgeWithin,
  type Copy,
  type Finding,
  type ModuleIdentity,
  type OutputMap,
  type TrackedModule,
} from './core.ts'
import { chunkChain, linkChunks, shimTargets } from './graph.ts'
import { TEXT } from './messages.ts'
import type { AuditChunk, AuditFolder } from './model.ts'
import { stemOf } from './names.ts'
import type { Progress } from './progress.ts'
import { readFolder, type ReadChunk } from './read-folder.ts'
import { SourceIdentities } from './source-identity.ts'

export type Mode = 'error' | 'warn' | 'ignore'

export interface AuditOptions {
  dirs: readonly string[]
  /** Where patterns and printed paths are relative to. */
  root: string
  /** Limit the verdict to these modules (the plugin's pattern syntax); all modules otherwise. */
  singletons: readonly string[] | undefined
  formats: Mode
  builds: Mode
  progress: Progress
}

/** One module with code in the audited folders: every place its code sits. */
export interface PlacedModule {
  key: string
  display: string
  holders: { chunk: AuditChunk; identity: ModuleIdentity }[]
  /** Shims that stand for it: they forward to a chunk holding it. */
  shims: AuditChunk[]
  /** Chunks importing a chunk that holds it or a shim of it. */
  importerCount: number
}

export interface AuditFinding extends Finding {
  importerCount: number
  /** The plugin's report declared it a singleton. */
  declared: boolean
}

export interface AuditResult {
  folders: AuditFolder[]
  chunks: Map<string, AuditChunk>
  modules: Map<string, PlacedModule>
  /** Keys of the modules the verdict is about (all modules, or those `--singletons` names). */
  considered: Set<string>
  findings: AuditFinding[]
  /** Keys with more than one copy (error or warn), for the verdict lines. */
  unattributed: AuditChunk[]
  notes: string[]
  matcher: SingletonMatcher | undefined
  root: string
}

/** Reads the folders and judges them with the plugin's own verdicts. */
export function audit(options: AuditOptions): AuditResult {
  const identities = new SourceIdentities()
  const folders: AuditFolder[] = []
  const read: ReadChunk[] = []
  for (const dir of options.dirs) {
    const one = readFolder(dir, identities, options.progress)
    folders.push(one.folder)
    read.push(...one.chunks)
  }
  options.progress.done()
  linkChunks(read)
  const chunks = new Map(read.map(({ chunk }) => [chunk.id, chunk]))
  const modules = placeModules(chunks, options.root)
  const matcher = options.singletons ? new SingletonMatcher([...options.singletons], options.root) : undefined
  const considered = new Set<string>()
  for (const placed of modules.values()) {
    if (!matcher || placed.holders.some((holder) => matcher.match(holder.identity).length > 0))
      considered.add(placed.key)
  }

  const outputs = outputMaps(folders, chunks, modules, considered)
  const modes = { onDuplicate: 'error' as const, formats: options.formats, builds: options.builds, root: options.root }
  const judged: Finding[] = []
  for (const output of outputs) judged.push(...judgeWithin(output, modes))
  judged.push(...judgeAcross(outputs, modes).map((found) => found.finding))

  const declared = new Set(folders.flatMap((folder) => folder.declared))
  const findings = judged
    .map((finding) => ({
      ...finding,
      importerCount: modules.get(finding.key)?.importerCount ?? 0,
      declared: declared.has(finding.module),
    }))
    .sort((a, b) => b.importerCount - a.importerCount || a.module.localeCompare(b.module))

  const notes = folders.flatMap((folder) => folder.notes.map((note) => `${folder.display}: ${note}`))
  if (identities.missing.size > 0) notes.push(TEXT.missingSources(identities.missing.size))
  const computed = [...chunks.values()].reduce((sum, chunk) => sum + chunk.computedDynamicImports, 0)
  if (computed > 0) notes.push(TEXT.dynamicNotLiteral(computed))
  if (matcher && considered.size === 0) {
    notes.push(TEXT.noSingletonMatched(matcher.patterns.map((pattern) => pattern.label).join(', ')))
  }
  const unattributed = [...chunks.values()].filter((chunk) => chunk.unattributed !== undefined)
  return { folders, chunks, modules, considered, findings, unattributed, notes, matcher, root: options.root }
}

/** Where each module's code sits, and which shims stand for it. */
function placeModules(chunks: ReadonlyMap<string, AuditChunk>, root: string): Map<string, PlacedModule> {
  const modules = new Map<string, PlacedModule>()
  for (const chunk of chunks.values()) {
    for (const held of chunk.modules) {
      let placed = modules.get(held.identity.key)
      if (!placed) {
        placed = {
          key: held.identity.key,
          display: displayModule(held.identity, root),
          holders: [],
          shims: [],
          importerCount: 0,
        }
        modules.set(held.identity.key, placed)
      }
      placed.holders.push({ chunk, identity: held.identity })
    }
  }
  for (const shim of chunks.values()) {
    if (shim.kind !== 'shim') continue
    for (const target of shimTargets(shim, chunks)) {
      // A shim usually stands for one module of its target, the one it is named after.
      const named = target.modules.filter((held) => stemOf(held.source) === stemOf(shim.file))
      for (const held of named.length > 0 ? named : target.modules) {
        const placed = modules.get(held.identity.key)
        if (placed && !placed.shims.includes(shim)) placed.shims.push(shim)
      }
    }
  }
  for (const placed of modules.values()) {
    const importers = new Set<string>()
    for (const chunk of [...placed.holders.map((holder) => holder.chunk), ...placed.shims]) {
      for (const edge of chunk.importers) if (edge.target) importers.add(edge.target)
    }
    placed.importerCount = importers.size
  }
  return modules
}

/**
 * The plugin's view of each folder (one output per folder and format), holding the modules the
 * verdict is about, so the plugin's own verdicts judge them.
 */
function outputMaps(
  folders: readonly AuditFolder[],
  chunks: ReadonlyMap<string, AuditChunk>,
  modules: ReadonlyMap<string, PlacedModule>,
  considered: ReadonlySet<string>,
): OutputMap[] {
  const outputs = new Map<string, OutputMap>()
  const outputOf = (chunk: AuditChunk): OutputMap => {
    const key = `${chunk.folder}|${chunk.format}`
    let output = outputs.get(key)
    if (!output) {
      const format = chunk.format === 'esm' ? 'es' : 'cjs'
      output = {
        key,
        group: chunk.folder,
        dir: chunk.folder,
        format,
        label: `${chunk.folder} (${format})`,
        chunks: [],
        modules: new Map(),
      }
      outputs.set(key, output)
    }
    return output
  }
  for (const folder of folders) for (const chunk of folder.chunks) outputOf(chunk)
  for (const key of considered) {
    const placed = modules.get(key) as PlacedModule
    const perOutput = new Map<OutputMap, Map<string, { identity: ModuleIdentity; chunks: AuditChunk[] }>>()
    for (const { chunk, identity } of placed.holders) {
      const output = outputOf(chunk)
      const bySource = perOutput.get(output) ?? new Map<string, { identity: ModuleIdentity; chunks: AuditChunk[] }>()
      perOutput.set(output, bySource)
      const entry = bySource.get(identity.id)
      if (entry) entry.chunks.push(chunk)
      else bySource.set(identity.id, { identity, chunks: [chunk] })
    }
    for (const [output, bySource] of perOutput) {
      const tracked: TrackedModule = { key, display: placed.display, declaredBy: [], copies: [], facades: [] }
      // The copy under the file's real path first: the others are described against it.
      const sources = [...bySource.values()].sort(
        (a, b) => Number(b.identity.id === b.identity.realpath) - Number(a.identity.id === a.identity.realpath),
      )
      for (const { identity, chunks: holding } of sources) {
        // rolldown may print one factory into several chunks behind its registry: evaluated once.
        if (holding.length > 1 && holding.every((chunk) => chunk.sharedRegistry)) {
          tracked.copies.push(copyOf(identity, holding, true, chunks))
        } else {
          for (const chunk of holding) tracked.copies.push(copyOf(identity, [chunk], false, chunks))
        }
      }
      tracked.facades = placed.shims.filter((shim) => outputOf(shim) === output).map((shim) => shim.file)
      output.modules.set(key, tracked)
    }
  }
  return [...outputs.values()]
}

function copyOf(
  identity: ModuleIdentity,
  holding: AuditChunk[],
  sharedFactory: boolean,
  chunks: ReadonlyMap<string, AuditChunk>,
): Copy {
  return {
    identity,
    chunks: holding.map((chunk) => chunk.file),
    sharedFactory,
    chain: chunkChain(holding[0] as AuditChunk, chunks),
  }
}

/** How many copies of one module the audited folders hold, as the verdicts count them. */
export function copiesOf(result: AuditResult, key: string): number {
  const finding = result.findings.filter((f) => f.key === key)
  if (finding.length > 0) return Math.max(...finding.map((f) => f.copies.length))
  const placed = result.modules.get(key)
  return placed && placed.holders.length > 0 ? 1 : 0
}

/** Exit code of an audit: 1 with an error-severity finding, 2 when unattributed chunks leave it unproven. */
export function auditExitCode(result: AuditResult): 0 | 1 | 2 {
  if (result.findings.some((finding) => finding.severity === 'error')) return 1
  return result.unattributed.length > 0 ? 2 : 0
}
