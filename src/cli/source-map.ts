import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { TraceMap, decodedMappings } from '@jridgewell/trace-mapping'
import { BROKEN_MAP, MAP_NOT_FOUND, NO_MAP } from './messages.ts'

/** A source whose code a chunk holds, and how much of the chunk's mapped code points into it. */
interface OwnedSource {
  /** Absolute path (or the map's text when it names no file, e.g. a virtual module). */
  source: string
  segments: number
}

type Attribution = { ok: true; sources: OwnedSource[] } | { ok: false; reason: string }

/**
 * Which sources own code in a chunk, from its source map: a source owns code when at least one
 * mapped segment of the generated code points into it. A source listed in `sources` with no
 * segment (a module that only re-exported) owns nothing.
 */
export function attributeChunk(chunkFile: string, mappingUrl: string | undefined, mapBeside: boolean): Attribution {
  // Without a `sourceMappingURL`, only `<chunk>.map` can be its map: not asked of the disk when the folder has none.
  if (!mappingUrl && !mapBeside) return { ok: false, reason: NO_MAP }
  const loaded = loadMap(chunkFile, mappingUrl)
  if ('reason' in loaded) return { ok: false, reason: loaded.reason }
  let map: TraceMap
  try {
    map = new TraceMap(loaded.json as never)
  } catch (error) {
    return { ok: false, reason: BROKEN_MAP(firstLine(error)) }
  }
  const counts = Array.from({ length: map.sources.length }, () => 0)
  try {
    // decodedMappings walks the segments as arrays: the cheapest way through a multi-megabyte map.
    for (const line of decodedMappings(map)) {
      for (const segment of line) if (segment.length > 1) counts[segment[1] as number]! += 1
    }
  } catch (error) {
    return { ok: false, reason: BROKEN_MAP(firstLine(error)) }
  }
  const base = path.dirname(loaded.file)
  const sources: OwnedSource[] = []
  counts.forEach((segments, index) => {
    if (segments === 0) return
    const source = map.sources[index]
    if (source === null || source === undefined) return
    sources.push({ source: resolveSource(base, map.sourceRoot ?? '', source), segments })
  })
  return { ok: true, sources }
}

/**
 * The source text a chunk's map carries for one of its sources (`sourcesContent`), for a module
 * whose file is not on disk; undefined when the map has none.
 */
export function sourceContentOf(chunkFile: string, mappingUrl: string | undefined, source: string): string | undefined {
  const loaded = loadMap(chunkFile, mappingUrl)
  if ('reason' in loaded) return undefined
  const { sources, sourcesContent, sourceRoot } = loaded.json as {
    sources: (string | null)[]
    sourcesContent?: (string | null)[]
    sourceRoot?: string
  }
  const base = path.dirname(loaded.file)
  const index = sources.findIndex((name) => name !== null && resolveSource(base, sourceRoot ?? '', name) === source)
  const content = index === -1 ? undefined : sourcesContent?.[index]
  return typeof content === 'string' ? content : undefined
}

function loadMap(
  chunkFile: string,
  mappingUrl: string | undefined,
): { json: unknown; file: string } | { reason: string } {
  let text: string
  let file: string
  if (mappingUrl?.startsWith('data:')) {
    const comma = mappingUrl.indexOf(',')
    if (comma === -1) return { reason: BROKEN_MAP('inline map without data') }
    const header = mappingUrl.slice(0, comma)
    const data = mappingUrl.slice(comma + 1)
    text = header.endsWith(';base64') ? Buffer.from(data, 'base64').toString('utf8') : decodeURIComponent(data)
    file = chunkFile
  } else {
    file = mappingUrl ? path.resolve(path.dirname(chunkFile), decodeURI(mappingUrl)) : `${chunkFile}.map`
    try {
      text = fs.readFileSync(file, 'utf8')
    } catch {
      return { reason: mappingUrl ? MAP_NOT_FOUND(path.basename(file)) : NO_MAP }
    }
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return { reason: BROKEN_MAP(`not JSON (${firstLine(error)})`) }
  }
  if (!json || typeof json !== 'object') return { reason: BROKEN_MAP('not an object') }
  const { version, mappings, sources } = json as Record<string, unknown>
  if (version !== 3) return { reason: BROKEN_MAP(`version ${JSON.stringify(version)}, expected 3`) }
  if (typeof mappings !== 'string' || !Array.isArray(sources)) return { reason: BROKEN_MAP('no mappings or sources') }
  return { json, file }
}

/** A map's source as an absolute path: relative to the map file, after `sourceRoot`. */
function resolveSource(base: string, sourceRoot: string, source: string): string {
  // Virtual modules (`\0rolldown/runtime.js`, `rolldown:runtime`) keep their text.
  if (source.includes('\0')) return source
  const joined = sourceRoot ? `${sourceRoot.replace(/\/?$/, '/')}${source}` : source
  if (joined.startsWith('file://')) return fileURLToPath(joined)
  if (/^[a-z][\w+.-]*:/i.test(joined) && !/^[a-z]:[\\/]/i.test(joined)) return joined
  return path.resolve(base, joined)
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0] as string
}
