import fs from 'node:fs'
import { sharedAcrossCopies, sharedAcrossFiles, sharedStateOf, type SharedStateVerdict } from '../core/shared-state.ts'
import type { OutputMap } from '../core/types.ts'

/**
 * Whether the copies of the singleton `key` share their state, from the sources they come from:
 * a module's copies are files (two installs are two files); a package's copies are installs,
 * each judged from every file of it bundled. Runs only for a singleton that has copies.
 */
export function sharedStateOfCopies(key: string, outputs: readonly OutputMap[]): SharedStateVerdict {
  const copies = outputs.flatMap((output) => {
    const tracked = output.modules.get(key)
    return tracked ? tracked.copies.map((copy) => ({ copy, scope: tracked.scope })) : []
  })
  if (copies.some(({ scope }) => scope !== 'package')) {
    return sharedAcrossCopies([...new Set(copies.map(({ copy }) => copy.identity.realpath))].map(verdictOf))
  }
  const installs = new Set(copies.map(({ copy }) => copy.identity.package?.dir))
  const perInstall = [...installs].map((dir): SharedStateVerdict => {
    // The modules of one install, as the outputs at hand track them (one unit per module).
    const files = new Set<string>()
    for (const output of outputs) {
      for (const tracked of output.modules.values()) {
        if (tracked.scope !== 'install') continue
        for (const copy of tracked.copies) if (copy.identity.package?.dir === dir) files.add(copy.identity.realpath)
      }
    }
    if (dir === undefined || files.size === 0) {
      return {
        shared: false,
        reason: 'the files of one of its installs are not known here',
        slots: [],
        holdsState: true,
      }
    }
    return sharedAcrossFiles([...files].map(verdictOf))
  })
  return sharedAcrossCopies(perInstall)
}

function verdictOf(file: string): SharedStateVerdict {
  let code: string
  try {
    code = fs.readFileSync(file, 'utf8')
  } catch {
    return { shared: false, reason: `its source ${file} could not be read`, slots: [], holdsState: true }
  }
  return sharedStateOf(code, file)
}
