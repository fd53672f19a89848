import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { build } from '../../helpers/build.ts'
import { REALMS_EXPRESSION, statefulModule, writeFixture } from '../../helpers/fixture.ts'
import { LIST_EXPRESSION, reportCount, runProbe } from '../../helpers/runtime.ts'

async function twoBuilds(name: string, guard: object): Promise<string> {
  const dir = writeFixture(name, {
    'package.json': JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }),
    'src/state.js': statefulModule(),
    'src/main.js': `export { store } from './state.js'\n`,
  })
  for (const out of ['dist/a', 'dist/b']) {
    const r = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'src/state.js', ...guard },
      outputs: [{ dir: out, sourcemap: true }],
    })
    expect(r.error).toBeUndefined()
  }
  return dir
}

describe('runtime guard, more', () => {
  it('under node --enable-source-maps the files named are still the built files', async () => {
    const dir = await twoBuilds('rg-esm-maps', { runtimeGuard: 'warn' })
    const run = await runProbe<{ list: { files: string[] }[] }>(
      dir,
      `await import('./dist/a/main.js'); await import('./dist/b/main.js')\nconsole.log(JSON.stringify({ list: ${LIST_EXPRESSION} }))`,
    ).catch((e) => e)
    // run once more with the flag through NODE_OPTIONS
    const previous = process.env.NODE_OPTIONS
    process.env.NODE_OPTIONS = `${previous ?? ''} --enable-source-maps`
    try {
      const mapped = await runProbe<{ list: { files: string[] }[] }>(
        dir,
        `await import('./dist/a/main.js'); await import('./dist/b/main.js')\nconsole.log(JSON.stringify({ list: ${LIST_EXPRESSION} }))`,
      )
      expect(mapped.result?.list[0]?.files).toEqual([
        path.join(dir, 'dist/a/main.js'),
        path.join(dir, 'dist/b/main.js'),
      ])
      expect(mapped.result?.list).toEqual(run.result?.list)
    } finally {
      if (previous === undefined) delete process.env.NODE_OPTIONS
      else process.env.NODE_OPTIONS = previous
    }
  })

  it('with Error.stackTraceLimit = 0 in the app, the cause does not claim "one file holds both copies"', async () => {
    const dir = await twoBuilds('rg-no-stack', { runtimeGuard: 'warn' })
    const run = await runProbe(
      dir,
      `Error.stackTraceLimit = 0\nawait import('./dist/a/main.js'); await import('./dist/b/main.js')\nconsole.log('{}')`,
    )
    expect(reportCount(run.stderr)).toBe(1)
    expect(run.stderr).not.toContain('one file holds both copies')
  })

  it('a handler that throws does not break the evaluation of the second copy (the process goes on)', async () => {
    const dir = await twoBuilds('rg-handler-throws', {
      runtimeGuard: () => {
        throw new Error('bug in my handler')
      },
    })
    const run = await runProbe<{ realms: number; loaded: string }>(
      dir,
      `await import('./dist/a/main.js')\nconst loaded = await import('./dist/b/main.js').then(() => 'loaded', (e) => 'failed: ' + e.message)\nconsole.log(JSON.stringify({ realms: ${REALMS_EXPRESSION()}, loaded, counted: ${LIST_EXPRESSION}[0].count }))`,
    )
    // Whatever the decision, the registry must not count an evaluation that never ran.
    expect((run.result as unknown as { counted: number }).counted).toBe(
      (run.result as unknown as { realms: number }).realms,
    )
    // runtimeGuard as a function is an observer; 'throw' is the mode that stops a copy.
    expect(run.result).toMatchObject({ realms: 2, loaded: 'loaded' })
  })

  it('a handler that uses a variable of the config file is refused at build time, not at run time', async () => {
    const logger = { seen: 0 }
    const dir = writeFixture('rg-handler-closure', {
      'package.json': JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }),
      'src/state.js': statefulModule(),
      'src/main.js': `export { store } from './state.js'\n`,
    })
    const results = []
    for (const out of ['dist/a', 'dist/b']) {
      results.push(
        await build(dir, {
          input: { main: 'src/main.js' },
          guard: { singletons: 'src/state.js', runtimeGuard: () => void logger.seen++ },
          outputs: [{ dir: out }],
        }),
      )
    }
    if (results.every((r) => r.error === undefined)) {
      const run = await runProbe<{ loaded: string }>(
        dir,
        `await import('./dist/a/main.js')\nconst loaded = await import('./dist/b/main.js').then(() => 'loaded', (e) => 'failed: ' + e.message)\nconsole.log(JSON.stringify({ loaded }))`,
      )
      // The build passed, so the program must at least survive its own handler.
      expect(run.result).toEqual({ loaded: 'loaded' })
    } else {
      expect(results[0]?.error).toMatch(/runtimeGuard/)
    }
  })

  it('delete require.cache re-evaluates a cjs copy: reported as one file evaluated twice', async () => {
    const dir = writeFixture('rg-cache-reset', {
      'package.json': JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }),
      'src/state.js': statefulModule(),
      'src/main.js': `export { store } from './state.js'\n`,
    })
    const r = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'src/state.js', runtimeGuard: 'warn' },
      outputs: [{ dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs' }],
    })
    expect(r.error).toBeUndefined()
    const run = await runProbe<{ realms: number }>(
      dir,
      `import { createRequire } from 'node:module'\nconst require = createRequire(import.meta.url)\nconst file = require.resolve('./dist/main.cjs')\nrequire(file)\ndelete require.cache[file]\nrequire(file)\nconsole.log(JSON.stringify({ realms: ${REALMS_EXPRESSION()} }))`,
    )
    expect(run.result).toEqual({ realms: 2 })
    expect(reportCount(run.stderr)).toBe(1)
    expect(run.stderr).toContain('one file holds both copies')
  })
})
