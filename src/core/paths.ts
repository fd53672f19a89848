import fs from 'node:fs'
import path from 'node:path'

/** Type declarations (rolldown-plugin-dts, tsdown `dts`): chunks that never run. */
export function isDeclarationFile(fileName: string): boolean {
  return /\.d\.[cm]?ts$/.test(fileName)
}

/** Ids that name no file: rolldown's and Vite's virtual modules. */
export function isVirtualId(id: string): boolean {
  return id.includes('\0')
}

/**
 * Splits an id into its file and the suffix a plugin added (`?worker`, `#hash`). A `?` always
 * starts the suffix; a `#` only when it stands in the last segment and the whole name is not a
 * real file (`state#1.ts` and folders like `C#-projects/` are part of the path).
 */
export function splitQuery(id: string): { file: string; query: string } {
  // Nearly every id: a plain path, read on every per-id test.
  if (!id.includes('?') && !id.includes('#')) return { file: id, query: '' }
  const mark = id.indexOf('?')
  let file = mark === -1 ? id : id.slice(0, mark)
  let query = mark === -1 ? '' : id.slice(mark)
  const lastSeparator = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'))
  const hash = file.indexOf('#', lastSeparator + 1)
  if (hash !== -1 && !isFile(file)) {
    query = file.slice(hash) + query
    file = file.slice(0, hash)
  }
  return { file, query }
}

export function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile()
  } catch {
    return false
  }
}

/** The real path, or `null` for a file that does not exist. */
export function realpathOrNull(file: string): string | null {
  try {
    return fs.realpathSync.native(file)
  } catch {
    return null
  }
}

export const toPosix: (file: string) => string =
  path.sep === '/' ? (file) => file : (file) => file.split(path.sep).join('/')

export function withoutExtension(file: string): string {
  return file.replace(/\.[^./\\]+$/, '')
}

/**
 * Lower-cased base name of an id without its query: string work only, for tests that run on
 * every module id. A `#` suffix is not cut: patterns see such an id's file part directly.
 */
export function baseNameOf(id: string): string {
  const query = id.indexOf('?')
  const end = query === -1 ? id.length : query
  const start = Math.max(id.lastIndexOf('/', end - 1), id.lastIndexOf('\\', end - 1)) + 1
  return id.slice(start, end).toLowerCase()
}

/** An id as messages show it: relative to `root` with forward slashes, virtual ids made printable. */
export function displayPath(id: string, root: string): string {
  if (isVirtualId(id)) return id.replace(/\0/g, '\\0')
  const { file, query } = splitQuery(id)
  if (!path.isAbsolute(file)) return id
  // The usual id: a normalised path below root, printed for every module of a report.
  if (
    file.startsWith(root) &&
    file[root.length] === path.sep &&
    !file.includes(`${path.sep}.${path.sep}`) &&
    !file.includes(`${path.sep}..${path.sep}`)
  ) {
    return toPosix(file.slice(root.length + 1)) + query
  }
  let relative = toPosix(path.relative(root, file))
  // A root reached through a symlink: real-path ids are shown relative to its real path.
  if (relative.startsWith('../')) {
    const realRoot = realRootOf(root)
    if (realRoot && realRoot !== root && !toPosix(path.relative(realRoot, file)).startsWith('../')) {
      relative = toPosix(path.relative(realRoot, file))
    }
  }
  return (relative === '' ? '.' : relative) + query
}

const realRoots = new Map<string, string | null>()

/** The real path of a root folder, looked up once: printing a report asks for it per module. */
function realRootOf(root: string): string | null {
  let real = realRoots.get(root)
  if (real === undefined) realRoots.set(root, (real = realpathOrNull(root)))
  return real
}

/** Whether `file` is `dir` or lies inside it. */
export function isInside(file: string, dir: string): boolean {
  return file === dir || file.startsWith(dir + path.sep)
}

/** The deepest folder holding every one of `dirs`. */
export function commonDir(dirs: readonly string[]): string | undefined {
  if (dirs.length === 0) return undefined
  let common = dirs[0] as string
  for (const dir of dirs.slice(1)) {
    while (common !== path.dirname(common) && dir !== common && !dir.startsWith(common + path.sep)) {
      common = path.dirname(common)
    }
  }
  return common
}
