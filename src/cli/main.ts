#!/usr/bin/env node
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs, type CliArgs } from './args.ts'
import { audit, auditExitCode, type AuditResult } from './audit.ts'
import { diffAudits, diffExitCode, diffText, DIFF_JSON_VERSION, type DiffJson } from './diff.ts'
import { topologyPage } from './html.ts'
import { auditJson } from './json.ts'
import { InputError, TEXT, USAGE } from './messages.ts'
import { moduleViews } from './module-view.ts'
import { createProgress } from './progress.ts'
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
    progress: createProgress(!args.json),
  })
  const views = args.module ? moduleViews(result) : undefined
  if (views && views.length === 0)
    throw new InputError(TEXT.moduleNotFound(args.module as string, args.dirs.join(', ')))
  const exitCode = auditExitCode(result)
  const verdict = verdictLine(result, views, exitCode)
  if (args.html) {
    fs.writeFileSync(args.html, topologyPage(result))
    if (!args.json) fail(TEXT.htmlWritten(args.html))
  }
  if (args.json) out(JSON.stringify(auditJson(result, exitCode, verdict, views), null, 2))
  else out(views ? moduleText(views, result) : auditText(result))
  if (exitCode === 2) {
    const list = result.unattributed.map((chunk) => `${chunk.id}: ${chunk.unattributed}`).join('; ')
    fail(TEXT.unattributed(result.unattributed.length, result.chunks.size, list))
  }
  return exitCode
}

function verdictLine(result: AuditResult, views: ReturnType<typeof moduleViews> | undefined, exitCode: number): string {
  if (views) return views.map((view) => `${view.module}: ${view.verdict}`).join('\n')
  const errors = result.findings.filter((finding) => finding.severity === 'error').length
  if (errors > 0) return `${errors} module${errors === 1 ? ' is' : 's are'} evaluated more than once`
  return exitCode === 2
    ? 'no copy in the attributed chunks; some chunks could not be attributed'
    : 'no module is evaluated more than once'
}

function runDiff(args: CliArgs, out: (text: string) => void): number {
  const root = path.resolve(args.root ?? '.')
  const progress = createProgress(!args.json)
  const [dirA, dirB] = args.dirs as [string, string]
  // A module may be gone after a fix: diff does not require every pattern to match in both folders.
  const options = {
    root,
    singletons: args.singletons,
    everyPatternMustMatch: false,
    formats: args.formats,
    builds: args.builds,
    progress,
  }
  const before = audit({ ...options, dirs: [dirA] })
  const after = audit({ ...options, dirs: [dirB] })
  const changes = diffAudits(before, after)
  const exitCode = diffExitCode(after)
  if (args.json) {
    const json: DiffJson = {
      schema: 'singleton-guard/diff',
      version: DIFF_JSON_VERSION,
      exitCode,
      before: before.folders.map((folder) => folder.display),
      after: after.folders.map((folder) => folder.display),
      changes,
    }
    out(JSON.stringify(json, null, 2))
  } else out(diffText(before, after, changes))
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
