import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { projectRoot } from './fixture.ts'

const execFileAsync = promisify(execFile)

export interface CliResult {
  exitCode: number
  output: string
}

/** Runs the real tsdown CLI in `dir` (its tsdown.config.ts loads the plugin from the built dist). */
export async function runTsdown(dir: string, args: string[] = []): Promise<CliResult> {
  const cli = path.join(projectRoot, 'node_modules/tsdown/dist/run.mjs')
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [cli, ...args], {
      cwd: dir,
      timeout: 60_000,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    })
    return { exitCode: 0, output: stdout + stderr }
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string }
    return { exitCode: typeof failure.code === 'number' ? failure.code : 1, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` }
  }
}

/** The import line a fixture's tsdown.config.ts uses to load the plugin as a user would. */
export const importPlugin: string = `import { singletonGuard } from ${JSON.stringify(path.join(projectRoot, 'dist/index.mjs'))}`
