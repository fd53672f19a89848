import path from 'node:path'
import { splitQuery } from '../../core/paths.ts'

/**
 * The realm an output runs in. Under Vite each environment (client, ssr, edge, ...) is a realm of
 * its own, and so is each worker bundle: copies in two realms never meet in one process, so they
 * are never compared. Outside Vite every output shares the realm `default`.
 */

/** The part of Vite's plugin context we read; typed here so Vite stays an optional peer. */
interface ViteEnvironmentView {
  name: string
  config?: { isWorker?: boolean; root?: string }
}

/** `this.environment` of a hook running under Vite, or undefined under rolldown, tsdown and Rollup. */
export function environmentOf(context: object): ViteEnvironmentView | undefined {
  const environment = (context as { environment?: unknown }).environment
  if (environment === null || typeof environment !== 'object') return undefined
  const name = (environment as { name?: unknown }).name
  return typeof name === 'string' ? (environment as ViteEnvironmentView) : undefined
}

/**
 * The realm of one output: the environment's name under Vite (`client`, `ssr`, ...), `worker:`
 * and its entries for a Vite worker bundle (each worker runs in its own global scope; Vite names
 * its environment `client` too), `default` elsewhere.
 */
export function realmOf(environment: ViteEnvironmentView | undefined, entryIds: readonly string[]): string {
  if (!environment) return 'default'
  if (environment.config?.isWorker) return `worker:${entryIds.join('|')}`
  return environment.name
}

/**
 * The report's file name in this output. Vite copies a worker bundle's files into the bundle that
 * imports the worker, so a worker's report is named after the worker (`singleton-report.json` ->
 * `singleton-report.worker-state.json`) and meets no other report.
 */
export function reportNameIn(context: object, name: string, entryIds: readonly string[]): string {
  if (!environmentOf(context)?.config?.isWorker) return name
  const worker = entryIds.map((id) => path.basename(splitQuery(id).file).replace(/\.[^.]*$/, '')).join('+') || 'worker'
  const dot = name.lastIndexOf('.')
  return dot > 0 ? `${name.slice(0, dot)}.worker-${worker}${name.slice(dot)}` : `${name}.worker-${worker}`
}
