import fs from 'node:fs'
import path from 'node:path'

type ManifestRead =
  { status: 'ok'; manifest: Record<string, unknown> } | { status: 'missing' } | { status: 'unreadable'; reason: string }

/** Reads a package.json as a user's tools would: a byte-order mark is fine, `null` or `[]` is not. */
export function readManifest(file: string): ManifestRead {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return { status: 'missing' }
    return { status: 'unreadable', reason: `cannot be read (${code ?? String(error)})` }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return { status: 'unreadable', reason: 'is not valid JSON' }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return {
      status: 'unreadable',
      reason: `is ${parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`}, not an object`,
    }
  }
  return { status: 'ok', manifest: parsed as Record<string, unknown> }
}

/**
 * The top-level `name` of a package.json, read without parsing the rest: a package's manifest can
 * be hundreds of kilobytes (date-fns: 200 KB of `exports`), and only its name is wanted for a
 * package nobody declared. Undefined when the file is missing or the name is not a plain string
 * at the top level (the caller then reads the manifest whole, with its problems reported).
 */
export function manifestNameOf(file: string): string | undefined {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
  let depth = 0
  for (let at = 0; at < text.length; at++) {
    const char = text.charCodeAt(at)
    if (char === 0x22) {
      const end = stringEnd(text, at)
      if (end === -1) return undefined
      if (depth === 1 && text.slice(at + 1, end) === 'name') {
        let next = end + 1
        while (/\s/.test(text[next] ?? '')) next++
        if (text[next] === ':') {
          next++
          while (/\s/.test(text[next] ?? '')) next++
          if (text[next] !== '"') return undefined
          const valueEnd = stringEnd(text, next)
          if (valueEnd === -1) return undefined
          const value = JSON.parse(text.slice(next, valueEnd + 1)) as string
          return value === '' ? undefined : value
        }
      }
      at = end
    } else if (char === 0x7b || char === 0x5b) depth++
    else if (char === 0x7d || char === 0x5d) depth--
  }
  return undefined
}

/** Offset of the quote that closes the JSON string opened at `start`; -1 when it never closes. */
function stringEnd(text: string, start: number): number {
  for (let at = start + 1; at < text.length; at++) {
    const char = text.charCodeAt(at)
    if (char === 0x5c) at++
    else if (char === 0x22) return at
  }
  return -1
}

/** The package name a folder is installed under: `node_modules/<name>` or `node_modules/@scope/<name>`. */
export function installedNameOf(dir: string): string | undefined {
  const folder = installFolderOf(dir)
  return folder === dir
    ? folder.slice(folder.lastIndexOf('node_modules') + 'node_modules/'.length).replace(/\\/g, '/')
    : undefined
}

/**
 * The install folder (`node_modules/<name>` or `node_modules/@scope/<name>`) that holds `file`, or
 * is it; undefined outside an install (a pnpm store's `node_modules/.pnpm/x@1` is none).
 */
export function installFolderOf(file: string): string | undefined {
  const at = Math.max(file.lastIndexOf('/node_modules/'), file.lastIndexOf('\\node_modules\\'))
  if (at === -1) return undefined
  const separator = file[at] as string
  const start = at + '/node_modules/'.length
  // Read on every id of a build that declares a package: index work, no arrays.
  const first = file.indexOf(separator, start)
  const firstEnd = first === -1 ? file.length : first
  if (firstEnd === start || file[start] === '.') return undefined
  if (file[start] !== '@') return file.slice(0, firstEnd)
  if (first === -1) return undefined
  const second = file.indexOf(separator, first + 1)
  const secondEnd = second === -1 ? file.length : second
  return secondEnd === first + 1 ? undefined : file.slice(0, secondEnd)
}

/** The part of a path that says it lies in an install of `folder`: `/node_modules/<folder>/`. */
export function installSegmentOf(folder: string): string {
  return `${path.sep}node_modules${path.sep}${folder.split('/').join(path.sep)}${path.sep}`
}

/** How deep an `exports` value may nest before it is taken as broken metadata. */
const MAX_EXPORTS_DEPTH = 32

interface ExportTargets {
  targets: string[]
  /** Set when the value nests deeper than any real package does, or refers to itself. */
  problem: string | undefined
}

/** Every file an `exports` value can resolve to, under any condition; bounded and cycle-safe. */
export function exportTargets(value: unknown): ExportTargets {
  const targets: string[] = []
  const seen = new Set<object>()
  let problem: string | undefined
  const visit = (entry: unknown, depth: number): void => {
    if (typeof entry === 'string') {
      targets.push(entry)
      return
    }
    if (entry === null || typeof entry !== 'object') return
    if (depth > MAX_EXPORTS_DEPTH) {
      problem ??= `its \`exports\` nest deeper than ${MAX_EXPORTS_DEPTH} levels`
      return
    }
    if (seen.has(entry)) {
      problem ??= 'its `exports` refer to themselves'
      return
    }
    seen.add(entry)
    for (const child of Array.isArray(entry) ? entry : Object.values(entry)) visit(child, depth + 1)
    seen.delete(entry)
  }
  visit(value, 0)
  return { targets, problem }
}

/** The `exports` entries by subpath (`.`, `./store`, `./*`); a bare target or conditions object is `.`. */
export function exportEntries(exportsField: unknown): [string, unknown][] {
  if (exportsField === undefined || exportsField === null) return []
  if (typeof exportsField === 'string' || Array.isArray(exportsField)) return [['.', exportsField]]
  if (typeof exportsField !== 'object') return []
  const entries = Object.entries(exportsField as Record<string, unknown>)
  if (entries.some(([key]) => key.startsWith('.'))) return entries.filter(([key]) => key.startsWith('.'))
  return [['.', exportsField]]
}

/** A target as a subpath of the package folder: `./dist/x.js` -> `dist/x.js`. */
export function normaliseTarget(target: string): string {
  return path.posix.normalize(target.replace(/\\/g, '/')).replace(/^\.\//, '').replace(/\/+$/, '')
}

/** Which export subpath loads a file of one package: built once per package, asked per file. */
export interface ExportIndex {
  subpathOf(fileSubpath: string): string | undefined
  /** Set when the package's `exports` could only be read in part. */
  problem: string | undefined
}

/**
 * Indexes a package's `exports` (every target under every condition, wildcards included) or,
 * without `exports`, its `main`/`module` fields and the subpaths Node would load files by.
 */
export function indexExports(exportsField: unknown, mainFields: readonly string[]): ExportIndex {
  const entries = exportEntries(exportsField)
  if (entries.length === 0) {
    const mains = new Set(
      mainFields.flatMap((field) => PROBED_SUFFIXES.map((suffix) => normaliseTarget(field) + suffix)),
    )
    return {
      problem: undefined,
      // Without `exports`, `pkg/store` loads `store.js` (or `store/index.js`): the subpath is the file's.
      subpathOf: (file) =>
        mains.has(file) ? '.' : `./${file.replace(/\.(?:[cm]?js|json)$/, '').replace(/\/index$/, '')}`,
    }
  }
  const exact = new Map<string, string>()
  const wildcards: { before: string; after: string; key: string }[] = []
  let problem: string | undefined
  for (const [key, value] of entries) {
    const found = exportTargets(value)
    problem ??= found.problem
    for (const raw of found.targets) {
      const target = normaliseTarget(raw)
      const star = target.indexOf('*')
      if (!key.includes('*')) {
        if (!exact.has(target)) exact.set(target, key)
      } else if (star !== -1) {
        wildcards.push({ before: target.slice(0, star), after: target.slice(star + 1), key })
      }
    }
  }
  return {
    problem,
    subpathOf(file) {
      const direct = exact.get(file)
      if (direct !== undefined) return direct
      for (const { before, after, key } of wildcards) {
        if (file.length >= before.length + after.length && file.startsWith(before) && file.endsWith(after)) {
          return key.replace('*', file.slice(before.length, file.length - after.length))
        }
      }
      return undefined
    },
  }
}

const PROBED_SUFFIXES = ['', '.js', '.mjs', '.cjs', '.json', '/index.js', '/index.mjs', '/index.cjs']

/** Folders the root's npm aliases install `name` under (`"shared-state-v1": "npm:shared-state@1"`). */
export function aliasFoldersOf(name: string, root: string): string[] {
  const read = readManifest(path.join(root, 'package.json'))
  if (read.status !== 'ok') return []
  const aliases: string[] = []
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
    const deps = read.manifest[field]
    if (!deps || typeof deps !== 'object') continue
    for (const [folder, range] of Object.entries(deps as Record<string, unknown>)) {
      if (typeof range === 'string' && range.startsWith(`npm:${name}@`) && folder !== name) aliases.push(folder)
    }
  }
  return aliases
}
