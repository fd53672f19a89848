import type { Plugin } from 'rolldown'
import { PLUGIN_NAME } from '../../messages.ts'
import { printVerdictsPlainly, type ViteBuilderView } from './vite-errors.ts'

/** Vite's own hooks, typed here so Vite stays an optional peer. */
interface ViteHooks {
  buildApp?: { order: 'pre'; handler: (builder: ViteBuilderView) => void }
}

/** What only Vite calls: the app builder, so that a failing check prints as its message. */
export function viteHostPlugin(): Plugin & ViteHooks {
  return {
    name: `${PLUGIN_NAME}:vite`,
    buildApp: {
      order: 'pre',
      handler(builder) {
        printVerdictsPlainly(builder)
      },
    },
  }
}
