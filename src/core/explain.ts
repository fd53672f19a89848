import { CAUSE_TITLES, CODES, FACADE_NOTE } from './messages.ts'
import type { ChainStep, Finding } from './types.ts'

const HEADLINES: Record<Finding['code'], (finding: Finding) => string> = {
  SINGLETON_DUPLICATED: (f) =>
    f.scope === 'package'
      ? `the package ${f.module} is evaluated ${f.copies.length} times in one output (${f.copies[0]?.output}, ${f.copies[0]?.format}): ${f.copies.length} installs of it are bundled.`
      : `${f.module} is evaluated ${f.copies.length} times in one output (${f.copies[0]?.output}, ${f.copies[0]?.format}).`,
  SINGLETON_DUPLICATED_ACROSS_OUTPUTS: (f) =>
    `${f.module} has a copy in each of ${f.outputCount} outputs of one build; a process that loads more than one of them evaluates it more than once.`,
  SINGLETON_COPIES_SHARE_STATE: (f) =>
    `${f.module} has ${f.copies.length} copies, but they share one state, so this is not a duplicate: ${f.sharedState}.`,
  SINGLETON_DUPLICATED_ACROSS_BUILDS: (f) =>
    `${f.module} has a copy in each of ${f.outputCount} separate builds; a process that loads more than one of them evaluates it more than once.`,
  SINGLETON_STATEFUL_DUPLICATED: (f) =>
    `${f.module} holds state at its top level and nobody declared it a singleton, yet ${whereCopies(f)}`,
  SINGLETON_STATE_UNKNOWN: (f) =>
    `${f.module} is not declared a singleton and ${whereCopies(f)} Whether it holds state cannot be told: ${f.stateUnknown}.`,
}

/** How much of a finding to print: a finding with hundreds of copies is shown in part (the CLI's default). */
interface ExplainLimits {
  copies?: number
  facades?: number
  /** Fix texts already printed above: named by their cause instead of repeated. */
  fixesShown?: Set<string>
}

/** Where a finding's copies are, as its headline says it. */
function whereCopies(f: Finding): string {
  if (f.causes.includes('separate-builds')) {
    return `it has a copy in each of ${f.outputCount} separate builds; a process that loads more than one of them evaluates it more than once.`
  }
  if (f.causes.includes('separate-formats') || f.causes.includes('separate-outputs')) {
    return `it has a copy in each of ${f.outputCount} outputs of one build; a process that loads more than one of them evaluates it more than once.`
  }
  return `it is evaluated ${f.copies.length} times in one output (${f.copies[0]?.output}, ${f.copies[0]?.format}).`
}

/** At most this many lines of evidence; the report has them all. */
const EVIDENCE_SHOWN = 5

/** The diagnosis a newcomer can act on: what, why, where each copy comes from, and the fix. */
export function explainFinding(finding: Finding, limits: ExplainLimits = {}): string {
  const lines = [`${finding.code}: ${HEADLINES[finding.code](finding)}`]
  const evidence = finding.evidence ?? []
  for (const item of evidence.slice(0, EVIDENCE_SHOWN)) {
    lines.push(`  state: \`${item.binding}\` ${item.why} (line ${item.line}: ${item.text})`)
  }
  if (evidence.length > EVIDENCE_SHOWN)
    lines.push(`  state: and ${evidence.length - EVIDENCE_SHOWN} more (the report lists them)`)
  lines.push(`  cause: ${finding.causes.map((cause) => CAUSE_TITLES[cause]).join('; ')}`)
  const copies = finding.copies.slice(0, limits.copies)
  copies.forEach((copy, index) => {
    lines.push(`  copy ${index + 1}: ${copy.output}/${copy.chunks.join(', ')} (${copy.format})  ${copy.module}`)
    if (copy.detail) lines.push(`    ${copy.detail}`)
    if (copy.chain.length > 0) lines.push(`    ${formatChain(copy.chain)}`)
  })
  if (copies.length < finding.copies.length) lines.push(`  and ${finding.copies.length - copies.length} more copies`)
  const facades = finding.facades.slice(0, limits.facades)
  for (const facade of facades) lines.push(`  not a copy: ${facade}, ${FACADE_NOTE}`)
  if (facades.length < finding.facades.length) {
    lines.push(`  and ${finding.facades.length - facades.length} more re-export facades (not copies)`)
  }
  for (const refusal of finding.dedupe ?? []) lines.push(`  dedupe: ${refusal}`)
  finding.fixes.forEach((fix, index) => {
    const cause = finding.causes[index]
    if (limits.fixesShown?.has(fix) && cause) lines.push(`  fix: as above (${CAUSE_TITLES[cause]})`)
    else lines.push(`  fix: ${fix}`)
    limits.fixesShown?.add(fix)
  })
  return lines.join('\n')
}

export function formatChain(chain: readonly ChainStep[]): string {
  return chain
    .map((step) =>
      step.edge === 'entry'
        ? `${step.module} (entry)`
        : step.edge === 'dynamic'
          ? `--import()--> ${step.module}`
          : `--> ${step.module}`,
    )
    .join(' ')
}

/** Detected modules whose state the classifier could not decide, said together: one line each. */
export function explainUnknownStates(findings: readonly Finding[]): string {
  const shown = findings.slice(0, UNKNOWN_SHOWN)
  const lines = shown.map(
    (f) =>
      `  ${f.module} (${f.copies.length} copies: ${f.causes.map((cause) => CAUSE_TITLES[cause]).join('; ')}): ${f.stateUnknown}`,
  )
  if (findings.length > shown.length) lines.push(`  and ${findings.length - shown.length} more`)
  const count =
    findings.length === 1 ? 'a module nobody declared has' : `${findings.length} modules nobody declared have`
  return [
    `${CODES.SINGLETON_STATE_UNKNOWN}: ${count} copies, and whether ${findings.length === 1 ? 'it holds' : 'they hold'} state cannot be told. Declare any that must be one instance; the report lists each copy.`,
    ...lines,
  ].join('\n')
}

const UNKNOWN_SHOWN = 20
