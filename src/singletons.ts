import fs from 'node:fs'
import path from 'node:path'
import { createFilter } from '@rollup/pluginutils'
import { stripQuery, type ModuleIdentity, type PackageInfo } from './identity.ts'
import type { Pattern } from './options.ts'

/** One declared pattern, compiled; `label` is how messages name it. */
interface CompiledPattern {
  label: string
  matches: (identity: ModuleIdentity) => boolean
  /** An external import the pattern names: not bundled, so one instance at run time, but matched. */
  matchesExternal: (specifier: string) => boolean
  /**
   * A quick test on the raw id that lets through at least every module the pattern declares:
   * plain string work, run for each module id of an output before anything costlier.
   */
  mayMatch: (id: string) => boolean
}

export const MARKER_LABEL = '// @singleton'

/**
 * Decides which modules are declared singletons. A string is a path or glob relative to `root`
 * when it names something on disk or contains glob characters, otherwise a package specifier.
 */
export class SingletonMatcher {
  readonly patterns: readonly CompiledPattern[]

  constructor(patterns: readonly Pattern[], root: string) {
    this.patterns = patterns.map((pattern) => compile(pattern, root))
  }

  /** Whether some pattern may declare `id`: the cheap test that shortlists candidates. */
  mayDeclare(id: string): boolean {
    for (const pattern of this.patterns) if (pattern.mayMatch(id)) return true
    return false
  }

  /** Labels of the patterns that name this external import. */
  matchExternal(specifier: string): string[] {
    return this.patterns.filter((pattern) => pattern.matchesExternal(specifier)).map((pattern) => pattern.label)
  }

  /** Labels of the patterns that declare this module. */
  match(identity: ModuleIdentity): string[] {
    const labels: string[] = []
    for (const pattern of this.patterns) if (pattern.matches(identity)) labels.push(pattern.label)
    return labels
  }
}

function compile(pattern: Pattern, root: string): CompiledPattern {
  if (pattern instanceof RegExp) {
    const regexp = new RegExp(pattern.source, pattern.flags.replace('g', ''))
    return {
      label: String(pattern),
      matches: (m) => regexp.test(m.id) || regexp.test(m.realpath),
      matchesExternal: (specifier) => regexp.test(specifier),
      mayMatch: (id) => regexp.test(id),
    }
  }
  const specifier = pattern.trim()
  if (isPackageSpecifier(specifier, root)) return compilePackage(specifier, root)
  const filter = createFilter([specifier], null, { resolve: root })
  return {
    label: `'${specifier}'`,
    matches: (m) => filter(m.file) || filter(m.realpath),
    matchesExternal: (imported) => path.isAbsolute(imported) && filter(imported),
    mayMatch: literalFileName(specifier, filter),
  }
}

/**
 * The quick test for a glob: when its last segment is a plain file name (`src/state.ts`), ids
 * that do not end in it are rejected before the glob matcher runs.
 */
function literalFileName(specifier: string, filter: (id: string) => boolean): (id: string) => boolean {
  const last = specifier.split(/[\\/]/).pop() ?? ''
  if (last === '' || /[*?[\]{}!()]/.test(last)) return (id) => filter(stripQuery(id).file)
  const tail = `/${last}`
  return (id) => {
    const query = id.indexOf('?')
    const end = query === -1 ? id.length : query
    return id.startsWith(tail, end - tail.length) && filter(id.slice(0, end))
  }
}

export function isPackageSpecifier(specifier: string, root: string): boolean {
  if (/^[./\\]|^[a-zA-Z]:|[*?[\]{}!()]/.test(specifier)) return false
  if (fs.existsSync(path.resolve(root, specifier))) return false
  return /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(\/[^\s]+)?$/i.test(specifier)
}

function compilePackage(specifier: string, root: string): CompiledPattern {
  const parts = specifier.split('/')
  const nameLength = specifier.startsWith('@') ? 2 : 1
  const name = parts.slice(0, nameLength).join('/')
  const subpath = parts.slice(nameLength).join('/')
  const filesOfSubpath = new Map<PackageInfo, Set<string>>()
  // Installed copies live under node_modules/<name>/ (pnpm's store too); a workspace package
  // linked from the root resolves to its own folder, found through that link.
  const linked = realFolder(path.join(root, 'node_modules', name))
  const fileNames = subpath === '' ? undefined : subpathFileNames(subpath, linked)
  const inPackage = `[\\\\/]node_modules[\\\\/]${escapeRegExp(name)}[\\\\/]`
  const installed = new RegExp(
    fileNames
      ? `${inPackage}(?:.*[\\\\/])?(?:${fileNames.map(escapeRegExp).join('|')})(?:\\.[^\\\\/?#]*)?(?:[?#].*)?$`
      : inPackage,
  )
  const workspaceFolder = linked && !linked.split(path.sep).includes('node_modules') ? linked + path.sep : undefined
  return {
    label: `'${specifier}'`,
    mayMatch: (id) => installed.test(id) || (workspaceFolder !== undefined && id.startsWith(workspaceFolder)),
    matchesExternal: (imported) => imported === specifier || (subpath === '' && imported.startsWith(`${name}/`)),
    matches: (m) => {
      if (!m.package || m.package.name !== name || m.subpath === undefined) return false
      if (subpath === '') return true
      let files = filesOfSubpath.get(m.package)
      if (!files) {
        files = subpathFiles(m.package, subpath)
        filesOfSubpath.set(m.package, files)
      }
      return files.has(m.subpath)
    },
  }
}

const PROBED_EXTENSIONS = ['', '.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '/index.js', '/index.mjs', '/index.ts']

/** Files a `pkg/subpath` specifier can load: every target of its `exports` entry, or the file itself. */
function subpathFiles(pkg: PackageInfo, subpath: string): Set<string> {
  const files = new Set<string>()
  const exportsField = pkg.exports
  if (exportsField && typeof exportsField === 'object' && !Array.isArray(exportsField)) {
    const entry = (exportsField as Record<string, unknown>)[`./${subpath}`]
    for (const target of exportTargets(entry)) files.add(path.posix.normalize(target).replace(/^\.\//, ''))
  }
  for (const extension of PROBED_EXTENSIONS) files.add(subpath + extension)
  return files
}

function exportTargets(entry: unknown): string[] {
  if (typeof entry === 'string') return [entry]
  if (Array.isArray(entry)) return entry.flatMap(exportTargets)
  if (entry && typeof entry === 'object') return Object.values(entry).flatMap(exportTargets)
  return []
}

/**
 * Base names (without extension) a `pkg/subpath` specifier may load: the subpath's own, and the
 * targets of its `exports` entry in the install the root resolves. Narrows the native filter.
 */
function subpathFileNames(subpath: string, packageDir: string | undefined): string[] {
  const names = new Set([stem(subpath), 'index'])
  const manifest = packageDir ? readJson(path.join(packageDir, 'package.json')) : undefined
  const exportsField = manifest?.exports
  if (exportsField && typeof exportsField === 'object' && !Array.isArray(exportsField)) {
    for (const target of exportTargets((exportsField as Record<string, unknown>)[`./${subpath}`]))
      names.add(stem(target))
  }
  return [...names]
}

function stem(file: string): string {
  return path.posix.basename(file).replace(/\.[^.]*$/, '')
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>
  } catch {
    return undefined
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

function realFolder(folder: string): string | undefined {
  try {
    return fs.realpathSync.native(folder)
  } catch {
    return undefined
  }
}
