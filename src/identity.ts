import fs from 'node:fs'
import path from 'node:path'

/** A package that holds a module: read from the nearest package.json that has a name. */
export interface PackageInfo {
  name: string
  version: string
  /** Real path of the package folder. */
  dir: string
  /** `exports` field, kept to match `pkg/subpath` specifiers. */
  exports: unknown
}

/** What "the same module" means for one module id. */
export interface ModuleIdentity {
  /** The id as the bundler knows it. */
  id: string
  /** The id without its query (`?worker`) or hash. */
  file: string
  query: string
  /** The file with every symlink resolved. */
  realpath: string
  package: PackageInfo | undefined
  /** Path inside the package folder, with forward slashes. */
  subpath: string | undefined
  /**
   * Equal keys mean one module: one real file, or one file of a package at the same subpath
   * (two installs of a package are the same module at two versions).
   */
  key: string
}

export function isVirtualId(id: string): boolean {
  return id.startsWith('\0') || id.includes('\0')
}

export function stripQuery(id: string): { file: string; query: string } {
  const cut = id.search(/[?#]/)
  return cut === -1 ? { file: id, query: '' } : { file: id.slice(0, cut), query: id.slice(cut) }
}

/**
 * Base names of the singletons' files, to shortlist ids that may be their twins. `mayName` runs
 * for every module id of a build, so it rejects on length before doing any string work.
 */
export class BaseNames {
  readonly #names = new Set<string>()
  #test: RegExp | undefined

  get size(): number {
    return this.#names.size
  }

  add(file: string): void {
    const name = baseNameOf(file)
    if (this.#names.has(name)) return
    this.#names.add(name)
    const alternatives = [...this.#names].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    // One precompiled expression: matched in native code, even before the JIT warms up.
    this.#test = new RegExp(`(?:^|[\\\\/])(?:${alternatives.join('|')})(?:[?#]|$)`, 'i')
  }

  mayName(id: string): boolean {
    return this.#test !== undefined && this.#test.test(id)
  }
}

/**
 * Lower-cased base name of an id without its query or hash.
 */
export function baseNameOf(id: string): string {
  let end = id.length
  const query = id.indexOf('?')
  if (query !== -1) end = query
  const hash = id.indexOf('#')
  if (hash !== -1 && hash < end) end = hash
  const start = Math.max(id.lastIndexOf('/', end - 1), id.lastIndexOf('\\', end - 1)) + 1
  return id.slice(start, end).toLowerCase()
}

/**
 * Resolves identities with caches that live as long as the plugin instance, so a rebuild
 * in watch mode only pays for ids it has not seen.
 */
export class IdentityResolver {
  readonly #identities = new Map<string, ModuleIdentity | null>()
  readonly #locations = new Map<string, ModuleIdentity | null>()
  readonly #packageOfDir = new Map<string, PackageInfo | null>()

  /**
   * A cheap identity that trusts the id's own path (no realpath), good enough to test patterns;
   * `null` for virtual modules and ids that are not absolute paths.
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
      identity = this.#compute(id, true)
      this.#identities.set(id, identity)
    }
    return identity
  }

  /** Forget what was cached for a file that changed on disk. */
  forget(file: string): void {
    for (const cache of [this.#identities, this.#locations]) {
      for (const [id, identity] of cache) {
        if (identity && (identity.file === file || identity.realpath === file)) cache.delete(id)
      }
    }
  }

  #compute(id: string, resolveLinks: boolean): ModuleIdentity | null {
    if (isVirtualId(id)) return null
    const { file, query } = stripQuery(id)
    if (!path.isAbsolute(file)) return null
    let realpath = file
    if (resolveLinks) {
      try {
        realpath = fs.realpathSync.native(file)
      } catch {
        return null
      }
    }
    const pkg = this.#packageOf(path.dirname(realpath))
    const subpath = pkg ? path.relative(pkg.dir, realpath).split(path.sep).join('/') : undefined
    const key = pkg && subpath ? `package:${pkg.name}/${subpath}` : `file:${realpath}`
    return { id, file, query, realpath, package: pkg ?? undefined, subpath, key }
  }

  #packageOf(dir: string): PackageInfo | null {
    const cached = this.#packageOfDir.get(dir)
    if (cached !== undefined) return cached
    let found: PackageInfo | null = null
    const manifest = readManifest(path.join(dir, 'package.json'))
    if (manifest && typeof manifest.name === 'string') {
      found = {
        name: manifest.name,
        version: typeof manifest.version === 'string' ? manifest.version : '0.0.0',
        dir,
        exports: manifest.exports,
      }
    } else {
      const parent = path.dirname(dir)
      found = parent === dir ? null : this.#packageOf(parent)
    }
    this.#packageOfDir.set(dir, found)
    return found
  }
}

function readManifest(file: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'))
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null
  } catch {
    return null
  }
}

/** How two ids of one real file differ, for the diagnosis. */
export function twinIdKind(a: ModuleIdentity, b: ModuleIdentity): 'query' | 'case' | 'symlink' | 'same' {
  if (a.id === b.id) return 'same'
  if (a.query !== b.query) return 'query'
  if (a.file.toLowerCase() === b.file.toLowerCase()) return 'case'
  return 'symlink'
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

/** A file of a package installed under node_modules (not the project's own package). */
export function isInstalledPackage(identity: ModuleIdentity): identity is ModuleIdentity & { package: PackageInfo } {
  return identity.package !== undefined && identity.package.dir.split(path.sep).includes('node_modules')
}

/** An id in a message: `name@version/subpath` for installed packages, a root-relative path otherwise. */
export function displayId(id: string, root: string, resolver: IdentityResolver): string {
  const location = resolver.locate(id)
  return location ? displayModule(location, root, true) : displayPath(id, root)
}

export function displayPath(id: string, root: string): string {
  if (isVirtualId(id)) return id.replace(/\0/g, '\\0')
  const { file, query } = stripQuery(id)
  if (!path.isAbsolute(file)) return id
  const relative = path.relative(root, file).split(path.sep).join('/')
  return (relative === '' ? '.' : relative) + query
}
