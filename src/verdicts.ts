import type { ChainStep, Copy, OutputMap, TrackedModule } from './chunk-map.ts'
import { displayModule, displayPath, isInstalledPackage, twinIdKind } from './identity.ts'
import { CODES, FIXES, type Cause, type FindingCode } from './messages.ts'
import type { OptionsResolved } from './options.ts'

export interface FindingCopy {
  output: string
  format: string
  chunks: string[]
  /** The module as this copy names it: its id, or `name@version/subpath` for installed packages. */
  module: string
  /** How this copy differs from the first one (query, symlink, version, ...). */
  detail: string | undefined
  chain: ChainStep[]
}

export interface Finding {
  code: FindingCode
  /** `info`: copies that share their state (kept on `globalThis[Symbol.for(...)]`), not a duplicate. */
  severity: 'error' | 'warn' | 'info'
  module: string
  key: string
  causes: Cause[]
  /** How many outputs hold the copies (1 for copies inside one output). */
  outputCount: number
  copies: FindingCopy[]
  /** Chunks that only re-export the module: listed so nobody mistakes them for copies. */
  facades: string[]
  fixes: string[]
  /** Why the copies share one state, when they do. */
  sharedState?: string
}

type Modes = Pick<OptionsResolved, 'onDuplicate' | 'formats' | 'builds' | 'root'>

/** Copies of a singleton inside one output. */
export function judgeWithin(output: OutputMap, modes: Modes): Finding[] {
  const findings: Finding[] = []
  for (const tracked of output.modules.values()) {
    if (tracked.copies.length > 1) findings.push(withinOutput(output, tracked, modes))
  }
  return findings.sort(compareFindings)
}

/** A finding across outputs, with the outputs it involves (to tell which build completes it). */
export interface AcrossFinding {
  finding: Finding
  outputKeys: string[]
}

/**
 * Copies of a singleton held by several of `outputs`: outputs of one build (same entries: esm +
 * cjs, or two folders) under `formats`, separate builds under `builds`.
 */
export function judgeAcross(outputs: readonly OutputMap[], modes: Modes): AcrossFinding[] {
  const holders = new Map<string, OutputMap[]>()
  for (const output of outputs) {
    for (const tracked of output.modules.values()) {
      if (tracked.copies.length === 0) continue
      const list = holders.get(tracked.key)
      if (list) list.push(output)
      else holders.set(tracked.key, [output])
    }
  }
  const found: AcrossFinding[] = []
  for (const [key, list] of holders) {
    if (list.length < 2) continue
    const tracked = (list[0] as OutputMap).modules.get(key) as TrackedModule
    const builds = new Map<string, OutputMap[]>()
    for (const output of list) builds.set(output.group, [...(builds.get(output.group) ?? []), output])
    if (modes.formats !== 'ignore') {
      for (const sameBuild of builds.values()) {
        if (sameBuild.length < 2) continue
        const cause: Cause = new Set(sameBuild.map((o) => o.format)).size > 1 ? 'separate-formats' : 'separate-outputs'
        found.push({
          finding: acrossOutputs(CODES.acrossFormats, modes.formats, cause, tracked, sameBuild, modes),
          outputKeys: sameBuild.map((o) => o.key),
        })
      }
    }
    if (builds.size > 1 && modes.builds !== 'ignore') {
      found.push({
        finding: acrossOutputs(CODES.acrossBuilds, modes.builds, 'separate-builds', tracked, list, modes),
        outputKeys: list.map((o) => o.key),
      })
    }
  }
  return found.sort((a, b) => compareFindings(a.finding, b.finding))
}

function withinOutput(output: OutputMap, tracked: TrackedModule, modes: Modes): Finding {
  const causes = new Set<Cause>()
  const first = tracked.copies[0] as Copy
  for (const copy of tracked.copies.slice(1)) causes.add(causeBetween(first, copy))
  return {
    code: CODES.inOutput,
    severity: modes.onDuplicate,
    module: tracked.display,
    key: tracked.key,
    causes: [...causes].sort(),
    outputCount: 1,
    copies: tracked.copies.map((copy) => findingCopy(output, copy, first, modes.root)).sort(compareCopies),
    facades: tracked.facades.map((chunk) => `${output.dir}/${chunk}`).sort(),
    fixes: [...causes].sort().map((cause) => FIXES[cause]),
  }
}

function acrossOutputs(
  code: FindingCode,
  severity: 'error' | 'warn',
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
    severity,
    module: tracked.display,
    key: tracked.key,
    causes: [cause],
    outputCount: outputs.length,
    copies: copies.sort(compareCopies),
    facades: facades.sort(),
    fixes: [FIXES[cause]],
  }
}

export function causeBetween(a: Copy, b: Copy): Cause {
  if (a.identity.realpath !== b.identity.realpath) return 'same-package-two-installs'
  if (a.identity.id === b.identity.id) return 'one-id-several-chunks'
  return 'same-file-two-ids'
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
  if (isInstalledPackage(copy.identity)) notes.push(`installed at ${displayPath(copy.identity.package.dir, root)}`)
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
 * `core/shared-state.ts`): information, with the reason, instead of a duplicate.
 */
export function sharingState(finding: Finding, reason: string): Finding {
  return { ...finding, code: CODES.sharesState, severity: 'info', fixes: [], sharedState: reason }
}

const CODE_ORDER: FindingCode[] = [CODES.inOutput, CODES.acrossFormats, CODES.acrossBuilds, CODES.sharesState]

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
