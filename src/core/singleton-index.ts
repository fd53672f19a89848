import path from 'node:path'
import { sourcesOfBuiltFile } from './built-from.ts'
import { displayModule, type IdentityResolver } from './identity.ts'
import { aliasFoldersOf, installSegmentOf } from './manifest.ts'
import { baseNameOf, isInside, realpathOrNull, splitQuery } from './paths.ts'
import { MARKER_LABEL, type SingletonMatcher } from './patterns.ts'
import type { Declaration, ModuleIdentity, UnitScope } from './types.ts'

const NOT_DECLARED: Declaration[] = []
const MARKER: Declaration = { label: MARKER_LABEL, scope: 'module' }

/** A unit the check counts copies of: one module, or one package (whose copies are its installs). */
export interface Unit {
  key: string
  scope: UnitScope
  /**
   * What makes two placements two copies: their module ids, or their installs (a package, and a
   * `pkg/subpath` whose code may sit in several files of one install: its shim and its chunk).
   */
  copiesBy: 'id' | 'install'
}

interface KnownSingleton {
  display: string
  declaredBy: Set<string>
  copiesBy: Unit['copiesBy']
}

/** A module that is a copy of a declared singleton without being declared itself. */
interface Twin {
  identity: ModuleIdentity
  units: Unit[]
  /** The source file, when the twin is a build of the singleton (its source map says so). */
  builtFrom: string | undefined
}

/**
 * Which module ids are declared singletons (by pattern or `// @singleton`), and which are copies
 * of one under another id, path, install or build. Learns the singletons it has met (`record`)
 * so that later outputs recognise their twins; every query below is cheap for ids that cannot be one.
 */
export class SingletonIndex {
  readonly matcher: SingletonMatcher
  readonly resolver: IdentityResolver
  readonly markedIds: ReadonlySet<string>
  readonly root: string
  readonly #declarations = new Map<string, Declaration[]>()
  readonly #known = new Map<string, KnownSingleton>()
  readonly #baseNames = new Set<string>()
  /**
   * Only where file systems usually ignore letter case can one real file hide under an id of
   * another spelling without a symlink; elsewhere the per-id base-name test is skipped.
   */
  readonly #caseInsensitive = process.platform === 'darwin' || process.platform === 'win32'
  readonly #packageSegments = new Set<string>()
  readonly #packageDirs = new Set<string>()
  readonly #knownPackageNames = new Set<string>()
  /** Source file of a singleton's build -> the singleton's units. */
  readonly #builtSingletons = new Map<string, Unit[]>()
  /** Folders of workspace packages (not installed under node_modules) that hold a singleton. */
  readonly #workspaceDirs = new Set<string>()
  readonly #readBuilds = new Set<string>()
  #everyIdIsCandidate = false
  #linkedFolders = false
  readonly #folderIsLinked = new Map<string, boolean>()

  constructor(matcher: SingletonMatcher, resolver: IdentityResolver, markedIds: ReadonlySet<string>, root: string) {
    this.matcher = matcher
    this.resolver = resolver
    this.markedIds = markedIds
    this.root = root
  }

  /**
   * A build keeps symlinked paths as ids (`resolve.symlinks: false`): a copy can then hide under
   * any name, so every id is resolved to its real path. Costs a syscall per module, for such builds only.
   */
  resolveEveryId(): void {
    this.#everyIdIsCandidate = true
    this.resolver.resolveFileLinks()
  }

  /** Every id is resolved to its real path (symlinked paths are kept as ids). */
  get resolvesEveryId(): boolean {
    return this.#everyIdIsCandidate
  }

  /**
   * A host that resolves a symlinked file but not a symlinked folder on the way to it (Rollup):
   * ids in a linked folder are resolved to their real paths. Costs a syscall per folder.
   */
  resolveIdsInLinkedFolders(): void {
    this.#linkedFolders = true
  }

  /** A file of an install of a package a pattern names, whatever the install's folder is called. */
  #inNamedPackage(file: string): boolean {
    if (this.matcher.packageNames.size === 0) return false
    const name = this.resolver.installedPackageNameOf(file)
    return name !== undefined && this.matcher.packageNames.has(name)
  }

  #mustResolve(id: string): boolean {
    if (this.#everyIdIsCandidate) return true
    if (!this.#linkedFolders) return false
    const dir = path.dirname(splitQuery(id).file)
    let linked = this.#folderIsLinked.get(dir)
    if (linked === undefined) {
      const real = realpathOrNull(dir)
      this.#folderIsLinked.set(dir, (linked = real !== null && real !== dir))
    }
    return linked
  }

  get knownCount(): number {
    return this.#known.size
  }

  known(key: string): KnownSingleton | undefined {
    return this.#known.get(key)
  }

  /** The declarations of `id`; patterns see the real path only where symlinks are kept as ids. */
  declarationsOf(id: string): Declaration[] {
    const marked = this.markedIds.has(id)
    let found = this.#declarations.get(id)
    if (found === undefined) {
      const resolve = this.#mustResolve(id)
      const file = splitQuery(id).file
      if (!resolve && !this.matcher.mayDeclare(file) && !this.#inNamedPackage(file)) {
        return marked ? [MARKER] : NOT_DECLARED
      }
      const identity = resolve ? this.resolver.identify(id) : this.resolver.locate(id)
      found = identity ? this.matcher.match(identity) : NOT_DECLARED
      this.#declarations.set(id, found)
    }
    return marked ? [...found, MARKER] : found
  }

  /**
   * Remembers a declared singleton, so its twins are recognised here and in later outputs. A
   * built file of a workspace package whose source map names declared sources of that package
   * counts as a copy of those sources.
   */
  record(
    identity: ModuleIdentity,
    declarations: readonly Declaration[],
  ): { units: Unit[]; builtFrom: string | undefined } {
    const sources = this.#declaredSourcesOf(identity)
    const builtFrom = sources[0]?.realpath
    const units =
      sources.length > 0 ? sources.flatMap((source) => unitsOf(source, declarations)) : unitsOf(identity, declarations)
    for (const unit of units) {
      let known = this.#known.get(unit.key)
      if (!known) {
        const display =
          unit.scope === 'package' ? (identity.package?.name ?? identity.file) : displayModule(identity, this.root)
        known = { display, declaredBy: new Set(), copiesBy: unit.copiesBy }
        this.#known.set(unit.key, known)
      }
      for (const declaration of declarations) known.declaredBy.add(declaration.label)
    }
    this.#baseNames.add(baseNameOf(identity.file))
    this.#baseNames.add(baseNameOf(identity.realpath))
    const pkg = identity.package
    // A package pattern (`pkg`, `pkg/subpath`) declares the module in every install directly, so
    // only modules declared otherwise (a glob, a RegExp, the marker) send the search for twins
    // through their package's installs. The project's own package holds every module of the
    // build: its folder says nothing of twins.
    const declaredInEveryInstall = declarations.every((d) => d.scope === 'package' || d.key !== undefined)
    if (pkg && !declaredInEveryInstall && !isInside(this.root, pkg.dir)) {
      this.#knownPackageNames.add(pkg.name)
      if (!this.#packageSegments.has(installSegmentOf(pkg.name))) {
        for (const folder of [pkg.name, ...aliasFoldersOf(pkg.name, this.root)]) {
          this.#packageSegments.add(installSegmentOf(folder))
        }
      }
      this.#packageDirs.add(pkg.dir + path.sep)
      // Only a workspace package is bundled from its source and its build; installed ones are not read.
      if (isWorkspacePackage(pkg.dir) && !this.#readBuilds.has(identity.realpath)) {
        this.#workspaceDirs.add(pkg.dir)
        this.#readBuilds.add(identity.realpath)
        for (const source of sourcesOfBuiltFile(identity.realpath)) {
          if (!this.#builtSingletons.has(source)) this.#builtSingletons.set(source, units)
        }
      }
    }
    return { units, builtFrom }
  }

  /** Sources of a built file of a workspace package that are declared singletons of that package too. */
  #declaredSourcesOf(identity: ModuleIdentity): ModuleIdentity[] {
    const pkg = identity.package
    if (!pkg || !isWorkspacePackage(pkg.dir)) return []
    const found: ModuleIdentity[] = []
    for (const source of sourcesOfBuiltFile(identity.realpath)) {
      if (source === identity.realpath || !source.startsWith(pkg.dir + path.sep)) continue
      const origin = this.resolver.identify(source)
      if (origin && (this.markedIds.has(source) || this.matcher.match(origin).length > 0)) found.push(origin)
    }
    return found
  }

  #sameBaseName(id: string): boolean {
    return this.#caseInsensitive && this.#baseNames.has(baseNameOf(id))
  }

  /** The cheap test: may `id` be a twin of a singleton met so far? */
  mayBeTwin(id: string): boolean {
    if (this.#known.size === 0) return false
    // A query (`?instrument`) may load a singleton's file again with other code in front of it.
    if (this.#mustResolve(id) || this.#sameBaseName(id) || id.includes('?')) return true
    for (const segment of this.#packageSegments) if (id.includes(segment)) return true
    for (const dir of this.#packageDirs) if (id.startsWith(dir)) return true
    // An install under another folder name (an npm alias) of a package met so far.
    const name =
      this.#knownPackageNames.size > 0 ? this.resolver.installedPackageNameOf(splitQuery(id).file) : undefined
    return name !== undefined && this.#knownPackageNames.has(name)
  }

  /**
   * The singleton units `id` is a copy of, when it is one. Where rolldown resolved symlinks, an
   * id is its real path, so its key is read without a syscall and only a match pays for one.
   */
  twinOf(id: string): Twin | null {
    if (!this.#mustResolve(id) && !this.#sameBaseName(id)) {
      const located = this.resolver.locate(id)
      if (!located || !this.#mayMatchKey(located)) return null
    }
    const identity = this.resolver.identify(id)
    if (!identity) return null
    const units: Unit[] = []
    const knownKey = this.#known.get(identity.key)
    if (knownKey) units.push({ key: identity.key, scope: 'module', copiesBy: knownKey.copiesBy })
    else if (this.#known.has(identity.installKey))
      units.push({ key: identity.installKey, scope: 'install', copiesBy: 'id' })
    if (identity.package && this.#known.has(packageKey(identity.package.name))) {
      units.push({ key: packageKey(identity.package.name), scope: 'package', copiesBy: 'install' })
    }
    if (units.some((unit) => unit.scope !== 'package')) return { identity, units, builtFrom: undefined }
    const built = this.#builtFromSingleton(identity)
    if (built) return { identity, units: [...built.units, ...units], builtFrom: built.source }
    return units.length > 0 ? { identity, units, builtFrom: undefined } : null
  }

  #mayMatchKey(located: ModuleIdentity): boolean {
    if (this.#known.has(located.key) || this.#known.has(located.installKey)) return true
    const pkg = located.package
    return pkg !== undefined && (this.#known.has(packageKey(pkg.name)) || this.#workspaceDirs.has(pkg.dir))
  }

  /** A file whose source map names a singleton's file (its build), or the source of a built singleton. */
  #builtFromSingleton(identity: ModuleIdentity): { units: Unit[]; source: string } | undefined {
    if (!identity.package || !this.#workspaceDirs.has(identity.package.dir)) return undefined
    const asSource = this.#builtSingletons.get(identity.realpath)
    if (asSource) return { units: asSource.filter((unit) => unit.scope !== 'package'), source: identity.realpath }
    for (const source of sourcesOfBuiltFile(identity.realpath)) {
      const origin = this.resolver.identify(source)
      if (!origin) continue
      if (this.#known.has(origin.key)) return { units: [{ key: origin.key, scope: 'module', copiesBy: 'id' }], source }
      if (this.#known.has(origin.installKey)) {
        return { units: [{ key: origin.installKey, scope: 'install', copiesBy: 'id' }], source }
      }
    }
    return undefined
  }

  /** A watched file changed: what was derived from its contents or location is forgotten. */
  forget(file: string): void {
    this.#declarations.clear()
    this.#known.clear()
    this.#baseNames.clear()
    this.#packageSegments.clear()
    this.#packageDirs.clear()
    this.#knownPackageNames.clear()
    this.#builtSingletons.clear()
    this.#workspaceDirs.clear()
    this.#readBuilds.clear()
    this.#folderIsLinked.clear()
    this.resolver.forget(file)
  }
}

function packageKey(name: string): string {
  return `package:${name}`
}

/**
 * The units a declared module counts in: its module (across installs, or within its install when
 * only its package was declared, whose installs are compared as wholes) and, for a declared
 * package, the package itself.
 */
function unitsOf(identity: ModuleIdentity, declarations: readonly Declaration[]): Unit[] {
  const moduleScope = declarations.some((declaration) => declaration.scope === 'module')
  const packageScope = declarations.some((declaration) => declaration.scope === 'package')
  const units: Unit[] = []
  const named = declarations.find((declaration) => declaration.key !== undefined)?.key
  if (named !== undefined) {
    // A `pkg/subpath`: every file its export reaches in one install is that install's copy; one
    // file under two ids, or two files the export maps to (esm and cjs), are still two copies.
    units.push({ key: named, scope: 'module', copiesBy: 'install' })
    if (identity.package) units.push({ key: identity.installKey, scope: 'install', copiesBy: 'id' })
  } else if (moduleScope || !identity.package) units.push({ key: identity.key, scope: 'module', copiesBy: 'id' })
  else units.push({ key: identity.installKey, scope: 'install', copiesBy: 'id' })
  if (packageScope && identity.package) {
    units.push({ key: packageKey(identity.package.name), scope: 'package', copiesBy: 'install' })
  }
  return units
}

function isWorkspacePackage(dir: string): boolean {
  return !dir.includes(`${path.sep}node_modules${path.sep}`)
}
