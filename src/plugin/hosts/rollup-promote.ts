import type { OutputOptions, PreRenderedChunk } from 'rolldown'
import { MANUAL_CHUNKS_OBJECT } from '../../core/messages.ts'

/** Which bundler runs the build, as far as promote is concerned (Vite 8 runs rolldown). */
export type Bundler = 'rolldown' | 'rollup'

/** rolldown sets `meta.rolldownVersion`; Rollup 4 does not know `codeSplitting` or `advancedChunks`. */
export function bundlerOf(context: object): Bundler {
  const meta = (context as { meta?: { rolldownVersion?: unknown } }).meta
  return typeof meta?.rolldownVersion === 'string' ? 'rolldown' : 'rollup'
}

/** Rollup's `manualChunks` may be a map of names to module lists: nothing can be added to it. */
export type RollupPinning = { manualChunks: OutputOptions['manualChunks'] } | { cannot: string }

/**
 * Pins each promoted singleton into a chunk of its own under Rollup 4, through `manualChunks`
 * (the user's function still decides every other module). An object form cannot be extended
 * without resolving its specifiers the way Rollup does, so promote says it could not.
 */
export function pinWithManualChunks(output: object, nameOf: (id: string) => string | undefined): RollupPinning {
  const user = (output as { manualChunks?: unknown }).manualChunks
  if (user !== undefined && typeof user !== 'function') {
    return { cannot: MANUAL_CHUNKS_OBJECT }
  }
  const userFunction = user as ((id: string, meta: unknown) => string | null | undefined) | undefined
  return {
    manualChunks: ((id: string, meta: unknown) => nameOf(id) ?? userFunction?.(id, meta) ?? null) as NonNullable<
      OutputOptions['manualChunks']
    >,
  }
}

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
  name: string,
): string {
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
