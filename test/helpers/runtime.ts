import { execFile, spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

export interface ProbeRun<T> {
  /** What the probe's last stdout line printed as JSON (undefined when it printed nothing). */
  result: T | undefined
  stderr: string
  exitCode: number
}

/** Runs `code` as an ES module in a child Node process in `dir`, keeping stderr, where the runtime guard speaks. */
export async function runProbe<T = unknown>(dir: string, code: string, name = 'probe.mjs'): Promise<ProbeRun<T>> {
  const file = path.join(dir, name)
  fs.writeFileSync(file, code)
  let stdout = ''
  let stderr = ''
  let exitCode = 0
  try {
    ;({ stdout, stderr } = await execFileAsync(process.execPath, [file], { cwd: dir, timeout: 30_000 }))
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string }
    ;({ stdout = '', stderr = '' } = failure)
    exitCode = typeof failure.code === 'number' ? failure.code : 1
  }
  const last = stdout.trim().split('\n').pop()
  return { result: last ? (JSON.parse(last) as T) : undefined, stderr, exitCode }
}

/** The probe expression that reads the registry's listing. */
export const LIST_EXPRESSION = `(globalThis[Symbol.for('singleton-guard.registry')]?.list() ?? [])`

/** How many runtime reports a text holds. */
export function reportCount(text: string): number {
  return (text.match(/SINGLETON_DUPLICATED_AT_RUNTIME/g) ?? []).length
}

export interface LiveProcess {
  /** The next line the process prints on stdout, parsed as JSON. */
  next<T = unknown>(): Promise<T>
  /** Writes a line to its stdin. */
  send(line: string): void
  stderr(): string
  kill(): void
}

/** A long-running Node process (a service) running `script`, written into `dir`. */
export function startProcess(dir: string, script: string, name = 'service.mjs'): LiveProcess {
  const file = path.join(dir, name)
  fs.writeFileSync(file, script)
  const child = spawn(process.execPath, [file], { cwd: dir })
  const lines: string[] = []
  const waiters: ((line: string) => void)[] = []
  let buffer = ''
  let stderr = ''
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()))
  child.stdout.on('data', (data: Buffer) => {
    buffer += data.toString()
    for (let cut = buffer.indexOf('\n'); cut !== -1; cut = buffer.indexOf('\n')) {
      const line = buffer.slice(0, cut)
      buffer = buffer.slice(cut + 1)
      const waiter = waiters.shift()
      if (waiter) waiter(line)
      else lines.push(line)
    }
  })
  return {
    next<T>() {
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the process said nothing; stderr: ${stderr}`)), 30_000)
        const take = (line: string) => {
          clearTimeout(timer)
          resolve(JSON.parse(line) as T)
        }
        const queued = lines.shift()
        if (queued !== undefined) take(queued)
        else waiters.push(take)
      })
    },
    send: (line) => void child.stdin.write(`${line}\n`),
    stderr: () => stderr,
    kill: () => void child.kill(),
  }
}
