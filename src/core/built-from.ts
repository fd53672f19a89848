import fs from 'node:fs'
import path from 'node:path'
import { moduleMarkersOf } from './module-markers.ts'
import { isFile } from './paths.ts'

const BUILT_FILE = /\.[cm]?js$/
const MAP_COMMENT = /\/\/[#@] sourceMappingURL=([^\s'"]+)\s*$/

/**
 * The source files a built file was made from, as its source map names them (a `.map` beside it
 * or the `sourceMappingURL` comment, inline ones included), or else as its bundler's per-module
 * comments do (`//#region src/state.ts`, `// src/state.ts`: see module-markers.ts); empty when
 * it has neither. Only the few files that may be a build of a singleton are read.
 */
export function sourcesOfBuiltFile(file: string): string[] {
  if (!BUILT_FILE.test(file)) return []
  let code: string
  try {
    code = fs.readFileSync(file, 'utf8')
  } catch {
    return []
  }
  const map = readMap(file, code)
  if (!map) return sourcesFromMarkers(file, code)
  if (!Array.isArray(map.sources)) return []
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

function readMap(file: string, code: string): RawMap | undefined {
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

/**
 * The modules a built file's markers name, as files. The markers give ids relative to the folder
 * the build ran in: the package's own folder (where its package.json is) as a rule, or a folder
 * above it (a build run from the repository's root), told by where the first source exists.
 */
function sourcesFromMarkers(file: string, code: string): string[] {
  const sources = moduleMarkersOf(code)
    .modules.filter((module) => !module.virtual)
    .map((module) => module.source.replace(/^file:\/\//, ''))
  if (sources.length === 0) return []
  const relative = sources.filter((source) => !path.isAbsolute(source))
  const packageDir = packageDirOf(path.dirname(file))
  let base = packageDir
  if (relative.length > 0) {
    for (let dir = packageDir; ; dir = path.dirname(dir)) {
      if (isFile(path.resolve(dir, relative[0] as string))) {
        base = dir
        break
      }
      if (dir === path.dirname(dir)) break
    }
  }
  return sources.map((source) => path.resolve(base, source))
}

/** The nearest folder at or above `dir` that holds a package.json; `dir` itself when none does. */
function packageDirOf(dir: string): string {
  for (let current = dir; ; current = path.dirname(current)) {
    if (isFile(path.join(current, 'package.json'))) return current
    if (current === path.dirname(current)) return dir
  }
}
