import path from 'node:path'

/**
 * Expressions rolldown tests natively against module ids (`filter.id`), so modules no pattern can
 * declare never reach JavaScript. Each is a superset of what its pattern declares: the handler
 * confirms every id with the full matcher, so each errs on the side of letting an id through.
 */

/** A query or hash suffix after the file. */
const QUERY = '(?:[?#].*)?$'
const GLOB_SPECIAL = /[*?[\]{}()!+@]/

function escapeForRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

/** A file: its base name anywhere (a twin through a symlinked folder passes too); a folder: what is inside it. */
export function pathIdFilter(file: string, isFolder: boolean): RegExp {
  if (isFolder) return new RegExp(`^${escapeForRegExp(file)}[\\\\/]`)
  return new RegExp(`(?:^|[\\\\/])${escapeForRegExp(path.basename(file))}${QUERY}`, 'i')
}

/**
 * A glob: its last segment, anywhere (so a twin reached through a symlinked folder passes too);
 * the whole path, made absolute against `root`, when the last segment is itself `**`.
 */
export function globIdFilter(glob: string, root: string): RegExp {
  const posix = glob.split(path.sep).join('/')
  const last = posix.split('/').pop() ?? ''
  if (last !== '' && !last.includes('**')) return new RegExp(`(?:^|[\\\\/])${globToSource(last)}${QUERY}`, 'i')
  const absolute =
    path.isAbsolute(glob) || posix.startsWith('**') ? posix : path.posix.join(root.split(path.sep).join('/'), posix)
  return new RegExp(`^${globToSource(absolute)}${QUERY}`, 'i')
}

/** Everything inside `folder`. */
export function folderIdFilter(folder: string): RegExp {
  return new RegExp(`^${escapeForRegExp(folder.replace(/[\\/]+$/, ''))}[\\\\/]`)
}

/**
 * Files of a package installed under `node_modules/<folder>/`, any of them or, with `fileStems`,
 * only those whose base name (without extension) is one of them.
 */
export function installIdFilter(folder: string, fileStems: readonly string[] | undefined): RegExp {
  const file = fileStems
    ? `(?:.*[\\\\/])?(?:${fileStems.map(escapeForRegExp).join('|')})(?:\\.[^\\\\/?#]*)?${QUERY}`
    : ''
  const segments = folder.split('/').map(escapeForRegExp).join('[\\\\/]')
  return new RegExp(`[\\\\/]node_modules[\\\\/]${segments}[\\\\/]${file}`)
}

/** Loose translation: every construct becomes something that matches at least what it matches. */
function globToSource(glob: string): string {
  if (!GLOB_SPECIAL.test(glob)) return escapeForRegExp(glob)
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
      source += escapeForRegExp(char)
    }
  }
  return source.replace(/(?:\.\*)+/g, '.*')
}
