import { PLUGIN_NAME } from '../../core/messages.ts'

/** One error rolldown aggregated into the error it throws. */
interface AggregatedError {
  message?: string
  plugin?: string
  pluginCode?: unknown
  code?: unknown
}

/**
 * The verdict a build failed with, as an error that prints as its message: rolldown wraps a
 * plugin's error in one of its own whose stack is rolldown's internals, and Vite's CLI prints
 * that stack. When every aggregated error is this plugin's verdict, the same text is rethrown
 * without it (a `code` property keeps the finding's code for programmatic callers); any other
 * failure is returned untouched.
 */
function verdictError(error: unknown): unknown {
  const aggregated = (error as { errors?: unknown } | null)?.errors
  if (!Array.isArray(aggregated) || aggregated.length === 0) return error
  const ours = aggregated as AggregatedError[]
  if (!ours.every((item) => typeof item?.plugin === 'string' && item.plugin.startsWith(PLUGIN_NAME))) return error
  // As Vite names a plugin's error: `[plugin] message`.
  const message = ours.map((item) => `[${item.plugin}] ${String(item.message ?? '')}`).join('\n\n')
  const first = ours[0] as AggregatedError
  const clean = new Error(message)
  clean.stack = message
  Object.defineProperties(clean, {
    code: { value: first.pluginCode ?? first.code, enumerable: false },
    errors: { value: aggregated, enumerable: false },
    [Symbol.for('nodejs.util.inspect.custom')]: { value: () => message, enumerable: false },
  })
  return clean
}

/** The part of Vite's builder we touch; typed here so Vite stays an optional peer. */
export interface ViteBuilderView {
  build: (environment: never) => Promise<unknown>
}

const wrapped = new WeakSet<object>()

/**
 * Makes every environment build of `builder` fail with the verdict itself. Vite's `buildApp`
 * builds through `builder.build`, so wrapping it covers `vite build`, `createBuilder().buildApp()`
 * and a custom `builder.buildApp`.
 */
export function printVerdictsPlainly(builder: ViteBuilderView): void {
  if (wrapped.has(builder)) return
  wrapped.add(builder)
  const build = builder.build.bind(builder)
  builder.build = async (environment) => {
    try {
      return await build(environment)
    } catch (error) {
      throw verdictError(error)
    }
  }
}
