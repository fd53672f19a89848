import fs from 'node:fs'
import path from 'node:path'
import type * as EsModuleLexer from 'es-module-lexer'
import type Picomatch from 'picomatch'
import { loadOnUse } from './load-on-use.ts'
import { folderIdFilter, globIdFilter, installIdFilter, pathIdFilter } from './native-filter.ts'
import {
  aliasFoldersOf,
  exportEntries,
  exportTargets,
  installSegmentOf,
  normaliseTarget,
  readManifest,
} from './manifest.ts'
import { isFile, realpathOrNull, toPosix } from './paths.ts'
import type { Declaration, DeclarationScope, ModuleIdentity, PackageInfo, Pattern } from './types.ts'

// Only glob patterns need it.
const picomatch = loadOnUse<typeof Picomatch>('picomatch')
// Only `pkg/subpath` patterns need it, for the files an export re-exports.
const esModuleLexer = loadOnUse<typeof EsModuleLexer>('es-module-lexer')

export const MARKER_LABEL = '// @singleton'

/** One declared pattern, compiled once. */
interface CompiledPattern {
  label: string
  scope: DeclarationScope
  matches: (identity: ModuleIdentity) => boolean
  /** An external import the pattern names: not bundled, so one instance at run time, but matched. */
  matchesExternal: (specifier: string) => boolean
  /** The module key every match shares, for patterns that name one module of a package. */
  key?: string
  /** The package a package pattern names. */
  packageName?: string
  /** A superset of the modules it declares, as expressions rolldown tests natively (`filter.id`). */
  idFilters: RegExp[]
  /**
   * A quick test on a file path that lets through at least every module the pattern declares:
   * plain string work, run for each module id of an output before anything costlier.
   */
  mayMatch: (file: string) => boolean
}

/** A pattern that cannot be used as written: the message says why. */
export class PatternError extends Error {}

/**
 * Which modules are declared singletons. A string is a path when it names something on disk
 * (matched literally, even with `[id]` in it), a glob when it has glob characters, otherwise a
 * package specifier (`shared-state`, `@scope/pkg/sub`).
 */
export class SingletonMatcher {
  readonly patterns: readonly CompiledPattern[]
  /** Packages the patterns name, for installs whose folder has another name (npm aliases). */
  readonly packageNames: ReadonlySet<string>

  constructor(patterns: readonly Pattern[], root: string) {
    this.patterns = patterns.map((pattern) => compile(pattern, root))
    this.packageNames = new Set(this.patterns.flatMap((pattern) => (pattern.packageName ? [pattern.packageName] : [])))
  }

  /** Whether some pattern may declare the module at `file`: the cheap test that shortlists candidates. */
  mayDeclare(file: string): boolean {
    for (const pattern of this.patterns) if (pattern.mayMatch(file)) return true
    return false
  }

  /** Labels of the patterns that name this external import. */
  matchExternal(specifier: string): string[] {
    return this.patterns.filter((pattern) => pattern.matchesExternal(specifier)).map((pattern) => pattern.label)
  }

  /** The declarations of this module. */
  match(identity: ModuleIdentity): Declaration[] {
    const found: Declaration[] = []
    for (const pattern of this.patterns) {
      if (!pattern.matches(identity)) continue
      const { label, scope, key } = pattern
      found.push(key === undefined ? { label, scope } : { label, scope, key })
    }
    return found
  }
}

/** Throws a PatternError for a pattern that is not usable; otherwise compiles it. */
function compile(pattern: Pattern, root: string): CompiledPattern {
  if (pattern instanceof RegExp) {
    const regexp = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''))
    return {
      label: String(pattern),
      scope: 'module',
      matches: (m) => regexp.test(m.id) || regexp.test(m.realpath),
      matchesExternal: (specifier) => regexp.test(specifier),
      mayMatch: (file) => regexp.test(file),
      idFilters: [regexp],
    }
  }
  const specifier = pattern.trim()
  const label = `'${specifier}'`
  const onDisk = path.resolve(root, specifier)
  if (fs.existsSync(onDisk)) return compileFile(label, onDisk)
  if (isPackageSpecifier(specifier)) return compilePackage(label, specifier, root)
  return compileGlob(label, specifier, root)
}

function compileFile(label: string, file: string): CompiledPattern {
  const isFolder = fs.statSync(file).isDirectory()
  // Module ids are real paths where the bundler resolves symlinks: a root reached through a
  // symlink (a linked home folder, macOS's /tmp) must still match.
  const spellings = [...new Set([file, realpathOrNull(file) ?? file])]
  const test = isFolder
    ? (candidate: string) => spellings.some((spelling) => candidate.startsWith(spelling + path.sep))
    : (candidate: string) => spellings.includes(candidate)
  return {
    label,
    scope: 'module',
    matches: (m) => test(m.file) || test(m.realpath),
    matchesExternal: (imported) => path.isAbsolute(imported) && test(imported),
    mayMatch: (candidate) => test(candidate),
    idFilters: spellings.map((spelling) => pathIdFilter(spelling, isFolder)),
  }
}

function compileGlob(label: string, written: string, root: string): CompiledPattern {
  // An absolute glob under the root (`path.join(__dirname, 'src/*.ts')`) is read relative to it,
  // so the root's own characters (`app (1)`, `[old]`) are never glob syntax.
  const glob =
    path.isAbsolute(written) && written.startsWith(root + path.sep) ? written.slice(root.length + 1) : written
  // A relative glob is matched against root-relative paths, so characters in the root's own
  // path (`[`, `(`) are never read as glob syntax.
  const relative = !path.isAbsolute(glob) && !glob.startsWith('..')
  const posixGlob = (relative ? glob.replace(/^\.\//, '') : path.resolve(root, glob)).split(path.sep).join('/')
  let test: (file: string) => boolean
  try {
    test = picomatch()(posixGlob, { strictBrackets: true, dot: true, windows: false })
  } catch (error) {
    throw new PatternError(`${label} is not a valid glob: ${(error as Error).message}`)
  }
  const folders = relative ? [...new Set([root, realpathOrNull(root) ?? root])].map((dir) => dir + path.sep) : ['']
  const throughLinks = relative ? linkedFolders(posixGlob, root) : []
  const matchFile = (file: string) => {
    for (const folder of folders) {
      if (!file.startsWith(folder)) continue
      const candidate = file.slice(folder.length)
      if (test(path.sep === '/' ? candidate : candidate.split(path.sep).join('/'))) return true
    }
    for (const { folder, rest } of throughLinks) {
      if (file.startsWith(folder) && rest(toPosix(file.slice(folder.length)))) return true
    }
    return false
  }
  return {
    label,
    scope: 'module',
    matches: (m) => matchFile(m.file) || matchFile(m.realpath),
    matchesExternal: (imported) => path.isAbsolute(imported) && matchFile(imported),
    mayMatch: matchFile,
    idFilters: [globIdFilter(glob, root), ...throughLinks.map(({ folder }) => folderIdFilter(folder))],
  }
}

const PACKAGE_SPECIFIER = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(\/[^\s]+)?$/i

function isPackageSpecifier(specifier: string): boolean {
  if (/^[./\\]|^[a-zA-Z]:|[*?[\]{}!()]/.test(specifier)) return false
  return PACKAGE_SPECIFIER.test(specifier)
}

function compilePackage(label: string, specifier: string, root: string): CompiledPattern {
  const parts = specifier.split('/')
  const nameLength = specifier.startsWith('@') ? 2 : 1
  const name = parts.slice(0, nameLength).join('/')
  const subpath = parts.slice(nameLength).join('/')
  const filesOfSubpath = new Map<PackageInfo, Set<string>>()
  // Installed copies live under node_modules/<name>/ (pnpm's store too), or under the folder of an
  // npm alias (`"v1": "npm:<name>@1"`); a workspace package resolves to its own folder, found
  // through the root's link to it or the root's `workspaces`.
  const aliases = aliasFoldersOf(name, root)
  const installedSegments = [name, ...aliases].map(installSegmentOf)
  const linked = realpathOrNull(path.join(root, 'node_modules', name)) ?? undefined
  const workspaceFolders = [
    // The root's link leads to a workspace package only when its target is no install itself.
    ...(linked && !`${linked}${path.sep}`.includes(`${path.sep}node_modules${path.sep}`) ? [linked] : []),
    ...workspaceFoldersOf(name, root),
  ].map((folder) => folder + path.sep)
  const workspaceFolder = workspaceFolders[0]
  // The install the root resolves usually holds hundreds of modules: its files for the subpath are
  // known from its manifest, so only those pass the quick test. Other installs pass whole.
  const rootInstall = linked && !workspaceFolder && subpath !== '' ? linked + path.sep : undefined
  const rootFiles = rootInstall ? filesOfInstall(rootInstall, subpath) : undefined
  const inPackage = (file: string) =>
    installedSegments.some((segment) => file.includes(segment)) &&
    (rootInstall === undefined ||
      !file.startsWith(rootInstall) ||
      rootFiles!.has(toPosix(file.slice(rootInstall.length))))
  return {
    label,
    scope: subpath === '' ? 'package' : 'module',
    ...(subpath === '' ? {} : { key: `package:${name}/./${subpath}` }),
    packageName: name,
    mayMatch: (file) => inPackage(file) || workspaceFolders.some((folder) => file.startsWith(folder)),
    idFilters: [
      // A `pkg/subpath` lets through the base names its files can have in the install the root
      // sees (a shim's chunk included), the subpath's own and `index`.
      ...[name, ...aliases].map((folder) =>
        installIdFilter(folder, subpath === '' ? undefined : fileStemsOf(subpath, rootFiles ?? new Set())),
      ),
      ...workspaceFolders.map(folderIdFilter),
    ],
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

/** Files a `pkg/subpath` specifier can load in one install: every target of its `exports` entry, or the file itself. */
function subpathFiles(pkg: PackageInfo, subpath: string): Set<string> {
  const files = new Set<string>()
  const wanted = `./${subpath}`
  for (const [key, value] of exportEntries(pkg.exports)) {
    const star = key.indexOf('*')
    if (star === -1) {
      if (key !== wanted) continue
      for (const target of exportTargets(value).targets) files.add(normaliseTarget(target))
      continue
    }
    // A wildcard entry (`./*`): the part the `*` stands for goes into every target.
    const [before, after] = [key.slice(0, star), key.slice(star + 1)]
    if (!wanted.startsWith(before) || !wanted.endsWith(after) || wanted.length < before.length + after.length) continue
    const middle = wanted.slice(before.length, wanted.length - after.length)
    for (const target of exportTargets(value).targets) files.add(normaliseTarget(target.replace('*', middle)))
  }
  if (files.size === 0) for (const extension of PROBED_EXTENSIONS) files.add(subpath + extension)
  return withStaticImports(pkg.dir, files)
}

/** How many files of an install a `pkg/subpath` may reach before the search stops. */
const MAX_REACHED_FILES = 200

/**
 * The export's files and, where an export's file is a shim (only imports and re-exports, as a
 * library built with shared chunks writes `export * from './store-Cx81ab.mjs'`), the files of the
 * same install it forwards to: the state lives there, so they are the subpath's code as much as
 * the shim is. A file with code of its own is the subpath's module; its imports are not followed.
 */
function withStaticImports(dir: string, files: Set<string>): Set<string> {
  const reached = new Set(files)
  const pending = [...files]
  for (let file = pending.pop(); file !== undefined && reached.size < MAX_REACHED_FILES; file = pending.pop()) {
    const absolute = path.join(dir, file)
    const shim = forwardedSpecifiers(absolute)
    for (const specifier of shim ?? []) {
      if (!specifier.startsWith('./') && !specifier.startsWith('../')) continue
      const target = path.resolve(path.dirname(absolute), specifier)
      if (!target.startsWith(dir + path.sep)) continue
      const relative = toPosix(path.relative(dir, target))
      if (!reached.has(relative) && isFile(target)) {
        reached.add(relative)
        pending.push(relative)
      }
    }
  }
  return reached
}

const COMMENTS = /\/\*[\s\S]*?\*\/|\/\/[^\n]*/g
const LOCAL_EXPORT_LIST = /export\s*\{[^}]*\}\s*;?/g

/** What a shim forwards to (its static imports and re-exports), or undefined for a file with code of its own. */
function forwardedSpecifiers(file: string): string[] | undefined {
  if (!/\.m?js$/.test(file)) return undefined
  try {
    const code = fs.readFileSync(file, 'utf8')
    const [imports] = esModuleLexer().parse(code)
    let rest = ''
    let from = 0
    for (const entry of imports) {
      if (entry.type === 'dynamic' || entry.type === 'import-meta') return undefined
      rest += code.slice(from, entry.importStart)
      from = entry.importEnd
    }
    rest += code.slice(from)
    // The lexer has located every import statement; what is left may only be comments and
    // `export { local }` lists of what was imported.
    if (
      rest
        .replace(COMMENTS, '')
        .replace(LOCAL_EXPORT_LIST, '')
        .replace(/['"]use strict['"];?/, '')
        .trim() !== ''
    ) {
      return undefined
    }
    return imports.flatMap((entry) => (typeof entry.specifier === 'string' ? [entry.specifier] : []))
  } catch {
    // Not an ES module (or not readable): nothing to follow.
    return undefined
  }
}

function fileStemsOf(subpath: string, files: ReadonlySet<string>): string[] {
  const stem = (file: string) => path.posix.basename(file).replace(/\.[^.]*$/, '')
  return [...new Set([stem(subpath), 'index', ...[...files].map(stem)])]
}

function filesOfInstall(dir: string, subpath: string): Set<string> {
  const read = readManifest(path.join(dir, 'package.json'))
  const exportsField = read.status === 'ok' ? read.manifest.exports : undefined
  return subpathFiles({ exports: exportsField, dir: dir.replace(/[\\/]+$/, '') } as PackageInfo, subpath)
}

/**
 * Folders of the root's workspaces (`workspaces` in its package.json: a list, or `{ packages }`)
 * whose package is `name`. A workspace pattern is a folder or ends in `/*`.
 */
function workspaceFoldersOf(name: string, root: string): string[] {
  const read = readManifest(path.join(root, 'package.json'))
  if (read.status !== 'ok') return []
  const declared = read.manifest.workspaces
  const patterns = Array.isArray(declared)
    ? declared
    : declared && typeof declared === 'object' && Array.isArray((declared as { packages?: unknown }).packages)
      ? (declared as { packages: unknown[] }).packages
      : []
  const folders: string[] = []
  for (const pattern of patterns) {
    if (typeof pattern !== 'string') continue
    const candidates = pattern.endsWith('/*')
      ? entriesOf(path.join(root, pattern.slice(0, -2)))
      : [path.join(root, pattern)]
    for (const folder of candidates) {
      const manifest = readManifest(path.join(folder, 'package.json'))
      if (manifest.status === 'ok' && manifest.manifest.name === name) folders.push(realpathOrNull(folder) ?? folder)
    }
  }
  return folders
}

/**
 * Where a glob written through a symlinked folder (`node_modules/shared-state/**` in a pnpm
 * layout, `node_modules/@acme/*\/*.js` through workspace links) reaches on disk: module ids are
 * real paths, so the part of the glob after the link is also matched under the link's target.
 */
function linkedFolders(posixGlob: string, root: string): { folder: string; rest: (file: string) => boolean }[] {
  const { base } = picomatch().scan(posixGlob)
  if (base === '' || !base.includes('node_modules')) return []
  const after = posixGlob.slice(base.length).replace(/^\//, '')
  const compileRest = (glob: string) => picomatch()(glob, { strictBrackets: true, dot: true, windows: false })
  const found: { folder: string; rest: (file: string) => boolean }[] = []
  const baseDir = path.join(root, base)
  const realBase = realpathOrNull(baseDir)
  if (realBase && realBase !== baseDir && after !== '')
    found.push({ folder: realBase + path.sep, rest: compileRest(after) })
  // One wildcard segment right after the base: each symlinked entry it can name.
  const [first, ...others] = after.split('/')
  if (first && others.length > 0 && picomatch().scan(first).isGlob) {
    const names = compileRest(first)
    const rest = compileRest(others.join('/'))
    for (const entry of entriesOf(baseDir)) {
      const real = realpathOrNull(entry)
      if (real && real !== entry && names(path.basename(entry))) found.push({ folder: real + path.sep, rest })
    }
  }
  return found
}

function entriesOf(dir: string): string[] {
  try {
    return fs.readdirSync(dir).map((name) => path.join(dir, name))
  } catch {
    return []
  }
}
