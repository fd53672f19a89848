import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { PatternError, SingletonMatcher, type ModuleIdentity } from '../core.ts'
import { ModuleStates } from '../module-state.ts'
import { InputError, TEXT, USAGE } from '../messages.ts'
import { parseRunArgs, type RunArgs } from './args.ts'
import { LoadedAttribution } from './attribute-loaded.ts'
import { isSameProcess, startCommand, type ChildStatus } from './child.ts'
import { judgeRun, type RunFinding } from './findings.ts'
import { LoadKinds } from './how-loaded.ts'
import { RUN_JSON_SCHEMA, runJson } from './json.ts'
import { processLabel } from './labels.ts'
import { RUN_TEXT } from './messages.ts'
import type { RunOutcome } from './outcome.ts'
import { IMPORT_ALL_FILE, RUN_DIR_ENV, type ImportAllRequest } from './protocol.ts'
import { rank } from './rank.ts'
import { readRecords } from './records.ts'
import { runText } from './text.ts'

/** Signals passed on to the command, as npm passes them to a script. */
const RELAYED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
const SNAPSHOT_SIGNAL = 'SIGUSR2'
/** How long a snapshot waits for the processes to write. */
const SNAPSHOT_WAIT_MS = 3000

interface Prepared {
  args: RunArgs
  root: string
  matcher: SingletonMatcher | undefined
  attribution: LoadedAttribution
  dir: string
  env: NodeJS.ProcessEnv
  notes: string[]
}

/**
 * `singleton-guard run`: runs the command with the tracker loaded into its Node processes, then
 * judges what each realm loaded. Resolves to the exit code (the command's own, unless `--fail`
 * finds a duplicate); a command that died of a signal makes the CLI die of the same signal.
 */
export async function runCommand(argv: readonly string[]): Promise<number> {
  const fail = (text: string) => process.stderr.write(`${text}\n`)
  let prepared: Prepared
  try {
    const args = parseRunArgs(argv)
    if (args.help) {
      process.stdout.write(`${USAGE}\n`)
      return 0
    }
    prepared = prepare(args)
  } catch (error) {
    fail(inputFailure(error))
    return 2
  }
  try {
    return await execute(prepared, fail)
  } finally {
    fs.rmSync(prepared.dir, { recursive: true, force: true })
  }
}

function inputFailure(error: unknown): string {
  if (error instanceof InputError) return error.message
  if (error instanceof PatternError) return TEXT.badPattern(error.message)
  return TEXT.internal(String((error as Error)?.message ?? error).split('\n')[0] as string)
}

/** Everything that can be refused is checked before the command starts. */
function prepare(args: RunArgs): Prepared {
  const root = path.resolve(args.root ?? '.')
  if (args.json) checkJsonTarget(args.json)
  const tracker = trackerFile()
  const matcher = args.singletons.length > 0 ? new SingletonMatcher(args.singletons, root) : undefined
  const attribution = new LoadedAttribution(args.dists, root)
  const notes: string[] = []
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'singleton-guard-run-'))
  if (args.importAll) {
    const entries = attribution.dynamicEntries()
    if (entries.length === 0) notes.push(RUN_TEXT.noDynamicEntries(args.dists.join(', ')))
    const url = (file: string) => pathToFileURL(fs.realpathSync(file)).href
    const request: ImportAllRequest = {
      dists: (attribution.dists?.folders ?? []).map((folder) => `${url(folder.absolute)}/`),
      entries: entries.map(url),
    }
    fs.writeFileSync(path.join(dir, IMPORT_ALL_FILE), JSON.stringify(request))
  }
  const nodeOptions = [process.env.NODE_OPTIONS, `--import=${pathToFileURL(tracker).href}`].filter(Boolean).join(' ')
  const env = { ...process.env, NODE_OPTIONS: nodeOptions, [RUN_DIR_ENV]: dir }
  return { args, root, matcher, attribution, dir, env, notes }
}

/** The tracker ships beside the CLI's chunks (`dist/tracker.mjs`); from the sources, beside this file. */
function trackerFile(): string {
  const candidates = ['./tracker.mjs', './tracker.ts'].map((name) => fileURLToPath(new URL(name, import.meta.url)))
  const found = candidates.find((file) => fs.existsSync(file))
  if (!found) throw new InputError(RUN_TEXT.trackerMissing(candidates[0] as string))
  return found
}

/** Only a report of this command is ever written over. */
function checkJsonTarget(file: string): void {
  if (!fs.existsSync(path.dirname(path.resolve(file)))) throw new InputError(RUN_TEXT.jsonNoFolder(file))
  if (!fs.existsSync(file)) return
  let text = ''
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch {
    // A folder, or unreadable: not ours.
  }
  if (!text.includes(`"schema": "${RUN_JSON_SCHEMA}"`)) throw new InputError(RUN_TEXT.jsonRefused(file))
}

async function execute(prepared: Prepared, fail: (text: string) => void): Promise<number> {
  const { args } = prepared
  const started = await startCommand(args.command, prepared.env)
  if (!started.ok) {
    const program = args.command[0] as string
    fail(
      started.error.code === 'ENOENT'
        ? RUN_TEXT.commandNotFound(program)
        : RUN_TEXT.commandNotRunnable(program, started.error.code ?? started.error.message),
    )
    return 2
  }
  const kinds = new LoadKinds()
  const relay = (signal: NodeJS.Signals) => started.kill(signal)
  let snapshotting = false
  const onSnapshot = () => {
    if (snapshotting) return
    snapshotting = true
    void snapshot(prepared, kinds, fail).finally(() => (snapshotting = false))
  }
  for (const signal of RELAYED_SIGNALS) process.on(signal, relay)
  process.on(SNAPSHOT_SIGNAL, onSnapshot)
  let status: ChildStatus
  try {
    status = await started.ended
  } finally {
    for (const signal of RELAYED_SIGNALS) process.removeListener(signal, relay)
    process.removeListener(SNAPSHOT_SIGNAL, onSnapshot)
  }

  let outcome: RunOutcome
  try {
    outcome = analyse(prepared, kinds, status, started.pid)
  } catch (error) {
    fail(inputFailure(error))
    return args.fail ? 2 : endWith(status)
  }
  const { findings, unattributed } = outcome.judgement
  const killed = status.signal === 'SIGKILL'
  let exitCode: number
  let reraise: NodeJS.Signals | undefined
  if (args.fail && findings.length > 0) exitCode = 1
  else if (killed) exitCode = 2
  else if (status.signal) {
    reraise = status.signal
    exitCode = endWith(status)
  } else if (status.code !== 0) exitCode = status.code ?? 2
  // `--fail` clears nothing it could not see: files not attributed, or no process tracked at all.
  else exitCode = args.fail && (unattributed.length > 0 || outcome.processes.length === 0) ? 2 : 0
  outcome.exitCode = exitCode

  fail(runText(outcome))
  if (killed) {
    const child = outcome.processes.find((tracked) => tracked.record.pid === started.pid)
    const label = child ? processLabel(child.record) : `process ${started.pid} (${args.command.join(' ')})`
    fail(RUN_TEXT.killed(label, child?.record.reason === 'start' ? undefined : child?.record.writtenAt))
  }
  if (args.json) writeJson(args.json, outcome, fail)
  if (reraise) {
    fs.rmSync(prepared.dir, { recursive: true, force: true })
    await reraiseSignal(reraise)
  }
  return exitCode
}

function analyse(prepared: Prepared, kinds: LoadKinds, status: ChildStatus | undefined, childPid: number): RunOutcome {
  const { args, attribution, matcher } = prepared
  const notes = [...prepared.notes]
  const processes = readRecords(prepared.dir, notes)
  const judgement = judgeRun(processes, attribution, kinds)
  const reportDeclared = new Set(attribution.dists?.folders.flatMap((folder) => folder.declared) ?? [])
  const states = statesOfFindings(judgement.findings, judgement.modules, attribution)
  judgement.findings = rank(judgement.findings, {
    declared: (finding) => {
      const identity = judgement.modules.get(finding.key)
      return (
        reportDeclared.has(finding.module) || (identity !== undefined && (matcher?.match(identity).length ?? 0) > 0)
      )
    },
    state: (key) => states.get(key),
  })
  if (processes.length === 0) notes.push(RUN_TEXT.untracked)
  for (const tracked of processes) {
    const { record } = tracked
    for (const note of record.notes) notes.push(`${processLabel(record)}: ${note}`)
    if (record.reason !== 'start' && record.reason !== 'snapshot') continue
    // The direct child killed by SIGKILL gets its own line; a snapshot judges running processes as they are.
    if (!status || (record.pid === childPid && status.signal === 'SIGKILL')) continue
    notes.push(
      isSameProcess(record.pid, record.timeOrigin)
        ? RUN_TEXT.stillRunning(processLabel(record), record.writtenAt)
        : RUN_TEXT.noFinalWrite(processLabel(record), record.writtenAt),
    )
  }
  if (judgement.notJudged.length > 0) {
    notes.push(
      RUN_TEXT.notJudged(
        judgement.notJudged.length,
        judgement.notJudged.map((tracked) => processLabel(tracked.record)).join(', '),
      ),
    )
  }
  if (matcher) {
    const loaded = [...judgement.modules.values()]
    for (const pattern of matcher.patterns) {
      if (!loaded.some((identity) => matcher.match(identity).some((match) => match.label === pattern.label)))
        notes.push(RUN_TEXT.patternUnmatched(pattern.label))
    }
  }
  return { command: args.command, status, processes, judgement, notes, exitCode: undefined }
}

/**
 * SIGUSR2: every tracked process still running writes what it has loaded (and keeps running);
 * the findings so far are printed, and written to `--json`.
 */
async function snapshot(prepared: Prepared, kinds: LoadKinds, fail: (text: string) => void): Promise<void> {
  const before = readRecords(prepared.dir, [])
  const asked = before.filter(
    (tracked) => tracked.record.reason !== 'exit' && isSameProcess(tracked.record.pid, tracked.record.timeOrigin),
  )
  for (const tracked of asked) {
    try {
      process.kill(tracked.record.pid, SNAPSHOT_SIGNAL)
    } catch {
      // It ended meanwhile: its last write stands.
    }
  }
  const seqBefore = new Map(asked.map((tracked) => [tracked.record.pid, tracked.record.seq]))
  const deadline = Date.now() + SNAPSHOT_WAIT_MS
  let late = asked.length
  while (late > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25))
    const now = readRecords(prepared.dir, [])
    late = [...seqBefore].filter(
      ([pid, seq]) => (now.find((tracked) => tracked.record.pid === pid)?.record.seq ?? seq) <= seq,
    ).length
  }
  try {
    const outcome = analyse(prepared, kinds, undefined, -1)
    if (late > 0) outcome.notes.push(RUN_TEXT.snapshotTimeout(late))
    fail(`${RUN_TEXT.snapshotHeader}\n${runText(outcome)}`)
    if (prepared.args.json) writeJson(prepared.args.json, outcome, fail)
  } catch (error) {
    fail(inputFailure(error))
  }
}

function writeJson(file: string, outcome: RunOutcome, fail: (text: string) => void): void {
  try {
    fs.writeFileSync(file, `${JSON.stringify(runJson(outcome), null, 2)}\n`)
    fail(RUN_TEXT.jsonWritten(file))
  } catch (error) {
    fail(RUN_TEXT.jsonUnwritable(file, (error as NodeJS.ErrnoException).code ?? 'unwritable'))
  }
}

/** The exit status a shell gives a process that ended this way. */
function endWith(status: ChildStatus): number {
  if (status.signal) return 128 + (os.constants.signals[status.signal] ?? 0)
  return status.code ?? 2
}

/** Ends the CLI by the signal the command died of, so whatever started the CLI sees the same status. */
async function reraiseSignal(signal: NodeJS.Signals): Promise<void> {
  await new Promise<void>((resolve) => process.stderr.write('', () => resolve()))
  process.removeAllListeners(signal)
  process.kill(process.pid, signal)
  // The signal is delivered asynchronously: let it arrive before the exit code is set.
  await new Promise((resolve) => setTimeout(resolve, 1000))
}

/**
 * Whether each module evaluated more than once holds state: from its source where it is on disk,
 * else from its code in a `--dist` chunk (the audit's classification, module by module).
 */
function statesOfFindings(
  findings: readonly RunFinding[],
  modules: ReadonlyMap<string, ModuleIdentity>,
  attribution: LoadedAttribution,
): Map<string, { stateful: boolean | null; state: string | null }> {
  const keys = [...new Set(findings.map((finding) => finding.key))]
  const states = new ModuleStates().statesOf(
    keys.map((key) => {
      const unit = attribution.dists?.units.get(key)
      const identity = modules.get(key)
      const copies = unit
        ? unit.copies.map((copy) => ({
            source: copy.identity.id,
            realpath: copy.identity.realpath,
            chunks: copy.chunks,
          }))
        : identity
          ? [{ source: identity.id, realpath: identity.realpath, chunks: [] }]
          : []
      return { key, copies }
    }),
  )
  const result = new Map<string, { stateful: boolean | null; state: string | null }>()
  for (const [key, state] of states) {
    const first = state.evidence[0]
    const why = first ? `\`${first.binding}\` ${first.why} (line ${first.line})` : (state.reason ?? null)
    result.set(key, { stateful: state.stateful === 'unknown' ? null : state.stateful === 'yes', state: why })
  }
  return result
}
