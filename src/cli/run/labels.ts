import path from 'node:path'
import type { ProcessRecord } from './protocol.ts'

/** A file as printed: relative to the current folder, or absolute when it is far from it. */
export function displayFile(file: string, cwd: string = process.cwd()): string {
  const relative = path.relative(cwd, file).split(path.sep).join('/')
  return relative === '' ? '.' : relative.startsWith('../../..') ? file : relative
}

/** `process 4242 (node dist/server.js)`: the pid and the command line that started it. */
export function processLabel(record: Pick<ProcessRecord, 'pid' | 'argv'>): string {
  const [program, ...rest] = record.argv
  const words = [
    path.basename(program ?? 'node'),
    ...rest.map((word) => (path.isAbsolute(word) ? displayFile(word) : word)),
  ]
  const line = words.join(' ')
  return `process ${record.pid} (${line.length > 80 ? `${line.slice(0, 77)}...` : line})`
}

/** A realm: a process's main thread, or one of its worker threads. */
export function realmLabel(record: Pick<ProcessRecord, 'pid' | 'argv'>, threadId: number): string {
  return `${processLabel(record)}, ${threadId === 0 ? 'main thread' : `worker ${threadId}`}`
}
