import path from 'node:path'
import { isFile } from './core.ts'

/** How far above the audited folder the build's working folder is looked for. */
const LEVELS = 8
/** How many of the marked ids are tried against each candidate folder. */
const SAMPLES = 20

/**
 * The folder a build ran in, which its markers' module ids are relative to (`src/a.ts`,
 * `../../node_modules/.pnpm/x@1.0.0/node_modules/x/index.js`). The audited folder or the first
 * folder above it where some of those files exist; when none does (a published dist, audited
 * without its sources), the nearest of them with a package.json (the package that was built),
 * else its parent. A wrong guess only costs identity on disk: a module missing there is still known
 * by its path.
 */
export function markerBase(folder: string, ids: readonly string[]): string {
  // The project's own files first: they are the likeliest to be on disk.
  const relative = [...new Set(ids.filter((id) => !path.isAbsolute(id)))]
  const samples = [
    ...relative.filter((id) => !id.includes('node_modules')),
    ...relative.filter((id) => id.includes('node_modules')),
  ].slice(0, SAMPLES)
  // The folder itself first (a package audited from its root), then the folders above it.
  const candidates: string[] = []
  for (let dir = folder, level = 0; level <= LEVELS; dir = path.dirname(dir), level++) {
    candidates.push(dir)
    if (dir === path.dirname(dir)) break
  }
  for (const dir of candidates) {
    if (samples.some((id) => isFile(path.resolve(dir, id)))) return dir
  }
  return candidates.find((dir) => isFile(path.join(dir, 'package.json'))) ?? path.dirname(folder)
}
