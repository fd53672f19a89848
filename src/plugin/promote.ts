import { createFilter } from '@rollup/pluginutils'
import type {
  CodeSplittingGroup,
  NormalizedInputOptions,
  OutputOptions,
  Plugin,
  PluginContext,
  PreRenderedChunk,
} from 'rolldown'
import { UserError } from '../core/errors.ts'
import { CODES, PLUGIN_NAME, promoteClash, promotedEntryMap } from '../core/messages.ts'
import { displayPath, isVirtualId, splitQuery } from '../core/paths.ts'
import type { SingletonIndex } from '../core/singleton-index.ts'
import type { Pattern, Promotion, PromotionReason } from '../core/types.ts'
import { stableEntryName, userEntries, type UserEntries } from './entry-names.ts'
import {
  namesInOutput,
  promotedAsHostAllows,
  promotionHostOf,
  singletonEvaluatedHere,
  type PromotionHost,
} from './hosts/promote-host.ts'
import { pinWithManualChunks, stableFileName } from './hosts/rollup-promote.ts'
import type { Ledger } from './ledger.ts'
import { entryIdsOf, outputInfoOf } from './output-info.ts'

/** `promote`, resolved: what to promote besides the boundaries that reach a singleton. */
export interface PromoteResolved {
  include: Pattern[]
  exclude: Pattern[]
  singletons: boolean
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
 * Gives lazy runtime boundaries that reach a singleton, and the singletons themselves, stable
 * file names, so a process that loaded an earlier build still finds them after a clean rebuild.
 * Builds sharing this instance may run in parallel, so each gets its own promoter (added from
 * the `options` hook) whose state no other build touches.
 */
export function promotePlugin(root: string, promote: PromoteResolved, index: SingletonIndex, ledger: Ledger): Plugin {
  const filterOf = (patterns: PromoteResolved['include']) =>
    patterns.length > 0 ? createFilter(patterns, null, { resolve: root }) : undefined
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
      entries = userEntries(input.input, host.root ?? (input as { cwd?: string }).cwd ?? process.cwd())
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
      return withPromotedChunks(output, () => plan, host)
    },
    generateBundle(outputOptions, bundle) {
      const promotions = plan.promotions.map((promotion) => ({ ...promotion }))
      for (const item of Object.values(bundle)) {
        if (item.type !== 'chunk') continue
        const name = plan.nameOfChunk(item)
        const promotion = name === undefined ? undefined : promotions.find((p) => p.name === name)
        if (promotion) promotion.fileName = item.fileName
      }
      const entryIds = entryIdsOf(bundle)
      const present = namesInOutput(bundle, [plan.boundaryNames, plan.singletonNames])
      const done = promotedAsHostAllows(this, promotions, host, present)
      const output = outputInfoOf(outputOptions, entryIds, host.realm(entryIds), settings.root)
      settings.ledger.setPromotions(output.key, done)
      if (done.length > 0) this.info({ code: CODES.SINGLETON_PROMOTED, message: promotedEntryMap(done) })
    },
  }
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

/** What one build promotes: stable names by module id. */
class PromotionPlan {
  promotions: Promotion[] = []
  readonly boundaryNames: Map<string, string> = new Map()
  readonly singletonNames: Map<string, string> = new Map()

  /** Takes a module back out of the plan. */
  drop(id: string): void {
    const name = this.boundaryNames.get(id) ?? this.singletonNames.get(id)
    this.boundaryNames.delete(id)
    this.singletonNames.delete(id)
    this.promotions = this.promotions.filter((promotion) => promotion.name !== name)
  }

  /** The stable name of a chunk this plan names, if any. */
  nameOfChunk(chunk: Pick<PreRenderedChunk, 'facadeModuleId' | 'name' | 'moduleIds'>): string | undefined {
    if (chunk.facadeModuleId !== null) {
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
 * Boundaries are dynamic-import targets among the singletons' static ancestors (their static
 * import closure reaches one). Walking importers backwards from the singletons keeps the cost
 * to those ancestors.
 */
function planPromotions(context: PluginContext, settings: PromoterSettings, entries: UserEntries): PromotionPlan {
  const { index, include, exclude, root } = settings
  const plan = new PromotionPlan()
  const takenBy = new Map<string, string>([...entries.byName].map(([name, file]) => [name, file]))
  const promote = (id: string, reason: PromotionReason): void => {
    const file = splitQuery(id).file
    if (isVirtualId(id) || exclude?.(file) || entries.files.has(file)) return
    if (plan.boundaryNames.has(id) || plan.singletonNames.has(id)) return
    const identity = index.resolver.identify(id)
    if (!identity) return
    const name = stableEntryName(identity, entries.baseDir, root)
    const module = displayPath(id, root)
    const other = takenBy.get(name)
    if (other !== undefined) {
      // Two copies of one module (a query twin, two installs) are a duplicate the check reports
      // with its cause, not a naming clash: neither is promoted.
      if (isSameModule(index, other, id)) {
        plan.drop(other)
        return
      }
      context.error(new UserError(CODES.SINGLETON_PROMOTE_CLASH, promoteClash(name, module, displayPath(other, root))))
    }
    takenBy.set(name, id)
    ;(reason === 'singleton' ? plan.singletonNames : plan.boundaryNames).set(id, name)
    plan.promotions.push({ name, module, reason })
  }

  const singletons: string[] = []
  const included: string[] = []
  for (const id of context.getModuleIds()) {
    if (isSingletonId(index, id)) {
      if (singletonEvaluatedHere(context, id, index)) singletons.push(id)
    } else if (include && !isVirtualId(id) && include(splitQuery(id).file)) included.push(id)
  }
  const visited = new Set<string>(singletons)
  const pending = [...singletons]
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    const info = context.getModuleInfo(id)
    if (!info) continue
    if (info.dynamicImporters.length > 0) promote(id, 'runtime boundary')
    for (const importer of info.importers) {
      if (!visited.has(importer)) {
        visited.add(importer)
        pending.push(importer)
      }
    }
  }
  for (const id of included) {
    if ((context.getModuleInfo(id)?.dynamicImporters.length ?? 0) > 0) promote(id, 'include')
  }
  if (settings.promote.singletons) for (const id of singletons) promote(id, 'singleton')
  plan.promotions.sort((a, b) => a.name.localeCompare(b.name))
  return plan
}

/**
 * Output options that name promoted chunks like the build's entries (`[name].mjs`, ...) and pin
 * each promoted singleton into a chunk of its own. Internal exports keep their own names, so a
 * rebuilt boundary still finds what it imports in a singleton file an older process has loaded.
 */
function withPromotedChunks(
  output: OutputOptions,
  currentPlan: () => PromotionPlan,
  host: PromotionHost,
): OutputOptions {
  const chunkNames = output.chunkFileNames ?? '[name]-[hash].js'
  const pattern = (naming: typeof chunkNames, chunk: PreRenderedChunk) =>
    typeof naming === 'function' ? naming(chunk) : naming
  const pinning =
    host.bundler === 'rollup'
      ? host.pinned(pinWithManualChunks(output, (id) => currentPlan().singletonNames.get(id)))
      : pinSingletons(output, currentPlan)
  return {
    ...output,
    ...pinning,
    minifyInternalExports: output.minifyInternalExports ?? false,
    chunkFileNames(chunk) {
      const name = currentPlan().nameOfChunk(chunk)
      if (name === undefined) return pattern(chunkNames, chunk)
      return stableFileName(output.entryFileNames, output.chunkFileNames, chunk, name)
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
