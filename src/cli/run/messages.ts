/** Every text `singleton-guard run` prints about its input and about the processes it ran. */
import { PREFIX } from '../core.ts'

const CLI_NAME = 'singleton-guard'

export const RUN_USAGE: string = `  ${CLI_NAME} run [--dist <dir>]... [--singletons <pattern>]... [--json <file>] [--fail] [--import-all]
                 [--root <dir>] -- <command> [args...]`

const EXAMPLE = `\`${CLI_NAME} run --dist dist -- node dist/index.js\``

export const RUN_TEXT = {
  missingCommand: `${PREFIX} \`run\` needs the command to run after \`--\`, e.g. ${EXAMPLE}.`,
  commandNotFound: (command: string): string =>
    `${PREFIX} command not found: ${command} (not on PATH, and not a file). Give the program to run after \`--\`, e.g. ${EXAMPLE}.`,
  commandNotRunnable: (command: string, why: string): string => `${PREFIX} cannot run ${command}: ${why}.`,
  importAllNeedsDist: `${PREFIX} \`--import-all\` imports the dynamic entries of the \`--dist\` folders: give at least one \`--dist <dir>\`.`,
  noDynamicEntries: (dirs: string): string =>
    `--import-all: ${dirs} has no dynamic entry (no chunk is reached only through import()): nothing more was imported.`,
  jsonRefused: (file: string): string =>
    `${PREFIX} \`--json ${file}\`: the file exists and is not a report this command wrote; nothing was written over it. Give another name.`,
  jsonNoFolder: (file: string): string => `${PREFIX} \`--json ${file}\`: its folder does not exist.`,
  jsonUnwritable: (file: string, why: string): string => `${PREFIX} \`--json ${file}\` could not be written: ${why}.`,
  jsonWritten: (file: string): string => `${PREFIX} findings and load timeline written to ${file}`,
  trackerMissing: (file: string): string =>
    `${PREFIX} the tracker ${file} is missing from this install of singleton-guard; reinstall the package.`,
  killed: (process: string, lastWrite: number | undefined): string =>
    `${PREFIX} ${process} was killed by SIGKILL: nothing could be flushed; ${lastWrite === undefined ? 'it wrote no snapshot, so nothing it loaded is known' : `judged from what it recorded up to its last snapshot (at ${formatMs(lastWrite)} ms); what it loaded after that is unknown`}.`,
  noFinalWrite: (process: string, lastWrite: number): string =>
    `${process} ended without a final write (killed by SIGKILL, or a crash that skipped exit handlers): judged from its last write, at ${formatMs(lastWrite)} ms.`,
  stillRunning: (process: string, lastWrite: number): string =>
    `${process} was still running when the command ended: judged from its last write, at ${formatMs(lastWrite)} ms.`,
  notJudged: (count: number, list: string): string =>
    `${count} process${count === 1 ? '' : 'es'} loaded nothing from the --dist folders and ${count === 1 ? 'was' : 'were'} not judged: ${list}.`,
  untracked: `no Node process of the command loaded the tracker (the command started none, or started it with its own NODE_OPTIONS): nothing was recorded.`,
  patternUnmatched: (label: string): string => `the --singletons pattern ${label} matched no loaded module.`,
  snapshotHeader: `${PREFIX} snapshot (SIGUSR2): the command keeps running.`,
  snapshotTimeout: (count: number): string =>
    `${count} process${count === 1 ? '' : 'es'} did not answer the snapshot in time: judged from ${count === 1 ? 'its' : 'their'} last write.`,
  unreadableRecord: (file: string, why: string): string =>
    `the tracker's record ${file} could not be read (${why}): ignored.`,
  reloaded: 'the same file evaluated again (a module cache reset, or a query that makes it a new module)',
  reloadedFix:
    'Something loads the file again under a new module record: a `delete require.cache[...]`, a module registry reset, or an import with a query (`?v=2`). Load it once, or keep its state on `globalThis[Symbol.for(...)]`.',
}

/** A time in ms, to one decimal. */
export function formatMs(ms: number): string {
  return (Math.round(ms * 10) / 10).toFixed(1)
}
