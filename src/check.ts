import type { Plugin } from 'rolldown'
import { mapOutput } from './chunk-map.ts'
import { explainFinding } from './explain.ts'
import { displayId } from './identity.ts'
import { importChain } from './import-chain.ts'
import { CODES, PLUGIN_NAME, unmatchedPatternWarning } from './messages.ts'
import type { OptionsResolved } from './options.ts'
import { buildReport } from './report.ts'
import type { Session } from './session.ts'
import { outputHostOf } from './plugin/hosts/host-of-output.ts'
import { inRealm } from './plugin/hosts/vite-environment.ts'
import type { EnvironmentProgress } from './plugin/hosts/vite-host.ts'
import { compareFindings, judgeAcross, judgeWithin } from './verdicts.ts'

/** Maps each output to the chunks that hold every singleton, judges it, and reports. */
export function checkPlugin(options: OptionsResolved, session: Session, environments: EnvironmentProgress): Plugin {
  return {
    name: `${PLUGIN_NAME}:check`,
    generateBundle: {
      order: 'post',
      handler(outputOptions, bundle) {
        const output = mapOutput(bundle, outputOptions, session, outputHostOf(this, bundle))
        const entryIds = new Set(
          output.chunks
            .filter((chunk) => chunk.isEntry && chunk.facadeModuleId)
            .map((chunk) => chunk.facadeModuleId as string),
        )
        const display = (id: string) => displayId(id, options.root, session.resolver)
        for (const tracked of output.modules.values()) {
          for (const copy of tracked.copies) {
            copy.chain = importChain((id) => this.getModuleInfo(id), copy.identity.id, entryIds, display)
          }
        }
        session.outputs.set(output.key, output)
        const phase = session.acrossPhase()
        const across =
          phase === 'wait'
            ? []
            : judgeAcross(inRealm(session.outputs.values(), output.realm), options)
                .filter((found) => phase === 'all' || found.outputKeys.includes(output.key))
                .map((found) => found.finding)
        const findings = [...judgeWithin(output, options), ...across].sort(compareFindings)
        session.findings.set(output.key, findings)

        if (options.report) {
          this.emitFile({
            type: 'asset',
            fileName: options.report,
            source: `${JSON.stringify(buildReport(session), null, 2)}\n`,
          })
        }
        const unmatched = environments.closeAndWait(this) ? [] : session.unmatchedPatterns()
        for (const pattern of unmatched) {
          this.warn({ code: CODES.unmatched, message: unmatchedPatternWarning(pattern) })
        }
        const errors: string[] = []
        for (const finding of findings) {
          const message = explainFinding(finding)
          if (finding.severity === 'error') errors.push(message)
          else this.warn({ code: finding.code, message })
        }
        const firstError = findings.find((finding) => finding.severity === 'error')
        if (firstError) this.error(diagnosis(firstError.code, errors.join('\n\n')))
      },
    },
  }
}

/** A verdict, not a crash: printed without a stack trace; rolldown keeps `code` as `pluginCode`. */
function diagnosis(code: string, message: string): Error {
  const error = Object.assign(new Error(message), { code })
  error.stack = ''
  return error
}
