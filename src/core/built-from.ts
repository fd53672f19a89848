import fs from 'node:fs'
import path from 'node:path'

const BUILT_FILE = /\.[cm]?js$/
const MAP_COMMENT = /\/\/[#@] sourceMappingURL=([^\s'"]+)\s*$/

/**
 * The source files a built file was made from, as its source map names them (a `.map` beside it
 * or the `sourceMappingURL` comment, inline ones included); empty when it has no readable map.
 * Only the few files that may be a build of a singleton are read.
 */
export function sourcesOfBuiltFile(file: string): string[] {
  if (!BUILT_FILE.test(file)) return []
  const map = readMap(file)
  if (!map || !Array.isArray(map.sources)) return []
  const mapDir = map.dir
  const sourceRoot = typeof map.sourceRoot === 'string' ? map.sourceRoot : ''
  return map.sources
    .filter((source): source is string => typeof source === 'string' && !source.includes('\0'))
    .map((source) => {
      const plain = source.replace(/^file:\/\//, '')
      return path.resolve(mapDir, sourceRoot, plain)
    })
}

interface RawMap {
  sources?: unknown[]
  sourceRoot?: unknown
  dir: string
}

function readMap(file: string): RawMap | undefined {
  let code: string
  try {
    code = fs.readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
  const tail = code.slice(-4096).trimEnd()
  const url = MAP_COMMENT.exec(tail)?.[1]
  if (url?.startsWith('data:')) {
    const comma = url.indexOf(',')
    const payload = url.slice(comma + 1)
    const text = url.slice(0, comma).endsWith(';base64')
      ? Buffer.from(payload, 'base64').toString('utf8')
      : decodeURIComponent(payload)
    return parseMap(text, path.dirname(file))
  }
  const mapFile = url ? path.resolve(path.dirname(file), decodeURIComponent(url)) : `${file}.map`
  try {
    return parseMap(fs.readFileSync(mapFile, 'utf8'), path.dirname(mapFile))
  } catch {
    return undefined
  }
}

function parseMap(text: string, dir: string): RawMap | undefined {
  try {
    const parsed: unknown = JSON.parse(text)
    return parsed && typeof parsed === 'object' ? { ...(parsed as Omit<RawMap, 'dir'>), dir } : undefined
  } catch {
    return undefined
  }
}
