import path from 'node:path'
import type { InputOptions } from 'rolldown'
import { isInstalledPackage } from '../core/identity.ts'
import { commonDir, isVirtualId, splitQuery, toPosix, withoutExtension } from '../core/paths.ts'
import type { ModuleIdentity } from '../core/types.ts'

/** The entries a build was given, as absolute files, with the names rolldown gives their chunks. */
export interface UserEntries {
  byName: Map<string, string>
  files: Set<string>
  /** Common folder of the entry files: promoted names are relative to it, as tsdown's are. */
  baseDir: string
}

export function userEntries(input: InputOptions['input'], cwd: string): UserEntries {
  const pairs: [string | undefined, string][] =
    typeof input === 'string'
      ? [[undefined, input]]
      : Array.isArray(input)
        ? input.map((file) => [undefined, file] as [undefined, string])
        : Object.entries(input ?? {})
  const byName = new Map<string, string>()
  const files = new Set<string>()
  for (const [name, specifier] of pairs) {
    if (isVirtualId(specifier)) continue
    const file = path.resolve(cwd, splitQuery(specifier).file)
    files.add(file)
    byName.set(name ?? withoutExtension(path.basename(file)), file)
  }
  return { byName, files, baseDir: commonDir([...files].map((file) => path.dirname(file))) ?? cwd }
}

/**
 * A stable entry name: the module's path relative to the entries' common folder (or `root`),
 * without extension; a file of an installed package becomes `vendor/<package>/<subpath>`.
 */
export function stableEntryName(identity: ModuleIdentity, baseDir: string, root: string): string {
  if (isInstalledPackage(identity) && identity.subpath) {
    return withoutExtension(`vendor/${identity.package.name}/${identity.subpath}`)
  }
  for (const base of [baseDir, root]) {
    const relative = path.relative(base, identity.file)
    if (!relative.startsWith('..') && !path.isAbsolute(relative)) return withoutExtension(toPosix(relative))
  }
  return withoutExtension(path.basename(identity.file))
}
