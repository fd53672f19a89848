import type { OutputOptions, PreRenderedChunk } from 'rolldown'

/** Characters a file name in an import specifier cannot carry as they are. */
const UNSAFE_IN_FILE_NAMES = /[\0?*#%<>|":]/g

const HASH = /[-._~]?\[(?:content)?hash(?::\d+)?\]/g

/**
 * The file name of a promoted chunk: the build's entry naming with `[name]` filled in and every
 * hash placeholder taken out (Vite names client entries `assets/[name]-[hash].js`: a hashed name
 * would change on each rebuild, which is what promote exists to prevent). A naming that ignores
 * the chunk's name (Vite's library mode names every entry after the package) cannot name several
 * files: then the chunk naming is used, then `[name]` with the entries' extension.
 */
export function stableFileName(
  entryNaming: OutputOptions['entryFileNames'],
  chunkNaming: OutputOptions['chunkFileNames'],
  chunk: PreRenderedChunk,
  moduleName: string,
): string {
  // An import of `./state#1.js` would read `#1.js` as a URL fragment: such characters go, as
  // rolldown's own file names have them go.
  const name = moduleName.replace(UNSAFE_IN_FILE_NAMES, '_')
  const patternOf = (naming: OutputOptions['entryFileNames']) =>
    typeof naming === 'function' ? naming({ ...chunk, name }) : naming
  const entryPattern = patternOf(entryNaming) ?? '[name].js'
  const extension = /\.[cm]?js$/.exec(entryPattern)?.[0] ?? '.js'
  for (const pattern of [entryPattern, patternOf(chunkNaming), `[name]${extension}`]) {
    if (pattern !== undefined && (pattern.includes('[name]') || pattern.includes(name))) {
      return pattern.replaceAll('[name]', name).replace(HASH, '')
    }
  }
  return `${name}${extension}`
}

/** Whether a file naming pattern (`[name]-[hash].js`) puts a hash into the names it gives. */
export function namesWithHash(pattern: string): boolean {
  return /\[(?:content)?hash(?::\d+)?\]/.test(pattern)
}

/** A naming pattern with its hash placeholders taken out (`chunks/[name]-[hash].js` -> `chunks/[name].js`). */
export function withoutHash(pattern: string): string {
  return pattern.replace(HASH, '')
}
