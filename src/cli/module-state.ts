import fs from 'node:fs'
import path from 'node:path'
import { classifyState, isFile, moduleSectionsOf, type StateEvidence, type StateVerdict } from './core.ts'
import type { AuditChunk, Stateful } from './model.ts'
import { sourceContentOf } from './source-map.ts'

/** What the audit says of a module's state, and from what it read it. */
export interface ModuleState {
  stateful: Stateful
  /** The bindings and lines that make it stateful (or might, when `unknown`). */
  evidence: StateEvidence[]
  /** Why it could not be told, or why its copies share one state. */
  reason: string | undefined
  /** Its own source file, the source text its chunk's map carries, or its code as a chunk prints it. */
  readFrom: 'source' | 'source map' | 'bundled code' | 'nothing'
  /** Its code was read and parsed: `unknown` then means undecidable, not unread. */
  read: boolean
}

/** A copy of a module: its source file as the chunk's attribution names it, and the chunks holding it. */
interface CopyPlace {
  source: string
  realpath: string
  chunks: readonly AuditChunk[]
}

/** Past this size a chunk's code is not searched for the names a module shares with its neighbours. */
const NEIGHBOUR_SCAN_LIMIT = 8 * 1024 * 1024

/**
 * Classifies the modules that have copies, and only those: from the source file when it is on
 * disk, else from the module's section of a chunk (its marker up to the next), where the names the
 * rest of the chunk also uses count as exported (the bundler removed the export statements).
 */
export class ModuleStates {
  /**
   * Classifies each request's module: its source file first; else, chunk by chunk, the module's
   * section of a chunk that holds it. Each chunk is read and cut into sections once, however
   * many of its modules have copies: a dist of thousands of chunks is read about once.
   */
  statesOf<K>(requests: readonly { key: K; copies: readonly CopyPlace[] }[]): Map<K, ModuleState> {
    const states = new Map<K, ModuleState>()
    /** Requests waiting for a chunk, by chunk id, with the chunks still to try after it. */
    const waiting = new Map<string, { chunk: AuditChunk; tasks: Task<K>[] }>()
    const enqueue = (task: Task<K>) => {
      const next = task.chunks.shift()
      if (!next) {
        states.set(task.key, task.last ?? NOTHING_READ)
        return
      }
      const queued = { ...task, source: next.source }
      const entry = waiting.get(next.chunk.id)
      if (entry) entry.tasks.push(queued)
      else waiting.set(next.chunk.id, { chunk: next.chunk, tasks: [queued] })
    }
    for (const { key, copies } of requests) {
      const fromSource = fromSourceFile(copies)
      if (fromSource) states.set(key, fromSource)
      else {
        const chunks = copies.flatMap((copy) => copy.chunks.map((chunk) => ({ chunk, source: copy.source })))
        enqueue({ key, chunks, last: undefined })
      }
    }
    while (waiting.size > 0) {
      const [id, { chunk, tasks }] = waiting.entries().next().value as [string, { chunk: AuditChunk; tasks: Task<K>[] }]
      waiting.delete(id)
      const read = new ChunkSections(chunk)
      for (const task of tasks) {
        const source = task.source ?? ''
        const state = read.stateOf(source)
        if (state && state.stateful !== 'unknown') states.set(task.key, state)
        else enqueue({ ...task, last: state ?? task.last })
      }
    }
    return states
  }
}

interface Task<K> {
  key: K
  /** The chunks still to try, each with the module's source as that chunk's attribution names it. */
  chunks: { chunk: AuditChunk; source: string }[]
  /** The source the chunk being read names it by (set as the task is queued on a chunk). */
  source?: string
  last: ModuleState | undefined
}

const NOTHING_READ: ModuleState = {
  stateful: 'unknown',
  evidence: [],
  reason: 'neither its source nor its code in a chunk could be read',
  readFrom: 'nothing',
  read: false,
}

function fromSourceFile(copies: readonly CopyPlace[]): ModuleState | undefined {
  for (const copy of copies) {
    if (!isFile(copy.realpath)) continue
    try {
      return fromVerdict(classifyState(fs.readFileSync(copy.realpath, 'utf8'), copy.realpath), 'source')
    } catch {
      // unreadable: try the next copy, then the chunks
    }
  }
  return undefined
}

/** One chunk, read once: its sections by module, and the names its code uses. */
class ChunkSections {
  readonly #chunk: AuditChunk
  #code: string | undefined | null = null
  #sections: Map<string, { start: number; end: number }[]> | undefined
  #names: Map<string, number> | undefined

  constructor(chunk: AuditChunk) {
    this.#chunk = chunk
  }

  stateOf(source: string): ModuleState | undefined {
    const chunk = this.#chunk
    if (chunk.attributedBy === 'source map') {
      const content = sourceContentOf(chunk.absolute, chunk.mapUrl, source)
      return content === undefined ? undefined : fromVerdict(classifyState(content, source), 'source map')
    }
    const code = this.#read()
    if (code === undefined || chunk.markerBase === undefined) return undefined
    const sections = this.#sectionsOf(code, chunk.markerBase).get(source)
    if (!sections) return undefined
    const slice = sections.map((section) => code.slice(section.start, section.end)).join('\n')
    const exportedNames = this.#sharedNames(code, slice)
    // The bundler printed JavaScript, whatever the source was written in.
    const fileName = /\.[cm]?[jt]sx?$/.test(source) ? source.replace(/\.([cm]?)tsx?$/, '.$1js') : `${source}.js`
    return fromVerdict(classifyState(slice, fileName, { exportedNames }), 'bundled code')
  }

  #read(): string | undefined {
    if (this.#code === null) {
      try {
        this.#code = fs.readFileSync(this.#chunk.absolute, 'utf8')
      } catch {
        this.#code = undefined
      }
    }
    return this.#code
  }

  #sectionsOf(code: string, base: string): Map<string, { start: number; end: number }[]> {
    if (!this.#sections) {
      this.#sections = new Map()
      for (const section of moduleSectionsOf(code)) {
        const source = path.resolve(base, section.source)
        const list = this.#sections.get(source)
        if (list) list.push(section)
        else this.#sections.set(source, [section])
      }
    }
    return this.#sections
  }

  /** Names of the slice that the rest of the chunk uses too: exported, or read by a neighbour. */
  #sharedNames(code: string, slice: string): string[] {
    if (code.length > NEIGHBOUR_SCAN_LIMIT) return []
    this.#names ??= countNames(code)
    const shared: string[] = []
    for (const [name, count] of countNames(slice)) if ((this.#names.get(name) ?? 0) > count) shared.push(name)
    return shared
  }
}

/**
 * Every identifier-like token (`[A-Za-z_$][\w$]*`) and how often it appears (strings and comments
 * included: a superset does no harm). A scan by character codes: a chunk of megabytes is counted
 * without a match object per token.
 */
function countNames(code: string): Map<string, number> {
  const counts = new Map<string, number>()
  const length = code.length
  let at = 0
  while (at < length) {
    if (!startsName(code.charCodeAt(at))) {
      at++
      continue
    }
    let end = at + 1
    while (end < length && continuesName(code.charCodeAt(end))) end++
    const name = code.slice(at, end)
    counts.set(name, (counts.get(name) ?? 0) + 1)
    at = end
  }
  return counts
}

function startsName(char: number): boolean {
  return (char >= 97 && char <= 122) || (char >= 65 && char <= 90) || char === 95 || char === 36
}

function continuesName(char: number): boolean {
  return startsName(char) || (char >= 48 && char <= 57)
}

function fromVerdict(verdict: StateVerdict, readFrom: ModuleState['readFrom']): ModuleState {
  switch (verdict.kind) {
    case 'stateful':
      return { stateful: 'yes', evidence: verdict.evidence, reason: undefined, readFrom, read: true }
    case 'stateless':
      return { stateful: 'no', evidence: [], reason: undefined, readFrom, read: true }
    case 'shared':
      return {
        stateful: 'no',
        evidence: [],
        reason: `its copies share one state: ${verdict.reason}`,
        readFrom,
        read: true,
      }
    case 'unsure':
      return { stateful: 'unknown', evidence: verdict.evidence, reason: verdict.reason, readFrom, read: true }
    case 'unclassified':
      return { stateful: 'unknown', evidence: [], reason: verdict.reason, readFrom, read: false }
  }
}
