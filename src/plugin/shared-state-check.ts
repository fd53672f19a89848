import fs from 'node:fs'
import type { OutputMap } from '../chunk-map.ts'
import { sharedAcrossCopies, sharedStateOf, type SharedStateVerdict } from '../core/shared-state.ts'

/**
 * Whether the copies of the singleton `key` share their state, from the source of each file
 * they come from (two installs are two files). Runs only for a singleton that has copies.
 */
export function sharedStateOfCopies(key: string, outputs: Iterable<OutputMap>): SharedStateVerdict {
  const files = new Set<string>()
  for (const output of outputs) {
    for (const copy of output.modules.get(key)?.copies ?? []) files.add(copy.identity.realpath)
  }
  const verdicts = [...files].map((file): SharedStateVerdict => {
    let code: string
    try {
      code = fs.readFileSync(file, 'utf8')
    } catch {
      return { shared: false, reason: `its source ${file} could not be read`, slots: [] }
    }
    return sharedStateOf(code, file)
  })
  return sharedAcrossCopies(verdicts)
}
