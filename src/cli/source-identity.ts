import path from 'node:path'
import { IdentityResolver, isVirtualId, splitQuery, type ModuleIdentity } from './core.ts'

/**
 * The plugin's identity resolver (real path, package name, version, export subpath from the
 * nearest package.json), with one addition for built folders audited elsewhere: a source the map
 * or the markers name but that is not on disk gets an identity from its path
 * (`node_modules/<name>/` gives the package, a pnpm store folder `.pnpm/<name>@<version>/` its
 * version, which is otherwise unknown; any other file is known by its path, a workspace package
 * by its folder).
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
    const version = parts[at - 2] === '.pnpm' ? pnpmVersionOf(parts[at - 1] as string, name) : undefined
    return {
      id,
      file,
      query,
      realpath: file,
      package: { name, version: version ?? 'unknown', dir, exports: undefined, mainFields: [], nameFrom: 'path' },
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

/**
 * The version in a pnpm store folder's name: `zod@4.6.5`, `@scope+name@1.2.3_peer@2.0.0`,
 * `name@1.0.0(peer@2.0.0)`; undefined when the folder is not the store's entry for `name`.
 */
function pnpmVersionOf(folder: string, name: string): string | undefined {
  const prefix = `${name.replace('/', '+')}@`
  if (!folder.startsWith(prefix)) return undefined
  const version = folder.slice(prefix.length).split(/[_(]/)[0] as string
  return version === '' ? undefined : version
}
