import fs from 'node:fs'
import path from 'node:path'
import type { Pattern } from '../core/types.ts'

/**
 * The `singletons` patterns as expressions for rolldown's native `filter.id`, so that modules no
 * pattern can declare never reach JavaScript. A superset: the handler confirms each id with the
 * full matcher, so every expression errs on the side of letting an id through.
 */
export function singletonIdFilter(patterns: readonly Pattern[], root: string): RegExp[] {
  return patterns.flatMap((pattern) => {
    if (pattern instanceof RegExp) return [new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''))]
    // The same reading as the matcher's (core/patterns.ts): a path on disk, a package, or a glob.
    const specifier = pattern.trim()
    const onDisk = path.resolve(root, specifier)
    if (fs.existsSync(onDisk)) return [pathFilter(onDisk)]
    if (isPackageSpecifier(specifier)) return packageFilter(specifier, root)
    return [globFilter(specifier, root)]
  })
}

function isPackageSpecifier(specifier: string): boolean {
  if (/^[./\\]|^[a-zA-Z]:|[*?[\]{}!()]/.test(specifier)) return false
  return /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(\/[^\s]+)?$/i.test(specifier)
}

/** A file: its base name anywhere (a twin through a symlinked folder passes too); a folder: what is inside it. */
function pathFilter(file: string): RegExp {
  if (fs.statSync(file).isDirectory()) return new RegExp(`^${escapeRegExp(file)}[\\\\/]`)
  return new RegExp(`(?:^|[\\\\/])${escapeRegExp(path.basename(file))}${QUERY}`, 'i')
}

const QUERY = '(?:[?#].*)?$'
const GLOB_SPECIAL = /[*?[\]{}()!+@]/

/**
 * A glob or path: its last segment, anywhere (so a twin reached through a symlinked folder passes
 * too); the whole path, made absolute against `root`, when the last segment is itself `**`.
 */
function globFilter(specifier: string, root: string): RegExp {
  const posix = specifier.split(path.sep).join('/')
  const last = posix.split('/').pop() ?? ''
  if (last !== '' && !last.includes('**')) return new RegExp(`(?:^|[\\\\/])${globToSource(last)}${QUERY}`, 'i')
  const absolute =
    path.isAbsolute(specifier) || posix.startsWith('**')
      ? posix
      : path.posix.join(root.split(path.sep).join('/'), posix)
  return new RegExp(`^${globToSource(absolute)}${QUERY}`, 'i')
}

/** Loose translation: every construct becomes something that matches at least what it matches. */
function globToSource(glob: string): string {
  if (!GLOB_SPECIAL.test(glob)) return escapeRegExp(glob)
  let source = ''
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index] as string
    const closing = char === '{' ? '}' : char === '[' ? ']' : char === '(' ? ')' : undefined
    if (closing !== undefined) {
      const end = glob.indexOf(closing, index + 1)
      index = end === -1 ? glob.length : end
      source += '.*'
    } else if (GLOB_SPECIAL.test(char)) {
      source += '.*'
    } else {
      source += escapeRegExp(char)
    }
  }
  return source.replace(/(?:\.\*)+/g, '.*')
}

/**
 * Installs under any `node_modules/<name>/` (pnpm's store too), and the workspace folder the root
 * links to. A `name/subpath` specifier narrows to the base names its files can have: the
 * subpath's own, `index`, and the targets of its `exports` entry in the install the root sees.
 */
function packageFilter(specifier: string, root: string): RegExp[] {
  const parts = specifier.split('/')
  const nameLength = specifier.startsWith('@') ? 2 : 1
  const name = parts.slice(0, nameLength).join('/')
  const subpath = parts.slice(nameLength).join('/')
  const linked = realFolder(path.join(root, 'node_modules', name))
  const names = subpath === '' ? undefined : subpathFileNames(subpath, linked)
  const file = names ? `(?:.*[\\\\/])?(?:${names.map(escapeRegExp).join('|')})(?:\\.[^\\\\/?#]*)?${QUERY}` : ''
  const folder = name.split('/').map(escapeRegExp).join('[\\\\/]')
  const filters = [new RegExp(`[\\\\/]node_modules[\\\\/]${folder}[\\\\/]${file}`)]
  if (linked && !linked.split(path.sep).includes('node_modules')) {
    filters.push(new RegExp(`^${escapeRegExp(linked)}[\\\\/]${file}`))
  }
  return filters
}

function subpathFileNames(subpath: string, packageDir: string | undefined): string[] {
  const names = new Set([stem(subpath), 'index'])
  const manifest = packageDir ? readJson(path.join(packageDir, 'package.json')) : undefined
  const exportsField = manifest?.exports
  if (exportsField && typeof exportsField === 'object' && !Array.isArray(exportsField)) {
    for (const target of stringsIn((exportsField as Record<string, unknown>)[`./${subpath}`])) names.add(stem(target))
  }
  return [...names]
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(stringsIn)
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn)
  return []
}

function stem(file: string): string {
  return path.posix.basename(file).replace(/\.[^.]*$/, '')
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>
  } catch {
    return undefined
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

function realFolder(folder: string): string | undefined {
  try {
    return fs.realpathSync.native(folder)
  } catch {
    return undefined
  }
}
