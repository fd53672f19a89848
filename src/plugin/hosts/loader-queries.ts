import type { ModuleIdentity } from '../../core/types.ts'

/**
 * Query keys with which Vite loads a file as a worker: `?worker` and `?sharedworker` load a wrapper
 * that starts the worker, `?worker_file` (dev server) is the worker's own code, run in the
 * worker's global scope. Either way not an evaluation in the importing realm.
 */
const WORKER_QUERIES: readonly string[] = ['worker', 'sharedworker', 'worker_file']

/** A whole module that only exports a string: `export default "..."` (what ?raw and ?url load). */
const STRING_EXPORT = /^\s*export\s+default\s+(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\$]|\\.)*`)\s*;?\s*$/

/** Vite's worker wrapper constructs the worker from a URL or a blob; the file's code is not evaluated here. */
const WORKER_CONSTRUCTOR = /\bnew\s+(?:Shared)?Worker\s*\(/

/**
 * Whether the module `identity` names evaluates its file's code in the realm importing it. Only
 * a query twin can fail this test: a module whose whole code is a string export is data, whatever
 * its query; a worker query whose module constructs a worker is another realm. Anything else, a
 * `?v=2` or a plugin's query that still runs the code, is an evaluation, hence a copy.
 */
export function evaluatesFile(identity: ModuleIdentity, code: string | null | undefined): boolean {
  if (identity.query === '' || typeof code !== 'string') return true
  if (STRING_EXPORT.test(code)) return false
  const keys = queryKeys(identity.query)
  if (WORKER_QUERIES.some((key) => keys.has(key)) && WORKER_CONSTRUCTOR.test(code)) return false
  return true
}

/** A dev-server id that runs in a worker's realm (`?worker_file`), whatever its code. */
export function isWorkerRealmQuery(query: string): boolean {
  return queryKeys(query).has('worker_file')
}

function queryKeys(query: string): Set<string> {
  const search = query.startsWith('?') ? (query.slice(1).split('#')[0] ?? '') : ''
  return new Set(new URLSearchParams(search).keys())
}
