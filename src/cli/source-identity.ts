import path from 'node:path'
import { IdentityResolver, isVirtualId, stripQuery, type ModuleIdentity } from './core.ts'

/** Shown for a package whose source file is gone: its version cannot be read. */
export const UNKNOWN_VERSION = 'unknown'

/**
 * The plugin's identity of a source named by a map: real path, package name, version and
 * subpath from the nearest package.json. A file no longer on disk falls back to what its path
 * says (`node_modules/<name>/` gives the package, with an unknown version).
 */
export class SourceIdentities {
  readonly #resolver = new IdentityResolver()
  readonly #cache = new Map<string, ModuleIdentity | null>()
  /** Sources whose files were missing, identified from their path alone. */
  readonly missing: Set<string> = new Set()

  identify(source: string): ModuleIdentity | null {
    let identity = this.#cache.get(source)
    if (identity === undefined) {
      identity = this.#compute(source)
      this.#cache.set(source, identity)
    }
    return identity
  }

  #compute(source: string): ModuleIdentity | null {
    if (isVirtualId(source) || !path.isAbsolute(stripQuery(source).file)) return null
    const identity = this.#resolver.identify(source)
    if (identity) return identity
    this.missing.add(source)
    return identityFromPath(source)
  }
}

function identityFromPath(id: string): ModuleIdentity {
  const { file, query } = stripQuery(id)
  const parts = file.split(/[\\/]/)
  const at = parts.lastIndexOf('node_modules')
  const nameLength = parts[at + 1]?.startsWith('@') ? 2 : 1
  if (at !== -1 && parts.length > at + nameLength + 1) {
    const name = parts.slice(at + 1, at + 1 + nameLength).join('/')
    const dir = parts.slice(0, at + 1 + nameLength).join(path.sep)
    const subpath = parts.slice(at + 1 + nameLength).join('/')
    return {
      id,
      file,
      query,
      realpath: file,
      package: { name, version: UNKNOWN_VERSION, dir, exports: undefined },
      subpath,
      key: `package:${name}/${subpath}`,
    }
  }
  return { id, file, query, realpath: file, package: undefined, subpath: undefined, key: `file:${file}` }
}
