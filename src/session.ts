import fs from 'node:fs'
import type { MapContext, OutputMap } from './chunk-map.ts'
import { forgetDeclarations } from './declarations.ts'
import { BaseNames, IdentityResolver } from './identity.ts'
import type { OptionsResolved } from './options.ts'
import { SingletonMatcher } from './singletons.ts'
import type { Promotion } from './promote.ts'
import type { MigrationView } from './plugin/migration.ts'
import type { Finding } from './verdicts.ts'

/**
 * State shared by every build that uses one plugin instance: a tsdown array config, esm + cjs,
 * or several rolldown() calls. Outputs are keyed by where they are written, so a rebuild in
 * watch mode replaces its earlier record instead of adding a phantom copy.
 */
export class Session implements MapContext {
  readonly root: string
  readonly resolver: IdentityResolver = new IdentityResolver()
  readonly matcher: SingletonMatcher
  readonly markedIds: Set<string> = new Set()
  readonly keepModuleLists: boolean
  readonly singletonKeys: MapContext['singletonKeys'] = new Map()
  readonly twinNames: BaseNames = new BaseNames()
  readonly patternHits: Set<string> = new Set()
  readonly outputs: Map<string, OutputMap> = new Map()
  readonly findings: Map<string, Finding[]> = new Map()
  readonly warnedPatterns: Set<string> = new Set()
  /** What each output's build promoted, by output key, written before the check runs. */
  readonly promotions: Map<string, Promotion[]> = new Map()
  /** The user's entry list compared with what promote does, by output key (only when they keep one). */
  readonly migrations: Map<string, MigrationView> = new Map()
  /** How many outputs the host announced (tsdown: one per config and format); 0 when unknown. */
  expectedOutputs = 0
  #completedOnce = false

  constructor(options: OptionsResolved) {
    this.root = options.root
    this.keepModuleLists = options.report !== false
    this.matcher = new SingletonMatcher(options.singletons, options.root)
  }

  /**
   * When to judge copies across outputs, now that `output` has closed: `'wait'` while announced
   * builds are still running, `'all'` when the last of them closes (the whole picture, once),
   * `'incremental'` after that (watch rebuilds) or when no count was announced (rolldown API):
   * then each output reports the splits it takes part in, so whichever closes last fails.
   */
  acrossPhase(): 'wait' | 'all' | 'incremental' {
    if (this.expectedOutputs === 0 || this.#completedOnce) return 'incremental'
    if (this.outputs.size < this.expectedOutputs) return 'wait'
    this.#completedOnce = true
    return 'all'
  }

  /**
   * A file changed on disk (watch mode): what was learned from its contents is forgotten. Marks
   * of every id loading it (twins too) go, and declared singletons are re-derived from the next
   * output, so removing `// @singleton` takes effect on the rebuild.
   */
  fileChanged(file: string): void {
    const real = realpathOrSelf(file)
    for (const id of this.markedIds) {
      const identity = this.resolver.identify(id)
      if (id === file || identity?.file === file || identity?.realpath === real) this.markedIds.delete(id)
    }
    this.resolver.forget(file)
    this.singletonKeys.clear()
    forgetDeclarations(this)
  }

  /** Patterns that matched nothing, once every announced output has closed. */
  unmatchedPatterns(): string[] {
    if (this.expectedOutputs > 0 && this.outputs.size < this.expectedOutputs) return []
    const unmatched: string[] = []
    for (const pattern of this.matcher.patterns) {
      if (this.patternHits.has(pattern.label) || this.warnedPatterns.has(pattern.label)) continue
      this.warnedPatterns.add(pattern.label)
      unmatched.push(pattern.label)
    }
    return unmatched
  }
}

function realpathOrSelf(file: string): string {
  try {
    return fs.realpathSync.native(file)
  } catch {
    return file
  }
}
