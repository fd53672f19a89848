import fs from 'node:fs'
import path from 'node:path'
import { InputError, TEXT } from './messages.ts'

const REPORT_FILE = 'singleton-report.json'

/** Report versions whose shape this CLI reads. */
const KNOWN_VERSIONS: readonly number[] = [1, 2]

/** What the plugin's report adds to the bytes: only hints, each checked against the folder. */
interface ReportHints {
  /** Entry flags by chunk file name. */
  entries: Map<string, { isEntry: boolean; isDynamicEntry: boolean }>
  /** Absolute source paths whose code each chunk holds, for chunks without a usable map. */
  modules: Map<string, string[]>
  /** Declared singletons (display names). */
  declared: string[]
  notes: string[]
}

/**
 * Reads `singleton-report.json` when the folder has one. The report's shape changes between
 * versions, so a version this CLI does not know is ignored (and said so), and every field is
 * checked before use. Unreadable JSON is an input error: the user must know the file is broken.
 */
export function readReport(folder: string, display: string): ReportHints | undefined {
  const file = path.join(folder, REPORT_FILE)
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
  const shown = `${display}/${REPORT_FILE}`
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new InputError(TEXT.corruptReport(shown, `not JSON: ${String((error as Error).message).split('\n')[0]}`))
  }
  if (!isRecord(json)) throw new InputError(TEXT.corruptReport(shown, 'not a JSON object'))
  const hints: ReportHints = { entries: new Map(), modules: new Map(), declared: [], notes: [] }
  if (!KNOWN_VERSIONS.includes(json.version as number)) {
    hints.notes.push(TEXT.unknownReportVersion(shown, json.version))
    return hints
  }
  // Version 1 listed every output of the plugin instance; version 2 holds this output only.
  const outputs = json.version === 1 ? json.outputs : [json.output]
  if (!Array.isArray(outputs)) throw new InputError(TEXT.corruptReport(shown, '`outputs` is not a list'))
  for (const output of outputs) {
    if (!isRecord(output) || typeof output.dir !== 'string' || !Array.isArray(output.chunks)) {
      throw new InputError(TEXT.corruptReport(shown, 'an output has no `dir` or `chunks`'))
    }
    const root = rootOf(folder, output.dir)
    if (root === undefined) continue
    for (const chunk of output.chunks) {
      if (!isRecord(chunk) || typeof chunk.fileName !== 'string') {
        throw new InputError(TEXT.corruptReport(shown, 'a chunk has no `fileName`'))
      }
      hints.entries.set(chunk.fileName, {
        isEntry: chunk.isEntry === true,
        isDynamicEntry: chunk.isDynamicEntry === true,
      })
      if (Array.isArray(chunk.modules)) {
        const modules = chunk.modules.filter((m): m is string => typeof m === 'string' && !m.includes('\0'))
        hints.modules.set(
          chunk.fileName,
          modules.map((m) => path.resolve(root, m)),
        )
      }
    }
  }
  if (Array.isArray(json.singletons)) {
    for (const singleton of json.singletons) {
      if (isRecord(singleton) && typeof singleton.module === 'string') hints.declared.push(singleton.module)
    }
  }
  return hints
}

/** The plugin's root, from the folder and the report's root-relative name of it. */
function rootOf(folder: string, dir: string): string | undefined {
  if (path.isAbsolute(dir)) return path.resolve(dir) === folder ? path.dirname(folder) : undefined
  const parts = dir.split('/').filter((part) => part !== '' && part !== '.')
  const folderParts = folder.split(path.sep)
  if (parts.length === 0) return folder
  if (parts.some((part) => part === '..')) return undefined
  const tail = folderParts.slice(-parts.length)
  if (tail.join('/') !== parts.join('/')) return undefined
  return folderParts.slice(0, -parts.length).join(path.sep) || path.sep
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
