import type { Plugin, RolldownMagicString } from 'rolldown'
import type { IdentityResolver } from '../core/identity.ts'
import { hasSingletonMarker } from '../core/marker.ts'
import { PLUGIN_NAME } from '../core/messages.ts'
import { splitQuery } from '../core/paths.ts'
import type { SingletonMatcher } from '../core/patterns.ts'
import type { Pattern } from '../core/types.ts'
import { handlerSource } from './handler-source.ts'
import { singletonIdFilter } from './id-filter.ts'
import { injectRegistration, isAlreadyGuarded, registryInstaller, type Injected, type Registration } from './inject.ts'
import { moduleKey } from './module-key.ts'
import type { RuntimeGuardMode } from './registry.ts'

interface RuntimeGuardContext {
  root: string
  matcher: SingletonMatcher
  resolver: IdentityResolver
  /** Ids the build-time marker hook saw declared (it reads the source before other plugins). */
  markedIds?: ReadonlySet<string>
  /** The check's own (cached) answer to "is this id declared?", where the guard runs beside it. */
  declarationsOf?: (id: string) => readonly unknown[]
}

/**
 * The runtime guard: each declared singleton registers itself in a process-wide registry when it
 * is evaluated. Two transform hooks, each behind a native filter, so no other module pays: one for
 * the `singletons` patterns (ids), one for the `// @singleton` marker (code).
 */
export function runtimeGuardPlugins(
  mode: Exclude<RuntimeGuardMode, false>,
  options: { singletons: readonly Pattern[]; root: string },
  context: RuntimeGuardContext,
): Plugin[] {
  const onDuplicate: Registration['onDuplicate'] =
    typeof mode === 'function' ? { source: handlerSource(mode) as string } : mode
  const { resolver, matcher, root } = context

  /** Modules given a registration: the chunks that hold them get the registry's installer as their intro. */
  const guarded = new Set<string>()

  function inject(
    host: object,
    code: string,
    id: string,
    meta: { moduleType?: string; magicString?: RolldownMagicString } | undefined,
  ): Injected | null {
    if (!isJavaScript(id, meta)) return null
    const identity = resolver.identify(id)
    if (!identity) return null
    // The dev server writes no chunks, so no intro: each module installs the registry itself there.
    const installer = isDevServer(host)
    if (!installer) guarded.add(id)
    const registration = { ...moduleKey(identity, root), onDuplicate }
    return injectRegistration(code, id, registration, { native: meta?.magicString, installer })
  }

  const intro = (chunk: { moduleIds: readonly string[] }): string =>
    guarded.size > 0 && chunk.moduleIds.some((id) => guarded.has(id)) ? registryInstaller() : ''

  const declared = (id: string): boolean => {
    if (context.declarationsOf) return context.declarationsOf(id).length > 0
    const location = resolver.locate(id)
    if (location && matcher.match(location).length > 0) return true
    const identity = resolver.identify(id)
    return identity !== null && matcher.match(identity).length > 0
  }

  const plugins: Plugin[] = [
    {
      name: `${PLUGIN_NAME}:runtime-marker`,
      intro,
      transform: {
        order: 'post',
        filter: { code: '@singleton' },
        handler(code, id, meta) {
          if (isAlreadyGuarded(code)) return null
          if (!context.markedIds?.has(id) && !hasSingletonMarker(code)) return null
          return inject(this, code, id, meta)
        },
      },
    },
  ]
  if (options.singletons.length > 0) {
    plugins.unshift({
      name: `${PLUGIN_NAME}:runtime`,
      transform: {
        order: 'post',
        filter: { id: singletonIdFilter(matcher) },
        handler(code, id, meta) {
          if (isAlreadyGuarded(code) || !declared(id)) return null
          return inject(this, code, id, meta)
        },
      },
    })
  }
  return plugins
}

const SCRIPT_TYPES = new Set(['js', 'jsx', 'ts', 'tsx'])
const DATA_FILE = /\.(?:json|jsonc|css|scss|sass|less|html|txt|md|svg|wasm|png|jpe?g|gif|webp)$/i

/**
 * Only code is guarded: a pattern that covers a folder may also cover its JSON or assets, which a
 * registration would break. rolldown says what a module is; other hosts are asked by extension.
 */
function isJavaScript(id: string, meta: { moduleType?: string } | undefined): boolean {
  if (typeof meta?.moduleType === 'string') return SCRIPT_TYPES.has(meta.moduleType)
  return !DATA_FILE.test(splitQuery(id).file)
}

/** Vite's dev server: modules are served one by one, never written into chunks. */
function isDevServer(context: object): boolean {
  return (context as { environment?: { mode?: string } }).environment?.mode === 'dev'
}
