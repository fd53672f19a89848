/**
 * The process-wide registry the runtime guard keeps on `globalThis`. `createRegistry` runs inside
 * the user's output: it is copied into every guarded module with `Function.prototype.toString`, so
 * it must stay self-contained (no imports, no helpers from outside its body) and plain enough for
 * any browser. Its texts live here for the same reason.
 */

/** `globalThis[Symbol.for(REGISTRY_KEY)]` holds the registry. */
export const REGISTRY_KEY = 'singleton-guard.registry'
/** Format of the registry object and of the records passed to `register`; fields are only ever added. */
export const REGISTRY_VERSION = 1
export const RUNTIME_CODE = 'SINGLETON_DUPLICATED_AT_RUNTIME'

/** One evaluation of a guarded module. */
export interface RuntimeEvaluation {
  /** The file being evaluated: a path in Node, a URL in browsers; undefined when no stack was available. */
  file: string | undefined
  /** The version of the package the module belongs to, when it has one. */
  version: string | undefined
}

/** What a `runtimeGuard` function receives when a guarded module is evaluated again in one process. */
export interface RuntimeGuardEvent {
  code: 'SINGLETON_DUPLICATED_AT_RUNTIME'
  /** The module's stable key: `package/subpath`, or a root-relative path outside any named package. */
  module: string
  /** Evaluations so far, this one included. */
  count: number
  first: RuntimeEvaluation
  current: RuntimeEvaluation
  /** Every evaluation so far, in order, this one last. */
  evaluations: RuntimeEvaluation[]
  /** The text `'warn'` prints. */
  message: string
}

export type RuntimeGuardHandler = (event: RuntimeGuardEvent) => void

/** The `runtimeGuard` option: off, warn, throw, or a handler of its own. */
export type RuntimeGuardMode = false | 'warn' | 'throw' | RuntimeGuardHandler

/** What a guarded module passes to `register` (format 1). */
export interface RegistrationRecord {
  v: 1
  module: string
  version?: string
  /** Created at the top of the evaluating module: its first stack frame names the file. */
  error?: Error
  /** The evaluating file, when the caller knows it (takes precedence over `error`). */
  file?: string
  onDuplicate: 'warn' | 'throw' | RuntimeGuardHandler
}

export interface RegistryEntry {
  module: string
  evaluations: RuntimeEvaluation[]
  warned: boolean
}

/** One line of `list()`: a guarded module, how often it was evaluated, where and at which version. */
export interface RegistryListing {
  module: string
  count: number
  files: (string | undefined)[]
  versions: (string | undefined)[]
}

/** The object at `globalThis[Symbol.for('singleton-guard.registry')]` (format 1). */
export interface Registry {
  version: 1
  modules: Map<string, RegistryEntry>
  register(record: RegistrationRecord): void
  list(): RegistryListing[]
}

export function createRegistry(): Registry {
  const code = 'SINGLETON_DUPLICATED_AT_RUNTIME'
  const modules = new Map<string, RegistryEntry>()

  function toPath(file: string): string {
    if (file.slice(0, 7) !== 'file://') return file
    const path = decodeURIComponent(file.slice(7).replace(/^\/\/[^/]*/, ''))
    return /^\/[a-zA-Z]:\//.test(path) ? path.slice(1) : path
  }

  // V8 (Node, Chromium) hands over call sites, which name the generated file even when
  // --enable-source-maps rewrites the text; other engines give text, read line by line.
  function fileOf(record: RegistrationRecord): string | undefined {
    if (typeof record.file === 'string') return record.file
    const error = record.error
    if (!error) return undefined
    const ErrorClass = Error as ErrorConstructor & { prepareStackTrace?: unknown }
    const prepare = ErrorClass.prepareStackTrace
    let stack: unknown
    try {
      ErrorClass.prepareStackTrace = (_: Error, sites: unknown) => sites
      stack = error.stack
    } catch {
      stack = undefined
    } finally {
      ErrorClass.prepareStackTrace = prepare
    }
    if (Array.isArray(stack)) {
      for (const site of stack as { getFileName?: () => string | null | undefined }[]) {
        const name = site && typeof site.getFileName === 'function' ? site.getFileName() : undefined
        if (name) return toPath(name)
      }
      return undefined
    }
    const lines = typeof stack === 'string' ? stack.split('\n') : []
    for (const line of lines) {
      const found = /(?:^|[\s(@])((?:blob:)?(?:[a-z][\w+.-]*:\/\/|\/)[^\s()]*?)(?::\d+){1,2}\)?$/i.exec(line.trim())
      if (found) return toPath(found[1] as string)
    }
    return undefined
  }

  function describe(module: string, evaluations: RuntimeEvaluation[]): string {
    const lines = [
      `[singleton-guard] ${code}: ${module} is evaluated ${evaluations.length} times in this process; each copy has its own state.`,
    ]
    evaluations.forEach((evaluation, index) => {
      const version = evaluation.version ? ` (version ${evaluation.version})` : ''
      lines.push(`  copy ${index + 1}: ${evaluation.file || 'unknown file (no stack trace)'}${version}`)
    })
    const first = evaluations[0] as RuntimeEvaluation
    const last = evaluations[evaluations.length - 1] as RuntimeEvaluation
    const plain = (file: string | undefined) => String(file).replace(/[?#].*$/, '')
    let cause: string
    if (first.version !== last.version) {
      cause = 'two installs of the package at different versions: make one install serve every importer (dedupe).'
    } else if (!first.file || !last.file) {
      cause = 'unknown: the program keeps no stack trace (Error.stackTraceLimit = 0), so the files cannot be named.'
    } else if (plain(first.file) === plain(last.file)) {
      cause =
        'one file holds both copies (the build bundled the module twice: see its SINGLETON_DUPLICATED finding), or was evaluated twice (a module cache reset, a query suffix, a hot reload).'
    } else if (plain(first.file).replace(/\.[cm]?js$/, '') === plain(last.file).replace(/\.[cm]?js$/, '')) {
      cause = 'the esm and cjs outputs of one build, one imported and the other required (the dual package hazard).'
    } else {
      cause =
        'two files each hold a copy: separate builds or installs, or a rebuild under the running process (see `promote`).'
    }
    lines.push(`  likely cause: ${cause}`)
    lines.push(`  every guarded module: globalThis[Symbol.for('singleton-guard.registry')].list()`)
    return lines.join('\n')
  }

  function register(record: RegistrationRecord): void {
    const evaluation: RuntimeEvaluation = { file: fileOf(record), version: record.version || undefined }
    const entry = modules.get(record.module)
    if (!entry) {
      modules.set(record.module, { module: record.module, evaluations: [evaluation], warned: false })
      return
    }
    const evaluations = entry.evaluations.concat([evaluation])
    const event: RuntimeGuardEvent = {
      code,
      module: entry.module,
      count: evaluations.length,
      first: evaluations[0] as RuntimeEvaluation,
      current: evaluation,
      evaluations,
      message: describe(entry.module, evaluations),
    }
    const onDuplicate = record.onDuplicate
    if (onDuplicate === 'throw') {
      // The copy is stopped before its top level runs, so it is not counted as evaluated.
      const error = new Error(event.message) as Error & { code?: string; event?: RuntimeGuardEvent }
      error.code = code
      error.event = event
      throw error
    }
    entry.evaluations.push(evaluation)
    if (typeof onDuplicate === 'function') {
      // The user's function only observes: if it fails, the module still runs and the finding is printed.
      try {
        onDuplicate(event)
      } catch (failure) {
        console.error(
          `[singleton-guard] the runtimeGuard function failed (${failure instanceof Error ? failure.message : String(failure)}); the module goes on.\n${event.message}`,
        )
      }
    } else if (!entry.warned) {
      entry.warned = true
      console.error(event.message)
    }
  }

  function list(): RegistryListing[] {
    const listing: RegistryListing[] = []
    modules.forEach((entry) => {
      listing.push({
        module: entry.module,
        count: entry.evaluations.length,
        files: entry.evaluations.map((evaluation) => evaluation.file),
        versions: entry.evaluations.map((evaluation) => evaluation.version),
      })
    })
    return listing
  }

  return { version: 1, modules, register, list }
}
