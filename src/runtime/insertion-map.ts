/** A source map, version 3, as rolldown accepts it from a transform hook. */
export interface SourceMapV3 {
  version: 3
  sources: string[]
  sourcesContent: string[]
  names: string[]
  mappings: string
}

// One segment per following character of a line: generated column +1, same source, same line,
// original column +1.
const NEXT_CHARACTER = ',CAAC'

/**
 * The map of one edit: `inserted`, whole lines of new code (it ends with a newline), put into
 * `original` at `point`. Every original character gets a segment, as magic-string's `hires: true`
 * gives, so positions map back to the exact column; but the map is built by repeating a segment
 * per line instead of walking characters one by one, so a large singleton costs well under a
 * millisecond instead of tens of them in a cold process.
 */
export function insertionMap(original: string, point: number, inserted: string, source: string): SourceMapV3 {
  const lines: string[] = []
  let previousLine = 0
  let previousColumn = 0
  /** The segments of one generated line showing original `line` from `fromColumn` to `toColumn`. */
  const mapped = (line: number, fromColumn: number, toColumn: number): string => {
    if (toColumn <= fromColumn) return ''
    // Generated column 0 of its line, source 0, then the original position as deltas.
    const head = `AA${vlq(line - previousLine)}${vlq(fromColumn - previousColumn)}`
    previousLine = line
    previousColumn = toColumn - 1
    return head + NEXT_CHARACTER.repeat(toColumn - fromColumn - 1)
  }
  const insertedLines = inserted.split('\n').length - 1

  let line = 0
  let lineStart = 0
  for (;;) {
    const end = original.indexOf('\n', lineStart)
    const lineEnd = end === -1 ? original.length : end
    if (point >= lineStart && point <= lineEnd) {
      const column = point - lineStart
      lines.push(mapped(line, 0, column))
      for (let index = 1; index < insertedLines; index++) lines.push('')
      lines.push(mapped(line, column, lineEnd - lineStart))
    } else {
      lines.push(mapped(line, 0, lineEnd - lineStart))
    }
    if (end === -1) break
    line++
    lineStart = end + 1
  }
  return { version: 3, sources: [source], sourcesContent: [original], names: [], mappings: lines.join(';') }
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

function vlq(value: number): string {
  let rest = value < 0 ? (-value << 1) | 1 : value << 1
  let encoded = ''
  do {
    let digit = rest & 31
    rest >>>= 5
    if (rest > 0) digit |= 32
    encoded += BASE64[digit]
  } while (rest > 0)
  return encoded
}
