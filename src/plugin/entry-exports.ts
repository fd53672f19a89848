import type { OutputBundle, OutputChunk } from 'rolldown'
import { exportsUsedFrom } from '../core/exports-used.ts'

/**
 * The exports an entry's file would lose were the entry deleted from the user's list: as an
 * entry it keeps every export; as a lazy chunk, only those the chunks loading it use (rolldown
 * drops the rest). Empty when nothing would be lost; undefined when the entry wrote no file here.
 */
export function exportsLostWithoutEntry(bundle: OutputBundle, entryId: string): string[] | undefined {
  const chunks = Object.values(bundle).filter((item): item is OutputChunk => item.type === 'chunk')
  const entry = chunks.find((chunk) => chunk.isEntry && chunk.facadeModuleId === entryId)
  if (!entry) return undefined
  if (entry.exports.length === 0) return []
  const used = new Set<string>()
  for (const importer of chunks) {
    if (importer === entry) continue
    if (!importer.imports.includes(entry.fileName) && !importer.dynamicImports.includes(entry.fileName)) continue
    const reads = exportsUsedFrom(importer, entry.fileName)
    if (reads.all) return []
    for (const name of reads.names) used.add(name)
  }
  return entry.exports.filter((name) => !used.has(name)).sort()
}
