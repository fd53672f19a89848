import { isInstalledPackage } from '../core/identity.ts'
import { displayPath, isInside } from '../core/paths.ts'
import type { ModuleIdentity } from '../core/types.ts'

/**
 * The key every copy of a module registers under, the same in every build and install:
 * `package/subpath` for a file of an installed package or of a package inside the project (its
 * name keeps two libraries' `src/state.ts` apart), otherwise the path relative to `root`. The
 * subpath is the one the package's `exports` (or `main`) load the file by, so installs that ship
 * the module under other file names (`lib/index.js`, `dist/index.mjs`) still meet.
 */
export function moduleKey(identity: ModuleIdentity, root: string): { module: string; version: string | undefined } {
  const pkg = identity.package
  if (pkg && identity.subpath && (isInstalledPackage(identity) || isInside(pkg.dir, root))) {
    // The subpath a consumer imports it by: from `exports`, or `main` for the package itself.
    const exported = pkg.exports !== undefined || identity.exportSubpath === '.' ? identity.exportSubpath : undefined
    const subpath = exported === undefined ? `/${identity.subpath}` : exported === '.' ? '' : exported.slice(1)
    return { module: `${pkg.name}${subpath}`, version: pkg.version }
  }
  return { module: displayPath(identity.realpath, root), version: undefined }
}
