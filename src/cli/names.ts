import path from 'node:path'

/**
 * A chunk's file name without its content hash (`state-2RXBA-gR.js` -> `state.js`,
 * `chunk-TSJQA2DV.js` -> `chunk.js`), so two builds can be compared across renames. A trailing
 * 8-character segment counts as a hash when it has a digit, an upper-case letter, `_` or `-`.
 */
export function withoutHash(file: string): string {
  const extension = path.posix.extname(file)
  const stem = file.slice(0, file.length - extension.length)
  const hash = stem.slice(-8)
  const separator = stem[stem.length - 9]
  if (
    stem.length > 9 &&
    (separator === '-' || separator === '.') &&
    /^[\w-]{8}$/.test(hash) &&
    /[\dA-Z_-]/.test(hash)
  ) {
    return stem.slice(0, -9) + extension
  }
  return file
}

/** The base name a module and a shim standing for it share: `state` for `src/state.ts`. */
export function stemOf(file: string): string {
  const base = path.posix.basename(withoutHash(file.split(/[\\/]/).join('/')))
  const dot = base.indexOf('.')
  return dot > 0 ? base.slice(0, dot) : base
}
