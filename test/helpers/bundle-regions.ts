import fs from 'node:fs'
import path from 'node:path'
import { parseSync } from 'oxc-parser'
import type { ClassifyContext } from '../../src/core/state-classifier.ts'

/**
 * The modules of a built folder as the bundler printed them: each `//#region <module>` …
 * `//#endregion` slice of each chunk (tsdown/rolldown dists), with what the slice cannot show
 * about itself: the names the rest of the chunk uses (exported by the chunk, or read by another
 * module printed beside it) and where imported names come from. Read with oxc-parser: comments,
 * the chunk's import and export statements, and its identifiers.
 */
export interface Region {
  module: string
  /** The chunk, relative to the folder. */
  file: string
  code: string
  context: ClassifyContext
}

const CHUNK = /\.(?:m?js|cjs)$/

/** Every region of every chunk in `dir`, by module; `only` limits the chunks read to those holding one of these modules. */
export function regionsOf(dir: string, only?: ReadonlySet<string>): Map<string, Region[]> {
  const regions = new Map<string, Region[]>()
  const files = (fs.readdirSync(dir, { recursive: true }) as string[]).filter((file) => CHUNK.test(file)).sort()
  for (const file of files) {
    const code = fs.readFileSync(path.join(dir, file), 'utf8')
    if (!code.includes('//#region ')) continue
    if (only && ![...only].some((module) => code.includes(`//#region ${module}\n`))) continue
    for (const region of regionsOfChunk(file, code)) {
      if (only && !only.has(region.module)) continue
      const list = regions.get(region.module)
      if (list) list.push(region)
      else regions.set(region.module, [region])
    }
  }
  return regions
}

function regionsOfChunk(file: string, code: string): Region[] {
  const parsed = parseSync(file, code, { sourceType: 'module', lang: 'js' })
  const spans: { module: string; start: number; end: number }[] = []
  let open: { module: string; start: number } | undefined
  for (const comment of parsed.comments) {
    if (comment.type !== 'Line' || (comment.start > 0 && code[comment.start - 1] !== '\n')) continue
    if (comment.value.startsWith('#region '))
      open = { module: comment.value.slice('#region '.length).trim(), start: comment.end }
    else if (comment.value.startsWith('#endregion') && open) {
      spans.push({ ...open, end: comment.start })
      open = undefined
    }
  }
  const chunkExports = parsed.module.staticExports.flatMap((item) =>
    item.entries.flatMap((entry) => (entry.localName.name ? [entry.localName.name] : [])),
  )
  const importedFrom: Record<string, string> = {}
  for (const item of parsed.module.staticImports) {
    for (const entry of item.entries) importedFrom[entry.localName.value] = item.moduleRequest.value
  }
  const identifiers = identifiersOf(parsed.program).sort((a, b) => a.start - b.start)
  const total = countNames(identifiers)
  return spans.map((span) => {
    let first = 0
    for (let high = identifiers.length; first < high;) {
      const middle = (first + high) >> 1
      if ((identifiers[middle]?.start ?? 0) < span.start) first = middle + 1
      else high = middle
    }
    let last = first
    while (last < identifiers.length && (identifiers[last]?.start ?? 0) < span.end) last++
    // A name of the region that the rest of the chunk uses too.
    const inside = countNames(identifiers.slice(first, last))
    const usedElsewhere = [...inside].filter(([name, count]) => (total.get(name) ?? 0) > count).map(([name]) => name)
    return {
      module: span.module,
      file,
      code: code.slice(span.start, span.end),
      context: { exportedNames: [...new Set([...chunkExports, ...usedElsewhere])], importedFrom },
    }
  })
}

function countNames(identifiers: readonly { name: string }[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const { name } of identifiers) counts.set(name, (counts.get(name) ?? 0) + 1)
  return counts
}

/** Every identifier of an AST, with its offset (names of properties included: a superset does no harm here). */
function identifiersOf(program: unknown): { name: string; start: number }[] {
  const found: { name: string; start: number }[] = []
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item)
      return
    }
    if (node === null || typeof node !== 'object') return
    const record = node as { type?: unknown; name?: unknown; start?: unknown }
    if (record.type === 'Identifier' && typeof record.name === 'string') {
      found.push({ name: record.name, start: record.start as number })
    }
    for (const value of Object.values(node)) if (value !== null && typeof value === 'object') visit(value)
  }
  visit(program)
  return found
}
