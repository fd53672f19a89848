import { createFilter } from '@rollup/pluginutils'
import type {
  CodeSplittingGroup,
  NormalizedInputOptions,
  OutputOptions,
  Plugin,
  PluginContext,
  PreRenderedChunk,
} from 'rolldown'
import { entryIdsOf, outputKeyOf } from './chunk-map.ts'
import { isSingletonId } from './declarations.ts'
import { stableEntryName, userEntries, type UserEntries } from './entry-names.ts'
import { displayPath, isVirtualId, stripQuery } from './identity.ts'
import { CODES, PLUGIN_NAME, promoteClash, promotedEntryMap } from './messages.ts'
import type { OptionsResolved, PromoteResolved } from './options.ts'
import type { Session } from './session.ts'
import {
  namesInOutput,
  promotedAsHostAllows,
  promotionHostOf,
  singletonEvaluatedHere,
  type PromotionHost,
} from './plugin/hosts/promote-host.ts'
import { pinWithManualChunks, stableFileName } from './plugin/hosts/rollup-promote.ts'

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
 * Gives lazy runtime boundaries that reach a singleton, and the singletons themselves, stable
 * file names, so a process that loaded an earlier build still finds them after a clean rebuild.
 * Builds sharing this instance may run in parallel, so each gets its own promoter (added from
 * the `options` hook) whose state no other build touches.
 */
export function promotePlugin(options: OptionsResolved, promote: PromoteResolved, session: Session): Plugin {
  const filterOf = (patterns: PromoteResolved['include']) =>
    patterns.length > 0 ? createFilter(patterns, null, { resolve: options.root }) : undefined
  const settings = { options, promote, session, include: filterOf(promote.include), exclude: filterOf(promote.exclude) }
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
  let entries: UserEntries = userEntries(undefined, settings.options.root)
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
      settings.session.promotions.set(
        outputKeyOf(outputOptions, settings.options.root, entryIds, host.realm(entryIds)),
        done,
      )
      if (done.length > 0) this.info({ code: CODES.promoted, message: promotedEntryMap(done) })
    },
  }
}

/** What one build promotes: stable names by module id. */
class PromotionPlan {
  readonly promotions: Promotion[] = []
  readonly boundaryNames: Map<string, string> = new Map()
  readonly singletonNames: Map<string, string> = new Map()

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
  const { session, include, exclude, options } = settings
  const plan = new PromotionPlan()
  const takenBy = new Map<string, string>([...entries.byName].map(([name, file]) => [name, file]))
  const promote = (id: string, reason: PromotionReason): void => {
    const file = stripQuery(id).file
    if (isVirtualId(id) || exclude?.(file) || entries.files.has(file)) return
    if (plan.boundaryNames.has(id) || plan.singletonNames.has(id)) return
    const identity = session.resolver.identify(id)
    if (!identity) return
    const name = stableEntryName(identity, entries.baseDir, options.root)
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

  const singletons: string[] = []
  const included: string[] = []
  for (const id of context.getModuleIds()) {
    if (isSingletonId(id, session)) {
      if (singletonEvaluatedHere(context, id, session)) singletons.push(id)
    } else if (include && !isVirtualId(id) && include(stripQuery(id).file)) included.push(id)
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
  const entryNames = output.entryFileNames ?? '[name].js'
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
      return stableFileName(entryNames, chunk, name, '[name].js')
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
