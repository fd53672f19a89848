import path from 'node:path'
import {
  indexExports,
  installedNameOf,
  installFolderOf,
  manifestNameOf,
  readManifest,
  type ExportIndex,
} from './manifest.ts'
import { displayPath, isVirtualId, realpathOrNull, splitQuery, toPosix } from './paths.ts'
import type { MetadataProblem, ModuleIdentity, PackageInfo } from './types.ts'

/**
 * Resolves what module an id is, from the file system alone (no bundler needed), with caches that
 * live as long as the resolver, so a watch rebuild only pays for ids it has not seen.
 */
export class IdentityResolver {
  readonly #identities = new Map<string, ModuleIdentity | null>()
  readonly #locations = new Map<string, ModuleIdentity | null>()
  readonly #packageOfDir = new Map<string, PackageInfo | null>()
  readonly #exportIndexes = new Map<string, ExportIndex>()
  readonly #problems = new Map<string, MetadataProblem>()
  readonly #reported = new Set<string>()
  readonly #realDirs = new Map<string, string | null>()
  readonly #installNames = new Map<string, string | null>()
  /** Ids may be symlinked files themselves (symlinked paths kept as ids): each file is resolved. */
  #fileLinks = false

  /**
   * The host keeps symlinked paths as ids (`resolve.symlinks: false`, Rollup's `preserveSymlinks`)
   * or the ids come from elsewhere (a source map): every file is resolved on its own. Otherwise
   * the bundler resolved each file's own link already, and a folder is resolved once for all the
   * files in it (what a plugin's id may still hold is a linked folder).
   */
  resolveFileLinks(): void {
    this.#fileLinks = true
  }

  /**
   * A cheap identity that trusts the id's own path (no symlink resolved), good enough to test
   * patterns; `null` for virtual modules and ids that are not absolute paths.
   */
  locate(id: string): ModuleIdentity | null {
    let location = this.#locations.get(id)
    if (location === undefined) {
      location = this.#compute(id, false)
      this.#locations.set(id, location)
    }
    return location
  }

  /** The full identity, symlinks resolved; `null` for virtual modules and ids that are not files. */
  identify(id: string): ModuleIdentity | null {
    let identity = this.#identities.get(id)
    if (identity === undefined) {
      // Located already, in a folder that is no link: the same identity, no second computation.
      const located = this.#fileLinks ? undefined : this.#locations.get(id)
      identity = located && this.#realpathOf(located.file) === located.file ? located : this.#compute(id, true)
      this.#identities.set(id, identity)
    }
    return identity
  }

  /** The package a folder belongs to (the folder itself or the nearest one above it). */
  packageOf(dir: string): PackageInfo | null {
    const cached = this.#packageOfDir.get(dir)
    if (cached !== undefined) return cached
    const installedName = installedNameOf(dir)
    // Inside an installed package, only its install folder starts a package: a subfolder's own
    // named manifest (preact's `hooks/package.json`) is part of the package it ships in, so no
    // folder below the install folder is read at all.
    if (!installedName && installFolderOf(dir) !== undefined) {
      const parent = path.dirname(dir)
      const found = parent === dir ? null : this.packageOf(parent)
      this.#packageOfDir.set(dir, found)
      return found
    }
    const manifestFile = path.join(dir, 'package.json')
    const read = readManifest(manifestFile)
    const manifest = read.status === 'ok' ? read.manifest : undefined
    let found: PackageInfo | null
    if (manifest && typeof manifest.name === 'string' && manifest.name !== '') {
      found = packageInfo(dir, manifest.name, manifest, 'manifest')
    } else if (installedName && read.status !== 'missing') {
      if (read.status === 'unreadable') this.#problem(manifestFile, read.reason)
      else if (manifest && manifest.name !== undefined) this.#problem(manifestFile, 'has a `name` that is not a string')
      found = packageInfo(dir, installedName, manifest, 'folder')
    } else {
      const parent = path.dirname(dir)
      found = parent === dir ? null : this.packageOf(parent)
    }
    this.#packageOfDir.set(dir, found)
    return found
  }

  /**
   * The name of the package installed in the install folder holding `file`
   * (`node_modules/<folder>`), read from its manifest: an npm alias installs a package under
   * another folder name. One manifest read per install folder.
   */
  installedPackageNameOf(file: string): string | undefined {
    const folder = installFolderOf(file)
    if (folder === undefined || folder === file) return undefined
    let name = this.#installNames.get(folder)
    if (name === undefined) {
      // The package's full record when something read it already; else its name alone.
      const known = this.#packageOfDir.get(folder)
      name =
        (known === undefined ? manifestNameOf(path.join(folder, 'package.json')) : known?.name) ??
        this.packageOf(folder)?.name ??
        null
      this.#installNames.set(folder, name)
    }
    return name ?? undefined
  }

  /** Metadata problems met since the last call, each reported once per resolver. */
  takeProblems(): MetadataProblem[] {
    const fresh = [...this.#problems.values()].filter((problem) => !this.#reported.has(problem.file))
    for (const problem of fresh) this.#reported.add(problem.file)
    return fresh
  }

  /** Forget what was cached for a file that changed on disk. */
  forget(file: string): void {
    this.#realDirs.clear()
    for (const cache of [this.#identities, this.#locations]) {
      for (const [id, identity] of cache) {
        if (identity && (identity.file === file || identity.realpath === file)) cache.delete(id)
      }
    }
    if (path.basename(file) === 'package.json') {
      this.#packageOfDir.clear()
      this.#installNames.clear()
      this.#exportIndexes.clear()
      this.#identities.clear()
      this.#locations.clear()
    }
  }

  #problem(file: string, reason: string): void {
    if (!this.#problems.has(file)) this.#problems.set(file, { file, reason })
  }

  #compute(id: string, resolveLinks: boolean): ModuleIdentity | null {
    if (isVirtualId(id)) return null
    const { file, query } = splitQuery(id)
    if (!path.isAbsolute(file)) return null
    const realpath = resolveLinks ? this.#realpathOf(file) : file
    if (realpath === null) return null
    const pkg = this.packageOf(path.dirname(realpath))
    if (!pkg) {
      const key = `file:${realpath}`
      return {
        id,
        file,
        query,
        realpath,
        package: undefined,
        subpath: undefined,
        exportSubpath: undefined,
        key,
        installKey: key,
      }
    }
    const subpath = toPosix(
      realpath.startsWith(pkg.dir) && realpath[pkg.dir.length] === path.sep
        ? realpath.slice(pkg.dir.length + 1)
        : path.relative(pkg.dir, realpath),
    )
    const exportSubpath = this.#exportSubpathOf(pkg, subpath)
    const moduleKey = exportSubpath === undefined ? subpath : exportSubpath
    return {
      id,
      file,
      query,
      realpath,
      package: pkg,
      subpath,
      exportSubpath,
      key: `package:${pkg.name}/${moduleKey}`,
      installKey: `install:${pkg.dir}/${moduleKey}`,
    }
  }

  #realpathOf(file: string): string | null {
    if (this.#fileLinks) return realpathOrNull(file)
    const dir = path.dirname(file)
    let real = this.#realDirs.get(dir)
    if (real === undefined) this.#realDirs.set(dir, (real = realpathOrNull(dir)))
    return real === null ? null : real === dir ? file : path.join(real, path.basename(file))
  }

  #exportSubpathOf(pkg: PackageInfo, subpath: string): string | undefined {
    let index = this.#exportIndexes.get(pkg.dir)
    if (!index) {
      index = indexExports(pkg.exports, pkg.mainFields)
      if (index.problem) this.#problem(path.join(pkg.dir, 'package.json'), index.problem)
      this.#exportIndexes.set(pkg.dir, index)
    }
    return index.subpathOf(subpath)
  }
}

function packageInfo(
  dir: string,
  name: string,
  manifest: Record<string, unknown> | undefined,
  nameFrom: PackageInfo['nameFrom'],
): PackageInfo {
  // `browser` as a string replaces `main` for browser builds: the same module by another file.
  const mainFields = [manifest?.main, manifest?.module, manifest?.browser].filter(
    (field): field is string => typeof field === 'string',
  )
  return {
    name,
    version: typeof manifest?.version === 'string' ? manifest.version : 'unknown',
    dir,
    exports: manifest?.exports,
    mainFields: mainFields.length > 0 ? mainFields : manifest ? ['index.js'] : [],
    nameFrom,
  }
}

/** How two ids of one real file differ, for the diagnosis. */
export function twinIdKind(a: ModuleIdentity, b: ModuleIdentity): 'query' | 'case' | 'symlink' | 'same' {
  if (a.id === b.id) return 'same'
  if (a.query !== b.query) return 'query'
  if (a.file.toLowerCase() === b.file.toLowerCase()) return 'case'
  return 'symlink'
}

/** A file of a package installed under node_modules (not a workspace package of the project). */
export function isInstalledPackage(identity: ModuleIdentity): identity is ModuleIdentity & { package: PackageInfo } {
  return identity.package !== undefined && identity.package.dir.split(/[\\/]/).includes('node_modules')
}

/**
 * How messages name a module: a root-relative path for project files, `name/subpath` for a file
 * of an installed package (`name@version/subpath` with `withVersion`, to tell installs apart).
 */
export function displayModule(identity: ModuleIdentity, root: string, withVersion = false): string {
  if (isInstalledPackage(identity)) {
    const version = withVersion ? `@${identity.package.version}` : ''
    return `${identity.package.name}${version}/${identity.subpath}${withVersion ? identity.query : ''}`
  }
  return displayPath(withVersion ? identity.id : identity.realpath, root)
}

/** An id in a message: `name@version/subpath` for installed packages, a root-relative path otherwise. */
export function displayId(id: string, root: string, resolver: IdentityResolver): string {
  const location = resolver.locate(id)
  return location ? displayModule(location, root, true) : displayPath(id, root)
}
