import type { Pattern } from '../../core/types.ts'

/**
 * Native id filters that let through every module a singleton pattern may name, and its twins
 * (same base name under another path or install): built from each pattern's last segment, so
 * `'shared-state'` passes `node_modules/shared-state/...` and `packages/shared-state/...`, and
 * `'src/state.ts'` passes any `.../state.ts`. The handler then matches exactly.
 */
export function candidateIdFilters(patterns: readonly Pattern[]): RegExp[] {
  return patterns.map((pattern) => {
    if (pattern instanceof RegExp) return new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''))
    const segments = pattern
      .trim()
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
    const last = segments[segments.length - 1] ?? ''
    if (last === '' || last === '**') return /./
    return new RegExp(`(?:^|[\\\\/])${globSegment(last)}(?:[\\\\/.?#]|$)`, 'i')
  })
}

/** One path segment of a glob as a regular expression source (`*`, `?`, `{a,b}`, `[...]`). */
function globSegment(segment: string): string {
  let source = ''
  for (let index = 0; index < segment.length; index++) {
    const char = segment[index] as string
    if (char === '*') source += '[^\\\\/]*'
    else if (char === '?') source += '[^\\\\/]'
    else if (char === '{') {
      const end = segment.indexOf('}', index)
      if (end === -1) return '[^\\\\/]*'
      source += `(?:${segment
        .slice(index + 1, end)
        .split(',')
        .map((part) => globSegment(part))
        .join('|')})`
      index = end
    } else if (char === '[') {
      const end = segment.indexOf(']', index)
      if (end === -1) return '[^\\\\/]*'
      source += segment.slice(index, end + 1).replace(/^\[!/, '[^')
      index = end
    } else source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  }
  return source
}
