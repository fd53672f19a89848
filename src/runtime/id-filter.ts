import type { SingletonMatcher } from '../core/patterns.ts'

/**
 * The `singletons` patterns as expressions for rolldown's native `filter.id`, read by the same
 * matcher that decides (aliases, workspaces and a subpath's files included), so that modules no
 * pattern can declare never reach JavaScript.
 */
export function singletonIdFilter(matcher: SingletonMatcher): RegExp[] {
  return matcher.patterns.flatMap((pattern) => pattern.idFilters)
}
