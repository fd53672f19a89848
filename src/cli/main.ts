#!/usr/bin/env node
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs, type CliArgs } from './args.ts'
import { audit, auditExitCode, nothingAttributed, type AuditResult } from './audit.ts'
import { diffAudits, diffExitCode, diffText, DIFF_JSON_VERSION, type DiffJson } from './diff.ts'
import { topologyPage } from './html.ts'
import { auditJson } from './json.ts'
import { auditMarkdown, diffMarkdown } from './markdown.ts'
import { InputError, TEXT, USAGE, listSome } from './messages.ts'
import { moduleViews } from './module-view.ts'
import { createProgress } from './progress.ts'
import { suggestSingletons, suggestText } from './suggest.ts'
import { auditText, moduleText } from './text.ts'
import { PatternError } from './core.ts'
import { runCommand } from './run/command.ts'

/** Runs the CLI; returns the exit code (1 duplicate, 0 none, 2 usage or input error). */
export function run(argv: readonly string[]): number {
  const out = (text: string) => process.stdout.write(`${text}\n`)
  const fail = (text: string) => process.stderr.write(`${text}\n`)
  try {
    const args = parseArgs(argv)
    if (args.command === 'help') {
      out(USAGE)
      return 0
    }
    if (args.command === 'suggest') return runSuggest(args, out, fail)
    return args.command === 'diff' ? runDiff(args, out) : runAudit(args, out, fail)
  } catch (error) {
    if (error instanceof InputError) fail(error.message)
    else if (error instanceof PatternError) fail(TEXT.badPattern(error.message))
    else fail(TEXT.internal(String((error as Error)?.message ?? error).split('\n')[0] as string))
    return 2
  }
}

function runAudit(args: CliArgs, out: (text: string) => void, fail: (text: string) => void): number {
  const root = path.resolve(args.root ?? '.')
  if (args.html) checkHtmlTarget(args.html)
  const result = audit({
    dirs: args.dirs,
    root,
    singletons: args.module ? [args.module] : args.singletons,
    everyPatternMustMatch: !args.module,
    formats: args.formats,
    builds: args.builds,
    strict: args.strict,
    strictDuplicates: args.strictDuplicates,
    progress: createProgress(args.format === 'text'),
  })
  const views = args.module ? moduleViews(result) : undefined
  if (views && views.length === 0)
    throw new InputError(TEXT.moduleNotFound(args.module as string, args.dirs.join(', ')))
  const exitCode = auditExitCode(result)
  const verdict = verdictLine(result, views, exitCode)
  if (args.html) {
    fs.writeFileSync(args.html, topologyPage(result))
    if (args.format !== 'json') fail(TEXT.htmlWritten(args.html))
  }
  if (args.format === 'json') out(JSON.stringify(auditJson(result, exitCode, verdict, views), null, 2))
  else if (args.format === 'markdown') out(auditMarkdown(result, args.all))
  else out(views ? moduleText(views, result) : auditText(result, args.all))
  if (exitCode === 2) {
    const byReason = new Map<string, string[]>()
    for (const chunk of result.unattributed) {
      byReason.set(chunk.unattributed as string, [...(byReason.get(chunk.unattributed as string) ?? []), chunk.id])
    }
    const list = [...byReason].map(([reason, chunks]) => `${listSome(chunks, 3)}: ${reason}`).join('; ')
    const say = nothingAttributed(result) ? TEXT.unattributed : TEXT.strictUnattributed
    fail(say(result.unattributed.length, result.chunks.size, list))
  }
  return exitCode
}

/** `suggest`: the audit of every module, as a `singletons` list of the ones with state and copies. */
function runSuggest(args: CliArgs, out: (text: string) => void, fail: (text: string) => void): number {
  const result = audit({
    dirs: args.dirs,
    root: path.resolve(args.root ?? '.'),
    singletons: undefined,
    everyPatternMustMatch: false,
    formats: args.formats,
    builds: args.builds,
    strict: false,
    progress: createProgress(args.format === 'text'),
  })
  if (nothingAttributed(result) && result.unattributed.length > 0) {
    const list = listSome(
      result.unattributed.map((chunk) => chunk.id),
      3,
    )
    fail(TEXT.unattributed(result.unattributed.length, result.chunks.size, list))
    return 2
  }
  const suggested = suggestSingletons(result)
  if (args.format === 'json') {
    out(JSON.stringify({ schema: 'singleton-guard/suggest', version: 1, ...suggested }, null, 2))
  } else out(suggestText(suggested, result.folders.map((folder) => folder.display).join(', ')))
  return 0
}

function verdictLine(result: AuditResult, views: ReturnType<typeof moduleViews> | undefined, exitCode: number): string {
  if (views) return views.map((view) => `${view.module}: ${view.verdict}`).join('\n')
  const errors = new Set(
    result.findings.filter((finding) => finding.severity === 'error').map((finding) => finding.key),
  )
  const stateless = new Set(result.findings.filter((f) => f.stateful === 'no' && !errors.has(f.key)).map((f) => f.key))
    .size
  const code =
    stateless > 0 ? `; ${stateless} module${stateless === 1 ? '' : 's'} without state duplicated (code only)` : ''
  if (errors.size > 0)
    return `${errors.size} module${errors.size === 1 ? ' is' : 's are'} evaluated more than once${code}`
  const subject = result.matcher ? 'no module' : 'no module with state'
  return exitCode === 2
    ? 'no copy in the attributed chunks; some chunks could not be attributed'
    : result.unattributed.length > 0
      ? `${subject} is evaluated more than once in the attributed chunks; ${result.unattributed.length} could not be attributed${code}`
      : `${subject} is evaluated more than once${code}`
}

function runDiff(args: CliArgs, out: (text: string) => void): number {
  const root = path.resolve(args.root ?? '.')
  const progress = createProgress(args.format === 'text')
  const [dirA, dirB] = args.dirs as [string, string]
  // A module may be gone after a fix: diff does not require every pattern to match in both folders.
  const options = {
    root,
    singletons: args.singletons,
    everyPatternMustMatch: false,
    formats: args.formats,
    builds: args.builds,
    strict: args.strict,
    progress,
  }
  const before = audit({ ...options, dirs: [dirA] })
  const after = audit({ ...options, dirs: [dirB] })
  const changes = diffAudits(before, after)
  const exitCode = diffExitCode(after)
  if (args.format === 'json') {
    const json: DiffJson = {
      schema: 'singleton-guard/diff',
      version: DIFF_JSON_VERSION,
      exitCode,
      before: before.folders.map((folder) => folder.display),
      after: after.folders.map((folder) => folder.display),
      changes,
    }
    out(JSON.stringify(json, null, 2))
  } else if (args.format === 'markdown') out(diffMarkdown(before, after, changes, args.all))
  else out(diffText(before, after, changes))
  return exitCode
}

/** Only a page is written: `--html dist/main.js` would overwrite a chunk. */
function checkHtmlTarget(file: string): void {
  if (!/\.html?$/i.test(file)) throw new InputError(TEXT.htmlRefused(file))
  const folder = path.dirname(path.resolve(file))
  if (!fs.existsSync(folder)) throw new InputError(TEXT.htmlNoFolder(file))
  // Never write over a page of the user's: only over a topology page written before.
  if (
    fs.existsSync(file) &&
    !fs.readFileSync(file, 'utf8').includes('<meta name="generator" content="singleton-guard">')
  ) {
    throw new InputError(TEXT.htmlExists(file))
  }
}

const argv = process.argv.slice(2)
process.exitCode = argv[0] === 'run' ? await runCommand(argv.slice(1)) : run(argv)
