/**
 * The tracker `singleton-guard run` loads with `--import` into every Node process (and, through
 * them, every worker thread) the command starts. It records each file the process loads: when,
 * how (entry, import, require) and from which parent, per thread. It runs inside the user's
 * program, so it is self-contained (Node's own modules only), does one array push per loaded
 * module and nothing once loading stops, and never throws into the program.
 *
 * Node >= 22.15 (and 23.5): `module.registerHooks`, in-thread and synchronous, sees `import`,
 * `import()` and `require` alike. Older Node: `module.register`'s asynchronous hooks (on Node's
 * hooks thread) for ES modules, and a wrapper of the CommonJS loader for CommonJS files; what
 * that cannot see is said in the README.
 *
 * The main thread writes one file per process into the run's folder: at start, on `SIGUSR2` (a
 * snapshot), on `SIGINT`/`SIGTERM`/`SIGHUP` (then the signal does what it would have done), and
 * at exit. Workers send their loads to the main thread on a BroadcastChannel: a worker has no
 * exit hook that runs when it is terminated.
 */
import {
  IMPORT_ALL_FILE,
  RECORD_VERSION,
  RUN_DIR_ENV,
  type ImportAllRequest,
  type LoadHow,
  type LoadRecord,
  type ProcessRecord,
  type WriteReason,
} from './protocol.ts'

// Node's modules, through getBuiltinModule (Node >= 20.16) once the tracker is needed: an ESM
// `import` of them builds namespace objects (node:fs alone costs a few milliseconds), and an
// older Node, which has no getBuiltinModule, must find the tracker inert rather than failing.
let fs: typeof import('node:fs')
let nodeModule: typeof import('node:module')
let path: typeof import('node:path')
let nodeUrl: typeof import('node:url')
let workerThreads: typeof import('node:worker_threads')

function loadBuiltins(): boolean {
  if (typeof process.getBuiltinModule !== 'function') return false
  fs = process.getBuiltinModule('node:fs')
  nodeModule = process.getBuiltinModule('node:module')
  path = process.getBuiltinModule('node:path')
  nodeUrl = process.getBuiltinModule('node:url')
  workerThreads = process.getBuiltinModule('node:worker_threads')
  return true
}

const INSTALLED = Symbol.for('singleton-guard.run-tracker')
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

/**
 * The fallback's hooks, run on Node's hooks thread (a data: URL keeps the tracker one file). They
 * pair each load with the resolution that led to it and post it to the tracker's port.
 */
const ASYNC_HOOKS = `let port, tracker
const via = new Map()
export function initialize(data) { port = data.port; tracker = data.tracker }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context)
  const parent = context.parentURL
  const how = parent === undefined ? 'entry' : parent === tracker ? 'import-all' : context.conditions?.includes('require') ? 'require' : 'import'
  if (result.url.startsWith('file:')) via.set(result.url, [how, parent ?? null, specifier])
  return result
}
export async function load(url, context, next) {
  const at = performance.timeOrigin + performance.now()
  const result = await next(url, context)
  if (url.startsWith('file:')) {
    const from = via.get(url)
    via.delete(url)
    port.postMessage([at, url, from?.[0] ?? 'import', from?.[1] ?? null, from?.[2] ?? null, result.format ?? null, 'hooks'])
  }
  return result
}
`

type Global = typeof globalThis & { [INSTALLED]?: boolean }

/** What a worker sends its main thread: its thread id, its `performance.timeOrigin`, its loads. */
type WorkerBatch = [threadId: number, origin: number, loads: LoadRecord[]]

function install(dir: string): void {
  const self = import.meta.url
  // ms since this thread started, to 0.01 ms; the main thread moves workers' times onto its own.
  const origin = performance.timeOrigin
  const now = () => Math.round(performance.now() * 100) / 100
  const { BroadcastChannel, isMainThread, receiveMessageOnPort, threadId } = workerThreads
  const channel = new BroadcastChannel(`singleton-guard-run:${dir}`)
  channel.unref()
  /** Pulls what other threads sent but the event loop has not delivered yet. */
  const drains: (() => void)[] = []
  let record: (load: LoadRecord) => void

  const threads = new Map<number, LoadRecord[]>()
  const notes: string[] = []
  if (isMainThread) {
    const own: LoadRecord[] = []
    threads.set(0, own)
    const append = ([from, workerOrigin, loads]: WorkerBatch) => {
      let list = threads.get(from)
      if (!list) threads.set(from, (list = []))
      const shift = workerOrigin - origin
      for (const load of loads) {
        load[0] = Math.round((load[0] + shift) * 100) / 100
        list.push(load)
      }
    }
    channel.addEventListener('message', (event) => append((event as unknown as { data: WorkerBatch }).data))
    drains.push(() => {
      for (let message; (message = receiveMessageOnPort(channel as never));) append(message.message)
    })
    const onEntry = importAllOnEntry(dir, own, notes)
    record = onEntry
      ? (load) => {
          own.push(load)
          if (load[2] === 'entry') onEntry(load)
        }
      : (load) => own.push(load)
  } else {
    // One message per burst of loads: a worker's modules load in one synchronous stretch.
    let pending: LoadRecord[] = []
    const post = () => {
      const loads = pending
      pending = []
      channel.postMessage([threadId, origin, loads] satisfies WorkerBatch)
    }
    record = (load) => {
      if (pending.push(load) === 1) queueMicrotask(post)
    }
  }

  const hooks = installHooks(self, origin, now, (load) => record(load), drains)
  if (!isMainThread) return

  let seq = 0
  const file = path.join(dir, `${process.pid}-${Math.round(performance.timeOrigin)}.json`)
  const write = (reason: WriteReason, exitCode: number | null = null): void => {
    try {
      for (const drain of drains) drain()
      const json: ProcessRecord = {
        version: RECORD_VERSION,
        pid: process.pid,
        ppid: process.ppid,
        argv: process.argv,
        node: process.version,
        hooks,
        timeOrigin: performance.timeOrigin,
        seq: ++seq,
        reason,
        writtenAt: now(),
        exitCode,
        threads: [...threads].map(([id, loads]) => ({ threadId: id, loads })),
        notes,
      }
      const temporary = `${file}.tmp`
      fs.writeFileSync(temporary, JSON.stringify(json))
      fs.renameSync(temporary, file)
    } catch {
      // The run's folder is gone (the CLI ended): there is no one left to report to.
    }
  }
  const onStop = (signal: NodeJS.Signals): void => {
    write(signal as WriteReason)
    // The program handles this signal itself: it decides when to exit, and `exit` writes again.
    if (process.listenerCount(signal) > 1) return
    // Otherwise do what Node does without a listener: end by this signal (the exit status is kept).
    for (const stop of STOP_SIGNALS) process.removeListener(stop, onStop)
    process.kill(process.pid, signal)
  }
  for (const signal of STOP_SIGNALS) process.on(signal, onStop)
  process.on('SIGUSR2', () => write('snapshot'))
  process.on('exit', (code) => write('exit', code))
  write('start')
}

/** Installs the module hooks; returns which kind. */
function installHooks(
  self: string,
  origin: number,
  now: () => number,
  record: (load: LoadRecord) => void,
  drains: (() => void)[],
): ProcessRecord['hooks'] {
  const how = (parent: string | undefined, conditions: readonly string[] | undefined): LoadHow =>
    parent === undefined
      ? 'entry'
      : parent === self
        ? 'import-all'
        : conditions?.includes('require')
          ? 'require'
          : 'import'

  if (typeof nodeModule.registerHooks === 'function') {
    // The resolution that leads to a load: the last one of its URL (a load follows its first resolution).
    const via = new Map<string, [LoadHow, string | null, string]>()
    nodeModule.registerHooks({
      resolve(specifier, context, next) {
        const result = next(specifier, context)
        if (result.url.startsWith('file:'))
          via.set(result.url, [how(context.parentURL, context.conditions), context.parentURL ?? null, specifier])
        return result
      },
      load(url, context, next) {
        const at = now()
        const result = next(url, context)
        if (url.startsWith('file:')) {
          const from = via.get(url)
          via.delete(url)
          record([at, url, from?.[0] ?? 'import', from?.[1] ?? null, from?.[2] ?? null, result.format ?? null, 'hooks'])
        }
        return result
      },
    })
    return 'registerHooks'
  }

  const { port1, port2 } = new workerThreads.MessageChannel()
  nodeModule.register(`data:text/javascript,${encodeURIComponent(ASYNC_HOOKS)}`, {
    data: { port: port2, tracker: self },
    transferList: [port2],
  })
  // The hooks thread's times are absolute: moved onto this thread's start.
  const fromHooks = (load: LoadRecord) => {
    load[0] = Math.round((load[0] - origin) * 100) / 100
    record(load)
  }
  port1.on('message', fromHooks)
  port1.unref()
  drains.push(() => {
    for (let message; (message = workerThreads.receiveMessageOnPort(port1));) fromHooks(message.message as LoadRecord)
  })
  hookCommonJs(now, record)
  return 'register'
}

interface CommonJsModule {
  filename?: string
}
type LoadFunction = (
  request: string,
  parent: CommonJsModule | undefined,
  isMain: boolean,
  ...rest: unknown[]
) => unknown
type CompileFunction = (this: CommonJsModule, content: string, filename: string, ...rest: unknown[]) => unknown

/** Node's CommonJS loader, by the names of its internal methods (what APM agents wrap too). */
const LOAD = '_load'
const COMPILE = '_compile'
interface CommonJsLoader {
  [LOAD]: LoadFunction
  prototype: { [COMPILE]: CompileFunction }
}

/**
 * The fallback's view of CommonJS: `_compile` runs once per evaluated file; `_load`, which calls
 * it, knows the parent and the request (reading `module.parent` instead is deprecated).
 */
function hookCommonJs(now: () => number, record: (load: LoadRecord) => void): void {
  const loader = (nodeModule as unknown as { Module: CommonJsLoader }).Module
  const load = loader[LOAD]
  const compile = loader.prototype[COMPILE]
  let current: [parent: string | null, isMain: boolean, request: string] | undefined
  loader[LOAD] = function (request, parent, isMain, ...rest) {
    const outer = current
    current = [parent?.filename ?? null, isMain, request]
    try {
      return load.call(this, request, parent, isMain, ...rest)
    } finally {
      current = outer
    }
  }
  loader.prototype[COMPILE] = function (content, filename, ...rest) {
    const [parent, isMain, request] = current ?? [null, false, null]
    // Node 20.19+ compiles an ES module loaded by require() here too, and says so.
    const format = typeof rest[0] === 'string' ? rest[0] : 'commonjs'
    record([now(), filename, isMain ? 'entry' : parent ? 'require' : 'import', parent, request, format, 'compile'])
    return compile.call(this, content, filename, ...rest)
  }
}

/**
 * `--import-all`: once the entry has loaded and evaluated (an `import()` of it joins its
 * evaluation, top-level await included), a process that loaded a file from the `--dist` folders
 * imports each of their dynamic entries, in order. Returns the hook for entry loads, or undefined
 * when the run did not ask for it.
 */
function importAllOnEntry(
  dir: string,
  loads: readonly LoadRecord[],
  notes: string[],
): ((load: LoadRecord) => void) | undefined {
  const requestFile = path.join(dir, IMPORT_ALL_FILE)
  if (!fs.existsSync(requestFile) || !process.argv[1]) return undefined
  let pending = true
  const main = realPath(path.resolve(process.argv[1]))
  return (load) => {
    if (!pending) return
    const file = load[1].startsWith('file:') ? nodeUrl.fileURLToPath(load[1]) : load[1]
    const real = realPath(file)
    // The main script, as given or with the extension Node added.
    if (real !== main && !(real.startsWith(main) && /^\.[cm]?js$/.test(real.slice(main.length)))) return
    pending = false
    const entry = nodeUrl.pathToFileURL(file).href
    setImmediate(() => {
      import(entry).then(
        () => importAll(requestFile, loads, notes),
        () => {},
      )
    })
  }
}

async function importAll(requestFile: string, loads: readonly LoadRecord[], notes: string[]): Promise<void> {
  let request: ImportAllRequest
  try {
    request = JSON.parse(fs.readFileSync(requestFile, 'utf8')) as ImportAllRequest
  } catch {
    return
  }
  const fromDist = loads.some(([, file]) => {
    const url = file.startsWith('file:') ? file : nodeUrl.pathToFileURL(file).href
    return request.dists.some((dist) => url.startsWith(dist))
  })
  if (!fromDist) return
  for (const entry of request.entries) {
    try {
      await import(entry)
    } catch (error) {
      notes.push(`--import-all: ${entry} threw: ${String((error as Error)?.message ?? error).split('\n')[0]}`)
    }
  }
}

function realPath(file: string): string {
  try {
    return fs.realpathSync(file)
  } catch {
    return file
  }
}

// Last, so that every constant above is initialised before the hooks are installed.
if (!(globalThis as Global)[INSTALLED]) {
  ;(globalThis as Global)[INSTALLED] = true
  try {
    const runDir = process.env[RUN_DIR_ENV]
    if (runDir && loadBuiltins()) install(runDir)
  } catch {
    // A tracker that cannot install records nothing; the program must run as it would without it.
  }
}
