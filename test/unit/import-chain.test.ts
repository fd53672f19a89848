import { describe, expect, it } from 'vitest'
import { importChain, type ImporterInfo } from '../../src/core/import-chain.ts'

/** A plain graph: module -> its static and dynamic importers. */
function graph(edges: [string, string, 'static' | 'dynamic'][]): (id: string) => ImporterInfo | null {
  const infos = new Map<string, { importers: string[]; dynamicImporters: string[] }>()
  const info = (id: string) => {
    let found = infos.get(id)
    if (!found) infos.set(id, (found = { importers: [], dynamicImporters: [] }))
    return found
  }
  for (const [from, to, edge] of edges) {
    info(from)
    ;(edge === 'static' ? info(to).importers : info(to).dynamicImporters).push(from)
  }
  return (id) => infos.get(id) ?? null
}

describe('importChain', () => {
  const getInfo = graph([
    ['main', 'writer', 'static'],
    ['writer', 'state', 'static'],
    ['main', 'reader', 'dynamic'],
    ['reader', 'state', 'static'],
    ['other', 'state', 'static'],
  ])

  it('finds the shortest chain from an entry, edges marked', () => {
    expect(importChain(getInfo, 'state', new Set(['main']), (id) => id)).toEqual([
      { module: 'main', edge: 'entry' },
      { module: 'writer', edge: 'static' },
      { module: 'state', edge: 'static' },
    ])
  })

  it('marks a dynamic import on the way', () => {
    expect(importChain(getInfo, 'reader', new Set(['main']), (id) => id)).toEqual([
      { module: 'main', edge: 'entry' },
      { module: 'reader', edge: 'dynamic' },
    ])
  })

  it('names the module alone when no entry reaches it', () => {
    expect(importChain(getInfo, 'other', new Set(['main']), (id) => `./${id}`)).toEqual([
      { module: './other', edge: 'entry' },
    ])
  })
})
