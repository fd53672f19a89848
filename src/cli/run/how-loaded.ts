import fs from 'node:fs'
import { parseChunk, type ParsedChunk } from '../parse-chunk.ts'
import type { Load } from './records.ts'

/** How a file was reached, as printed and in the JSON: the audit's edge kinds plus what only a run sees. */
export type HowLoaded = 'entry' | 'static' | 'dynamic' | 'require' | 'import' | 'import-all'

/**
 * Node's hooks say `import` for both a static import and an `import()`: the parent's own code
 * tells them apart (the specifier among its static imports, or only among its `import()`s).
 */
export class LoadKinds {
  readonly #parsed = new Map<string, ParsedChunk | null>()

  of(load: Load): HowLoaded {
    if (load.how !== 'import') return load.how
    if (!load.parent || load.specifier === null) return 'import'
    const parsed = this.#parse(load.parent)
    if (!parsed) return 'import'
    const kinds = new Set(parsed.imports.filter((edge) => edge.specifier === load.specifier).map((edge) => edge.kind))
    if (kinds.has('static')) return 'static'
    if (kinds.has('dynamic') || (kinds.size === 0 && parsed.computedDynamicImports > 0)) return 'dynamic'
    return 'import'
  }

  #parse(file: string): ParsedChunk | null {
    let parsed = this.#parsed.get(file)
    if (parsed === undefined) {
      try {
        parsed = parseChunk(file, fs.readFileSync(file, 'utf8'))
      } catch {
        parsed = null
      }
      this.#parsed.set(file, parsed)
    }
    return parsed
  }
}

export const HOW_TEXT: Record<HowLoaded, string> = {
  entry: 'the entry',
  static: 'static import',
  dynamic: 'import()',
  require: 'require()',
  import: 'import',
  'import-all': 'import() by --import-all',
}
