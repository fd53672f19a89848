import { spawn } from 'node:child_process'
import fs from 'node:fs'

export interface ChildStatus {
  code: number | null
  signal: NodeJS.Signals | null
}

type Started =
  | { ok: true; pid: number; kill: (signal: NodeJS.Signals) => void; ended: Promise<ChildStatus> }
  | { ok: false; error: NodeJS.ErrnoException }

/**
 * Starts the command as its own program (no shell), its stdin, stdout and stderr the CLI's own.
 * Resolves once it has started, or with the reason it could not (not found, not executable).
 */
export function startCommand(command: readonly string[], env: NodeJS.ProcessEnv): Promise<Started> {
  const [program, ...args] = command as [string, ...string[]]
  return new Promise((resolve) => {
    const child = spawn(program, args, { stdio: 'inherit', env })
    const ended = new Promise<ChildStatus>((done) => child.once('exit', (code, signal) => done({ code, signal })))
    child.once('error', (error) => resolve({ ok: false, error }))
    child.once('spawn', () =>
      resolve({
        ok: true,
        pid: child.pid as number,
        kill: (signal) => {
          try {
            child.kill(signal)
          } catch {
            // Already gone.
          }
        },
        ended,
      }),
    )
  })
}

/**
 * Whether `pid` is still the process that wrote a record (a pid can be reused once its process
 * ends): on Linux, its start time from /proc must match the record's `timeOrigin` to the second.
 * Elsewhere, only whether some process has that pid.
 */
export function isSameProcess(pid: number, timeOrigin: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  let stat: string
  let boot: number
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    boot = Number(/^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'))?.[1])
  } catch {
    return true
  }
  // Field 22, counted after the command name (which may hold spaces, but ends at the last ')').
  const startTicks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19])
  if (!Number.isFinite(startTicks) || !Number.isFinite(boot)) return true
  const started = boot + startTicks / CLOCK_TICKS
  return Math.abs(started - timeOrigin / 1000) < 2
}

/** Linux's USER_HZ: 100 on every architecture Node supports. */
const CLOCK_TICKS = 100
