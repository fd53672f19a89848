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
  severity: 'error' | 'warn'
  module: string
  key: string
  causes: Cause[]
  copies: FindingCopy[]
  /** Chunks that only re-export the module: listed so nobody mistakes them for copies. */
  facades: string[]
  fixes: string[]
}

type Modes = Pick<OptionsResolved, 'onDuplicate' | 'formats' | 'builds' | 'root'>

/**
 * Findings that `output` completes: copies inside it, and copies it shares with outputs that
 * closed before it (so with builds in any order, the build that completes a split reports it).
 */
export function judgeOutput(output: OutputMap, others: readonly OutputMap[], modes: Modes): Finding[] {
  const findings: Finding[] = []
  for (const tracked of output.modules.values()) {
    if (tracked.copies.length > 1) {
      findings.push(withinOutput(output, tracked, modes))
    }
    if (tracked.copies.length === 0) continue
    const elsewhere = others.filter(
      (other) => other.key !== output.key && (other.modules.get(tracked.key)?.copies.length ?? 0) > 0,
    )
    const sameBuild = elsewhere.filter((other) => other.group === output.group)
    const otherBuilds = elsewhere.filter((other) => other.group !== output.group)
    if (sameBuild.length > 0 && modes.formats !== 'ignore') {
      const formats = new Set([output.format, ...sameBuild.map((other) => other.format)])
      const cause: Cause = formats.size > 1 ? 'separate-formats' : 'separate-outputs'
      findings.push(acrossOutputs(CODES.acrossFormats, modes.formats, cause, tracked, [output, ...sameBuild], modes))
    }
    if (otherBuilds.length > 0 && modes.builds !== 'ignore') {
      findings.push(
        acrossOutputs(CODES.acrossBuilds, modes.builds, 'separate-builds', tracked, [output, ...otherBuilds], modes),
      )
    }
  }
  return findings.sort(compareFindings)
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

const CODE_ORDER: FindingCode[] = [CODES.inOutput, CODES.acrossFormats, CODES.acrossBuilds]

function compareFindings(a: Finding, b: Finding): number {
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
