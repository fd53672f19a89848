import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { examples } from '../examples/expected.mjs'
import { projectRoot } from './helpers/fixture.ts'

const execFileAsync = promisify(execFile)

/** The example's own build command, with this repository's installed bin (tsdown, vite, rollup). */
async function runBuild(dir: string, command: string[]): Promise<{ exitCode: number; output: string }> {
  const [bin, ...args] = command
  try {
    const { stdout, stderr } = await execFileAsync(
      process.execPath,
      [path.join(projectRoot, 'node_modules/.bin', bin as string), ...args],
      { cwd: dir, timeout: 60_000, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
    )
    return { exitCode: 0, output: stdout + stderr }
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string }
    return {
      exitCode: typeof failure.code === 'number' ? failure.code : 1,
      output: `${failure.stdout ?? ''}${failure.stderr ?? ''}`,
    }
  }
}

describe('the examples build with their own command as the README says', () => {
  it.each(examples.map((example) => [example.name, example] as const))('%s', async (_, example) => {
    const dir = path.join(projectRoot, 'examples', example.name)
    const result = await runBuild(dir, example.command ?? ['tsdown'])
    expect(result.exitCode === 0).toBe(example.exitCode === 0)
    for (const text of example.shows) expect(result.output).toContain(text)
    for (const text of example.absent ?? []) expect(result.output).not.toContain(text)
    if (example.run) {
      const { stdout } = await execFileAsync(process.execPath, [example.run.file], { cwd: dir })
      expect(stdout).toContain(example.run.prints)
    }
  })
})
