/**
 * The realm an output runs in. Under Vite each environment (client, ssr, edge, ...) is a realm of
 * its own, and so is each worker bundle: copies in two realms never meet in one process, so they
 * are never compared. Outside Vite every output shares the realm `''`.
 */

/** The part of Vite's plugin context we read; typed here so Vite stays an optional peer. */
export interface ViteEnvironmentView {
  name: string
  config?: { isWorker?: boolean; command?: string; root?: string }
}

/** `this.environment` of a hook running under Vite, or undefined under rolldown, tsdown and Rollup. */
export function environmentOf(context: object): ViteEnvironmentView | undefined {
  const environment = (context as { environment?: unknown }).environment
  if (environment === null || typeof environment !== 'object') return undefined
  const name = (environment as { name?: unknown }).name
  return typeof name === 'string' ? (environment as ViteEnvironmentView) : undefined
}

/**
 * The realm of one output: `environment:<name>` under Vite, `worker:<entries>` for a Vite worker
 * bundle (each worker runs in its own global scope), `''` elsewhere.
 */
export function realmOf(environment: ViteEnvironmentView | undefined, entryIds: readonly string[]): string {
  if (!environment) return ''
  if (environment.config?.isWorker) return `worker:${entryIds.join('|')}`
  return `environment:${environment.name}`
}

/** The outputs that share `realm`: only these can hold copies that meet at run time. */
export function inRealm<T extends { realm: string }>(outputs: Iterable<T>, realm: string): T[] {
  return [...outputs].filter((output) => output.realm === realm)
}
