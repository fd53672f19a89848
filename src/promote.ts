import { createFilter } from '@rollup/pluginutils'
import type {
  CodeSplittingGroup,
  ModuleInfo,
  NormalizedInputOptions,
  OutputOptions,
  Plugin,
  PluginContext,
  PreRenderedChunk,
} from 'rolldown'
import { entryIdsOf, outputKeyOf } from './chunk-map.ts'
import { isSingletonId } from './declarations.ts'
import {
  learnNameBases,
  stableEntryName,
  userEntries,
  type UserEntries,
  type UserEntry,
} from './entry-names.ts'
import { displayPath, isVirtualId, stripQuery } from './identity.ts'
import { CODES, PLUGIN_NAME, promoteClash, promotedEntryMap, promoteMigrationSummary } from './messages.ts'
import type { OptionsResolved, PromoteResolved } from './options.ts'
import { migrationNeedsAttention, migrationView, type EntryRole, type ListedEntry } from './plugin/migration.ts'
import type { Session } from './session.ts'

export type PromotionReason = 'runtime boundary' | 'singleton' | 'include'

export interface Promotion {
  /** The stable name, `[name]` in the build's entry file naming. */
  name: string
  module: string
  reason: PromotionReason
  /** The file written, known once the output is generated. */
  fileName?: string
}

interface PromoterSettings {
  options: OptionsResolved
  promote: PromoteResolved
  session: Session
  include: ((id: string) => boolean) | undefined
  exclude: ((id: string) => boolean) | undefined
}

/**
 * Gives lazy runtime boundaries (those that reach a singleton, or all of them), and the
 * singletons themselves, stable file names, so a process that loaded an earlier build still
 * finds them after a clean rebuild. Builds sharing this instance may run in parallel, so each
 * gets its own promoter (added from the `options` hook) whose state no other build touches.
 */
export function promotePlugin(options: OptionsResolved, promote: PromoteResolved, session: Session): Plugin {
  const filterOf = (patterns: PromoteResolved['include']) =>
    patterns.length > 0 ? createFilter(patterns, null, { resolve: options.root }) : undefined
  const settings = { options, promote, session, include: filterOf(promote.include), exclude: filterOf(promote.exclude) }
  return {
    name: `${PLUGIN_NAME}:promote`,
    options(input) {
      return { ...input, plugins: [input.plugins, buildPromoter(settings)] }
    },
  }
}

/**
 * Decides at `buildEnd`, with the whole graph known (no per-module hook), then acts through the
 * output options, whose naming and grouping functions rolldown calls only after that:
 * a boundary that rolldown gives a chunk of its own just gets a stable file name; a singleton is
 * pinned into a chunk of its own by a code-splitting group, under a stable file name too.
 */
function buildPromoter(settings: PromoterSettings): Plugin {
  let plan = new PromotionPlan()
  let entries: UserEntries = userEntries(undefined, settings.options.root)
  return {
    name: `${PLUGIN_NAME}:promote-build`,
    buildStart(input: NormalizedInputOptions) {
      const cwd = (input as { cwd?: string }).cwd ?? process.cwd()
      entries = userEntries(input.input, cwd, settings.promote.base)
      plan = new PromotionPlan()
    },
    buildEnd(error) {
      if (!error) plan = planPromotions(this, settings, entries)
    },
    outputOptions(output) {
      if (output.codeSplitting === false || output.inlineDynamicImports || output.preserveModules) return null
      return withPromotedChunks(output, () => plan)
    },
    generateBundle(outputOptions, bundle) {
      const promotions: Promotion[] = []
      const unpinned: { module: string; fileName: string }[] = []
      const byName = new Map(plan.promotions.map((promotion) => [promotion.name, promotion]))
      for (const item of Object.values(bundle)) {
        if (item.type !== 'chunk') continue
        const name = plan.nameOfChunk(item)
        const promotion = name === undefined ? undefined : byName.get(name)
        if (promotion) promotions.push({ ...promotion, fileName: item.fileName })
        else if (item.isDynamicEntry && !item.isEntry && item.facadeModuleId && !isVirtualId(item.facadeModuleId)) {
          unpinned.push({ module: displayPath(item.facadeModuleId, settings.options.root), fileName: item.fileName })
        }
      }
      // A boundary rolldown kept inside its importer's chunk has no file of its own: nothing to name.
      promotions.sort((a, b) => a.name.localeCompare(b.name))
      const key = outputKeyOf(outputOptions, settings.options.root, entryIdsOf(bundle))
      settings.session.promotions.set(key, promotions)
      if (promotions.length > 0) this.info({ code: CODES.promoted, message: promotedEntryMap(promotions) })

      const view = migrationView({
        listed: plan.listed,
        pinned: promotions.filter((p) => !entries.byName.has(p.name)),
        unpinned,
      })
      if (view) settings.session.migrations.set(key, view)
      if (view && !plan.migrationSaid) {
        plan.migrationSaid = true
        const message = promoteMigrationSummary({
          covered: view.covered.map((e) => e.name),
          kept: view.kept.map((e) => e.name),
          notBoundaries: view.notBoundaries.map((e) => e.name),
          addedByPromote: view.addedByPromote.map((e) => e.name),
          missing: view.missing.map((e) => e.module),
        })
        if (migrationNeedsAttention(view)) this.warn({ code: CODES.promoteMigration, message })
        else this.info({ code: CODES.promoteMigration, message })
      }
    },
  }
}

/** What one build promotes: stable names by module id. */
class PromotionPlan {
  readonly promotions: Promotion[] = []
  readonly boundaryNames: Map<string, string> = new Map()
  readonly singletonNames: Map<string, string> = new Map()
  /** The user's entries as the migration view sees them. */
  listed: ListedEntry[] = []
  /** The migration summary is said once per build, not once per output. */
  migrationSaid = false

  /** The stable name of a chunk this plan names, if any. */
  nameOfChunk(chunk: Pick<PreRenderedChunk, 'facadeModuleId' | 'name' | 'moduleIds' | 'isDynamicEntry'>): string | undefined {
    if (chunk.facadeModuleId !== null && chunk.isDynamicEntry) {
      const name = this.boundaryNames.get(chunk.facadeModuleId)
      if (name !== undefined) return name
    }
    for (const id of chunk.moduleIds) {
      const name = this.singletonNames.get(id)
      if (name === chunk.name) return name
    }
    return undefined
  }
}

/**
 * A runtime boundary: a module some importer loads lazily without already holding it statically
 * (`import()` of a module its own importer also imports statically moves nothing: rolldown keeps
 * it in that chunk). Whether rolldown really gives it a chunk of its own is known only at naming
 * time, where a chunk is named only if it is the boundary's dynamic entry.
 */
function isBoundary(info: ModuleInfo): boolean {
  return info.dynamicImporters.some((importer) => !info.importers.includes(importer))
}

/**
 * Boundaries are dynamic-import targets: all of them (`boundaries: 'all'`), or those among the
 * singletons' static ancestors (their static import closure reaches one). Walking importers
 * backwards from the singletons keeps the cost to those ancestors.
 */
function planPromotions(context: PluginContext, settings: PromoterSettings, entries: UserEntries): PromotionPlan {
  const { session, include, exclude, options, promote: promoteOptions } = settings
  const plan = new PromotionPlan()
  const takenBy = new Map<string, string>([...entries.byName].map(([name, file]) => [name, file]))
  const entryIds = new Map<string, UserEntry>()
  const singletons: string[] = []
  const included: string[] = []
  const boundaries: string[] = []
  const everyBoundary = promoteOptions.boundaries === 'all'
  for (const id of context.getModuleIds()) {
    if (isVirtualId(id)) continue
    const file = stripQuery(id).file
    const entry = entryOf(entries, file)
    if (entry && context.getModuleInfo(id)?.isEntry) entryIds.set(id, entry)
    if (isSingletonId(id, session)) singletons.push(id)
    else if (include && include(file)) included.push(id)
    // Only this mode reads every module's info (one native call each, once per build).
    if (everyBoundary) {
      const info = context.getModuleInfo(id)
      if (info && isBoundary(info)) boundaries.push(id)
    }
  }

  const promote = (id: string, reason: PromotionReason): void => {
    const file = stripQuery(id).file
    if (exclude?.(file) || entryIds.has(id) || entries.files.has(file)) return
    if (plan.boundaryNames.has(id) || plan.singletonNames.has(id)) return
    const identity = session.resolver.identify(id)
    if (!identity) return
    const name = stableEntryName(identity, entries.bases, options.root)
    const module = displayPath(id, options.root)
    const other = takenBy.get(name)
    if (other !== undefined) {
      const error = Object.assign(new Error(promoteClash(name, module, displayPath(other, options.root))), {
        code: CODES.promoteClash,
      })
      error.stack = ''
      context.error(error)
    }
    takenBy.set(name, id)
    ;(reason === 'singleton' ? plan.singletonNames : plan.boundaryNames).set(id, name)
    plan.promotions.push({ name, module, reason })
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
  for (const id of boundaries) promote(id, 'runtime boundary')
  for (const id of included) {
    if ((context.getModuleInfo(id)?.dynamicImporters.length ?? 0) > 0) promote(id, 'include')
  }
  if (promoteOptions.singletons) for (const id of singletons) promote(id, 'singleton')
  plan.promotions.sort((a, b) => a.name.localeCompare(b.name))
  plan.listed = listedEntries(context, settings, entries, entryIds, reachesSingleton)
  return plan
}

/** The user entry a module id loads: the same file, or the file the user named without its extension. */
function entryOf(entries: UserEntries, file: string): UserEntry | undefined {
  return entries.byFile.get(file) ?? entries.byFile.get(file.replace(/\.[^./\\]+$/, ''))
}

/**
 * The user's entries as the migration view needs them: what each is in the graph, and what
 * promote would do with it were the entry deleted (named from the entries that would remain).
 */
function listedEntries(
  context: PluginContext,
  settings: PromoterSettings,
  entries: UserEntries,
  entryIds: Map<string, UserEntry>,
  reachesSingleton: ReadonlySet<string>,
): ListedEntry[] {
  const { session, options, promote, include, exclude } = settings
  const facts = [...entryIds].map(([id, entry]) => {
    const info = context.getModuleInfo(id) as ModuleInfo
    const role: EntryRole = isSingletonId(id, session)
      ? 'singleton'
      : isBoundary(info)
        ? 'boundary'
        : info.importers.length > 0
          ? 'static'
          : 'entry'
    return { id, entry, role, importedBy: info.importers.map((importer) => displayPath(importer, options.root)) }
  })
  const handKept = new Set(facts.filter((f) => f.role === 'boundary' || f.role === 'singleton').map((f) => f.entry))
  const remaining = learnNameBases(
    entries.list.filter((entry) => !handKept.has(entry)),
    entries.bases.cwd,
    promote.base,
  )
  return facts.map(({ id, entry, role, importedBy }): ListedEntry => {
    const file = stripQuery(id).file
    const identity = session.resolver.identify(id)
    let skipped: string | undefined
    if (!identity) skipped = 'not a file promote can name'
    else if (exclude?.(file)) skipped = 'excluded by promote.exclude'
    else if (role === 'singleton' && !promote.singletons) skipped = 'promote.singletons is false'
    else if (
      role === 'boundary' &&
      promote.boundaries !== 'all' &&
      !reachesSingleton.has(id) &&
      !include?.(file)
    ) {
      skipped = "reaches no singleton: promote.boundaries: 'all' pins it"
    }
    return {
      name: entry.name,
      module: displayPath(id, options.root),
      role,
      importedBy,
      promote:
        skipped === undefined && identity
          ? { name: stableEntryName(identity, remaining, options.root) }
          : { skipped: skipped ?? 'not a file promote can name' },
    }
  })
}

/**
 * Output options that name promoted chunks like the build's entries (`[name].mjs`, ...) and pin
 * each promoted singleton into a chunk of its own. Internal exports keep their own names, so a
 * rebuilt boundary still finds what it imports in a singleton file an older process has loaded.
 */
function withPromotedChunks(output: OutputOptions, currentPlan: () => PromotionPlan): OutputOptions {
  const chunkNames = output.chunkFileNames ?? '[name]-[hash].js'
  const entryNames = output.entryFileNames ?? '[name].js'
  const pattern = (naming: typeof chunkNames, chunk: PreRenderedChunk) =>
    typeof naming === 'function' ? naming(chunk) : naming
  return {
    ...output,
    ...pinSingletons(output, currentPlan),
    minifyInternalExports: output.minifyInternalExports ?? false,
    chunkFileNames(chunk) {
      const name = currentPlan().nameOfChunk(chunk)
      if (name === undefined) return pattern(chunkNames, chunk)
      return pattern(entryNames, { ...chunk, name }).replaceAll('[name]', name)
    },
  }
}

/**
 * Pins each promoted singleton into a chunk of its own, extending whichever chunking option the
 * user wrote: rolldown ignores `advancedChunks` and `manualChunks` once `codeSplitting` is set,
 * so replacing theirs would silently drop the user's chunks.
 */
function pinSingletons(output: OutputOptions, currentPlan: () => PromotionPlan): OutputOptions {
  const nameOf = (id: string) => currentPlan().singletonNames.get(id)
  const userManualChunks = output.manualChunks
  if (userManualChunks && typeof output.codeSplitting !== 'object' && !output.advancedChunks) {
    return { manualChunks: (id, meta) => nameOf(id) ?? userManualChunks(id, meta) }
  }
  const splitting = typeof output.codeSplitting === 'object' ? output.codeSplitting : (output.advancedChunks ?? {})
  const group: CodeSplittingGroup = {
    name: (id) => nameOf(id) ?? null,
    debugName: `${PLUGIN_NAME}:promoted-singletons`,
    priority: Number.MAX_SAFE_INTEGER,
  }
  return { advancedChunks: undefined, codeSplitting: { ...splitting, groups: [group, ...(splitting.groups ?? [])] } }
}
