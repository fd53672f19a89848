import fs from 'node:fs'
import { candidatesAcross, candidatesWithin, type ChunkIds, type Placement } from '../core/copy-candidates.ts'
import { asDetected, verdictOfCopies } from '../core/detected.ts'
import { displayModule } from '../core/identity.ts'
import { isDeclarationFile } from '../core/paths.ts'
import type { SingletonIndex } from '../core/singleton-index.ts'
import type { classifyState, StateVerdict } from '../core/state-classifier.ts'
import type {
  ChainStep,
  ChunkInput,
  DetectMode,
  Finding,
  ModuleIdentity,
  OutputInfo,
  OutputMap,
  TrackedModule,
} from '../core/types.ts'
import { judgeAcross, judgeWithin, type Modes } from '../core/verdicts.ts'

/** What a later output compares itself with: an output's module ids per chunk, as read once. */
interface OutputRecord {
  info: OutputInfo
  chunks: ChunkIds[]
}

interface DetectRequest {
  chunks: readonly ChunkInput[]
  output: OutputInfo
  phase: 'wait' | 'all' | 'incremental'
  /** Ids the declared singletons' check tracks in this output: reported there, never twice. */
  tracked: ReadonlySet<string>
  chainOf: (id: string) => ChainStep[]
  /** Whether an id with a query evaluates its file here (not `?raw`, not a worker's wrapper). */
  evaluates: (identity: ModuleIdentity) => boolean
  /** Whether another output may still come to compare with this one (tsdown says when none will). */
  keepRecord: boolean
}

/** A module nobody declared, in several copies: its identity and, per output, its ids there with their chunks. */
interface Unit {
  identity: ModuleIdentity
  byOutput: Map<string, Map<string, { identity: ModuleIdentity; chunks: Set<string> }>>
}

/**
 * `detect`: finds the modules nobody declared that end up in more than one copy (inside this
 * output, or across the outputs and builds sharing the instance), reads only those modules'
 * sources, and reports the ones whose top level holds state. One per plugin instance: it keeps,
 * per output (keyed, so a rebuild replaces it), the module ids later outputs compare with, and
 * each source's verdict until the file changes.
 */
export class DetectCheck {
  readonly #mode: Exclude<DetectMode, false>
  readonly #modes: Modes
  readonly #index: SingletonIndex
  readonly #records = new Map<string, OutputRecord>()
  readonly #verdicts = new Map<string, StateVerdict>()
  /** The classifier, loaded the first time a module with copies is read: most builds never need it. */
  #classify: typeof classifyState | undefined

  constructor(mode: Exclude<DetectMode, false>, modes: Modes, index: SingletonIndex) {
    this.#mode = mode
    this.#modes = modes
    this.#index = index
  }

  /** Findings about modules with copies in this output, and (once the phase allows) across outputs. */
  async inOutput(request: DetectRequest): Promise<Finding[]> {
    const { output } = request
    const chunks = request.chunks.filter((chunk) => !isDeclarationFile(chunk.fileName))
    const current: OutputRecord = {
      info: output,
      chunks: chunks.map((chunk) => ({ fileName: chunk.fileName, ids: chunk.moduleIds })),
    }
    if (request.keepRecord && this.#comparesAcross()) this.#records.set(output.key, current)
    else this.#records.delete(output.key)

    const within = candidatesWithin(current.chunks, this.#realPathOf()).flat()
    const others =
      request.phase !== 'wait' && this.#comparesAcross()
        ? this.#sameRealm(output).filter((record) => record.info.key !== output.key)
        : []
    // No copies here and no other output to compare with: the usual case costs nothing more.
    if (within.length === 0 && others.length === 0) return []
    const placements = new Map<string, Placement[]>([[output.key, within]])
    if (others.length > 0) {
      const pairs: [OutputRecord, OutputRecord[]][] =
        request.phase === 'all'
          ? [current, ...others].map((record, index, all) => [record, all.slice(index + 1)])
          : [[current, others]]
      for (const [one, rest] of pairs) {
        if (rest.length === 0) continue
        const found = candidatesAcross(
          { key: one.info.key, chunks: one.chunks },
          rest.map((record) => ({ key: record.info.key, chunks: record.chunks })),
          this.#realPathOf(),
        )
        for (const outputs of found.values()) {
          for (const [key, list] of outputs) placements.set(key, [...(placements.get(key) ?? []), ...list])
        }
      }
    }
    const rendered = (placement: Placement) => {
      const chunk = chunks.find((candidate) => candidate.fileName === placement.chunk)
      return (chunk?.modules[placement.id]?.renderedLength ?? 0) > 0
    }
    const units = this.#units(placements, (outputKey, placement, identity) => {
      if (outputKey !== output.key) return true
      if (request.tracked.has(placement.id)) return false
      if (identity.query !== '' && !request.evaluates(identity)) return false
      return rendered(placement)
    })
    if (units.size > 0) await this.#loadClassifier()
    const infos = new Map([
      [output.key, output],
      ...[...this.#records.values()].map((record) => [record.info.key, record.info] as const),
    ])
    const findings = this.#judge(units, infos, output.key, request.chainOf)
    return request.phase === 'incremental'
      ? findings.filter((finding) => finding.outputKeys.includes(output.key))
      : findings
  }

  /** After a failed build: copies across the outputs that completed (no chains: their graphs are gone). */
  async completed(): Promise<Finding[]> {
    if (!this.#comparesAcross()) return []
    const records = [...this.#records.values()]
    const placements = new Map<string, Placement[]>()
    records.forEach((record, index) => {
      const rest = records.slice(index + 1).filter((other) => other.info.realm === record.info.realm)
      if (rest.length === 0) return
      const found = candidatesAcross(
        { key: record.info.key, chunks: record.chunks },
        rest.map((other) => ({ key: other.info.key, chunks: other.chunks })),
        this.#realPathOf(),
      )
      for (const outputs of found.values()) {
        for (const [key, list] of outputs) placements.set(key, [...(placements.get(key) ?? []), ...list])
      }
    })
    const infos = new Map(records.map((record) => [record.info.key, record.info]))
    const units = this.#units(placements, () => true)
    if (units.size > 0) await this.#loadClassifier()
    return this.#judge(units, infos, undefined, () => []).filter((finding) => finding.outputCount > 1)
  }

  async #loadClassifier(): Promise<void> {
    this.#classify ??= (await import('../core/state-classifier.ts')).classifyState
  }

  /** A watched file changed: its verdict is read again. */
  forget(file: string): void {
    this.#verdicts.delete(file)
    const real = this.#index.resolver.identify(file)?.realpath
    if (real) this.#verdicts.delete(real)
  }

  #comparesAcross(): boolean {
    return this.#modes.formats !== 'ignore' || this.#modes.builds !== 'ignore'
  }

  #sameRealm(output: OutputInfo): OutputRecord[] {
    return [...this.#records.values()].filter((record) => record.info.realm === output.realm)
  }

  /** Where symlinked paths are kept as ids, candidates are found by real path (resolved in that mode anyway). */
  #realPathOf(): ((id: string) => string | undefined) | undefined {
    if (!this.#index.resolvesEveryId) return undefined
    return (id) => this.#index.resolver.identify(id)?.realpath
  }

  /** Candidates confirmed as one module (by identity, syscalls for candidates only), declared ones left out. */
  #units(
    placements: Map<string, Placement[]>,
    keep: (outputKey: string, placement: Placement, identity: ModuleIdentity) => boolean,
  ): Map<string, Unit> {
    const units = new Map<string, Unit>()
    for (const [outputKey, list] of placements) {
      for (const placement of list) {
        if (this.#index.declarationsOf(placement.id).length > 0) continue
        const identity = this.#index.resolver.identify(placement.id)
        if (!identity || this.#index.known(identity.key) || this.#index.known(identity.installKey)) continue
        if (!keep(outputKey, placement, identity)) continue
        let unit = units.get(identity.key)
        if (!unit) units.set(identity.key, (unit = { identity, byOutput: new Map() }))
        let ids = unit.byOutput.get(outputKey)
        if (!ids) unit.byOutput.set(outputKey, (ids = new Map()))
        const copy = ids.get(placement.id)
        if (copy) copy.chunks.add(placement.chunk)
        else ids.set(placement.id, { identity, chunks: new Set([placement.chunk]) })
      }
    }
    return units
  }

  /** Classifies the units with copies, and judges those that are not stateless as a declared singleton would be. */
  #judge(
    units: Map<string, Unit>,
    infos: Map<string, OutputInfo>,
    currentKey: string | undefined,
    chainOf: (id: string) => ChainStep[],
  ): Finding[] {
    const verdicts = new Map<string, StateVerdict>()
    const maps = new Map<string, OutputMap>()
    for (const [key, unit] of units) {
      const withinCurrent = currentKey !== undefined && (unit.byOutput.get(currentKey)?.size ?? 0) > 1
      if (!withinCurrent && unit.byOutput.size < 2) continue
      const files = new Set(
        [...unit.byOutput.values()].flatMap((ids) => [...ids.values()].map((copy) => copy.identity.realpath)),
      )
      const verdict = verdictOfCopies([...files].map((file) => this.#verdictOf(file)))
      if (verdict.kind === 'stateless') continue
      verdicts.set(key, verdict)
      for (const [outputKey, ids] of unit.byOutput) {
        const info = infos.get(outputKey)
        if (!info) continue
        let map = maps.get(outputKey)
        if (!map) maps.set(outputKey, (map = { ...info, label: `${info.dir} (${info.format})`, modules: new Map() }))
        map.modules.set(key, this.#tracked(key, unit, ids, outputKey === currentKey ? chainOf : () => []))
      }
    }
    const current = currentKey === undefined ? undefined : maps.get(currentKey)
    const judged = [
      ...(current ? judgeWithin(current, this.#modes) : []),
      ...judgeAcross([...maps.values()], this.#modes),
    ]
    return judged.flatMap((finding) => {
      const verdict = verdicts.get(finding.key)
      const detected = verdict ? asDetected(finding, verdict, this.#mode) : undefined
      return detected ? [detected] : []
    })
  }

  #tracked(
    key: string,
    unit: Unit,
    ids: Map<string, { identity: ModuleIdentity; chunks: Set<string> }>,
    chainOf: (id: string) => ChainStep[],
  ): TrackedModule {
    return {
      key,
      scope: 'module',
      display: displayModule(unit.identity, this.#modes.root),
      declaredBy: [],
      copies: [...ids.values()].map(({ identity, chunks }) => ({
        identity,
        chunks: [...chunks].sort(),
        sharedFactory: false,
        builtFrom: undefined,
        chain: chainOf(identity.id),
      })),
      facades: [],
    }
  }

  #verdictOf(file: string): StateVerdict {
    let verdict = this.#verdicts.get(file)
    if (!verdict) {
      verdict = readAndClassify(file, this.#classify as typeof classifyState)
      this.#verdicts.set(file, verdict)
    }
    return verdict
  }
}

function readAndClassify(file: string, classify: typeof classifyState): StateVerdict {
  let code: string
  try {
    code = fs.readFileSync(file, 'utf8')
  } catch (error) {
    return {
      kind: 'unclassified',
      reason: `its source could not be read (${(error as { code?: string }).code ?? String(error)})`,
    }
  }
  return classify(code, file)
}

/** The ids the declared singletons' check tracks in an output. */
export function trackedIdsOf(map: OutputMap): Set<string> {
  const ids = new Set<string>()
  for (const tracked of map.modules.values()) for (const copy of tracked.copies) ids.add(copy.identity.id)
  return ids
}
