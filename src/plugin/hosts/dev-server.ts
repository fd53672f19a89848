import path from 'node:path'
import type { Plugin } from 'rolldown'
import { displayModule } from '../../core/identity.ts'
import { hasSingletonMarker } from '../../core/marker.ts'
import { PLUGIN_NAME, servedTwice } from '../../core/messages.ts'
import { displayPath, splitQuery } from '../../core/paths.ts'
import type { SingletonIndex } from '../../core/singleton-index.ts'
import type { ModuleIdentity, Pattern } from '../../core/types.ts'
import { candidateIdFilters } from './candidate-ids.ts'
import { evaluatesFile, isWorkerRealmQuery } from './loader-queries.ts'
import { OptimizedDeps } from './optimized-deps.ts'

/** The part of Vite's dev environment we read; typed here so Vite stays an optional peer. */
interface DevEnvironment {
  name: string
  config: { cacheDir: string; root: string }
  logger: { warn: (message: string, options?: { timestamp?: boolean }) => void }
}

interface DevHook {
  apply: 'serve'
  configureServer?: () => void
}

/** What one environment of the dev server has served, per singleton. */
interface Served {
  /** The optimizer's version (`?v=`) of each pre-bundled file served so far. */
  depsVersions: Map<string, string>
  /** Identity key -> the ids the singleton was served under (no `?v=`/`?t=`). */
  ids: Map<string, Set<string>>
  warned: Set<string>
}

/**
 * In `vite dev`, warns when a declared singleton is served under two ids in one environment:
 * the page evaluates each id once, so it holds two instances (typically a copy pre-bundled into
 * `node_modules/.vite/deps` beside the file served from its own path). Two filtered transform
 * hooks, only in serve: the build never sees them.
 */
export function devServerPlugins(
  patterns: readonly Pattern[],
  root: string,
  index: SingletonIndex,
): (Plugin & DevHook)[] {
  const served = new WeakMap<object, Served>()
  const deps = new OptimizedDeps()
  const idFilters = [...candidateIdFilters(patterns), /[\\/]deps[\\/][^\\/]+\.[cm]?js(?:\?|$)/]

  function stateOf(environment: DevEnvironment): Served {
    let state = served.get(environment)
    if (!state) served.set(environment, (state = { depsVersions: new Map(), ids: new Map(), warned: new Set() }))
    return state
  }

  function record(environment: DevEnvironment, identity: ModuleIdentity, servedId: string): void {
    const state = stateOf(environment)
    let ids = state.ids.get(identity.key)
    if (!ids) state.ids.set(identity.key, (ids = new Set()))
    ids.add(servedId)
    if (ids.size < 2) return
    const list = [...ids].sort()
    const signature = `${identity.key}\0${list.join('\0')}`
    if (state.warned.has(signature)) return
    state.warned.add(signature)
    const module = displayModule(identity, root)
    const shown = list.map((id) => displayPath(id, environment.config.root))
    environment.logger.warn(servedTwice(module, environment.name, shown), { timestamp: true })
  }

  /**
   * A pre-bundled file served again under a new version means the optimizer ran again (Vite
   * reloads the page): what the earlier run's files held is forgotten.
   */
  function noteDepsVersion(environment: DevEnvironment, file: string, version: string): void {
    const state = stateOf(environment)
    const known = state.depsVersions.get(file)
    if (known === version) return
    if (known !== undefined) {
      const cacheDir = environment.config.cacheDir + path.sep
      for (const ids of state.ids.values()) for (const id of ids) if (id.startsWith(cacheDir)) ids.delete(id)
      state.depsVersions.clear()
    }
    state.depsVersions.set(file, version)
  }

  /** The identity of a declared singleton, or of a copy of one met before; undefined for other ids. */
  function declaredIdentity(id: string): ModuleIdentity | undefined {
    const declarations = index.declarationsOf(id)
    if (declarations.length > 0) {
      const identity = index.resolver.identify(id)
      if (identity) index.record(identity, declarations)
      return identity ?? undefined
    }
    return index.mayBeTwin(id) ? (index.twinOf(id)?.identity ?? undefined) : undefined
  }

  function observe(environment: DevEnvironment, id: string, code: string): void {
    const { file, version, servedId } = splitVersion(id)
    if (file.startsWith(environment.config.cacheDir + path.sep)) {
      noteDepsVersion(environment, file, version)
      for (const source of deps.heldSources(file, version)) {
        const identity = declaredIdentity(source)
        if (identity) record(environment, identity, servedId)
      }
      return
    }
    const identity = declaredIdentity(servedId)
    if (!identity || isWorkerRealmQuery(identity.query) || !evaluatesFile(identity, code)) return
    record(environment, identity, servedId)
  }

  // rolldown, tsdown and Rollup know no `apply`: there the filters match no id, so the hooks never
  // run; Vite's dev server opens them in `configureServer`, before it transforms anything.
  const byId = {
    order: 'post' as const,
    filter: NEVER as TransformFilter,
    handler(this: unknown, code: string, id: string): null {
      const environment = (this as { environment?: DevEnvironment }).environment
      if (environment) observe(environment, id, code)
      return null
    },
  }
  const byMarker = {
    order: 'post' as const,
    filter: NEVER as TransformFilter,
    handler(this: unknown, code: string, id: string): null {
      const environment = (this as { environment?: DevEnvironment }).environment
      if (environment && hasSingletonMarker(code)) observe(environment, id, code)
      return null
    },
  }
  return [
    {
      name: `${PLUGIN_NAME}:serve`,
      apply: 'serve',
      configureServer() {
        byId.filter = { id: idFilters }
        byMarker.filter = { code: '@singleton' }
      },
      transform: byId,
    },
    { name: `${PLUGIN_NAME}:serve-marker`, apply: 'serve', transform: byMarker },
  ]
}

type TransformFilter = { id: RegExp | RegExp[] } | { code: string }

/** Matches no module id (ids are never empty). */
const NEVER: TransformFilter = { id: /^$/ }

/** Vite's cache-busting queries (`?v=` optimizer version, `?t=` HMR timestamp) name the same module. */
function splitVersion(id: string): { file: string; version: string; servedId: string } {
  const { file, query } = splitQuery(id)
  if (query === '') return { file, version: '', servedId: id }
  const parts = query.slice(1).split('&')
  const version = parts.find((part) => part.startsWith('v='))?.slice(2) ?? ''
  const rest = parts.filter((part) => !part.startsWith('v=') && !part.startsWith('t='))
  return { file, version, servedId: rest.length === 0 ? file : `${file}?${rest.join('&')}` }
}
