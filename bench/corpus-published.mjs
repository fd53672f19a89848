// Corpus C: a large app as it is published, no source maps: the npm tarball of openclaw, built
// by tsdown (8,692 chunk files across .js and .mjs, 232 MB of chunks, `//#region` markers,
// dozens of builds in one folder: the incident's own app). Fetched with `npm pack` (npm's cache
// makes later runs fast) and unpacked once under bench/.work/npm/.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const PUBLISHED_SPEC = 'openclaw@2026.9.6'

/** The unpacked package's folder and its dist, or the reason it could not be fetched. */
export function fetchPublishedCorpus(workDir, spec = PUBLISHED_SPEC) {
  const target = join(workDir, 'npm', spec)
  const done = join(target, '.complete')
  if (!existsSync(done)) {
    rmSync(target, { recursive: true, force: true })
    mkdirSync(target, { recursive: true })
    try {
      execFileSync('npm', ['pack', spec, '--pack-destination', target], { cwd: target, stdio: 'ignore' })
      const tarball = readdirSync(target).find((file) => file.endsWith('.tgz'))
      execFileSync('tar', ['xzf', join(target, tarball), '-C', target])
      rmSync(join(target, tarball))
      writeFileSync(done, `${spec}\n`)
    } catch (error) {
      rmSync(target, { recursive: true, force: true })
      return { reason: `npm pack ${spec} failed (registry unreachable?): ${String(error.message).split('\n')[0]}` }
    }
  }
  return { name: spec, root: join(target, 'package'), dist: 'dist' }
}
