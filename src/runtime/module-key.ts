import path from 'node:path'
import { isInstalledPackage } from '../core/identity.ts'
import { displayPath } from '../core/paths.ts'
import type { ModuleIdentity } from '../core/types.ts'

/**
 * The key every copy of a module registers under, the same in every build and install:
 * `package/subpath` for a file of an installed package or of a package inside the project (its
 * name keeps two libraries' `src/state.ts` apart), otherwise the path relative to `root`.
 */
export function moduleKey(identity: ModuleIdentity, root: string): { module: string; version: string | undefined } {
  const pkg = identity.package
  if (pkg && identity.subpath && (isInstalledPackage(identity) || isInside(pkg.dir, root))) {
    return { module: `${pkg.name}/${identity.subpath}`, version: pkg.version }
  }
  return { module: displayPath(identity.realpath, root), version: undefined }
}

function isInside(dir: string, root: string): boolean {
  const relative = path.relative(root, dir)
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))
}
