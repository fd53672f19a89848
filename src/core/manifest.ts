import fs from 'node:fs'
import path from 'node:path'

export type ManifestRead =
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

/** The package name a folder is installed under: `node_modules/<name>` or `node_modules/@scope/<name>`. */
export function installedNameOf(dir: string): string | undefined {
  const parts = dir.split(/[\\/]/)
  const last = parts.length - 1
  if (parts[last - 1] === 'node_modules' && parts[last] && !parts[last].startsWith('@')) return parts[last]
  if (parts[last - 2] === 'node_modules' && parts[last - 1]?.startsWith('@') && parts[last]) {
    return `${parts[last - 1]}/${parts[last]}`
  }
  return undefined
}

/** How deep an `exports` value may nest before it is taken as broken metadata. */
const MAX_EXPORTS_DEPTH = 32

export interface ExportTargets {
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
  return path.posix.normalize(target.replace(/\\/g, '/')).replace(/^\.\//, '')
}

/**
 * The export subpath (`.`, `./store`) that loads `fileSubpath` under some condition, or, for a
 * package without `exports`, `.` when `main`/`module` names it. Wildcard entries (`./*`) count.
 */
export function exportSubpathOf(
  exportsField: unknown,
  mainFields: readonly string[],
  fileSubpath: string,
): { subpath: string | undefined; problem: string | undefined } {
  const compiled = compiledExports(exportsField)
  if (compiled.entries === 0) {
    const main = mainFields.some((field) => sameModuleFile(normaliseTarget(field), fileSubpath))
    return { subpath: main ? '.' : undefined, problem: undefined }
  }
  // The first entry (in `exports` order) that loads the file wins, as a scan of the entries would find it.
  const exact = compiled.exact.get(fileSubpath)
  let found: { index: number; subpath: string } | undefined = exact
  for (const wildcard of compiled.wildcards) {
    if (found && wildcard.index >= found.index) break
    const { before, after } = wildcard
    if (
      fileSubpath.startsWith(before) &&
      fileSubpath.endsWith(after) &&
      fileSubpath.length >= before.length + after.length
    ) {
      const middle = fileSubpath.slice(before.length, fileSubpath.length - after.length)
      found = { index: wildcard.index, subpath: wildcard.key.replace('*', middle) }
    }
  }
  const last = found?.index ?? Number.POSITIVE_INFINITY
  const problem = compiled.problem && compiled.problem.index <= last ? compiled.problem.text : undefined
  return { subpath: found?.subpath, problem }
}

interface CompiledExports {
  entries: number
  /** Normalised target -> the first entry that names it. */
  exact: Map<string, { index: number; subpath: string }>
  /** Targets of wildcard entries, in `exports` order. */
  wildcards: { index: number; key: string; before: string; after: string }[]
  problem: { index: number; text: string } | undefined
}

/**
 * An `exports` value read once per package: a package such as date-fns has thousands of entries,
 * and every one of its bundled files asks for its subpath.
 */
const compiledByField = new WeakMap<object, CompiledExports>()

function compiledExports(exportsField: unknown): CompiledExports {
  const cacheable = typeof exportsField === 'object' && exportsField !== null
  const cached = cacheable ? compiledByField.get(exportsField) : undefined
  if (cached) return cached
  const entries = exportEntries(exportsField)
  const compiled: CompiledExports = { entries: entries.length, exact: new Map(), wildcards: [], problem: undefined }
  entries.forEach(([key, value], index) => {
    const found = exportTargets(value)
    if (found.problem && !compiled.problem) compiled.problem = { index, text: found.problem }
    for (const raw of found.targets) {
      const target = normaliseTarget(raw)
      if (!key.includes('*')) {
        if (!compiled.exact.has(target)) compiled.exact.set(target, { index, subpath: key })
        continue
      }
      const star = target.indexOf('*')
      if (star !== -1)
        compiled.wildcards.push({ index, key, before: target.slice(0, star), after: target.slice(star + 1) })
    }
  })
  if (cacheable) compiledByField.set(exportsField, compiled)
  return compiled
}

const PROBED_SUFFIXES = ['', '.js', '.mjs', '.cjs', '.json', '/index.js', '/index.mjs', '/index.cjs']

/** `main: "lib/index"` names `lib/index.js`: the resolution Node applies to main fields. */
function sameModuleFile(target: string, fileSubpath: string): boolean {
  return PROBED_SUFFIXES.some((suffix) => target + suffix === fileSubpath)
}
