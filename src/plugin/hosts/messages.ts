/** Texts and codes of the Vite and Rollup hosts (merged into core/messages.ts with the restructuring). */
import { PREFIX } from '../../messages.ts'

export const HOST_CODES = {
  promoteIncomplete: 'SINGLETON_PROMOTE_INCOMPLETE',
  servedTwice: 'SINGLETON_SERVED_TWICE',
} as const

const NOT_IN_OWN_CHUNK = 'the bundler did not put it in a chunk of its own'

export function promoteIncomplete(
  missed: readonly { module: string; reason: string }[],
  bundler: string,
  why: string | undefined,
): string {
  const list = missed.map((m) => `${m.module} (${m.reason})`).join(', ')
  const count = missed.length === 1 ? '1 module' : `${missed.length} modules`
  return `${PREFIX} ${HOST_CODES.promoteIncomplete}: ${count} could not be promoted to a stable file name under ${bundler}: ${list}. Reason: ${why ?? NOT_IN_OWN_CHUNK}. It keeps a hashed name, so a rebuild under a running process can load a second copy.`
}

export function servedTwice(module: string, environment: string, ids: readonly string[]): string {
  const lines = ids.map((id, index) => `  id ${index + 1}: ${id}`)
  return [
    `${PREFIX} ${HOST_CODES.servedTwice}: ${module} is served under ${ids.length} ids in the ${environment} environment; the page evaluates it once per id.`,
    ...lines,
    `  fix: serve it under one id. A pre-bundled copy (node_modules/.vite/deps) beside the file itself: add the package to \`optimizeDeps.include\` so every importer gets the pre-bundled one, or to \`optimizeDeps.exclude\` so none does; two installs or links of one package: \`resolve.dedupe\`; a query twin: import it under one spelling.`,
  ].join('\n')
}
