import fs from 'node:fs'
import path from 'node:path'
import type * as TraceMapping from '@jridgewell/trace-mapping'
import { loadOnUse } from '../../core/load-on-use.ts'

// Only the dev server reads pre-bundled files' maps.
const traceMapping = loadOnUse<typeof TraceMapping>('@jridgewell/trace-mapping')

/**
 * The source files whose code a pre-bundled dependency file (`node_modules/.vite/deps/x.js`)
 * holds: the sources its source map maps code to. A file that only re-exports a shared chunk
 * maps none of that code, so it is not taken for a copy. Cached by file and optimizer version.
 */
export class OptimizedDeps {
  readonly #held = new Map<string, string[]>()

  heldSources(file: string, version: string): string[] {
    const key = `${file}?${version}`
    let held = this.#held.get(key)
    if (held === undefined) {
      held = readHeldSources(file)
      this.#held.set(key, held)
    }
    return held
  }
}

function readHeldSources(file: string): string[] {
  const { TraceMap, decodedMappings } = traceMapping()
  let map: TraceMapping.TraceMap
  try {
    map = new TraceMap(fs.readFileSync(`${file}.map`, 'utf8'), file)
  } catch {
    return []
  }
  const used = new Set<number>()
  for (const line of decodedMappings(map)) {
    for (const segment of line) if (segment.length >= 4) used.add(segment[1] as number)
  }
  return [...used]
    .map((index) => map.resolvedSources[index])
    .filter((source): source is string => typeof source === 'string')
    .map((source) =>
      source.startsWith('file://') ? new URL(source).pathname : path.resolve(path.dirname(file), source),
    )
}
