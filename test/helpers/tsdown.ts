import { spawn } from 'node:child_process'
import path from 'node:path'
import { projectRoot } from './fixture.ts'
import { runNodeCli, type CliResult } from './process.ts'

export type { CliResult }

/** Runs the real tsdown CLI in `dir` (its tsdown.config.ts loads the plugin from the built dist). */
export function runTsdown(dir: string, args: string[] = []): Promise<CliResult> {
  return runNodeCli(path.join(projectRoot, 'node_modules/tsdown/dist/run.mjs'), dir, args)
}

/** The import line a fixture's tsdown.config.ts uses to load the plugin as a user would. */
export const importPlugin: string = `import { singletonGuard } from ${JSON.stringify(path.join(projectRoot, 'dist/index.mjs'))}`

export interface WatchSession {
  /** Resolves once tsdown has completed `count` builds since it started. */
  builds(count: number): Promise<void>
  output(): string
  stop(): void
}

/** `tsdown --watch` in `dir`, as a developer runs it beside a service. */
export function watchTsdown(dir: string): WatchSession {
  const cli = path.join(projectRoot, 'node_modules/tsdown/dist/run.mjs')
  const child = spawn(process.execPath, [cli, '--watch'], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  })
  let output = ''
  const listeners = new Set<() => void>()
  const onData = (data: Buffer) => {
    output += data.toString()
    for (const listener of listeners) listener()
  }
  child.stdout.on('data', onData)
  child.stderr.on('data', onData)
  return {
    builds(count) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`tsdown --watch did not finish ${count} builds:\n${output}`)),
          60_000,
        )
        const check = () => {
          if ((output.match(/Build complete|Rebuilt in/g) ?? []).length >= count) {
            clearTimeout(timer)
            listeners.delete(check)
            resolve()
          }
        }
        listeners.add(check)
        check()
      })
    },
    output: () => output,
    stop: () => child.kill(),
  }
}
