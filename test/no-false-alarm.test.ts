import { describe, expect, it } from 'vitest'
import type { Plugin } from 'rolldown'
import { build, type BuildSpec } from './helpers/build.ts'
import { execute, statefulModule, writeFixture, type FixtureFiles } from './helpers/fixture.ts'

/**
 * The incident's topology: a reply pipeline statically imports tools that write a delegate
 * store, and lazily imports several `.runtime` boundaries that read it.
 */
const incident: FixtureFiles = {
  'package.json': JSON.stringify({ name: 'agent-service', type: 'module' }),
  'src/delegate-store.js': statefulModule(),
  'src/tools/continue-work.js': `import { store } from '../delegate-store.js'\nexport const continueWork = (id) => store.set(id, 'pending')\n`,
  'src/tools/index.js': `export * from './continue-work.js'\n`,
  'src/auto-reply/reply/agent-runner.runtime.js': `import { store } from '../../delegate-store.js'\nexport const pending = (id) => store.get(id)\n`,
  'src/auto-reply/reply/summarizer.runtime.js': `import { store } from '../../delegate-store.js'\nexport const size = () => store.size\n`,
  'src/auto-reply/reply/pipeline.js': `import { continueWork } from '../../tools/index.js'
export async function reply(id) {
  continueWork(id)
  const runner = await import('./agent-runner.runtime.js')
  const summarizer = await import('./summarizer.runtime.js')
  const direct = await import('../../delegate-store.js')
  return runner.pending(id) === 'pending' && summarizer.size() === 1 && direct.store.get(id) === 'pending'
}
`,
  'src/main.js': `export { reply } from './auto-reply/reply/pipeline.js'\n`,
}

/** Entries that act when loaded, for builds that drop entry exports (`preserveEntrySignatures: false`). */
const runOnLoad: FixtureFiles = {
  'src/run-main.js': `import { reply } from './auto-reply/reply/pipeline.js'\nglobalThis.__replied = await reply('request-1')\n`,
  'src/run-second.js': `import { store } from './delegate-store.js'\nglobalThis.__peek = (id) => store.get(id)\n`,
}

const INCIDENT_PROBE = `
const { reply } = await import('./dist/main.js')
const seen = await reply('request-1')
console.log(JSON.stringify({ realms: globalThis.__evaluations.state, seen }))
`

async function expectClean(dir: string, spec: BuildSpec, probe = INCIDENT_PROBE): Promise<void> {
  const result = await build(dir, { guard: { singletons: 'src/delegate-store.js' }, ...spec })
  expect(result.error).toBeUndefined()
  expect(result.warnings).toEqual([])
  expect(await execute(dir, probe)).toEqual({ realms: 1, seen: true })
}

describe('no false alarms', () => {
  it('passes the incident topology: lazy runtime boundaries plus static consumers of one store', async () => {
    await expectClean(writeFixture('incident', incident), { input: { main: 'src/main.js' } })
  })

  it('passes when the singleton is itself an entry whose chunk is only a facade', async () => {
    // The store shares a chunk with a module the pipeline also needs, so under strict entry
    // signatures its own entry file can only re-export: a facade.
    const dir = writeFixture('facade', {
      ...incident,
      'src/ids.js': `export const nextId = () => 'request-1'\n`,
      'src/delegate-store.js': `import { nextId } from './ids.js'\n${statefulModule()}export const firstId = nextId()\n`,
      'src/auto-reply/reply/pipeline.js': `import { nextId } from '../../ids.js'\n${incident['src/auto-reply/reply/pipeline.js']}export const id = nextId()\n`,
      'src/second.js': `import { store } from './delegate-store.js'\nexport const peek = (id) => store.get(id)\n`,
    })
    const result = await build(dir, {
      input: { main: 'src/main.js', second: 'src/second.js', 'delegate-store': 'src/delegate-store.js' },
      guard: { singletons: 'src/delegate-store.js', report: true },
      inputOptions: { preserveEntrySignatures: 'strict' },
    })
    expect(result.error).toBeUndefined()
    expect(result.warnings).toEqual([])
    const report = await execute<{ singletons: { facades: string[]; copies: unknown[] }[] }>(
      dir,
      `import fs from 'node:fs'; console.log(JSON.stringify(JSON.parse(fs.readFileSync('dist/singleton-report.json', 'utf8'))))`,
    )
    expect(report.singletons[0]?.copies).toHaveLength(1)
    const probe = `
const store = await import('./dist/delegate-store.js')
const { reply } = await import('./dist/main.js')
const seen = await reply('request-1')
console.log(JSON.stringify({ realms: globalThis.__evaluations.state, seen: seen && store.store.get('request-1') === 'pending' }))
`
    expect(await execute(dir, probe)).toEqual({ realms: 1, seen: true })
    // The layout must really contain a facade, or this test proves nothing.
    expect(report.singletons[0]?.facades).toEqual(['delegate-store.js'])
  })

  it('passes barrels and export * chains that reach the singleton along many paths', async () => {
    const dir = writeFixture('barrels', {
      ...incident,
      'src/barrel-a.js': `export * from './delegate-store.js'\nexport * from './tools/index.js'\n`,
      'src/barrel-b.js': `export * from './barrel-a.js'\n`,
      'src/main.js': `export { reply } from './auto-reply/reply/pipeline.js'\nexport * as everything from './barrel-b.js'\n`,
    })
    await expectClean(dir, { input: { main: 'src/main.js' } })
  })

  it('passes an external singleton: the bundle holds no copy of it', async () => {
    const dir = writeFixture('external', {
      ...incident,
      'node_modules/delegate-store/package.json': JSON.stringify({
        name: 'delegate-store',
        version: '1.0.0',
        type: 'module',
        exports: './index.js',
      }),
      'node_modules/delegate-store/index.js': statefulModule(),
      'src/tools/continue-work.js': `import { store } from 'delegate-store'\nexport const continueWork = (id) => store.set(id, 'pending')\n`,
      'src/auto-reply/reply/agent-runner.runtime.js': `import { store } from 'delegate-store'\nexport const pending = (id) => store.get(id)\n`,
      'src/auto-reply/reply/summarizer.runtime.js': `import { store } from 'delegate-store'\nexport const size = () => store.size\n`,
      'src/auto-reply/reply/pipeline.js': incident['src/auto-reply/reply/pipeline.js']!.toString().replace(
        `'../../delegate-store.js'`,
        `'delegate-store'`,
      ),
    })
    await expectClean(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'delegate-store' },
      inputOptions: { external: ['delegate-store'] },
    })
  })

  it('passes virtual modules, including one that imports the singleton', async () => {
    const virtual: Plugin = {
      name: 'virtual',
      resolveId: { filter: { id: /^virtual:/ }, handler: (id) => `\0${id}` },
      load: {
        filter: { id: /^\0virtual:/ },
        handler: (id) =>
          id === '\0virtual:config'
            ? `import { store } from '/ABS/src/delegate-store.js'\nexport const config = { store }\n`
            : `export const build = 'test'\n`,
      },
    }
    const dir = writeFixture('virtual', {
      ...incident,
      'src/main.js': `import { config } from 'virtual:config'\nimport { build } from 'virtual:build-info'\nexport { reply } from './auto-reply/reply/pipeline.js'\nexport const meta = [config, build]\n`,
    })
    const absolute: Plugin = {
      ...virtual,
      load: {
        filter: { id: /^\0virtual:/ },
        handler: (id) => (virtual.load as { handler: (id: string) => string }).handler(id).replace('/ABS', dir),
      },
    }
    await expectClean(dir, { input: { main: 'src/main.js' }, plugins: [absolute] })
  })

  it.each([
    ['inlineConst', { optimization: { inlineConst: { mode: 'all', pass: 2 } } }, {}],
    ['no code splitting', {}, { codeSplitting: false }],
    ['minified', {}, { minify: true }],
  ] as const)('passes with %s', async (_, inputOptions, output) => {
    const dir = writeFixture('options', incident)
    await expectClean(dir, {
      input: { main: 'src/main.js' },
      inputOptions: inputOptions as never,
      outputs: [{ dir: 'dist', ...output }],
    })
  })

  it.each([false, true])(
    'passes a singleton whose factory rolldown prints into several chunks behind its shared registry (minify: %s)',
    async (minify) => {
      // Only automatic common chunks are inlined: the store must not also be a dynamic entry.
      const dir = writeFixture('inline-common', {
        ...incident,
        ...runOnLoad,
        'src/auto-reply/reply/pipeline.js': incident['src/auto-reply/reply/pipeline.js']!.toString().replace(
          `const direct = await import('../../delegate-store.js')`,
          `const direct = { store: new Map([[id, 'pending']]) }`,
        ),
      })
      const result = await build(dir, {
        input: { main: 'src/run-main.js', second: 'src/run-second.js' },
        guard: { singletons: 'src/delegate-store.js', report: true },
        inputOptions: { preserveEntrySignatures: false },
        outputs: [{ dir: 'dist', minify, codeSplitting: { experimentalInlineCommonChunks: { maxSize: 100_000 } } }],
      })
      expect(result.error).toBeUndefined()
      expect(result.warnings).toEqual([])
      const probe = `
await import('./dist/main.js')
await import('./dist/second.js')
const seen = globalThis.__replied && globalThis.__peek('request-1') === 'pending'
const fs = await import('node:fs')
const report = JSON.parse(fs.readFileSync('dist/singleton-report.json', 'utf8'))
console.log(JSON.stringify({ realms: globalThis.__evaluations.state, seen, copies: report.singletons[0].copies }))
`
      const truth = await execute<{
        realms: number
        seen: boolean
        copies: { chunks: string[]; sharedFactory: boolean }[]
      }>(dir, probe)
      expect(truth.realms).toBe(1)
      expect(truth.seen).toBe(true)
      // The option really did print the factory into more than one chunk.
      expect(truth.copies).toHaveLength(1)
      expect(truth.copies[0]?.sharedFactory).toBe(true)
      expect(truth.copies[0]?.chunks.length).toBeGreaterThan(1)
    },
  )
})

describe('no silent miss under the same options', () => {
  it.each([
    ['inlineConst', { optimization: { inlineConst: { mode: 'all', pass: 2 } } }, {}],
    [
      'inline common chunks',
      { preserveEntrySignatures: false },
      { codeSplitting: { experimentalInlineCommonChunks: { maxSize: 100_000 } } },
    ],
    ['minified', {}, { minify: true }],
  ] as const)('still catches a symlinked twin with %s', async (_, inputOptions, output) => {
    const dir = writeFixture('miss', {
      ...incident,
      ...runOnLoad,
      'node_modules/linked': { symlink: '../src' },
      'src/auto-reply/reply/agent-runner.runtime.js': `import { store } from 'linked/delegate-store.js'\nexport const pending = (id) => store.get(id)\n`,
    })
    const result = await build(dir, {
      input: { main: 'src/run-main.js', second: 'src/run-second.js' },
      guard: { singletons: 'src/delegate-store.js' },
      inputOptions: { ...inputOptions, resolve: { symlinks: false } } as never,
      outputs: [{ dir: 'dist', ...output }],
    })
    expect(result.errorCode).toBe('SINGLETON_DUPLICATED')
    const probe = `await import('./dist/main.js')\nconsole.log(JSON.stringify({ realms: globalThis.__evaluations.state, seen: globalThis.__replied }))`
    expect(await execute(dir, probe)).toEqual({ realms: 2, seen: false })
  })
})
