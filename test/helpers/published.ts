import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { projectRoot } from './fixture.ts'

const CACHE = path.join(projectRoot, 'test/.cache')

/**
 * A published package's files under `test/.cache/<name>@<version>/package` (gitignored, and
 * never wiped by the test setup), fetched once with `npm pack <name>@<exact version>` (npm's own
 * cache makes a second fetch fast). Only the folders in `keep` are extracted. When the registry
 * cannot be reached: the reason, for the test to skip with.
 */
export function publishedPackage(spec: string, keep: readonly string[]): { dir: string } | { skipped: string } {
  const folder = path.join(CACHE, spec.replace('/', '+'))
  const dir = path.join(folder, 'package')
  const done = path.join(folder, '.extracted')
  if (fs.existsSync(done)) return { dir }
  fs.mkdirSync(folder, { recursive: true })
  let tarball: string
  try {
    const printed = execFileSync('npm', ['pack', spec, '--pack-destination', folder, '--silent'], {
      cwd: folder,
      encoding: 'utf8',
      timeout: 600_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    tarball = path.join(folder, printed.trim().split('\n').at(-1) ?? '')
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? error)
    return { skipped: `npm pack ${spec} failed (registry unreachable?): ${stderr.trim().split('\n')[0]}` }
  }
  execFileSync('tar', ['-xzf', tarball, '-C', folder, ...keep.map((part) => `package/${part}`)])
  fs.rmSync(tarball)
  fs.writeFileSync(done, `${spec}\n`)
  return { dir }
}
