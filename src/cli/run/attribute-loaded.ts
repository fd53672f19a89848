/**
 * The one place `run` learns which source modules a loaded file holds. Everything else in `run`
 * works from `LoadedCode`. A file inside a `--dist` folder is read by the audit itself (source
 * maps, the plugin's report, the bundler's `//#region`/`// <path>` markers, shims, rolldown's
 * runtime, and its grouping of the chunks that evaluate one copy together); any other file (an
 * installed package, a folder not given, a chunk a rebuild wrote after the audit) is read alone,
 * from its own source map or markers, and without either it is its own module.
 */
import fs from 'node:fs'
import path from 'node:path'
import { audit, type AuditResult } from '../audit.ts'
import { displayModule, moduleMarkersOf, type ModuleIdentity } from '../core.ts'
import { NO_MAP } from '../messages.ts'
import { markerBase } from '../marker-base.ts'
import { parseChunk } from '../parse-chunk.ts'
import type { Progress } from '../progress.ts'
import { AuditResolver } from '../source-identity.ts'
import { attributeChunk } from '../source-map.ts'

/** One source module whose code a loaded file evaluates. */
export interface HeldCopy {
  /** Equal keys: one module (the plugin's identity: real path, or package and export subpath). */
  key: string
  /** The module, as printed: a root-relative path or `package/subpath`. */
  display: string
  /** This copy, as printed: with the package version. */
  module: string
  identity: ModuleIdentity
  /** Files with one `copy` value evaluate one instance together (one chunk, or chunks sharing a factory). */
  copy: string
}

export type AttributedBy =
  | 'source map'
  | 'report'
  | 'region markers'
  | 'path comments'
  | 'the file itself'
  | 'bundler runtime'
  | 're-export shim'
  | 'data'
  | 'none'

interface LoadedCode {
  attributedBy: AttributedBy
  /** Why nothing could be attributed (`attributedBy: 'none'`). */
  reason: string | undefined
  /** The `--dist` folder holding the file, as printed. */
  dist: string | undefined
  format: 'esm' | 'cjs' | undefined
  modules: HeldCopy[]
}

const SILENT: Progress = { start() {}, step() {}, done() {} }
const CODE_FORMATS = new Set(['module', 'commonjs', 'module-typescript', 'commonjs-typescript'])
const SOURCE_EXTENSION = /\.(?:[cm]?tsx?|jsx)$/
const GONE = 'no longer on disk (deleted after it was loaded: a rebuild?)'

export class LoadedAttribution {
  readonly root: string
  /** The audit of the `--dist` folders, read before the command started (a rebuild cannot hide what was loaded). */
  readonly dists: AuditResult | undefined
  readonly #byFile = new Map<string, LoadedCode>()
  readonly #resolver = new AuditResolver()

  constructor(dists: readonly string[], root: string) {
    this.root = root
    this.dists = dists.length > 0 ? auditDists(dists, root) : undefined
    if (this.dists) this.#indexAudit(this.dists)
  }

  /** Files of the `--dist` folders only reached through `import()`, in order (`--import-all`). */
  dynamicEntries(): string[] {
    if (!this.dists) return []
    return [...this.dists.chunks.values()]
      .filter(
        (chunk) =>
          chunk.kind === 'dynamic-entry' ||
          (chunk.kind === 'shim' &&
            chunk.importers.length > 0 &&
            chunk.importers.every((edge) => edge.kind === 'dynamic')),
      )
      .map((chunk) => chunk.absolute)
  }

  /** The `--dist` folder holding a file (absolute), as printed. */
  distOf(file: string): string | undefined {
    return this.dists?.folders.find((folder) => file.startsWith(folder.absolute + path.sep))?.display
  }

  /** What a loaded file holds; `format` is the one Node loaded it as, when the tracker saw it. */
  attribute(file: string, format: string | null): LoadedCode {
    let code = this.#byFile.get(file)
    if (!code) this.#byFile.set(file, (code = this.#attributeAlone(file, format)))
    return code
  }

  #indexAudit(result: AuditResult): void {
    const held = new Map<string, HeldCopy[]>()
    for (const unit of result.units.values()) {
      for (const copy of unit.copies) {
        const id = `${copy.output}|${copy.chunks.map((chunk) => chunk.id).join('+')}`
        for (const chunk of copy.chunks) {
          const list = held.get(chunk.id) ?? []
          list.push({
            key: unit.key,
            display: unit.display,
            module: displayModule(copy.identity, this.root, true),
            identity: copy.identity,
            copy: id,
          })
          held.set(chunk.id, list)
        }
      }
    }
    for (const chunk of result.chunks.values()) {
      const attributedBy: AttributedBy = chunk.kind === 'shim' ? 're-export shim' : chunk.attributedBy
      this.#byFile.set(chunk.absolute, {
        attributedBy,
        reason: chunk.unattributed,
        dist: chunk.folder,
        format: chunk.format,
        modules: attributedBy === 'none' ? [] : (held.get(chunk.id) ?? []),
      })
    }
  }

  #attributeAlone(file: string, format: string | null): LoadedCode {
    const dist = this.distOf(file)
    const code = (attributedBy: AttributedBy, modules: HeldCopy[], reason?: string): LoadedCode => ({
      attributedBy,
      reason,
      dist,
      format: format === 'commonjs' ? 'cjs' : format === 'module' ? 'esm' : undefined,
      modules,
    })
    if (format !== null && !CODE_FORMATS.has(format)) return code('data', [])
    if (format === null && /\.(?:json|node|wasm)$/.test(file)) return code('data', [])
    let text: string
    try {
      text = fs.readFileSync(file, 'utf8')
    } catch {
      return code('none', [], GONE)
    }
    const itself = () => {
      const identity = this.#resolver.identify(file)
      return code('the file itself', identity ? [this.#held(identity, file)] : [])
    }
    // A source file run as it is (a TypeScript loader, a package's unbundled files) is its own module.
    if (SOURCE_EXTENSION.test(file)) return itself()
    let parsed: ReturnType<typeof parseChunk>
    try {
      parsed = parseChunk(file, text)
    } catch {
      return itself()
    }
    if (parsed.forwardsOnly) return code('re-export shim', [])
    const attribution = attributeChunk(file, parsed.sourceMappingUrl, fs.existsSync(`${file}.map`))
    if (attribution.ok) {
      const modules: HeldCopy[] = []
      for (const { source } of attribution.sources) {
        const identity = this.#resolver.identify(source)
        if (identity) modules.push(this.#held(identity, file))
      }
      return code('source map', modules)
    }
    if (parsed.sourceMappingUrl) return code('none', [], attribution.reason)
    // Without a map, the bundler's own comments: `//#region <module>` or `// <module>` lines.
    const markers = moduleMarkersOf(text)
    const marked = markers.modules.filter((module) => !module.virtual)
    if (markers.style && marked.length > 0) {
      const base = markerBase(
        path.dirname(file),
        marked.map((module) => module.source),
      )
      const modules: HeldCopy[] = []
      for (const module of marked) {
        const identity = this.#resolver.identify(path.resolve(base, module.source))
        if (identity) modules.push(this.#held(identity, file))
      }
      return code(markers.style, modules)
    }
    if (markers.modules.length > 0) return code('bundler runtime', [])
    // A build's chunk that the audit did not see (written after it) and that has no map.
    if (dist) return code('none', [], NO_MAP)
    return itself()
  }

  #held(identity: ModuleIdentity, file: string): HeldCopy {
    return {
      key: identity.key,
      display: displayModule(identity, this.root),
      module: displayModule(identity, this.root, true),
      identity,
      copy: file,
    }
  }
}

/** Every module of the folders, judged as `audit` does (no pattern must match: `run` only ranks by them). */
function auditDists(dirs: readonly string[], root: string): AuditResult {
  return audit({
    dirs,
    root,
    singletons: undefined,
    everyPatternMustMatch: false,
    formats: 'warn',
    builds: 'error',
    strict: false,
    progress: SILENT,
  })
}
