import type { Plugin, PluginContext } from 'rolldown'
import { mapOutput } from '../core/chunk-map.ts'
import { UserError } from '../core/errors.ts'
import { explainFinding, explainUnknownStates } from '../core/explain.ts'
import { displayId } from '../core/identity.ts'
import { importChain } from '../core/import-chain.ts'
import {
  buildsIncompleteWarning,
  CODES,
  metadataWarning,
  PLUGIN_NAME,
  reportNameTaken,
  unmatchedPatternWarning,
} from '../core/messages.ts'
import { displayPath } from '../core/paths.ts'
import { buildReport } from '../core/report.ts'
import type { SingletonIndex } from '../core/singleton-index.ts'
import type { DetectMode, Finding, ModuleIdentity } from '../core/types.ts'
import { compareFindings, judgeAcross, judgeWithin, sharingState, type Modes } from '../core/verdicts.ts'
import { evaluatesFile } from './hosts/loader-queries.ts'
import { reportNameIn } from './hosts/vite-environment.ts'
import type { EnvironmentProgress } from './hosts/vite-host.ts'
import { DetectCheck, trackedIdsOf } from './detect-check.ts'
import type { DedupeLog } from './dedupe-log.ts'
import type { Ledger } from './ledger.ts'
import { chunksOf, entryIdsOf, outputInfoOf, realmOf, reportNameOfFormat } from './output-info.ts'
import { sharedStateOfCopies } from './shared-state-check.ts'

interface CheckSettings extends Modes {
  report: string | false
  detect: DetectMode
  /** What `dedupe` merged and refused, when it is on: refusals go into the findings they leave. */
  dedupeLog?: DedupeLog
}

/** Maps each output to the chunks that hold every singleton, judges it, and reports. */
export function checkPlugin(
  settings: CheckSettings,
  index: SingletonIndex,
  ledger: Ledger,
  environments: EnvironmentProgress,
): Plugin {
  const { root } = settings
  const detect = settings.detect === false ? undefined : new DetectCheck(settings.detect, settings, index)
  // Vite resolves ids itself; its `resolve.preserveSymlinks` keeps symlinked paths as ids.
  const viteHooks = {
    configResolved(config: { resolve?: { preserveSymlinks?: boolean } }) {
      if (config.resolve?.preserveSymlinks) index.resolveEveryId()
    },
  }
  return {
    name: `${PLUGIN_NAME}:check`,
    options(input) {
      // Symlinked paths kept as ids (rolldown's `resolve.symlinks: false`, Rollup's
      // `preserveSymlinks`): a copy can hide under any name, so every id is resolved.
      const rollupPreserves = (input as { preserveSymlinks?: unknown }).preserveSymlinks === true
      if (input.resolve?.symlinks === false || rollupPreserves) index.resolveEveryId()
      // Rollup resolves a symlinked file but keeps a symlinked folder on the way to it in the id.
      else if (!('rolldownVersion' in this.meta)) index.resolveIdsInLinkedFolders()
      return null
    },
    ...viteHooks,
    watchChange(file) {
      detect?.forget(file)
    },
    async buildEnd(error) {
      if (!error) return
      // A host may stop every build as soon as one fails: judge what completed, and say so.
      ledger.recordFailure()
      for (const finding of [...judgeAcross(ledger.outputs(), settings), ...((await detect?.completed()) ?? [])]) {
        this.warn({ code: finding.code, message: explainFinding(finding) })
      }
      this.warn({ code: CODES.SINGLETON_BUILDS_INCOMPLETE, message: incomplete(ledger) })
    },
    generateBundle: {
      order: 'post',
      async handler(outputOptions, bundle) {
        const entryIds = entryIdsOf(bundle)
        const output = outputInfoOf(outputOptions, entryIds, realmOf(this, entryIds), root)
        const entries = new Set(entryIds)
        const display = (id: string) => displayId(id, root, index.resolver)
        const chunks = chunksOf(bundle)
        const chainOf = (id: string) => importChain((moduleId) => this.getModuleInfo(moduleId), id, entries, display)
        const evaluates = (identity: ModuleIdentity) => evaluatesFile(identity, this.getModuleInfo(identity.id)?.code)
        const mapped = mapOutput({ chunks, output, index, chainOf, evaluates, keepChunks: settings.report !== false })
        const phase = ledger.record(mapped.map, mapped.matchedLabels)
        const across =
          phase === 'wait'
            ? []
            : judgeAcross(ledger.outputs(), settings).filter(
                (finding) => phase === 'all' || finding.outputKeys.includes(output.key),
              )
        const declared = [...judgeWithin(mapped.map, settings), ...across].map((finding) => {
          // Only singletons with copies get here: their sources are parsed, never every module's.
          const state = sharedStateOfCopies(finding.key, [mapped.map, ...ledger.outputs()])
          return state.shared ? sharingState(finding, state.reason) : finding
        })
        // Modules nobody declared: only those with copies are read.
        const detected =
          (await detect?.inOutput({
            chunks,
            output,
            phase,
            tracked: trackedIdsOf(mapped.map),
            chainOf,
            evaluates,
            keepRecord: ledger.expectedOutputs !== 1,
          })) ?? []
        const findings = [...declared, ...detected]
          .map((finding) => withRefusals(finding, settings.dedupeLog))
          .sort(compareFindings)

        if (settings.report !== false) {
          const reportName = reportNameOfFormat(reportNameIn(this, settings.report, entryIds), outputOptions.format)
          if (reportName in bundle)
            this.error(new UserError(CODES.SINGLETON_REPORT_NAME_TAKEN, reportNameTaken(reportName)))
          const report = buildReport({
            output: mapped.map,
            chunks: mapped.chunks,
            findings: findings.filter((finding) => finding.outputKeys.includes(output.key)),
            promotions: ledger.promotionsOf(output.key),
            migration: ledger.migrationOf(output.key),
            ...(settings.dedupeLog
              ? {
                  dedupe: {
                    merged: [...settings.dedupeLog.merges.values()],
                    refused: [...settings.dedupeLog.refusals.values()],
                  },
                }
              : {}),
            root,
          })
          this.emitFile({ type: 'asset', fileName: reportName, source: `${JSON.stringify(report, null, 2)}\n` })
        }
        warnAboutInputs(this, index, ledger, root, environments.closeAndWait(this))
        if (phase === 'all' && ledger.failedBuilds > 0) {
          this.warn({ code: CODES.SINGLETON_BUILDS_INCOMPLETE, message: incomplete(ledger) })
        }
        reportFindings(this, findings)
      },
    },
  }
}

function incomplete(ledger: Ledger): string {
  return buildsIncompleteWarning(ledger.outputs().length, ledger.failedBuilds, ledger.expectedOutputs)
}

/** Unreadable package metadata and patterns that matched nothing: each said once. */
function warnAboutInputs(
  context: PluginContext,
  index: SingletonIndex,
  ledger: Ledger,
  root: string,
  otherEnvironmentsToBuild: boolean,
): void {
  for (const problem of index.resolver.takeProblems()) {
    context.warn({
      code: CODES.SINGLETON_PACKAGE_METADATA,
      message: metadataWarning(problem, displayPath(problem.file, root)),
    })
  }
  // Under Vite's app builder, a pattern may match in an environment that has not built yet.
  if (otherEnvironmentsToBuild) return
  const unmatched = ledger.unmatched(index.matcher.patterns.map((pattern) => pattern.label))
  ledger.markWarned(unmatched)
  for (const label of unmatched) {
    context.warn({ code: CODES.SINGLETON_PATTERN_UNMATCHED, message: unmatchedPatternWarning(label) })
  }
}

/**
 * Warnings are logged; errors fail the output with every error finding in one message. Modules
 * the classifier could not decide about are said in one message (the report has each in full).
 */
function reportFindings(context: PluginContext, findings: readonly Finding[]): void {
  const errors: string[] = []
  const unknown = findings.filter((finding) => finding.code === CODES.SINGLETON_STATE_UNKNOWN)
  if (unknown.length > 0) context.info({ code: CODES.SINGLETON_STATE_UNKNOWN, message: explainUnknownStates(unknown) })
  for (const finding of findings) {
    if (finding.code === CODES.SINGLETON_STATE_UNKNOWN) continue
    const message = explainFinding(finding)
    if (finding.severity === 'error') errors.push(message)
    else if (finding.severity === 'warn') context.warn({ code: finding.code, message })
    else context.info({ code: finding.code, message })
  }
  const firstError = findings.find((finding) => finding.severity === 'error')
  if (firstError) context.error(new UserError(firstError.code, errors.join('\n\n')))
}

/** A copy of two installs that `dedupe` left: why it did not merge them, said in the finding itself. */
function withRefusals(finding: Finding, log: DedupeLog | undefined): Finding {
  if (!log || !finding.causes.includes('same-package-two-installs')) return finding
  // Keys of package modules read `package:<name>` or `package:<name>/<subpath>`.
  const parts = finding.key.startsWith('package:') ? finding.key.slice('package:'.length).split('/') : []
  const name = parts.length > 0 ? parts.slice(0, parts[0]?.startsWith('@') ? 2 : 1).join('/') : undefined
  const refusals = name === undefined ? [] : log.refusalsOf(name)
  return refusals.length > 0 ? { ...finding, dedupe: refusals } : finding
}
