import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { build } from '../../helpers/build.ts'
import { REALMS_EXPRESSION, statefulModule, writeFixture } from '../../helpers/fixture.ts'
import { LIST_EXPRESSION, reportCount, runProbe } from '../../helpers/runtime.ts'

function project(name: string, extra: Record<string, string> = {}): string {
  return writeFixture(name, {
    'package.json': JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }),
    'src/state.js': statefulModule(),
    'src/main.js': `import { store } from './state.js'\nexport { store }\nglobalThis.__stores ??= []\nglobalThis.__stores.push(store)\n`,
    ...extra,
  })
}

describe('runtime guard', () => {
  for (const format of ['iife', 'umd'] as const) {
    it(`${format}: two separately built bundles in one process are reported (warn)`, async () => {
      const dir = project(`rg-${format}`)
      for (const out of ['dist/a', 'dist/b']) {
        const r = await build(dir, {
          input: 'src/main.js',
          guard: { singletons: 'src/state.js', runtimeGuard: 'warn' },
          outputs: [{ dir: out, format, name: 'App', entryFileNames: '[name].cjs' }],
        })
        expect(r.error).toBeUndefined()
      }
      const run = await runProbe<{ realms: number; list: unknown[] }>(
        dir,
        `import { createRequire } from 'node:module'
const require = createRequire(import.meta.url)
require('./dist/a/main.cjs')
require('./dist/b/main.cjs')
console.log(JSON.stringify({ realms: ${REALMS_EXPRESSION()}, list: ${LIST_EXPRESSION} }))
`,
      )
      expect(run.result?.realms).toBe(2)
      expect(reportCount(run.stderr)).toBe(1)
      expect(run.stderr).toContain(path.join(dir, 'dist/a/main.cjs'))
      expect(run.stderr).toContain(path.join(dir, 'dist/b/main.cjs'))
    })
  }

  it('iife + minify + throw: the second copy throws with code and event before its top level runs', async () => {
    const dir = project('rg-iife-min')
    for (const out of ['dist/a', 'dist/b']) {
      const r = await build(dir, {
        input: 'src/main.js',
        guard: { singletons: 'src/state.js', runtimeGuard: 'throw' },
        outputs: [{ dir: out, format: 'iife', name: 'App', minify: true, entryFileNames: '[name].cjs' }],
      })
      expect(r.error).toBeUndefined()
    }
    const run = await runProbe<Record<string, unknown>>(
      dir,
      `import { createRequire } from 'node:module'
const require = createRequire(import.meta.url)
require('./dist/a/main.cjs')
let e
try { require('./dist/b/main.cjs') } catch (error) { e = error }
console.log(JSON.stringify({ realms: ${REALMS_EXPRESSION()}, isError: e instanceof Error, code: e?.code, name: e?.name,
  eventModule: e?.event?.module, count: e?.event?.count, firstLine: e?.message.split('\\n')[0], stores: globalThis.__stores.length }))
`,
    )
    expect(run.result).toEqual({
      realms: 1,
      isError: true,
      code: 'SINGLETON_DUPLICATED_AT_RUNTIME',
      name: 'Error',
      eventModule: 'app/src/state.js',
      count: 2,
      firstLine:
        '[singleton-guard] SINGLETON_DUPLICATED_AT_RUNTIME: app/src/state.js is evaluated 2 times in this process; each copy has its own state.',
      stores: 1,
    })
  })

  it('a singleton with a hashbang and "use strict" (cjs source) keeps its directive and runs once per copy', async () => {
    const dir = writeFixture('rg-strict', {
      'package.json': JSON.stringify({ name: 'app', version: '1.0.0' }),
      'src/state.cjs': `#!/usr/bin/env node\n'use strict'\nexports.strict = (function () { return this === undefined })()\nexports.store = new Map()\nglobalThis.__evaluations ??= {}\nglobalThis.__evaluations.state = (globalThis.__evaluations.state ?? 0) + 1\n`,
      'src/main.cjs': `const s = require('./state.cjs')\nmodule.exports = { strict: s.strict, store: s.store }\n`,
    })
    for (const out of ['dist/a', 'dist/b']) {
      const r = await build(dir, {
        input: 'src/main.cjs',
        guard: { singletons: 'src/state.cjs', runtimeGuard: 'warn' },
        outputs: [{ dir: out, format: 'cjs', entryFileNames: '[name].cjs' }],
      })
      expect(r.error).toBeUndefined()
    }
    const run = await runProbe<{ realms: number; strict: boolean[] }>(
      dir,
      `import { createRequire } from 'node:module'
const require = createRequire(import.meta.url)
const a = require('./dist/a/main.cjs'), b = require('./dist/b/main.cjs')
console.log(JSON.stringify({ realms: ${REALMS_EXPRESSION()}, strict: [a.strict, b.strict] }))
`,
      'probe.mjs',
    )
    // rolldown drops 'use strict' inside its CJS wrapper with or without the guard (checked by hand): only the count matters here.
    expect(run.result?.realms).toBe(2)
    expect(reportCount(run.stderr)).toBe(1)
  })

  it('an ESM entry that is itself the singleton and starts with a hashbang: the output runs as a bin', async () => {
    const dir = writeFixture('rg-hashbang-entry', {
      'package.json': JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }),
      'src/cli.js': `#!/usr/bin/env node\n'use strict'\n${statefulModule()}console.log(JSON.stringify({ realms: globalThis.__evaluations.state }))\n`,
    })
    const r = await build(dir, {
      input: { cli: 'src/cli.js' },
      guard: { singletons: 'src/cli.js', runtimeGuard: 'warn' },
      outputs: [{ dir: 'dist', format: 'esm', minify: true }],
    })
    expect(r.error).toBeUndefined()
    const code = fs.readFileSync(path.join(dir, 'dist/cli.js'), 'utf8')
    expect(code.startsWith('#!/usr/bin/env node')).toBe(true)
    const run = await runProbe<{ realms: number }>(dir, `await import('./dist/cli.js')\n`)
    expect(run.result).toEqual({ realms: 1 })
    expect(run.stderr).toBe('')
  })

  it('a published cjs library installed at two paths (same version), both required: reported with both files', async () => {
    const dir = project('rg-cjs-two-paths')
    const r = await build(dir, {
      input: { index: 'src/main.js' },
      guard: { singletons: 'src/state.js', runtimeGuard: 'warn' },
      outputs: [{ dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs' }],
    })
    expect(r.error).toBeUndefined()
    for (const place of ['consumer/node_modules/app', 'consumer/node_modules/tool/node_modules/app']) {
      fs.mkdirSync(path.join(dir, place, 'dist'), { recursive: true })
      fs.copyFileSync(path.join(dir, 'dist/index.cjs'), path.join(dir, place, 'dist/index.cjs'))
      fs.writeFileSync(
        path.join(dir, place, 'package.json'),
        JSON.stringify({ name: 'app', version: '1.0.0', main: 'dist/index.cjs' }),
      )
    }
    fs.writeFileSync(
      path.join(dir, 'consumer/node_modules/tool/package.json'),
      JSON.stringify({ name: 'tool', main: 'index.js' }),
    )
    fs.writeFileSync(path.join(dir, 'consumer/node_modules/tool/index.js'), `module.exports = require('app')\n`)
    fs.writeFileSync(
      path.join(dir, 'consumer/main.cjs'),
      `const a = require('app'); const b = require('tool'); console.log(JSON.stringify({ realms: globalThis.__evaluations.state, same: a.store === b.store, list: globalThis[Symbol.for('singleton-guard.registry')].list() }))\n`,
    )
    const run = await runProbe<{ realms: number; same: boolean }>(
      path.join(dir, 'consumer'),
      fs.readFileSync(path.join(dir, 'consumer/main.cjs'), 'utf8'),
      'probe.cjs',
    )
    expect(run.result).toMatchObject({ realms: 2, same: false })
    expect(reportCount(run.stderr)).toBe(1)
    expect(run.stderr).toContain(path.join(dir, 'consumer/node_modules/app/dist/index.cjs'))
    expect(run.stderr).toContain(path.join(dir, 'consumer/node_modules/tool/node_modules/app/dist/index.cjs'))
  })

  it('runtimeGuard + promote + report: one realm after a rebuild, and the build says so', async () => {
    const dir = writeFixture('rg-promote', {
      'package.json': JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }),
      'src/state.js': statefulModule(),
      'src/runner.js': `import { store } from './state.js'\nexport const read = (k) => store.get(k)\n`,
      'src/main.js': `import { store } from './state.js'\nexport const write = (k, v) => store.set(k, v)\nexport const lazy = () => import('./runner.js')\n`,
    })
    const r = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'src/state.js', runtimeGuard: 'throw', promote: true, report: true },
    })
    expect(r.error).toBeUndefined()
    expect(r.files[0]).toContain('state.js')
    const run = await runProbe<{ realms: number; seen: boolean; list: { count: number }[] }>(
      dir,
      `const m = await import('./dist/main.js')
m.write('k', 1)
const seen = (await m.lazy()).read('k') === 1
console.log(JSON.stringify({ realms: ${REALMS_EXPRESSION()}, seen, list: ${LIST_EXPRESSION} }))
`,
    )
    expect(run.result).toMatchObject({ realms: 1, seen: true, list: [{ count: 1 }] })
    expect(run.stderr).toBe('')
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'dist/singleton-report.json'), 'utf8'))
    expect(report).toBeTruthy()
  })
})
