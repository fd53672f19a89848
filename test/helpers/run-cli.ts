import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { cliFile } from './cli.ts'

export interface RunEnd {
  exitCode: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface RunningCli {
  child: ChildProcess
  stdout(): string
  stderr(): string
  /** Resolves with the first match of `pattern` in what the stream printed so far or prints next. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp): Promise<RegExpMatchArray>
  ended: Promise<RunEnd>
}

/** `singleton-guard run ...` as a child process of its own, so a test can signal it and see how it ended. */
export function startRun(cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): RunningCli {
  const child = spawn(process.execPath, [cliFile, 'run', ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const text = { stdout: '', stderr: '' }
  const listeners = new Set<() => void>()
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]?.on('data', (data: Buffer) => {
      text[stream] += data.toString()
      for (const listener of listeners) listener()
    })
  }
  const ended = new Promise<RunEnd>((resolve) =>
    child.once('close', (exitCode, signal) => resolve({ exitCode, signal, ...text })),
  )
  return {
    child,
    stdout: () => text.stdout,
    stderr: () => text.stderr,
    waitFor(stream, pattern) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(text[stream])
          if (match) {
            listeners.delete(check)
            clearTimeout(timer)
            resolve(match)
          }
        }
        const timer = setTimeout(() => {
          listeners.delete(check)
          reject(new Error(`${pattern} not printed on ${stream} within 60 s:\n${text.stdout}\n${text.stderr}`))
        }, 60_000)
        listeners.add(check)
        check()
      })
    },
    ended,
  }
}

/** Runs `singleton-guard run ...` to its end. */
export function runToEnd(cwd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<RunEnd> {
  return startRun(cwd, args, env).ended
}

/** The run's `--json` report. */
export function readRunJson<T>(dir: string, file = 'run.json'): T {
  return JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as T
}

export interface RunJsonReport {
  exitCode: number | null
  verdict: string
  status: { code: number | null; signal: string | null } | null
  processes: {
    pid: number
    hooks: string
    judged: boolean
    lastWrite: string
    realms: { threadId: number; loads: number }[]
  }[]
  findings: {
    code: string
    module: string
    realm: string
    threadId: number
    causes: string[]
    declared: boolean
    stateful: boolean | null
    state: string | null
    evaluations: { file: string; at: number; how: string; by: string | null; module: string; dist: string | null }[]
  }[]
  separateRealms: { module: string; realms: string[] }[]
  unattributed: { file: string; reason: string }[]
  notes: string[]
  timeline: {
    pid: number
    threadId: number
    at: number
    file: string
    how: string
    by: string | null
    attributedBy: string | null
    modules: string[]
  }[]
}
