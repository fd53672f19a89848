import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

/**
 * A long-running Node process, as a service would be: it loads the build once, writes into the
 * singleton, then waits; `release()` makes it take its first lazy import and report.
 */
export interface Host {
  /** What the host printed once the first version was loaded. */
  ready: Promise<HostState>
  release(): Promise<HostState>
  kill(): void
}

export interface HostState {
  ok?: boolean
  seen?: boolean
  realms?: number
  runnerEvaluated?: number
  code?: string
  message?: string
}

export function startHost(dir: string, mainFile: string): Host {
  const script = path.join(dir, 'host.mjs')
  fs.writeFileSync(
    script,
    `const main = await import(${JSON.stringify(`./${mainFile}`)})
main.continueWork('request-1')
console.log(JSON.stringify({ runnerEvaluated: globalThis.__evaluations.runner ?? 0, realms: globalThis.__evaluations.state }))
process.stdin.once('data', async () => {
  try {
    const value = await main.runAgent('request-1')
    console.log(JSON.stringify({ ok: true, seen: value === 'pending', realms: globalThis.__evaluations.state, runnerEvaluated: globalThis.__evaluations.runner ?? 0 }))
  } catch (error) {
    console.log(JSON.stringify({ ok: false, code: error.code, message: String(error.message).split('\\n')[0] }))
  }
  process.exit(0)
})
`,
  )
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [script], { cwd: dir })
  const lines: string[] = []
  const waiters: ((line: string) => void)[] = []
  let buffer = ''
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
  let stderr = ''
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()))
  const nextLine = () =>
    new Promise<HostState>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`host said nothing; stderr: ${stderr}`)), 30_000)
      const take = (line: string) => {
        clearTimeout(timer)
        resolve(JSON.parse(line) as HostState)
      }
      const queued = lines.shift()
      if (queued !== undefined) take(queued)
      else waiters.push(take)
    })
  const ready = nextLine()
  return {
    ready,
    release() {
      child.stdin.write('go\n')
      return nextLine()
    },
    kill: () => child.kill(),
  }
}
