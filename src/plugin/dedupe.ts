import fs from 'node:fs'
import path from 'node:path'
import type { PartialResolvedId, Plugin, PluginContext, ResolvedId } from 'rolldown'
import {
  chooseCanonical,
  decideMerge,
  declaredRange,
  type ImporterRange,
  type InstallFacts,
  type PackageMode,
} from '../core/dedupe-plan.ts'
import { aliasFoldersOf, installFolderOf, readManifest } from '../core/manifest.ts'
import { CODES, dedupedMessage, PLUGIN_NAME } from '../core/messages.ts'
import { displayPath, isFile, realpathOrNull, splitQuery } from '../core/paths.ts'
import type { SingletonIndex } from '../core/singleton-index.ts'
import type { DedupeLog } from './dedupe-log.ts'

/** `dedupe`, resolved. */
export interface DedupeResolved {
  packages: PackageMode | false
  files: boolean
}

interface DedupeSettings {
  dedupe: DedupeResolved
  root: string
  index: SingletonIndex
  log: DedupeLog
}

/**
 * `dedupe`: an import that resolves into another install of a package holding a declared
 * singleton is served by the canonical install (what the root resolves, else the one nearest the
 * root), where that is provably safe; under preserved symlinks, a declared module's symlinked
 * ids resolve to its real file. Only bare specifiers of declared packages reach JavaScript (a
 * native filter): a file of the other install is then never loaded, so neither are the relative
 * imports it would make.
 */
export function dedupePlugins(settings: DedupeSettings): Plugin[] {
  const plugins: Plugin[] = []
  const names = [...settings.index.matcher.packageNames]
  if (settings.dedupe.packages && names.length > 0)
    plugins.push(packagesPlugin(settings, settings.dedupe.packages, names))
  if (settings.dedupe.files) plugins.push(filesPlugin(settings))
  return plugins
}

function packagesPlugin(settings: DedupeSettings, mode: PackageMode, names: readonly string[]): Plugin {
  const { root, index, log } = settings
  // Bare specifiers of the declared packages and of their npm aliases (`"v1": "npm:pkg@1"`).
  const folders = new Map<string, string>()
  for (const name of names) for (const folder of [name, ...aliasFoldersOf(name, root)]) folders.set(folder, name)
  const specifier = new RegExp(`^(?:${[...folders.keys()].map(escapeRegExp).join('|')})(?:/|$)`)
  const rootImporter = path.join(root, 'package.json')
  const installsSeen = new Map<string, Set<string>>()
  const decisions = new Map<string, ReturnType<typeof decideMerge>>()
  const sameFiles = new Map<string, boolean>()
  const facts = (dir: string, name: string): InstallFacts => {
    const read = readManifest(path.join(dir, 'package.json'))
    const version =
      read.status === 'ok' && typeof read.manifest.version === 'string' ? read.manifest.version : 'unknown'
    return { dir, name, version }
  }
  const show = (dir: string) => displayPath(dir, root)
  /**
   * The root's answers, asked once per build (a watch rebuild may see a new install). Each build
   * keeps its own: Vite's dependency pre-bundling and its environments resolve under other
   * conditions than the build, and `require` and `import` of one specifier may reach other files.
   */
  const rootAnswers = () => {
    let answers = new Map<string, Promise<string | undefined>>()
    return {
      reset: () => {
        answers = new Map()
      },
      of: (context: PluginContext, source: string, options: Parameters<PluginContext['resolve']>[2]) => {
        const environment = (context as { environment?: { name?: string } }).environment?.name ?? ''
        const key = `${environment}\0${options?.kind ?? ''}\0${source}`
        let answer = answers.get(key)
        if (!answer) {
          answer = context
            .resolve(source, rootImporter, { ...options, skipSelf: true })
            .then((found) => (found && !found.external ? splitQuery(found.id).file : undefined))
          answers.set(key, answer)
        }
        return answer
      },
    }
  }
  type RootAnswers = ReturnType<typeof rootAnswers>

  const resolveIdWith = (fromRoot: RootAnswers): Plugin['resolveId'] => ({
    order: 'pre',
    filter: { id: specifier },
    async handler(source, importer, options) {
      if (!importer) return null
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true })
      if (!resolved || resolved.external) return null
      // Left where it resolved: hand back the resolution already made rather than have the
      // bundler make it again.
      const unchanged = withoutNulls(resolved)
      const { file, query } = splitQuery(resolved.id)
      const install = installFolderOf(file)
      if (!install) return unchanged
      const name = index.resolver.installedPackageNameOf(file)
      if (name === undefined || !names.includes(name)) return unchanged
      const seen = installsSeen.get(name) ?? new Set<string>()
      installsSeen.set(name, seen.add(install))
      // What the root itself resolves the same specifier to: the canonical install's file.
      const rootFile = importer === rootImporter ? file : await fromRoot.of(this, source, options)
      const canonical = (rootFile && installFolderOf(rootFile)) || chooseCanonical([...seen], root)
      if (!canonical || canonical === install) return unchanged
      const importerPackage = index.resolver.packageOf(path.dirname(splitQuery(importer).file))
      const key = `${install}\0${canonical}\0${importerPackage?.dir ?? ''}`
      let decision = decisions.get(key)
      const [other, target] = [facts(install, name), facts(canonical, name)]
      if (!decision) {
        decision = decideMerge({
          mode,
          canonical: target,
          other,
          sameFiles: () => {
            const pair = `${install}\0${canonical}`
            let same = sameFiles.get(pair)
            if (same === undefined) sameFiles.set(pair, (same = sameTree(install, canonical)))
            return same
          },
          range: () => rangeOf(importerPackage?.dir, name, importer, root),
        })
        decisions.set(key, decision)
      }
      if (!decision.merge) {
        log.refused(
          {
            package: name,
            install: show(install),
            version: other.version,
            canonical: show(canonical),
            canonicalVersion: target.version,
            importer: displayPath(splitQuery(importer).file, root),
            why: decision.why,
            option: decision.option,
          },
          importerPackage?.dir ?? '',
        )
        return unchanged
      }
      const served =
        rootFile && rootFile.startsWith(canonical + path.sep)
          ? rootFile
          : path.join(canonical, path.relative(install, file))
      if (!isFile(served)) return unchanged
      log.merged({
        package: name,
        from: show(install),
        to: show(canonical),
        fromVersion: other.version,
        toVersion: target.version,
        why: decision.why,
      })
      return { ...withoutNulls(resolved), id: served + query }
    },
  })
  const buildAnswers = rootAnswers()
  const preBundleAnswers = rootAnswers()
  return {
    name: `${PLUGIN_NAME}:dedupe`,
    resolveId: resolveIdWith(buildAnswers),
    // Vite's dev server pre-bundles dependencies in a build of its own: the same redirection runs there.
    config() {
      const preBundle = {
        name: `${PLUGIN_NAME}:dedupe-optimized-deps`,
        resolveId: resolveIdWith(preBundleAnswers),
        buildStart: preBundleAnswers.reset,
      }
      // Vite merges this into the user's config (lists are concatenated).
      return { optimizeDeps: { rolldownOptions: { plugins: [preBundle] } } }
    },
    buildStart: buildAnswers.reset,
    buildEnd() {
      for (const merge of log.takeUnsaid()) this.info({ code: CODES.SINGLETON_DEDUPED, message: dedupedMessage(merge) })
    },
  } as Plugin
}

/**
 * Under preserved symlinks (`resolve.symlinks: false`, Rollup's `preserveSymlinks`, Vite's
 * `resolve.preserveSymlinks`), a declared module reached through a link is given its real path, so
 * one file is one module. The hook is added from the `options` hook only to builds that keep
 * symlinked paths: no other build calls it.
 */
function filesPlugin(settings: DedupeSettings): Plugin {
  const { index, log, root } = settings
  const realIds: Plugin = {
    name: `${PLUGIN_NAME}:dedupe-files`,
    resolveId: {
      order: 'pre',
      async handler(source, importer, options) {
        if (!importer || source.startsWith('\0')) return null
        const resolved = await this.resolve(source, importer, { ...options, skipSelf: true })
        if (!resolved || resolved.external) return null
        const { file, query } = splitQuery(resolved.id)
        const real = realpathOrNull(file)
        if (real === null || real === file || index.declarationsOf(resolved.id).length === 0)
          return withoutNulls(resolved)
        log.merged({
          package: '(files)',
          from: displayPath(file, root),
          to: displayPath(real, root),
          fromVersion: '',
          toVersion: '',
          why: 'one real file under two ids',
        })
        return { ...withoutNulls(resolved), id: real + query }
      },
    },
  }
  // Vite resolves ids itself: its `resolve.preserveSymlinks` is not in the bundler's options.
  let viteKeepsLinks = false
  return {
    name: `${PLUGIN_NAME}:dedupe-files-host`,
    configResolved(config: { resolve?: { preserveSymlinks?: boolean } }) {
      viteKeepsLinks = config.resolve?.preserveSymlinks === true
    },
    options(input) {
      const keepsLinks =
        viteKeepsLinks ||
        input.resolve?.symlinks === false ||
        (input as { preserveSymlinks?: unknown }).preserveSymlinks === true
      return keepsLinks ? { ...input, plugins: [realIds, input.plugins] } : null
    },
    buildEnd(this: PluginContext) {
      for (const merge of log.takeUnsaid()) this.info({ code: CODES.SINGLETON_DEDUPED, message: dedupedMessage(merge) })
    },
  } as Plugin
}

/** The range the importer's package declares for `name`, or why it cannot be read. */
function rangeOf(packageDir: string | undefined, name: string, importer: string, root: string): ImporterRange {
  const dir = packageDir ?? root
  const who = displayPath(path.join(dir, 'package.json'), root)
  const read = readManifest(path.join(dir, 'package.json'))
  if (read.status !== 'ok') {
    return {
      importer: who,
      problem: read.status === 'missing' ? 'it has no package.json' : `its package.json ${read.reason}`,
    }
  }
  const range = declaredRange(read.manifest, name)
  return range === undefined
    ? {
        importer: who,
        problem: `it declares no range for ${name} (imported by ${displayPath(splitQuery(importer).file, root)})`,
      }
    : { importer: who, range }
}

/**
 * Two installs hold the same code: every file byte for byte (their own nested node_modules left
 * out), and manifests that load it the same way (a package manager may rewrite the rest of one).
 */
function sameTree(a: string, b: string): boolean {
  const list = (dir: string, prefix = ''): string[] => {
    const found: string[] = []
    for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
      if (entry.name === 'node_modules') continue
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name
      if (entry.isDirectory()) found.push(...list(dir, relative))
      else if (entry.isFile()) found.push(relative)
    }
    return found
  }
  try {
    const [left, right] = [list(a).sort(), list(b).sort()]
    if (left.length !== right.length || left.some((file, i) => file !== right[i])) return false
    return left.every((file) =>
      file === 'package.json'
        ? sameLoading(path.join(a, file), path.join(b, file))
        : fs.readFileSync(path.join(a, file)).equals(fs.readFileSync(path.join(b, file))),
    )
  } catch {
    return false
  }
}

/** The manifest fields that decide which file loads and how. */
const LOADING_FIELDS = ['name', 'version', 'type', 'main', 'module', 'browser', 'exports', 'imports']

function sameLoading(a: string, b: string): boolean {
  const [x, y] = [readManifest(a), readManifest(b)]
  if (x.status !== 'ok' || y.status !== 'ok') return false
  return LOADING_FIELDS.every((field) => JSON.stringify(x.manifest[field]) === JSON.stringify(y.manifest[field]))
}

/** rolldown's resolved ids carry nulls a resolveId result may not. */
function withoutNulls(resolved: ResolvedId): PartialResolvedId {
  return Object.fromEntries(
    Object.entries(resolved).filter(([, value]) => value !== null && value !== undefined),
  ) as unknown as PartialResolvedId
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}
