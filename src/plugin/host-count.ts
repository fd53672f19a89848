import type { Plugin } from 'rolldown'
import { PLUGIN_NAME } from '../core/messages.ts'
import type { Ledger } from './ledger.ts'

/** The tsdown hook we use, typed here so tsdown stays an optional peer. */
interface TsdownHooks {
  tsdownConfigResolved?: () => void
}

/**
 * Counts the builds a host announces before any runs (tsdown: once per config and format), so
 * copies across them are judged once the last one closes, whatever order they finish in.
 */
export function hostCountPlugin(ledger: Ledger): Plugin {
  const plugin: Plugin & TsdownHooks = {
    name: `${PLUGIN_NAME}:host`,
    tsdownConfigResolved() {
      ledger.expectOutput()
    },
  }
  return plugin
}
