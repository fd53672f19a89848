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

/** The diagnosis a newcomer can act on: what, why, where each copy comes from, and the fix. */
export function explainFinding(finding: Finding): string {
  const lines = [`${finding.code}: ${HEADLINES[finding.code](finding)}`]
  lines.push(`  cause: ${finding.causes.map((cause) => CAUSE_TITLES[cause]).join('; ')}`)
  finding.copies.forEach((copy, index) => {
    lines.push(`  copy ${index + 1}: ${copy.output}/${copy.chunks.join(', ')} (${copy.format})  ${copy.module}`)
    if (copy.detail) lines.push(`    ${copy.detail}`)
    if (copy.chain.length > 0) lines.push(`    ${formatChain(copy.chain)}`)
  })
  for (const facade of finding.facades) lines.push(`  not a copy: ${facade}, ${FACADE_NOTE}`)
  for (const fix of finding.fixes) lines.push(`  fix: ${fix}`)
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
