import type * as PluginUtils from '@rollup/pluginutils'
import { loadOnUse } from '../core/load-on-use.ts'
import type {
  ModuleInfo,
  NormalizedInputOptions,
  OutputOptions,
  Plugin,
  PluginContext,
  PreRenderedChunk,
} from 'rolldown'
import { UserError } from '../core/errors.ts'
import {
  CODES,
  PLUGIN_NAME,
  promoteClash,
  promotedEntryMap,
  promoteLeftHashed,
  promoteMigrationSummary,
} from '../core/messages.ts'
import { migrationNeedsAttention, migrationView, type MigrationView } from '../core/migration.ts'
import { displayPath, isVirtualId, splitQuery, withoutExtension } from '../core/paths.ts'
import type { SingletonIndex } from '../core/singleton-index.ts'
import type { Pattern, Promotion, PromotionReason } from '../core/types.ts'
import { stableEntryName, userEntries, type UserEntries, type UserEntry } from './entry-names.ts'
import { exportsLostWithoutEntry } from './entry-exports.ts'
import { promotionHostOf, singletonEvaluatedHere, type PromotionHost } from './hosts/promote-host.ts'
import { isBoundary, listedEntries } from './listed-entries.ts'
import type { Ledger } from './ledger.ts'
import { entryIdsOf, outputInfoOf } from './output-info.ts'
import { namesWithHash, stableFileName, withoutHash } from './promoted-file-name.ts'
import { singletonPlacements } from './singleton-placement.ts'
import { watchUserChunkNames } from './user-chunk-names.ts'
import { PromotionPlan } from './promotion-plan.ts'

const pluginUtils = loadOnUse<typeof PluginUtils>('@rollup/pluginutils')

/** `promote`, resolved: which boundaries to promote, what else, and where names start. */
export interface PromoteResolved {
  include: Pattern[]
  exclude: Pattern[]
  singletons: boolean
  boundaries: 'singletons' | 'all'
  /** Absolute folder where names start, or undefined to learn it from the entries. */
  base: string | undefined
}

interface PromoterSettings {
  root: string
  promote: PromoteResolved
  index: SingletonIndex
  ledger: Ledger
  include: ((id: string) => boolean) | undefined
  exclude: ((id: string) => boolean) | undefined
}

/**
 * Gives lazy runtime boundaries (those that reach a singleton, or all of them), and the
 * singletons themselves, stable file names, so a process that loaded an earlier build still
 * finds them after a clean rebuild.
 * Builds sharing this instance may run in parallel, so each gets its own promoter (added from
 * the `options` hook) whose state no other build touches.
 */
export function promotePlugin(root: string, promote: PromoteResolved, index: SingletonIndex, ledger: Ledger): Plugin {
  const filterOf = (patterns: PromoteResolved['include']) =>
    patterns.length > 0 ? pluginUtils().createFilter(patterns, null, { resolve: root }) : undefined
  const settings = {
    root,
    promote,
    index,
    ledger,
    include: filterOf(promote.include),
    exclude: filterOf(promote.exclude),
  }
  return {
    name: `${PLUGIN_NAME}:promote`,
    options(input) {
      return { ...input, plugins: [input.plugins, buildPromoter(settings, promotionHostOf(this))] }
    },
  }
}

/**
 * Decides at `buildEnd`, with the whole graph known (no per-module hook), then acts through the
 * output options, whose naming and grouping functions rolldown calls only after that:
 * a boundary is already a chunk of its own and just gets a stable file name; a singleton is
 * pinned into a chunk of its own by a code-splitting group, under a stable file name too.
 */
function buildPromoter(settings: PromoterSettings, host: PromotionHost): Plugin {
  let plan = new PromotionPlan()
  let entries: UserEntries = userEntries(undefined, settings.root)
  return {
    name: `${PLUGIN_NAME}:promote-build`,
    buildStart(input: NormalizedInputOptions) {
      // Vite resolves the entries it was given against its root.
      const cwd = host.root ?? (input as { cwd?: string }).cwd ?? process.cwd()
      entries = userEntries(input.input, cwd, settings.promote.base)
      plan = new PromotionPlan()
    },
    buildEnd(error) {
      if (!error) plan = planPromotions(this, settings, entries)
    },
    outputOptions(output) {
      host.oneFilePerModuleOrNone = Boolean(
        output.codeSplitting === false || output.inlineDynamicImports || output.preserveModules,
      )
      if (host.oneFilePerModuleOrNone) return null
      return withPromotedChunks(output, () => plan)
    },
    closeBundle() {
      // rolldown keeps each build's plugin objects: this one lets go of what its build planned.
      plan = new PromotionPlan()
      entries = userEntries(undefined, settings.root)
    },
    generateBundle(outputOptions, bundle) {
      if (plan.clash !== undefined) this.error(new UserError(CODES.SINGLETON_PROMOTE_CLASH, plan.clash))
      // One file per module, or one file in all: promote set no names here, so it claims none.
      if (
        outputOptions.preserveModules ||
        outputOptions.inlineDynamicImports ||
        (outputOptions as { codeSplitting?: unknown }).codeSplitting === false
      ) {
        return
      }
      const display = (id: string) => displayPath(id, settings.root)
      const promotions: Promotion[] = []
      const unpinned: { module: string; fileName: string; id: string }[] = []
      const byName = new Map(plan.promotions.map((promotion) => [promotion.name, promotion]))
      const boundaryIds = new Map<string, string>()
      for (const item of Object.values(bundle)) {
        if (item.type !== 'chunk' || item.isEntry) continue
        const name = plan.nameOfChunk(item)
        const promotion = name === undefined ? undefined : byName.get(name)
        if (promotion && promotion.reason !== 'singleton') {
          promotions.push({ ...promotion, fileName: item.fileName })
          if (item.facadeModuleId !== null) boundaryIds.set(promotion.name, item.facadeModuleId)
        } else if (
          name === undefined &&
          item.isDynamicEntry &&
          item.facadeModuleId &&
          !isVirtualId(item.facadeModuleId)
        ) {
          unpinned.push({ module: display(item.facadeModuleId), fileName: item.fileName, id: item.facadeModuleId })
        }
      }
      // A boundary rolldown kept inside its importer's chunk has no file of its own: nothing to name.
      const placements =
        plan.singletonNames.size === 0
          ? []
          : singletonPlacements({
              bundle,
              output: outputOptions,
              singletonNames: plan.singletonNames,
              nameOfChunk: (chunk) => plan.nameOfChunk(chunk),
              holderOf: (name) => plan.holderOf(name),
              display,
            })
      for (const placement of placements) {
        if (placement.kind !== 'own') continue
        const { name, module, fileName, alsoHolds } = placement
        promotions.push({ name, module, reason: 'singleton', fileName, ...(alsoHolds.length > 0 ? { alsoHolds } : {}) })
      }
      promotions.sort((a, b) => a.name.localeCompare(b.name))
      const hashed = placements.filter((placement) => placement.kind === 'hashed')
      if (hashed.length > 0) {
        this.warn({ code: CODES.SINGLETON_PROMOTE_INCOMPLETE, message: promoteLeftHashed(hashed, host.label) })
      }
      const entryIds = entryIdsOf(bundle)
      const output = outputInfoOf(outputOptions, entryIds, host.realm(entryIds), settings.root)
      settings.ledger.setPromotions(output.key, promotions)
      const stable = placements.filter((placement) => placement.kind === 'stable')
      if (promotions.length > 0 || stable.length > 0) {
        this.info({ code: CODES.SINGLETON_PROMOTED, message: promotedEntryMap(promotions, stable) })
      }

      const view = migrationView({
        listed: plan.listed,
        pinned: promotions
          .filter((promotion) => !entries.byName.has(promotion.name))
          .map((promotion) => {
            const id = boundaryIds.get(promotion.name)
            return { ...promotion, importer: id === undefined ? undefined : lazyImporterOf(this, id, settings.root) }
          }),
        unpinned: unpinned.map(({ module, fileName, id }) => ({
          module,
          fileName,
          importer: lazyImporterOf(this, id, settings.root),
        })),
        exportsLost: (id) => exportsLostWithoutEntry(bundle, id),
      })
      if (view) settings.ledger.setMigration(output.key, view)
      if (view && !plan.migrationSaid) {
        plan.migrationSaid = true
        const message = migrationMessage(view, settings.promote.boundaries)
        if (migrationNeedsAttention(view)) this.warn({ code: CODES.SINGLETON_PROMOTE_MIGRATION, message })
        else this.info({ code: CODES.SINGLETON_PROMOTE_MIGRATION, message })
      }
    },
  }
}

/** A module that loads a lazy boundary, as messages show it (one module info read per boundary the list lacks). */
function lazyImporterOf(context: PluginContext, id: string, root: string): string | undefined {
  const importer = context.getModuleInfo(id)?.dynamicImporters[0]
  return importer === undefined ? undefined : displayPath(importer, root)
}

/** A declared singleton, or a copy of one met earlier under another id, path or install. */
function isSingletonId(index: SingletonIndex, id: string): boolean {
  const declarations = index.declarationsOf(id)
  if (declarations.length > 0) {
    const identity = index.resolver.identify(id)
    if (identity) index.record(identity, declarations)
    return identity !== null
  }
  return index.mayBeTwin(id) && index.twinOf(id) !== null
}

function isSameModule(index: SingletonIndex, a: string, b: string): boolean {
  const [first, second] = [index.resolver.identify(a), index.resolver.identify(b)]
  return first !== null && second !== null && (first.key === second.key || first.installKey === second.installKey)
}

function migrationMessage(view: MigrationView, boundaries: PromoteResolved['boundaries']): string {
  return promoteMigrationSummary({
    pinnedMissing: view.missing.filter((entry) => entry.pinned).map((entry) => entry.module),
    hashedMissing: view.missing.filter((entry) => !entry.pinned).map((entry) => entry.module),
    covered: view.covered.map((entry) => entry.name),
    keptForExports: view.kept.filter((entry) => entry.exportsLost !== undefined).map((entry) => entry.name),
    kept: view.kept.map((entry) => entry.name),
    notBoundaries: view.notBoundaries.map((entry) => entry.name),
    boundaries,
  })
}

/**
 * Boundaries are dynamic-import targets: all of them (`boundaries: 'all'`), or those among the
 * singletons' static ancestors (their static import closure reaches one). Walking importers
 * backwards from the singletons keeps the cost to those ancestors.
 */
function planPromotions(context: PluginContext, settings: PromoterSettings, entries: UserEntries): PromotionPlan {
  const { index, include, exclude, root } = settings
  const plan = new PromotionPlan()
  const takenBy = new Map<string, string>([...entries.byName].map(([name, file]) => [name, file]))
  const entryIds = new Map<string, UserEntry>()
  /** Adds `id` to the plan; returns the clash message when its name is taken. */
  const name = (id: string, reason: PromotionReason, late: boolean): string | undefined => {
    const file = splitQuery(id).file
    if (isVirtualId(id) || exclude?.(file) || entries.files.has(file) || entryIds.has(id)) return undefined
    if (plan.boundaryNames.has(id) || plan.singletonNames.has(id)) return undefined
    const identity = index.resolver.identify(id)
    if (!identity) return undefined
    const stable = stableEntryName(identity, entries.bases, root)
    const module = displayPath(id, root)
    const other = takenBy.get(stable)
    if (other !== undefined) {
      // Two copies of one module (a query twin, two installs) are a duplicate the check reports
      // with its cause, not a naming clash: neither is promoted (at naming time, the one named
      // first keeps its file name).
      if (isSameModule(index, other, id)) {
        if (!late) plan.drop(other)
        return undefined
      }
      return promoteClash(stable, module, displayPath(other, root))
    }
    takenBy.set(stable, id)
    ;(reason === 'singleton' ? plan.singletonNames : plan.boundaryNames).set(id, stable)
    plan.promotions.push({ name: stable, module, reason })
    return undefined
  }
  const promote = (id: string, reason: PromotionReason): void => {
    const clash = name(id, reason, false)
    if (clash !== undefined) context.error(new UserError(CODES.SINGLETON_PROMOTE_CLASH, clash))
  }

  const singletons: string[] = []
  const included: string[] = []
  for (const id of context.getModuleIds()) {
    if (isVirtualId(id)) continue
    const file = splitQuery(id).file
    const entry = entryOf(entries, file)
    if (entry && context.getModuleInfo(id)?.isEntry) entryIds.set(id, entry)
    if (isSingletonId(index, id)) {
      if (singletonEvaluatedHere(context, id, index)) singletons.push(id)
    } else if (include && include(file)) included.push(id)
  }
  const reachesSingleton = new Set<string>(singletons)
  const pending = [...singletons]
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    const info = context.getModuleInfo(id)
    if (!info) continue
    if (isBoundary(info)) promote(id, 'runtime boundary')
    for (const importer of info.importers) {
      if (!reachesSingleton.has(importer)) {
        reachesSingleton.add(importer)
        pending.push(importer)
      }
    }
  }
  if (settings.promote.boundaries === 'all') {
    // Every other boundary is named when rolldown names its chunk: cost per chunk, not per module.
    plan.nameLate = (id) => {
      plan.clash ??= name(id, 'runtime boundary', true)
    }
  }
  for (const id of included) {
    if ((context.getModuleInfo(id)?.dynamicImporters.length ?? 0) > 0) promote(id, 'include')
  }
  if (settings.promote.singletons) for (const id of singletons) promote(id, 'singleton')
  plan.promotions.sort((a, b) => a.name.localeCompare(b.name))
  plan.listed = listedEntries({
    entryIds,
    entries,
    reachesSingleton,
    root,
    promote: settings.promote,
    include,
    exclude,
    infoOf: (id) => context.getModuleInfo(id) as ModuleInfo,
    isSingleton: (id) => isSingletonId(index, id),
    identify: (id) => index.resolver.identify(id),
  })
  return plan
}

/** The user entry a module id loads: the same file, or the file the user named without its extension. */
function entryOf(entries: UserEntries, file: string): UserEntry | undefined {
  return entries.byFile.get(file) ?? entries.byFile.get(withoutExtension(file))
}

/**
 * Output options that name promoted chunks like the build's entries (`[name].mjs`, ...). Only
 * names: no chunking option is touched, so the modules, their chunks and the order they are
 * evaluated in stay what the plain build has. Internal exports keep their own names, so a
 * rebuilt boundary still finds what it imports in a file an older process has loaded.
 */
function withPromotedChunks(output: OutputOptions, currentPlan: () => PromotionPlan): OutputOptions {
  const chunkNames = output.chunkFileNames ?? '[name]-[hash].js'
  const entryNames = output.entryFileNames
  const pattern = (naming: typeof chunkNames, chunk: PreRenderedChunk) =>
    typeof naming === 'function' ? naming(chunk) : naming
  // An entry that holds a singleton is named without its hash (Vite's client entries have one):
  // a boundary rebuilt later imports the singleton from it, and must find the file already loaded.
  const hashedEntries = typeof entryNames === 'function' || (entryNames !== undefined && namesWithHash(entryNames))
  const userChunks = watchUserChunkNames(output)
  return {
    ...output,
    ...userChunks.options,
    minifyInternalExports: output.minifyInternalExports ?? false,
    chunkFileNames(chunk) {
      const name = currentPlan().nameOfChunk(chunk, userChunks.names)
      if (name === undefined) return pattern(chunkNames, chunk)
      // The user's own chunk keeps the user's chunk naming; promoted modules are named like entries.
      if (currentPlan().userChunkNames.has(name)) return withoutHash(pattern(chunkNames, chunk))
      return stableFileName(entryNames, output.chunkFileNames, chunk, name)
    },
    ...(hashedEntries && entryNames !== undefined
      ? {
          entryFileNames(chunk: PreRenderedChunk) {
            const given = pattern(entryNames, chunk)
            if (!namesWithHash(given) || !currentPlan().holdsSingleton(chunk)) return given
            return stableFileName(entryNames, output.chunkFileNames, chunk, chunk.name)
          },
        }
      : {}),
  }
}
