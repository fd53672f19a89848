import { displayModule, isInstalledPackage, twinIdKind } from './identity.ts'
import { displayPath } from './paths.ts'
import { CODES, FIXES } from './messages.ts'
import type {
  Cause,
  Copy,
  CrossMode,
  DuplicateMode,
  Finding,
  FindingCode,
  FindingCopy,
  OutputMap,
  TrackedModule,
} from './types.ts'

export interface Modes {
  onDuplicate: DuplicateMode
  formats: CrossMode
  builds: CrossMode
  root: string
}

/** Copies of a singleton inside one output. */
export function judgeWithin(output: OutputMap, modes: Modes): Finding[] {
  const findings: Finding[] = []
  for (const tracked of output.modules.values()) {
    if (tracked.copies.length > 1) findings.push(withinOutput(output, tracked, modes))
  }
  return findings.sort(compareFindings)
}

/**
 * Copies of a singleton held by several of `outputs` of one realm: outputs of one build (same
 * entries: esm + cjs, or two folders) under `formats`, separate builds under `builds`. Outputs of
 * different realms (Vite's client and SSR environments) never meet in one process.
 */
export function judgeAcross(outputs: readonly OutputMap[], modes: Modes): Finding[] {
  const holders = new Map<string, OutputMap[]>()
  for (const output of outputs) {
    for (const tracked of output.modules.values()) {
      if (tracked.copies.length === 0 || tracked.scope === 'install') continue
      const key = `${output.realm}\0${tracked.key}`
      const list = holders.get(key)
      if (list) list.push(output)
      else holders.set(key, [output])
    }
  }
  const found: Finding[] = []
  for (const [key, list] of holders) {
    if (list.length < 2) continue
    const tracked = (list[0] as OutputMap).modules.get(key.slice(key.indexOf('\0') + 1)) as TrackedModule
    const builds = new Map<string, OutputMap[]>()
    for (const output of list) builds.set(output.group, [...(builds.get(output.group) ?? []), output])
    if (modes.formats !== 'ignore') {
      for (const sameBuild of builds.values()) {
        if (sameBuild.length < 2) continue
        const cause: Cause = new Set(sameBuild.map((o) => o.format)).size > 1 ? 'separate-formats' : 'separate-outputs'
        found.push(
          acrossOutputs(CODES.SINGLETON_DUPLICATED_ACROSS_OUTPUTS, modes.formats, cause, tracked, sameBuild, modes),
        )
      }
    }
    if (builds.size > 1 && modes.builds !== 'ignore') {
      found.push(
        acrossOutputs(CODES.SINGLETON_DUPLICATED_ACROSS_BUILDS, modes.builds, 'separate-builds', tracked, list, modes),
      )
    }
  }
  return found.sort(compareFindings)
}

function withinOutput(output: OutputMap, tracked: TrackedModule, modes: Modes): Finding {
  const causes = new Set<Cause>()
  const first = tracked.copies[0] as Copy
  for (const copy of tracked.copies.slice(1)) causes.add(causeBetween(first, copy))
  const sorted = [...causes].sort()
  return {
    code: CODES.SINGLETON_DUPLICATED,
    severity: modes.onDuplicate,
    module: tracked.display,
    scope: tracked.scope === 'package' ? 'package' : 'module',
    key: tracked.key,
    causes: sorted,
    outputCount: 1,
    outputKeys: [output.key],
    copies: tracked.copies.map((copy) => findingCopy(output, copy, first, modes.root)).sort(compareCopies),
    facades: tracked.facades.map((chunk) => `${output.dir}/${chunk}`).sort(),
    fixes: sorted.map((cause) => FIXES[cause]),
  }
}

function acrossOutputs(
  code: FindingCode,
  mode: 'error' | 'warn',
  cause: Cause,
  tracked: TrackedModule,
  outputs: OutputMap[],
  modes: Modes,
): Finding {
  const copies: FindingCopy[] = []
  const facades: string[] = []
  for (const output of outputs) {
    const here = output.modules.get(tracked.key) as TrackedModule
    const first = here.copies[0] as Copy
    for (const copy of here.copies) copies.push(findingCopy(output, copy, first, modes.root))
    for (const chunk of here.facades) facades.push(`${output.dir}/${chunk}`)
  }
  return {
    code,
    severity: mode,
    module: tracked.display,
    scope: tracked.scope === 'package' ? 'package' : 'module',
    key: tracked.key,
    causes: [cause],
    outputCount: outputs.length,
    outputKeys: outputs.map((output) => output.key).sort(),
    copies: copies.sort(compareCopies),
    facades: facades.sort(),
    fixes: [FIXES[cause]],
  }
}

const SOURCE_FILE = /\.(?:[cm]?tsx?|jsx|vue|svelte)$/

/** Why two copies of one module exist. */
export function causeBetween(a: Copy, b: Copy): Cause {
  if (a.identity.realpath === b.identity.realpath) {
    return a.identity.id === b.identity.id ? 'one-id-several-chunks' : 'same-file-two-ids'
  }
  const [pa, pb] = [a.identity.package, b.identity.package]
  if (pa && pb && pa.dir !== pb.dir) return 'same-package-two-installs'
  if (a.builtFrom || b.builtFrom || isSource(a) !== isSource(b)) return 'source-and-build'
  return 'dual-package-files'
}

/** A package's source rather than its build: TypeScript and the like, a `src/` folder, or named in a build's map. */
function isSource(copy: Copy): boolean {
  const { subpath, realpath } = copy.identity
  return copy.builtFrom === undefined && (SOURCE_FILE.test(realpath) || (subpath ?? '').split('/').includes('src'))
}

function findingCopy(output: OutputMap, copy: Copy, first: Copy, root: string): FindingCopy {
  return {
    output: output.dir,
    format: output.format,
    chunks: copy.chunks,
    module: displayModule(copy.identity, root, true),
    detail: detailOf(copy, first, root),
    chain: copy.chain,
  }
}

function detailOf(copy: Copy, first: Copy, root: string): string | undefined {
  const notes: string[] = []
  if (copy.sharedFactory) notes.push("one factory shared by these chunks through rolldown's registry")
  if (isInstalledPackage(copy.identity)) {
    const { nameFrom } = copy.identity.package
    const folder =
      nameFrom === 'folder'
        ? ' (named by its folder: its package.json has no readable name)'
        : nameFrom === 'path'
          ? ' (not on disk: known by its path)'
          : ''
    notes.push(`installed at ${displayPath(copy.identity.package.dir, root)}${folder}`)
  }
  if (copy.builtFrom) notes.push(`a build of ${displayPath(copy.builtFrom, root)} (its source map says so)`)
  if (copy !== first && first.identity.realpath === copy.identity.realpath) {
    const kind = twinIdKind(first.identity, copy.identity)
    if (kind === 'query') notes.push(`query ${copy.identity.query || '(none)'} makes it a separate module`)
    else if (kind === 'case') notes.push('the path differs in letter case only')
    else if (kind === 'symlink') notes.push(`a symlinked path to ${displayPath(first.identity.realpath, root)}`)
  }
  return notes.length > 0 ? notes.join('; ') : undefined
}

/**
 * The copies keep their state in one process-wide slot (decided from their source by
 * `shared-state.ts`): information, with the reason, instead of a duplicate.
 */
export function sharingState(finding: Finding, reason: string): Finding {
  return { ...finding, code: CODES.SINGLETON_COPIES_SHARE_STATE, severity: 'info', fixes: [], sharedState: reason }
}

const CODE_ORDER: FindingCode[] = [
  CODES.SINGLETON_DUPLICATED,
  CODES.SINGLETON_DUPLICATED_ACROSS_OUTPUTS,
  CODES.SINGLETON_DUPLICATED_ACROSS_BUILDS,
  CODES.SINGLETON_STATEFUL_DUPLICATED,
  CODES.SINGLETON_COPIES_SHARE_STATE,
  CODES.SINGLETON_STATE_UNKNOWN,
]

export function compareFindings(a: Finding, b: Finding): number {
  return CODE_ORDER.indexOf(a.code) - CODE_ORDER.indexOf(b.code) || a.module.localeCompare(b.module)
}

function compareCopies(a: FindingCopy, b: FindingCopy): number {
  return (
    a.output.localeCompare(b.output) ||
    a.format.localeCompare(b.format) ||
    (a.chunks[0] ?? '').localeCompare(b.chunks[0] ?? '') ||
    a.module.localeCompare(b.module)
  )
}
