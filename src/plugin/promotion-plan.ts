import type { PreRenderedChunk } from 'rolldown'
import type { ListedEntry } from '../core/migration.ts'
import type { Promotion } from '../core/types.ts'

/** What one build promotes: stable names by module id. */
export class PromotionPlan {
  promotions: Promotion[] = []
  readonly boundaryNames: Map<string, string> = new Map()
  readonly singletonNames: Map<string, string> = new Map()
  /** The user's entries as the migration view sees them. */
  listed: ListedEntry[] = []
  /** The migration summary is said once per build, not once per output. */
  migrationSaid = false
  /** Names a dynamic entry met at naming time (`boundaries: 'all'`), so no module's info is read ahead. */
  nameLate: ((id: string) => void) | undefined
  /** A clash met at naming time, reported once the output is generated. */
  clash: string | undefined
  /** Chunks named after the user's own chunking (a group, a manual chunk) that hold a singleton. */
  readonly userChunkNames: Set<string> = new Set()

  /** Takes a module back out of the plan. */
  drop(id: string): void {
    const name = this.boundaryNames.get(id) ?? this.singletonNames.get(id)
    this.boundaryNames.delete(id)
    this.singletonNames.delete(id)
    this.promotions = this.promotions.filter((promotion) => promotion.name !== name)
  }

  /**
   * The stable name of a chunk this plan names, if any: a boundary's dynamic entry by the
   * boundary's name; any other chunk that holds singletons by the first of their names. The chunk
   * is the one the bundler made: naming it changes no module's place.
   */
  nameOfChunk(
    chunk: Pick<PreRenderedChunk, 'facadeModuleId' | 'moduleIds' | 'isDynamicEntry' | 'name'>,
    userChunkNames?: ReadonlySet<string>,
  ): string | undefined {
    if (chunk.facadeModuleId !== null && chunk.isDynamicEntry) {
      if (!this.boundaryNames.has(chunk.facadeModuleId)) this.nameLate?.(chunk.facadeModuleId)
      const name = this.boundaryNames.get(chunk.facadeModuleId)
      if (name !== undefined) return name
    }
    const singleton = this.#firstSingletonName(chunk)
    if (singleton === undefined) return undefined
    // A chunk the user's chunking named keeps that name, without its hash.
    if (userChunkNames?.has(chunk.name) || this.userChunkNames.has(chunk.name)) {
      this.userChunkNames.add(chunk.name)
      return chunk.name
    }
    return singleton
  }

  /** What a name this plan gives stands for, as messages say it. */
  holderOf(name: string): string {
    if (this.userChunkNames.has(name)) return `the chunk "${name}" of your chunking options`
    const boundary = this.promotions.find((promotion) => promotion.name === name && promotion.reason !== 'singleton')
    return boundary ? `the lazy boundary "${name}"` : `with the singleton "${name}"`
  }

  /** Whether a chunk holds a singleton this plan names. */
  holdsSingleton(chunk: Pick<PreRenderedChunk, 'moduleIds'>): boolean {
    return this.#firstSingletonName(chunk) !== undefined
  }

  #firstSingletonName(chunk: Pick<PreRenderedChunk, 'moduleIds'>): string | undefined {
    if (this.singletonNames.size === 0) return undefined
    let first: string | undefined
    for (const id of chunk.moduleIds) {
      const name = this.singletonNames.get(id)
      if (name !== undefined && (first === undefined || name < first)) first = name
    }
    return first
  }
}
