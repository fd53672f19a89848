/**
 * The contract between `singleton-guard run` and the tracker it loads into every Node process of
 * the command: where the tracker writes, and the shape of what it writes. The tracker bundles its
 * own copy of this file (it must stay self-contained), so only constants and types live here.
 */

/** The run's folder, set by the CLI in the command's environment. Without it the tracker does nothing. */
export const RUN_DIR_ENV = 'SINGLETON_GUARD_RUN_DIR'

/** In the run's folder, only with `--import-all`: what to import once the entry has loaded. */
export const IMPORT_ALL_FILE = 'import-all.json'

/** Bumped on any change of `ProcessRecord` the CLI must know about. */
export const RECORD_VERSION = 1

/**
 * How a file was reached: the process's or worker's entry (no parent), an `import` (static or
 * `import()`; the CLI tells them apart from the parent's code), a `require`, or the tracker's own
 * `import()` of a dynamic entry (`--import-all`).
 */
export type LoadHow = 'entry' | 'import' | 'require' | 'import-all'

/**
 * One loaded file, as a tuple to keep the per-load cost to one small array:
 * `at` is ms since the process started (its main thread's `performance.timeOrigin`), to 0.01 ms,
 * whichever thread loaded the file; `file` a file URL (or a path, for the CommonJS hook of the fallback);
 * `via` which hook saw it (`compile`: the CommonJS hook of the fallback, which knows no specifier).
 */
export type LoadRecord = [
  at: number,
  file: string,
  how: LoadHow,
  parent: string | null,
  specifier: string | null,
  format: string | null,
  via: 'hooks' | 'compile',
]

interface ThreadRecord {
  /** 0 for the main thread, a worker's `threadId` otherwise: each its own realm. */
  threadId: number
  loads: LoadRecord[]
}

/** Why the record was written. */
export type WriteReason = 'start' | 'snapshot' | 'exit' | 'SIGINT' | 'SIGTERM' | 'SIGHUP'

/** One file per process, rewritten whole (atomically) at each write. */
export interface ProcessRecord {
  version: typeof RECORD_VERSION
  pid: number
  ppid: number
  argv: string[]
  node: string
  /** `registerHooks`: Node's in-thread hooks (import and require); `register`: the fallback. */
  hooks: 'registerHooks' | 'register'
  /** The process's `performance.timeOrigin` (ms since the epoch): orders processes, and tells a reused pid. */
  timeOrigin: number
  /** Incremented at every write: the CLI waits for it to move after asking for a snapshot. */
  seq: number
  reason: WriteReason
  /** ms since the process started, when this record was written. */
  writtenAt: number
  /** With reason `exit`. */
  exitCode: number | null
  threads: ThreadRecord[]
  /** What the tracker could not do (an `--import-all` entry that threw). */
  notes: string[]
}

/** `--import-all`: the dynamic entries of the `--dist` folders, imported by a process that loaded from them. */
export interface ImportAllRequest {
  /** The folders, as file URLs ending in `/`. */
  dists: string[]
  /** File URLs, in order. */
  entries: string[]
}
