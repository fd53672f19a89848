import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { RECORD_VERSION, type LoadHow, type LoadRecord, type ProcessRecord } from './protocol.ts'
import { RUN_TEXT } from './messages.ts'

/** One loaded file in one realm, with times relative to its process's start. */
export interface Load {
  /** ms since the process started. */
  at: number
  /** Absolute path, without query. */
  file: string
  /** The URL's query (`?v=2`): a new module record of the same file. */
  query: string
  how: LoadHow
  /** Absolute path of the file whose import or require loaded it, when known. */
  parent: string | null
  specifier: string | null
  format: string | null
}

/** A process's main thread or one of its workers: each has its own globals, so its own module instances. */
interface Realm {
  pid: number
  threadId: number
  loads: Load[]
}

export interface TrackedProcess {
  record: ProcessRecord
  realms: Realm[]
}

const RECORD_NAME = /^\d+-\d+\.json$/

/** Reads every process record of the run's folder; unreadable ones become notes. */
export function readRecords(dir: string, notes: string[]): TrackedProcess[] {
  let names: string[]
  try {
    names = fs.readdirSync(dir).filter((name) => RECORD_NAME.test(name))
  } catch {
    return []
  }
  const processes: TrackedProcess[] = []
  for (const name of names.sort()) {
    let record: ProcessRecord
    try {
      record = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as ProcessRecord
    } catch (error) {
      notes.push(RUN_TEXT.unreadableRecord(name, String((error as Error).message).split('\n')[0] as string))
      continue
    }
    if (record.version !== RECORD_VERSION || !Array.isArray(record.threads)) {
      notes.push(RUN_TEXT.unreadableRecord(name, `version ${JSON.stringify(record.version)}`))
      continue
    }
    const realms = record.threads.map((thread) => ({
      pid: record.pid,
      threadId: thread.threadId,
      loads: loadsOf(thread.loads),
    }))
    processes.push({ record, realms: realms.sort((a, b) => a.threadId - b.threadId) })
  }
  return processes.sort((a, b) => a.record.timeOrigin - b.record.timeOrigin)
}

/**
 * The thread's loads in time order. The fallback sees a CommonJS file imported from an ES module
 * twice: its ES hooks name the importer, its CommonJS hook the evaluation; they become one load.
 */
function loadsOf(records: readonly LoadRecord[]): Load[] {
  const loads: Load[] = []
  const fromHooks = new Map<string, Load[]>()
  const compiled: [Load, LoadRecord][] = []
  for (const record of records) {
    const [at, file, how, parent, specifier, format, via] = record
    const { path: absolute, query } = splitUrl(file)
    const load: Load = {
      at,
      file: absolute,
      query,
      how,
      parent: parent === null ? null : splitUrl(parent).path,
      specifier,
      format,
    }
    if (via === 'compile') compiled.push([load, record])
    else {
      loads.push(load)
      if (format === 'commonjs') {
        const list = fromHooks.get(absolute) ?? []
        list.push(load)
        fromHooks.set(absolute, list)
      }
    }
  }
  for (const [load] of compiled) {
    const twin = load.how !== 'require' ? fromHooks.get(load.file)?.shift() : undefined
    if (twin) twin.at = Math.min(twin.at, load.at)
    else loads.push(load)
  }
  return loads.sort((a, b) => a.at - b.at)
}

function splitUrl(file: string): { path: string; query: string } {
  if (!file.startsWith('file:')) return { path: file, query: '' }
  const url = new URL(file)
  return { path: fileURLToPath(url), query: url.search }
}
