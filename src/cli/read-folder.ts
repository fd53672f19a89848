import fs from 'node:fs'
import path from 'node:path'
import { holdsSharedRegistry, moduleMarkersOf, type MarkedModule } from './core.ts'
import type { AuditChunk, AuditFolder, HeldModule } from './model.ts'
import { markerBase } from './marker-base.ts'
import { InputError, NO_MAP, NO_MARKERS, TEXT, UNNAMED_REGION } from './messages.ts'
import { parseChunk, type ParsedChunk } from './parse-chunk.ts'
import type { Progress } from './progress.ts'
import { readReport } from './report-file.ts'
import { attributeChunk } from './source-map.ts'
import type { AuditResolver } from './source-identity.ts'

const CHUNK_EXTENSIONS = ['.js', '.mjs', '.cjs']

export interface ReadChunk {
  chunk: AuditChunk
  parsed: ParsedChunk
  /** The chunk's code, kept only where the verdict reads it again (rolldown's shared registry); else ''. */
  code: string
}

/**
 * Reads every chunk of a folder: its imports from the lexer, its modules from its source map, the
 * plugin's report, or its bundler's per-module comments, in that order.
 */
export function readFolder(
  folder: string,
  identities: AuditResolver,
  progress: Progress,
): { folder: AuditFolder; chunks: ReadChunk[] } {
  const absolute = path.resolve(folder)
  const display = displayFolder(absolute)
  let stat: fs.Stats
  try {
    stat = fs.statSync(absolute)
  } catch {
    throw new InputError(TEXT.missingFolder(folder))
  }
  if (!stat.isDirectory()) throw new InputError(TEXT.notAFolder(folder))
  const { chunks: files, maps } = listChunks(absolute)
  if (files.length === 0) throw new InputError(TEXT.noChunks(folder))
  progress.start(files.length)
  const report = readReport(absolute, display)
  const result: AuditFolder = {
    display,
    absolute,
    chunks: [],
    notes: [...(report?.notes ?? [])],
    declared: report?.declared ?? [],
  }
  const read: ReadChunk[] = []
  const marked: { chunk: AuditChunk; modules: MarkedModule[] }[] = []
  const mapsReplaced: string[] = []
  const partlyNamed: string[] = []
  let fromReport = 0
  for (const file of files) {
    progress.step(`${display}/${file}`)
    const chunkPath = path.join(absolute, file)
    let code: string
    try {
      code = fs.readFileSync(chunkPath, 'utf8')
    } catch (error) {
      throw new InputError(TEXT.unreadable(`${display}/${file}`, (error as NodeJS.ErrnoException).code ?? 'unreadable'))
    }
    let parsed: ParsedChunk
    try {
      parsed = parseChunk(chunkPath, code)
    } catch (error) {
      throw new InputError(
        TEXT.unparsable(`${display}/${file}`, String((error as Error).message).split('\n')[0] as string),
      )
    }
    const chunk: AuditChunk = {
      id: `${display}/${file}`,
      folder: display,
      file,
      absolute: chunkPath,
      bytes: Buffer.byteLength(code),
      format: parsed.format,
      kind: 'shared',
      entrySource: 'graph',
      imports: [],
      importers: [],
      forwardsTo: [],
      modules: [],
      attributedBy: 'none',
      unattributed: undefined,
      computedDynamicImports: parsed.computedDynamicImports,
      build: display,
    }
    const hint = report?.entries.get(file)
    if (hint && (hint.isEntry || hint.isDynamicEntry)) {
      chunk.kind = hint.isEntry ? 'entry' : 'dynamic-entry'
      chunk.entrySource = 'report'
    }
    if (!parsed.forwardsOnly && !parsed.empty) {
      const attribution = attributeChunk(chunkPath, parsed.sourceMappingUrl, maps.has(`${file}.map`))
      if (attribution.ok) {
        chunk.attributedBy = 'source map'
        chunk.mapUrl = parsed.sourceMappingUrl
        chunk.modules = held(attribution.sources, identities)
      } else if (report?.modules.has(file)) {
        chunk.attributedBy = 'report'
        chunk.modules = held(
          (report.modules.get(file) ?? []).map((source) => ({ source, segments: 0 })),
          identities,
        )
        fromReport++
      } else {
        const markers = moduleMarkersOf(code)
        const modules = markers.modules.filter((module) => !module.virtual)
        if (markers.style && modules.length > 0) {
          chunk.attributedBy = markers.style
          marked.push({ chunk, modules })
          if (attribution.reason !== NO_MAP) mapsReplaced.push(`${chunk.id}: ${attribution.reason}`)
          if (markers.unnamedCode) partlyNamed.push(chunk.id)
        } else if (markers.unnamedCode) {
          chunk.unattributed = `${attribution.reason}, ${UNNAMED_REGION}`
        } else if (markers.modules.length > 0) {
          // rolldown writes no map for its runtime chunk: it has no source file to map to.
          chunk.attributedBy = 'bundler runtime'
        } else {
          chunk.unattributed = `${attribution.reason}, ${NO_MARKERS}`
        }
      }
    }
    result.chunks.push(chunk)
    read.push({ chunk, parsed, code: holdsSharedRegistry(code) ? code : '' })
  }
  // Marked ids are relative to the folder the build ran in: found once per folder.
  if (marked.length > 0) {
    const base = markerBase(
      absolute,
      marked.flatMap(({ modules }) => modules.map((module) => module.source)),
    )
    for (const { chunk, modules } of marked) {
      chunk.markerBase = base
      chunk.modules = held(
        modules.map((module) => ({ source: path.resolve(base, module.source), segments: module.codeTokens })),
        identities,
      )
    }
  }
  if (report) {
    const onDisk = new Set(files)
    const stale = [...report.entries.keys()].filter((file) => !onDisk.has(file) && !isDeclaration(file))
    if (stale.length > 0) result.notes.push(TEXT.staleReport(`${display}/singleton-report.json`, stale))
  }
  if (fromReport > 0) result.notes.push(TEXT.fromReport(fromReport))
  if (mapsReplaced.length > 0) result.notes.push(TEXT.markersInsteadOfMap(mapsReplaced))
  if (partlyNamed.length > 0) result.notes.push(TEXT.partlyNamed(partlyNamed))
  return { folder: result, chunks: read }
}

function held(sources: { source: string; segments: number }[], identities: AuditResolver): HeldModule[] {
  const modules: HeldModule[] = []
  for (const { source, segments } of sources) {
    const identity = identities.identify(source)
    if (identity) modules.push({ source, identity, segments })
  }
  return modules
}

/**
 * Chunk files under the folder, sorted, and the `.map` files beside them; `node_modules` and
 * dot-folders are not build output.
 */
function listChunks(folder: string): { chunks: string[]; maps: Set<string> } {
  const chunks: string[] = []
  const maps = new Set<string>()
  const walk = (dir: string, prefix: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name
      if (entry.isDirectory()) walk(path.join(dir, entry.name), relative)
      else if (entry.name.endsWith('.map')) maps.add(relative)
      else if (entry.isFile() && CHUNK_EXTENSIONS.includes(path.extname(entry.name)) && !isDeclaration(entry.name)) {
        chunks.push(relative)
      }
    }
  }
  walk(folder, '')
  return { chunks: chunks.sort(), maps }
}

function isDeclaration(file: string): boolean {
  return /\.d\.[cm]?[jt]s$/.test(file)
}

function displayFolder(absolute: string): string {
  const relative = path.relative(process.cwd(), absolute).split(path.sep).join('/')
  return relative === '' ? '.' : relative.startsWith('../../..') ? absolute : relative
}
