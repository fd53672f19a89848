import { CAUSE_TITLES, FACADE_NOTE } from './messages.ts'
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
}

/** How much of a finding to print: a finding with hundreds of copies is shown in part (the CLI's default). */
interface ExplainLimits {
  copies?: number
  facades?: number
  /** Fix texts already printed above: named by their cause instead of repeated. */
  fixesShown?: Set<string>
}

/** The diagnosis a newcomer can act on: what, why, where each copy comes from, and the fix. */
export function explainFinding(finding: Finding, limits: ExplainLimits = {}): string {
  const lines = [`${finding.code}: ${HEADLINES[finding.code](finding)}`]
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
