import { CODES, FIXES, type Finding } from './core.ts'
import type { Mode } from './model.ts'

type Cause = Finding['causes'][number]

/**
 * The core judges each folder and format as one output, as the plugin sees one build's output.
 * A folder several builds wrote into breaks that picture for one cause only: a module id whose
 * code sits in several chunks is, within one build, a copy rolldown printed twice
 * (`one-id-several-chunks`), but across builds each build's own copy (`separate-builds`). This
 * names that cause from the guessed builds (`buildOf` a chunk id); the copies stay as they are,
 * so their number does not depend on the guess. Causes that come from the module's identity
 * (two ids of one file, two installs, source and build) are kept as the core named them.
 */
export function nameBuildCauses(
  findings: readonly Finding[],
  buildOf: (chunk: string) => string,
  builds: Mode,
): Finding[] {
  const named: Finding[] = []
  for (const finding of findings) {
    if (finding.code !== CODES.SINGLETON_DUPLICATED) {
      named.push(finding)
      continue
    }
    // Copies of one id (as printed, with its version), and the builds that hold them.
    const byId = new Map<string, string[]>()
    for (const copy of finding.copies) {
      const holders = byId.get(copy.module) ?? []
      holders.push(buildOf(`${copy.output}/${copy.chunks[0]}`))
      byId.set(copy.module, holders)
    }
    const causes = new Set<Cause>(finding.causes.filter((cause) => cause !== 'one-id-several-chunks'))
    for (const holders of byId.values()) {
      if (holders.length < 2) continue
      if (new Set(holders).size < holders.length) causes.add('one-id-several-chunks')
      if (new Set(holders).size > 1) causes.add('separate-builds')
    }
    if (!causes.has('separate-builds')) {
      named.push(finding)
      continue
    }
    const sorted = [...causes].sort()
    const buildKeys = [...new Set(finding.copies.map((copy) => buildOf(`${copy.output}/${copy.chunks[0]}`)))].sort()
    if (sorted.length === 1) {
      if (builds === 'ignore') continue
      named.push({
        ...finding,
        code: CODES.SINGLETON_DUPLICATED_ACROSS_BUILDS,
        severity: builds,
        causes: sorted,
        outputCount: buildKeys.length,
        outputKeys: buildKeys,
        fixes: [FIXES['separate-builds']],
      })
    } else named.push({ ...finding, causes: sorted, fixes: sorted.map((cause) => FIXES[cause]) })
  }
  return named
}
