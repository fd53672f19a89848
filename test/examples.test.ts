import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { examples } from '../examples/expected.mjs'
import { projectRoot } from './helpers/fixture.ts'
import { runTsdown } from './helpers/tsdown.ts'

const execFileAsync = promisify(execFile)

describe('the examples build with tsdown as the README says', () => {
  it.each(examples.map((example) => [example.name, example] as const))('%s', async (_, example) => {
    const dir = path.join(projectRoot, 'examples', example.name)
    const result = await runTsdown(dir)
    expect(result.exitCode === 0).toBe(example.exitCode === 0)
    for (const text of example.shows) expect(result.output).toContain(text)
    if (example.run) {
      const { stdout } = await execFileAsync(process.execPath, [example.run.file], { cwd: dir })
      expect(stdout).toContain(example.run.prints)
    }
  })
})
