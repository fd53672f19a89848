import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { singletonGuard } from '../src/index.ts'
import { build } from './helpers/build.ts'
import { execute, projectRoot, writeFixture, type FixtureFiles } from './helpers/fixture.ts'
import { findFile, runViteCli, viteBuild, viteBuildApp } from './helpers/vite.ts'

const sharedState = (version: string) => ({
  [`package.json`]: JSON.stringify({ name: 'shared-state', version, type: 'module', main: 'index.js' }),
  'index.js': `export const registry = new Map()\nglobalThis.__evaluations ??= {}\nglobalThis.__evaluations.state = (globalThis.__evaluations.state ?? 0) + 1\n`,
})

function prefixed(prefix: string, files: Record<string, string>): FixtureFiles {
  return Object.fromEntries(Object.entries(files).map(([file, content]) => [`${prefix}/${file}`, content]))
}

/** `legacy-tool` depends on an older `shared-state`: npm installed a second copy under it. */
const twoInstalls: FixtureFiles = {
  'package.json': JSON.stringify({ name: 'web-app', type: 'module' }),
  ...prefixed('node_modules/shared-state', sharedState('2.1.0')),
  'node_modules/legacy-tool/package.json': JSON.stringify({
    name: 'legacy-tool',
    version: '3.0.0',
    type: 'module',
    main: 'index.js',
  }),
  'node_modules/legacy-tool/index.js': `import { registry } from 'shared-state'\nexport const legacyRead = (k) => registry.get(k)\n`,
  ...prefixed('node_modules/legacy-tool/node_modules/shared-state', sharedState('1.4.2')),
  'src/main.js': `import { registry } from 'shared-state'\nimport { legacyRead } from 'legacy-tool'\nregistry.set('key', 1)\nglobalThis.__seen = legacyRead('key') === 1\n`,
  'vite.config.mjs': `import { singletonGuard } from ${JSON.stringify(path.join(projectRoot, 'dist/index.mjs'))}
export default {
  build: { outDir: 'dist', rollupOptions: { input: 'src/main.js' } },
  plugins: [singletonGuard({ singletons: 'shared-state' })],
}
`,
}

/** The lines of a finding that do not depend on the host's chunk names. */
function findingLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/^\[singleton-guard:check\] |^SingletonGuardError: /, ''))
    .filter((line) => /^SINGLETON_|^ {2}(cause|fix):| {4}(installed at|src\/main\.js \(entry\))/.test(line))
    .map((line) => line.replace(/\(dist[^)]*, es\)/, '(<output>, es)'))
}

describe('Vite: a failing check prints as its message', () => {
  it('vite build on a real two-install duplicate: exit 1, the message, no stack trace', async () => {
    const dir = writeFixture('vite-two-installs', twoInstalls)
    const cli = await runViteCli(dir, ['build'])
    expect(cli.exitCode).toBe(1)
    expect(cli.output).toContain(
      'error during build:\n[singleton-guard:check] SINGLETON_DUPLICATED: the package shared-state is evaluated 2 times in one output (dist, es)',
    )
    expect(cli.output).toContain('  cause: same package, two installs')
    expect(cli.output).toContain('shared-state@1.4.2/index.js')
    expect(cli.output).toContain('installed at node_modules/legacy-tool/node_modules/shared-state')
    expect(cli.output).not.toMatch(/^\s+at /m)
    expect(cli.output).not.toContain('errors: [Getter/Setter]')

    // The same codes and wording as under rolldown and tsdown.
    const rolldown = await build(dir, { input: { main: 'src/main.js' }, guard: { singletons: 'shared-state' } })
    expect(rolldown.errorCode).toBe('SINGLETON_DUPLICATED')
    expect(findingLines(cli.output)).toEqual(findingLines(rolldown.error ?? ''))
    expect(findingLines(cli.output).length).toBeGreaterThanOrEqual(5)

    // The executed truth: the client bundle, built with the check as a warning, holds two realms.
    const warned = await viteBuild(dir, {
      configFile: false,
      plugins: [singletonGuard({ root: dir, singletons: 'shared-state', onDuplicate: 'warn' })],
      build: { outDir: 'dist', rollupOptions: { input: 'src/main.js' } },
    })
    expect(warned.logs.join('\n')).toContain('SINGLETON_DUPLICATED')
    const entry = findFile(path.join(dir, 'dist'), /^assets\/main-[\w-]+\.js$/)
    const truth = await execute(
      dir,
      `await import('./dist/${entry}')\nconsole.log(JSON.stringify({ realms: globalThis.__evaluations.state, seen: globalThis.__seen }))\n`,
    )
    expect(truth).toEqual({ realms: 2, seen: false })
  })

  it('createBuilder().buildApp() throws an error that prints as the message and keeps its code', async () => {
    const dir = writeFixture('vite-builder-error', twoInstalls)
    const result = await viteBuildApp(dir, {
      plugins: [singletonGuard({ root: dir, singletons: 'shared-state' })],
      build: { outDir: 'dist', rollupOptions: { input: 'src/main.js' } },
    })
    expect(result.errorCode).toBe('SINGLETON_DUPLICATED')
    expect(result.printed).toMatch(
      /^\[singleton-guard:check\] SINGLETON_DUPLICATED: the package shared-state is evaluated 2 times/,
    )
    expect(result.printed).not.toMatch(/^\s+at /m)
  })
})
