import type { Plugin } from 'rolldown'
import { PLUGIN_NAME } from '../../core/messages.ts'
import { environmentOf } from './vite-environment.ts'
import { printVerdictsPlainly, type ViteBuilderView } from './vite-errors.ts'

/** Vite's own hooks, typed here so Vite stays an optional peer. */
interface ViteHooks {
  buildApp?: { order: 'pre'; handler: (builder: ViteBuilderView & { environments: object }) => void }
}

/**
 * Which environments of a `vite build` (or `createBuilder().buildApp()`) have closed an output,
 * so that what needs every environment (a pattern that matched nothing anywhere) waits for the
 * last. Outside the app builder, nothing is known up front and nothing waits.
 */
export class EnvironmentProgress {
  #expected: Set<string> | undefined
  readonly #closed = new Set<string>()

  expect(names: readonly string[]): void {
    this.#expected = new Set(names)
    this.#closed.clear()
  }

  /** Records that the output being generated in `context` closed; true while other environments are still to build. */
  closeAndWait(context: object): boolean {
    const environment = environmentOf(context)
    if (!environment || environment.config?.isWorker || !this.#expected) return false
    this.#closed.add(environment.name)
    return [...this.#expected].some((name) => !this.#closed.has(name))
  }
}

/** What only Vite calls: the app builder, so that a failing check prints as its message. */
export function viteHostPlugin(progress: EnvironmentProgress): Plugin & ViteHooks {
  return {
    name: `${PLUGIN_NAME}:vite`,
    buildApp: {
      order: 'pre',
      handler(builder) {
        progress.expect(Object.keys(builder.environments))
        printVerdictsPlainly(builder)
      },
    },
  }
}
