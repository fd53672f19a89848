import path from 'node:path'
import type { ChainStep } from './core.ts'
import type { AuditChunk } from './model.ts'
import { withoutHash } from './names.ts'
import type { ReadChunk } from './read-folder.ts'

/**
 * Links each chunk's imports to the chunks they load (relative specifiers resolved from the
 * chunk's own path, so a chunk of one folder may import a chunk of another), then tells entries
 * from shared chunks: a chunk no other chunk imports is an entry, one only reached by `import()`
 * a dynamic entry, unless the plugin's report already said which were entries.
 */
export function linkChunks(read: readonly ReadChunk[]): void {
  const byPath = new Map<string, AuditChunk>()
  for (const { chunk } of read) byPath.set(chunk.absolute, chunk)
  for (const { chunk, parsed } of read) {
    for (const imported of parsed.imports) {
      const target = resolveChunk(chunk.absolute, imported.specifier, byPath)
      const edge = { target: target?.id, specifier: imported.specifier, kind: imported.kind }
      chunk.imports.push(edge)
      if (target && target !== chunk)
        target.importers.push({ target: chunk.id, specifier: imported.specifier, kind: imported.kind })
      if (parsed.forwardsOnly && target && imported.kind !== 'dynamic') chunk.forwardsTo.push(target.id)
    }
  }
  // Bundlers name entries `[name].js` and other chunks `[name]-[hash].js` by default: in a folder
  // that has hashed names, an unhashed chunk that other chunks import is still an entry.
  const hashedFolders = new Set(
    read.filter(({ chunk }) => withoutHash(chunk.file) !== chunk.file).map(({ chunk }) => chunk.folder),
  )
  for (const { chunk, parsed } of read) {
    if (parsed.forwardsOnly) {
      chunk.kind = 'shim'
      continue
    }
    if (chunk.entrySource === 'report') continue
    if (chunk.importers.length === 0) chunk.kind = 'entry'
    else if (hashedFolders.has(chunk.folder) && withoutHash(chunk.file) === chunk.file) chunk.kind = 'entry'
    else if (chunk.importers.every((edge) => edge.kind === 'dynamic')) chunk.kind = 'dynamic-entry'
    else chunk.kind = 'shared'
  }
}

function resolveChunk(from: string, specifier: string, byPath: Map<string, AuditChunk>): AuditChunk | undefined {
  let target: string
  if (specifier.startsWith('file://')) target = new URL(specifier).pathname
  else if (specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..') {
    target = path.resolve(path.dirname(from), specifier.split(/[?#]/)[0] as string)
  } else if (path.isAbsolute(specifier)) target = specifier
  else return undefined
  return byPath.get(target) ?? byPath.get(`${target}.js`) ?? byPath.get(`${target}.cjs`) ?? byPath.get(`${target}.mjs`)
}

/** The chunks a shim stands for, through shims of shims. */
export function shimTargets(shim: AuditChunk, chunks: ReadonlyMap<string, AuditChunk>): AuditChunk[] {
  const found: AuditChunk[] = []
  const seen = new Set<string>([shim.id])
  const queue = [...shim.forwardsTo]
  while (queue.length > 0) {
    const id = queue.shift() as string
    if (seen.has(id)) continue
    seen.add(id)
    const chunk = chunks.get(id)
    if (!chunk) continue
    if (chunk.kind === 'shim') queue.push(...chunk.forwardsTo)
    else found.push(chunk)
  }
  return found
}

/**
 * The shortest chain of chunk imports from an entry to `target`, walking importers backwards so
 * the cost is bounded by the target's ancestors.
 */
export function chunkChain(target: AuditChunk, chunks: ReadonlyMap<string, AuditChunk>): ChainStep[] {
  const next = new Map<string, { id: string; edge: 'static' | 'dynamic' } | null>([[target.id, null]])
  const queue = [target]
  let found: AuditChunk | undefined = target.kind === 'entry' ? target : undefined
  for (let index = 0; index < queue.length && !found; index++) {
    const chunk = queue[index] as AuditChunk
    // Static importers first: the chain a reader expects when both exist.
    const importers = [...chunk.importers].sort((a, b) => Number(a.kind === 'dynamic') - Number(b.kind === 'dynamic'))
    for (const edge of importers) {
      const importer = edge.target ? chunks.get(edge.target) : undefined
      if (!importer || next.has(importer.id)) continue
      next.set(importer.id, { id: chunk.id, edge: edge.kind === 'dynamic' ? 'dynamic' : 'static' })
      if (importer.kind === 'entry') {
        found = importer
        break
      }
      queue.push(importer)
    }
  }
  if (!found) return [{ module: target.file, edge: 'entry' }]
  const chain: ChainStep[] = [{ module: found.file, edge: 'entry' }]
  for (let step = next.get(found.id); step; step = next.get(step.id)) {
    chain.push({ module: (chunks.get(step.id) as AuditChunk).file, edge: step.edge })
  }
  return chain
}
