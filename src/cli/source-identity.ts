import path from 'node:path'
import { IdentityResolver, isVirtualId, splitQuery, type ModuleIdentity } from './core.ts'

/**
 * The plugin's identity resolver (real path, package name, version, export subpath from the
 * nearest package.json), with one addition for built folders audited elsewhere: a source the map
 * names but that is no longer on disk gets an identity from its path (`node_modules/<name>/`
 * gives the package; its version is unknown).
 */
export class AuditResolver extends IdentityResolver {
  /** Sources whose files were missing, identified from their path alone. */
  readonly missing: Set<string> = new Set()
  readonly #fallbacks = new Map<string, ModuleIdentity | null>()

  override identify(id: string): ModuleIdentity | null {
    return super.identify(id) ?? this.#fallback(id)
  }

  override locate(id: string): ModuleIdentity | null {
    return super.locate(id) ?? this.#fallback(id)
  }

  #fallback(id: string): ModuleIdentity | null {
    let identity = this.#fallbacks.get(id)
    if (identity === undefined) {
      identity = isVirtualId(id) || !path.isAbsolute(splitQuery(id).file) ? null : identityFromPath(id)
      if (identity) this.missing.add(id)
      this.#fallbacks.set(id, identity)
    }
    return identity
  }
}

function identityFromPath(id: string): ModuleIdentity {
  const { file, query } = splitQuery(id)
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
      package: { name, version: 'unknown', dir, exports: undefined, mainFields: [], nameFrom: 'folder' },
      subpath,
      exportSubpath: undefined,
      key: `package:${name}/${subpath}`,
      installKey: `install:${dir}/${subpath}`,
    }
  }
  const key = `file:${file}`
  return {
    id,
    file,
    query,
    realpath: file,
    package: undefined,
    subpath: undefined,
    exportSubpath: undefined,
    key,
    installKey: key,
  }
}
