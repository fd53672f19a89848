import type { ChainStep } from './types.ts'

/** What the chain needs of a module: who imports it. rolldown's and Rollup's ModuleInfo have it. */
export interface ImporterInfo {
  importers: readonly string[]
  dynamicImporters: readonly string[]
}

type GetModuleInfo = (id: string) => ImporterInfo | null

/**
 * The shortest import chain from an entry to `target`, walking importers backwards so the cost
 * is bounded by the target's ancestors, not the whole graph.
 */
export function importChain(
  getModuleInfo: GetModuleInfo,
  target: string,
  entryIds: ReadonlySet<string>,
  display: (id: string) => string,
): ChainStep[] {
  const next = new Map<string, { id: string; edge: 'static' | 'dynamic' } | null>([[target, null]])
  const queue = [target]
  let found: string | undefined = entryIds.has(target) ? target : undefined
  for (let index = 0; index < queue.length && found === undefined; index++) {
    const id = queue[index] as string
    const info = getModuleInfo(id)
    if (!info) continue
    for (const [importers, edge] of [
      [info.importers, 'static'],
      [info.dynamicImporters, 'dynamic'],
    ] as const) {
      for (const importer of importers) {
        if (next.has(importer)) continue
        next.set(importer, { id, edge })
        if (entryIds.has(importer)) {
          found = importer
          break
        }
        queue.push(importer)
      }
      if (found !== undefined) break
    }
  }
  if (found === undefined) return [{ module: display(target), edge: 'entry' }]
  const chain: ChainStep[] = [{ module: display(found), edge: 'entry' }]
  for (let step = next.get(found); step; step = next.get(step.id)) {
    chain.push({ module: display(step.id), edge: step.edge })
  }
  return chain
}
