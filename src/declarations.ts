import { baseNameOf, displayModule, type ModuleIdentity } from './identity.ts'
import type { MapContext } from './chunk-map.ts'
import { MARKER_LABEL } from './singletons.ts'

const declarationCache = new WeakMap<MapContext, Map<string, string[]>>()

/** The patterns (or the marker) that declare `id` a singleton; cached per id for the session. */
export function declarationsOf(id: string, context: MapContext): string[] {
  let cache = declarationCache.get(context)
  if (!cache) declarationCache.set(context, (cache = new Map()))
  const marked = context.markedIds.has(id)
  let declaredBy = cache.get(id)
  if (declaredBy === undefined) {
    const location = context.resolver.locate(id)
    declaredBy = location ? context.matcher.match(location) : []
    cache.set(id, declaredBy)
  }
  if (!marked) return declaredBy
  return [...declaredBy, MARKER_LABEL]
}

/** Records a declared singleton so its twins (other ids, other installs) are recognised. */
export function rememberSingleton(identity: ModuleIdentity, declaredBy: string[], context: MapContext): void {
  for (const label of declaredBy) context.patternHits.add(label)
  const known = context.singletonKeys.get(identity.key)
  if (known) {
    for (const label of declaredBy) known.declaredBy.add(label)
  } else {
    context.singletonKeys.set(identity.key, {
      display: displayModule(identity, context.root),
      declaredBy: new Set(declaredBy),
    })
  }
  context.singletonBaseNames.add(baseNameOf(identity.realpath))
  context.singletonBaseNames.add(baseNameOf(identity.file))
}

/**
 * Whether `id` is a declared singleton or a twin of one (same real file or package subpath).
 * Only ids sharing a base name with a known singleton pay for a real-path lookup.
 */
export function isSingletonId(id: string, context: MapContext): boolean {
  const declaredBy = declarationsOf(id, context)
  if (declaredBy.length > 0) {
    const identity = context.resolver.identify(id)
    if (identity) rememberSingleton(identity, declaredBy, context)
    return identity !== null
  }
  if (!context.singletonBaseNames.has(baseNameOf(id))) return false
  const identity = context.resolver.identify(id)
  return identity !== null && context.singletonKeys.has(identity.key)
}
