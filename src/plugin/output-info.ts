import path from 'node:path'
import type { NormalizedOutputOptions, OutputBundle, OutputChunk } from 'rolldown'
import { outputDirLabel } from '../core/chunk-map.ts'
import { isDeclarationFile } from '../core/paths.ts'
import type { ChunkInput, OutputInfo } from '../core/types.ts'
import { environmentOf, realmOf as realmOfEnvironment } from './hosts/vite-environment.ts'

/**
 * The module ids of the user's entries in a bundle, sorted. Declaration chunks are left out: tsdown
 * emits them in one format only, and they must not make esm and cjs of one config look like two builds.
 */
export function entryIdsOf(bundle: OutputBundle): string[] {
  const ids: string[] = []
  for (const item of Object.values(bundle)) {
    if (item.type !== 'chunk' || !item.isEntry || item.facadeModuleId === null) continue
    if (!isDeclarationFile(item.fileName)) ids.push(item.facadeModuleId)
  }
  return ids.sort()
}

/**
 * The bundle's chunks as the check reads them: each chunk's module ids read once (rolldown
 * converts them from native on a read), its rendered modules and code only when asked for.
 */
export function chunksOf(bundle: OutputBundle): ChunkInput[] {
  const chunks: ChunkInput[] = []
  for (const item of Object.values(bundle)) {
    if (item.type === 'chunk') chunks.push(chunkInput(item))
  }
  return chunks
}

function chunkInput(chunk: OutputChunk): ChunkInput {
  let modules: ChunkInput['modules'] | undefined
  return {
    fileName: chunk.fileName,
    isEntry: chunk.isEntry,
    isDynamicEntry: chunk.isDynamicEntry,
    facadeModuleId: chunk.facadeModuleId,
    moduleIds: chunk.moduleIds,
    get modules() {
      return (modules ??= chunk.modules)
    },
    get code() {
      return chunk.code
    },
    get imports() {
      return chunk.imports
    },
    get dynamicImports() {
      return chunk.dynamicImports
    },
  }
}

/** The realm a plugin context builds for: a Vite environment's name (a worker bundle's own), or `default`. */
export function realmOf(context: object, entryIds: readonly string[]): string {
  return realmOfEnvironment(environmentOf(context), entryIds)
}

/**
 * One output's identity across rebuilds: its folder, format, realm and entries (two configs may
 * write into one folder; a rebuild of the same config replaces its earlier record).
 */
export function outputInfoOf(
  options: Pick<NormalizedOutputOptions, 'dir' | 'file' | 'format'>,
  entryIds: readonly string[],
  realm: string,
  root: string,
): OutputInfo {
  const folder = options.dir ?? (options.file ? path.dirname(options.file) : undefined)
  const dir = outputDirLabel(folder ? path.resolve(folder) : undefined, root)
  const group = entryIds.join('\n')
  return { key: `${dir}|${options.format}|${realm}|${entryIds.join('|')}`, group, realm, dir, format: options.format }
}

/**
 * The report's file name in an output of `format`: the name given for ES modules, with the format
 * before the extension otherwise (`singleton-report.cjs.json`), so that esm and cjs written into
 * one folder (tsdown's `format: ['esm', 'cjs']`) each keep their own report.
 */
export function reportNameOfFormat(name: string, format: string): string {
  if (format === 'es') return name
  const dot = name.lastIndexOf('.')
  return dot > name.lastIndexOf('/') + 1 ? `${name.slice(0, dot)}.${format}${name.slice(dot)}` : `${name}.${format}`
}
