import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { projectRoot } from './fixture.ts'

const execFileAsync = promisify(execFile)

/** Fetched packages live here between runs (gitignored; never under test/.work, which is wiped). */
const cacheRoot = path.join(projectRoot, 'test/.cache/npm')

export type Fetched = { ok: true; dir: string } | { ok: false; reason: string }

/**
 * A published package as the registry serves it, unpacked: `npm pack <name>@<exact version>`
 * (npm's own cache makes a second fetch fast), extracted once into test/.cache/npm/<spec>/.
 * When the registry cannot be reached, says why instead, for the test to skip with that reason.
 */
export async function fetchPackage(spec: string): Promise<Fetched> {
  const target = path.join(cacheRoot, spec.replace(/[/\\]/g, '+'))
  const dir = path.join(target, 'package')
  if (fs.existsSync(path.join(target, '.complete'))) return { ok: true, dir }
  fs.rmSync(target, { recursive: true, force: true })
  fs.mkdirSync(target, { recursive: true })
  try {
    const { stdout } = await execFileAsync('npm', ['pack', spec, '--json', '--pack-destination', target], {
      cwd: target,
      timeout: 240_000,
      maxBuffer: 64 * 1024 * 1024,
    })
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string }[]
    const tarball = path.join(target, (packed as { filename: string }).filename)
    await execFileAsync('tar', ['xzf', tarball, '-C', target], { timeout: 240_000 })
    fs.rmSync(tarball)
    fs.writeFileSync(path.join(target, '.complete'), `${spec}\n`)
    return { ok: true, dir }
  } catch (error) {
    fs.rmSync(target, { recursive: true, force: true })
    const why = String((error as { stderr?: string }).stderr || (error as Error).message)
      .split('\n')
      .find((line) => line.trim() !== '')
    return { ok: false, reason: `npm pack ${spec} failed (registry unreachable?): ${why ?? 'no output'}` }
  }
}
