import path from 'node:path'
import type { AuditResult } from './audit.ts'
import { PatternError, SingletonMatcher, type ModuleIdentity } from './core.ts'
import type { AuditFinding } from './model.ts'

/** One module to declare: the pattern that names it in every install, and why. */
interface Suggestion {
  /** As it goes into the config: a quoted string or a RegExp literal. */
  pattern: string
  module: string
  /** The first binding that makes it stateful, in a few words. */
  why: string
  copies: number
  importerCount: number
}

interface Suggested {
  singletons: Suggestion[]
  /** Modules with copies whose state could not be told: to read before declaring. */
  undecided: { module: string; reason: string }[]
}

/**
 * `suggest`: the modules with top-level state that have copies, most imported first, each with a
 * pattern the plugin's `singletons` option takes and that names it whatever the install: a
 * package's export subpath (`zod/v4/core`), a root-relative glob for the project's own files,
 * else a RegExp on the end of its path. Every pattern is tested against the module it names.
 */
export function suggestSingletons(result: AuditResult): Suggested {
  const seen = new Set<string>()
  const singletons: Suggestion[] = []
  const undecided: Suggested['undecided'] = []
  const byReach = [...result.findings].sort((a, b) => b.importerCount - a.importerCount)
  for (const finding of byReach) {
    if (seen.has(finding.key)) continue
    seen.add(finding.key)
    if (finding.stateful === 'unknown') {
      undecided.push({ module: finding.module, reason: finding.stateUnknown ?? 'no reason given' })
      continue
    }
    if (finding.stateful !== 'yes') continue
    const identity = result.units.get(finding.key)?.copies[0]?.identity
    if (!identity) continue
    singletons.push({
      pattern: patternFor(identity, result.root),
      module: finding.module,
      why: whyOf(finding),
      copies: finding.copies.length,
      importerCount: finding.importerCount,
    })
  }
  return { singletons, undecided }
}

function whyOf(finding: AuditFinding): string {
  const first = finding.evidence?.[0]
  return first ? `\`${first.binding}\` ${first.why} (line ${first.line})` : 'top-level state'
}

function patternFor(identity: ModuleIdentity, root: string): string {
  const pkg = identity.package
  const installed = pkg !== undefined && identity.realpath.split(/[\\/]/).includes('node_modules')
  if (installed && identity.exportSubpath !== undefined) {
    const specifier = `${pkg.name}${identity.exportSubpath === '.' ? '' : identity.exportSubpath.slice(1)}`
    if (names(specifier, identity, root)) return `'${specifier}'`
  }
  if (!installed) {
    const relative = path.relative(root, identity.realpath).split(path.sep).join('/')
    if (!relative.startsWith('..') && !path.isAbsolute(relative) && names(relative, identity, root)) {
      return `'${relative.replace(/'/g, "\\'")}'`
    }
  }
  // A file no subpath exports, or outside the root: the end of its path, in any install.
  const tail = installed ? `node_modules/${pkg.name}/${identity.subpath}` : relativeTail(identity.realpath, root)
  const source = `${tail.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`
  return names(new RegExp(source), identity, root) ? `/${source.replaceAll('/', '\\/')}/` : `'${identity.realpath}'`
}

/** The path below `root`, or its last three segments when it lies outside. */
function relativeTail(file: string, root: string): string {
  const relative = path.relative(root, file).split(path.sep).join('/')
  return relative.startsWith('..') ? relative.split('/').slice(-3).join('/') : relative
}

/** Whether the pattern, as the plugin compiles it, declares the module. */
function names(pattern: string | RegExp, identity: ModuleIdentity, root: string): boolean {
  try {
    return new SingletonMatcher([pattern], root).match(identity).length > 0
  } catch (error) {
    if (error instanceof PatternError) return false
    throw error
  }
}

/** The list ready to paste into `singletonGuard({ ... })`, with what makes each module stateful. */
export function suggestText(suggested: Suggested, folders: string): string {
  const { singletons, undecided } = suggested
  const lines: string[] = []
  if (singletons.length === 0) {
    lines.push(`// No module with top-level state has copies in ${folders}: nothing to declare.`)
  } else {
    lines.push(
      `// ${singletons.length} module${singletons.length === 1 ? ' holds' : 's hold'} state at the top level and ${singletons.length === 1 ? 'has' : 'have'} copies in ${folders} (most imported first).`,
      '// Paste into singletonGuard({ ... }): the build then fails on their copies and says why.',
      'singletons: [',
      ...singletons.map((s) => `  ${s.pattern}, // ${s.why}; ${s.copies} copies`),
      '],',
    )
  }
  if (undecided.length > 0) {
    lines.push(
      `// ${undecided.length} more module${undecided.length === 1 ? ' has' : 's have'} copies and state that could not be told (read ${undecided.length === 1 ? 'it' : 'them'} before declaring):`,
      ...undecided.slice(0, 20).map((u) => `//   ${u.module}: ${u.reason}`),
    )
    if (undecided.length > 20) lines.push(`//   and ${undecided.length - 20} more (\`--json\` lists them all)`)
  }
  return lines.join('\n')
}
