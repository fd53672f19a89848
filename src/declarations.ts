import { displayModule, type ModuleIdentity } from './identity.ts'
import type { MapContext } from './chunk-map.ts'
import { MARKER_LABEL } from './singletons.ts'

const declarationCache = new WeakMap<MapContext, Map<string, string[]>>()

const NOT_DECLARED: string[] = []
const MARKER_ONLY: string[] = [MARKER_LABEL]

/** Drops the cached declarations (a watched file changed). */
export function forgetDeclarations(context: MapContext): void {
  declarationCache.delete(context)
}

/**
 * The patterns (or the marker) that declare `id` a singleton; cached per id for the session,
 * and only ids that pass the patterns' quick test pay for a location and a full match.
 */
export function declarationsOf(id: string, context: MapContext): string[] {
  const marked = context.markedIds.has(id)
  if (!context.matcher.mayDeclare(id)) return marked ? MARKER_ONLY : NOT_DECLARED
  let cache = declarationCache.get(context)
  if (!cache) declarationCache.set(context, (cache = new Map()))
  let declaredBy = cache.get(id)
  if (declaredBy === undefined) {
    const location = context.resolver.locate(id)
    declaredBy = location ? context.matcher.match(location) : NOT_DECLARED
    cache.set(id, declaredBy)
  }
  return marked ? [...declaredBy, MARKER_LABEL] : declaredBy
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
  context.twinNames.add(identity.realpath)
  context.twinNames.add(identity.file)
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
  if (!context.twinNames.mayName(id)) return false
  const identity = context.resolver.identify(id)
  return identity !== null && context.singletonKeys.has(identity.key)
}
