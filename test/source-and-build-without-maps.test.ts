import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { build } from './helpers/build.ts'
import { runCli } from './helpers/cli.ts'
import { writeFixture, type FixtureFiles } from './helpers/fixture.ts'
import { lazyReaderProject, manifest, truthOf } from './helpers/realms.ts'
import { runTsdown } from './helpers/tsdown.ts'

/**
 * A workspace package bundled both from its source (one importer reaches `src/` by path) and
 * from its build (the other imports the package, whose `exports` name only `dist/`), the build
 * made by tsdown with its defaults: no source map, no `source` condition. Only the comments its
 * bundler wrote into the built file (`// src/index.ts`) tie the two files together.
 */
function workspace(): FixtureFiles {
  return {
    ...lazyReaderProject('../packages/state/src/index.ts'),
    'src/state.js': `export { store } from '@acme/state'\n`,
    'packages/state/package.json': manifest({ name: '@acme/state', version: '0.0.0', exports: './dist/index.mjs' }),
    'packages/state/tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, skipLibCheck: true } }),
    'packages/state/src/index.ts': `export const store: Map<string, unknown> = new Map()
const g = globalThis as { __evaluations?: Record<string, number> }
g.__evaluations ??= {}
g.__evaluations.state = (g.__evaluations.state ?? 0) + 1
`,
    'packages/state/tsdown.config.mjs': `export default { entry: ['src/index.ts'], dts: false }\n`,
    'node_modules/@acme/state': { symlink: '../../packages/state' },
  }
}

describe('a workspace package bundled from its source and from its build, with no source map', () => {
  it.each(['packages/state/src/index.ts', '@acme/state'])(
    "fails the build, linked by its build's own markers (singletons: %s)",
    async (singletons) => {
      const dir = writeFixture('source-and-build-markers', workspace())
      const built = await runTsdown(path.join(dir, 'packages/state'), [
        '--config',
        'tsdown.config.mjs',
        '--log-level',
        'warn',
      ])
      expect(built.exitCode, built.output).toBe(0)
      const dist = path.join(dir, 'packages/state/dist')
      expect(fs.readdirSync(dist).filter((file) => file.endsWith('.map'))).toEqual([])
      expect(fs.readFileSync(path.join(dist, 'index.mjs'), 'utf8')).toMatch(/^\/\/ src\/index\.ts$/m)

      const result = await build(dir, { input: { main: 'src/main.js' }, guard: { singletons } })
      expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
      expect(result.errorCode).toBe('SINGLETON_DUPLICATED')
      expect(result.error).toContain('cause: a package bundled from its source and from its build')
      expect(result.error).toContain('packages/state/dist/index.mjs')
    },
  )

  it('the CLI names it too, from the same markers', async () => {
    const dir = writeFixture('source-and-build-markers-cli', workspace())
    const built = await runTsdown(path.join(dir, 'packages/state'), [
      '--config',
      'tsdown.config.mjs',
      '--log-level',
      'warn',
    ])
    expect(built.exitCode, built.output).toBe(0)
    // The app's own bundle, without the plugin and without maps.
    const result = await build(dir, { input: { main: 'src/main.js' }, guard: { singletons: 'src/nothing.js' } })
    expect(result.errorCode).toBeUndefined()
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    const run = await runCli(dir, ['audit', 'dist'])
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('packages/state/src/index.ts is evaluated 2 times')
    expect(run.stdout).toContain('cause: a package bundled from its source and from its build')
  })
})
