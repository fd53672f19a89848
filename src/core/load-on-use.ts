import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

/**
 * A dependency loaded the first time it is needed. The plugin is loaded by every build of every
 * user, and most builds never reach the code that needs a parser, a source-map reader or a string
 * editor: loading each up front cost 5 to 10 ms of CPU per process.
 */
export function loadOnUse<T>(specifier: string): () => T {
  let loaded: T | undefined
  return () => (loaded ??= require(specifier) as T)
}
