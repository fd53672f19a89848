import { lineStartComments, type LineComment } from './line-comments.ts'

/**
 * How a bundler said, in unminified output, where each module's code starts:
 * - `region markers`: `//#region <module>` ... `//#endregion` (rolldown before 1.0, and the
 *   tsdown releases built on it);
 * - `path comments`: a `// <module>` line before each module's code, up to the next one
 *   (esbuild, Bun, and rolldown's `attachDebugInfo: 'simple'`, its default since 1.0).
 * Module ids are printed relative to the build's working folder; virtual modules keep their
 * `\0` prefix as text (`\0rolldown/runtime.js`).
 */
type MarkerStyle = 'region markers' | 'path comments'

export interface MarkedModule {
  /** The module as the bundler printed it. */
  source: string
  /** A virtual module (the bundler's runtime, its helpers): no file of the user's. */
  virtual: boolean
  /** Tokens of code in its sections (comments not counted). */
  codeTokens: number
}

interface ModuleMarkers {
  /** Undefined when the code holds no marker at all (minified, or written by hand). */
  style: MarkerStyle | undefined
  /** Modules that own code here, in order of first appearance; a module only re-exporting owns none. */
  modules: MarkedModule[]
  /**
   * Some code belongs to a module no marker names: an `//#endregion` whose `//#region` is
   * missing, as some rolldown releases wrote for a chunk's first module.
   */
  unnamedCode: boolean
}

const REGION = '#region '
const END_REGION = '#endregion'

/** The modules whose code a built file holds, from its bundler's markers. */
export function moduleMarkersOf(code: string): ModuleMarkers {
  const regions = lineStartComments(code, isRegionComment)
  if (regions.comments.length > 0)
    return { style: 'region markers', ...fromRegions(code, regions.comments, regions.codeTokens) }
  const paths = lineStartComments(code, isPathComment)
  if (paths.comments.length > 0) {
    return {
      style: 'path comments',
      modules: fromPathComments(code, paths.comments, paths.codeTokens),
      unnamedCode: false,
    }
  }
  return { style: undefined, modules: [], unnamedCode: false }
}

/** Where one module's code sits in a built file: from after its marker line to the next marker. */
interface ModuleSection {
  /** The module as the bundler printed it. */
  source: string
  start: number
  end: number
}

/**
 * The sections of a built file, module by module, virtual modules left out; one module may have
 * several (rolldown prints a module again where another interrupts it). What `moduleMarkersOf`
 * counts, with the offsets to read each module's code back (the CLI classifies a module's state
 * from them when its source is not on disk).
 */
export function moduleSectionsOf(code: string): ModuleSection[] {
  const sections: ModuleSection[] = []
  const push = (text: string, start: number, end: number) => {
    const bodyStart = code.indexOf('\n', start)
    if (text === '' || isVirtual(text) || bodyStart === -1 || bodyStart + 1 >= end) return
    sections.push({ source: text, start: bodyStart + 1, end })
  }
  const regions = lineStartComments(code, isRegionComment).comments
  if (regions.length > 0) {
    let open: LineComment | undefined
    for (const comment of [...regions, { start: code.length, text: END_REGION, codeBefore: 0 }]) {
      if (open) push(open.text.slice(REGION.length).trim(), open.start, comment.start)
      open = comment.text.startsWith(REGION) ? comment : undefined
    }
    return sections
  }
  const paths = lineStartComments(code, isPathComment).comments
  paths.forEach((comment, index) => push(comment.text.trim(), comment.start, paths[index + 1]?.start ?? code.length))
  return sections
}

function isRegionComment(text: string): boolean {
  return text.startsWith(REGION) || text.trimEnd() === END_REGION
}

/**
 * `// src/a.ts`, `// node_modules/x/index.js`, `// \0rolldown/runtime.js`: one token that looks
 * like a module id. Bundlers drop the user's own line comments, and keep legal ones (`//!`,
 * `// @license`), which are not paths.
 */
function isPathComment(text: string): boolean {
  if (text.charCodeAt(0) !== 32) return false
  const token = text.slice(1).trimEnd()
  if (token === '' || /\s/.test(token) || /^[#!@*/]/.test(token)) return false
  if (token.startsWith('\\0') || /^<[^>]+>$/.test(token)) return true
  if (token.includes('://')) return false
  return token.includes('/') || /\.[A-Za-z0-9]+(?:\?.*)?$/.test(token)
}

function isVirtual(source: string): boolean {
  return (
    source.startsWith('\\0') || source.includes('\0') || /^<[^>]+>$/.test(source) || source.startsWith('(disabled):')
  )
}

function fromRegions(
  code: string,
  comments: readonly LineComment[],
  codeTokens: number,
): { modules: MarkedModule[]; unnamedCode: boolean } {
  const found = new Map<string, MarkedModule>()
  let open: LineComment | undefined
  let unnamedCode = false
  const close = (end: LineComment) => {
    if (!open) return
    const source = open.text.slice(REGION.length).trim()
    add(found, code, source, open, end.start, end.codeBefore - open.codeBefore)
    open = undefined
  }
  for (const comment of comments) {
    if (comment.text.startsWith(REGION)) {
      // rolldown does not nest regions: a region left open ends where the next begins.
      close(comment)
      open = comment
    } else if (open) close(comment)
    else unnamedCode = true
  }
  close({ start: code.length, text: '', codeBefore: codeTokens })
  return { modules: [...found.values()], unnamedCode }
}

function fromPathComments(code: string, comments: readonly LineComment[], codeTokens: number): MarkedModule[] {
  const found = new Map<string, MarkedModule>()
  comments.forEach((comment, index) => {
    const next = comments[index + 1]
    const end = next ?? { start: code.length, text: '', codeBefore: codeTokens }
    add(found, code, comment.text.trim(), comment, end.start, end.codeBefore - comment.codeBefore)
  })
  return [...found.values()]
}

/** A section too short to hold much more than import and export statements is read again. */
const SHORT_SECTION = 200

function add(
  found: Map<string, MarkedModule>,
  code: string,
  source: string,
  start: LineComment,
  end: number,
  codeTokens: number,
): void {
  if (source === '' || codeTokens <= 0) return
  if (codeTokens < SHORT_SECTION) {
    const bodyStart = code.indexOf('\n', start.start)
    if (bodyStart !== -1 && bodyStart < end && onlyForwards(code.slice(bodyStart + 1, end))) return
  }
  const known = found.get(source)
  if (known) known.codeTokens += codeTokens
  else found.set(source, { source, virtual: isVirtual(source), codeTokens })
}

const FORWARDING_STATEMENT =
  /^(?:import\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'][^"'\n]*["']|export\s*(?:\*(?:\s*as\s+[\w$]+)?|\{[^}]*\})(?:\s*from\s*["'][^"'\n]*["'])?)\s*;?\s*/

/** Only import, re-export and export-list statements (comments aside): no code that runs. */
function onlyForwards(body: string): boolean {
  let rest = body
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
    .trim()
  while (rest !== '') {
    const match = FORWARDING_STATEMENT.exec(rest)
    if (!match || match[0] === '') return false
    rest = rest.slice(match[0].length)
  }
  return true
}
