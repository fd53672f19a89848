import fs from 'node:fs'
import path from 'node:path'
import { rolldown, type Plugin } from 'rolldown'
import { describe, expect, it } from 'vitest'
import { IdentityResolver } from '../src/core/identity.ts'
import { CODES } from '../src/core/messages.ts'
import { SingletonMatcher } from '../src/core/patterns.ts'
import { resolveOptions } from '../src/options.ts'
import { handlerSource } from '../src/runtime/handler-source.ts'
import { singletonIdFilter } from '../src/runtime/id-filter.ts'
import { insertionPoint, registrationStatement, registryInstaller } from '../src/runtime/inject.ts'
import { runtimeGuardPlugins } from '../src/runtime/plugin.ts'
import { createRegistry, RUNTIME_CODE, type RuntimeGuardEvent } from '../src/runtime/registry.ts'
import { build } from './helpers/build.ts'
import { REALMS_EXPRESSION, statefulModule, writeFixture } from './helpers/fixture.ts'
import { LIST_EXPRESSION, reportCount, runProbe } from './helpers/runtime.ts'
import { importPlugin, runTsdown } from './helpers/tsdown.ts'

describe('runtimeGuard option', () => {
  it.each([
    [true, "option `runtimeGuard` accepts false, 'warn', 'throw', or a function (event) => void; got boolean true."],
    ['loud', "option `runtimeGuard` accepts false, 'warn', 'throw', or a function (event) => void; got \"loud\"."],
    [
      console.error.bind(console),
      'option `runtimeGuard` accepts a function whose source can be copied into the output',
    ],
    [
      class Handler {
        handle(): void {}
      },
      'option `runtimeGuard` accepts a function whose source can be copied into the output',
    ],
  ])('rejects %s with a message naming what it accepts', (runtimeGuard, message) => {
    expect(() => resolveOptions({ runtimeGuard })).toThrowError(`[singleton-guard] ${message}`)
  })

  it('accepts the modes, arrows, function expressions and methods', () => {
    const handlers = {
      method(event: RuntimeGuardEvent) {
        return event.count
      },
      async asyncMethod(event: RuntimeGuardEvent) {
        return event.count
      },
    }
    for (const runtimeGuard of [false, 'warn', 'throw', handlers.method, handlers.asyncMethod] as const) {
      expect(resolveOptions({ runtimeGuard }).runtimeGuard).toBe(runtimeGuard)
    }
    const arrow = (event: RuntimeGuardEvent) => event.count
    expect(resolveOptions({ runtimeGuard: arrow }).runtimeGuard).toBe(arrow)
    // The copied source is an expression that evaluates to a working function.
    for (const handler of [
      arrow,
      handlers.method,
      function named(event: RuntimeGuardEvent) {
        return event.count
      },
    ]) {
      const copied = new Function(`return ${handlerSource(handler)}`)() as (event: { count: number }) => number
      expect(copied({ count: 7 })).toBe(7)
    }
  })

  it('is printed by tsdown without a stack trace', async () => {
    const dir = writeFixture('runtime-bad-option', {
      'package.json': JSON.stringify({ name: 'app', type: 'module' }),
      'tsconfig.json': '{}',
      'src/index.ts': 'export const x = 1\n',
      'tsdown.config.ts': `import { defineConfig } from 'tsdown'\n${importPlugin}\nexport default defineConfig({ entry: ['src/index.ts'], plugins: [singletonGuard({ runtimeGuard: true })] })\n`,
    })
    const result = await runTsdown(dir)
    expect(result.exitCode).not.toBe(0)
    expect(result.output).toContain("[singleton-guard] option `runtimeGuard` accepts false, 'warn', 'throw'")
    expect(result.output).not.toMatch(/^\s+at /m)
  })
})

describe('where the registration goes', () => {
  it.each([
    ['export const a = 1', 0],
    ['// @singleton\nexport const a = 1', 0],
    ["'use strict'\nconst a = 1", "'use strict'".length],
    ['"use client";\n"use strict"\nexport const a = 1', '"use client";\n"use strict"'.length],
    ["/* license */\n'use strict';\nmodule.exports = 1", "/* license */\n'use strict';".length],
    ['#!/usr/bin/env node\nconsole.log(1)', '#!/usr/bin/env node\n'.length],
    ["'use strict' + x", 0],
  ])('%j -> %i', (code, point) => {
    expect(insertionPoint(code)).toBe(point)
  })

  it.each([
    ['with the registry installed by its chunk', false],
    ['installing the registry itself (the dev server)', true],
  ])('the statement %s is one expression that only touches globalThis', (_, installer) => {
    const statement = registrationStatement(
      { module: 'app/src/state.ts', version: '1.0.0', onDuplicate: 'warn' },
      installer,
    )
    expect(statement).not.toMatch(/\bimport\b|\brequire\b|\bmodule\.|\bexports\b/)
    const sandbox = { globalThis: {} as Record<symbol, { list(): unknown[] }> }
    const chunk = (code: string) => (installer ? code : `${registryInstaller()}\n${code}`)
    new Function('globalThis', chunk(statement))(sandbox.globalThis)
    new Function('globalThis', chunk(statement.replace('"warn"', '(event) => { globalThis.seen = event.count }')))(
      sandbox.globalThis,
    )
    const registry = sandbox.globalThis[Symbol.for('singleton-guard.registry')]
    expect(registry?.list()).toEqual([
      expect.objectContaining({ module: 'app/src/state.ts', count: 2, versions: ['1.0.0', '1.0.0'] }),
    ])
  })

  it('the short statement carries no registry source: a guarded module grows by a line, its chunk by one installer', () => {
    const registration = { module: 'app/src/state.ts', version: '1.0.0', onDuplicate: 'warn' } as const
    expect(registrationStatement(registration).length).toBeLessThan(200)
    expect(registryInstaller().length).toBeGreaterThan(registrationStatement(registration, true).length - 200)
  })
})

describe('the registry', () => {
  it('names the log code the plugin exports', () => {
    expect(RUNTIME_CODE).toBe(CODES.SINGLETON_DUPLICATED_AT_RUNTIME)
  })

  it.each([
    ['Firefox', '@http://127.0.0.1:8080/dist/main.js:1:30\n', 'http://127.0.0.1:8080/dist/main.js'],
    ['Safari', 'module code@http://127.0.0.1:8080/dist/a.js:4:12\n', 'http://127.0.0.1:8080/dist/a.js'],
    ['V8 text', 'Error\n    at file:///srv/app/dist/index.mjs:1:23\n', '/srv/app/dist/index.mjs'],
    [
      'V8 text, scoped package',
      'Error\n    at Object.<anonymous> (/srv/app/node_modules/@scope/pkg/dist/index.cjs:2:5)\n',
      '/srv/app/node_modules/@scope/pkg/dist/index.cjs',
    ],
    ['Firefox, blob URL', '@blob:http://127.0.0.1:8080/0d9f-4c1b:1:30\n', 'blob:http://127.0.0.1:8080/0d9f-4c1b'],
    ['no frames', 'Error\n', undefined],
  ])('reads the file from a %s stack', (_engine, stack, file) => {
    const registry = createRegistry()
    registry.register({ v: 1, module: 'm', error: { stack } as Error, onDuplicate: 'warn' })
    expect(registry.list()[0]?.files).toEqual([file])
  })
})

describe('the native filters', () => {
  it('let through every id a pattern declares (a superset), and not the others', () => {
    const dir = writeFixture('runtime-filter', {
      'src/state.ts': '',
      'src/stores/a.store.ts': '',
      'lib/registry.js': '',
      'node_modules/shared-state/package.json': JSON.stringify({ name: 'shared-state', version: '1.0.0' }),
      'node_modules/shared-state/index.js': '',
      'node_modules/@scope/pkg/package.json': JSON.stringify({ name: '@scope/pkg', version: '1.0.0' }),
      'node_modules/@scope/pkg/sub.js': '',
    })
    const patterns = [
      'src/state.ts',
      'src/**/*.store.ts',
      '**/registry.js',
      'shared-state',
      '@scope/pkg/sub',
      /other\.ts$/,
    ]
    const matcher = new SingletonMatcher(patterns, dir)
    const resolver = new IdentityResolver()
    const filters = singletonIdFilter(matcher)
    const passes = (id: string) => filters.some((filter) => filter.test(id))
    const declared = [
      'src/state.ts',
      'src/state.ts?v=2',
      'src/stores/a.store.ts',
      'src/stores/deep/b.store.ts',
      'lib/registry.js',
      'node_modules/shared-state/index.js',
      'node_modules/.pnpm/shared-state@1.0.0/node_modules/shared-state/index.js',
      'node_modules/@scope/pkg/sub.js',
      'src/other.ts',
    ].map((file) => path.join(dir, file))
    for (const id of declared) {
      const identity = resolver.locate(id)
      if (identity && matcher.match(identity).length > 0)
        expect({ id, passes: passes(id) }).toEqual({ id, passes: true })
    }
    expect(declared.filter((id) => !passes(id))).toEqual([])
    const others = [
      'src/main.ts',
      'src/stores/index.ts',
      'node_modules/shared-state-extra/index.js',
      'src/state.tsx',
      'node_modules/@scope/pkg/other.js',
    ]
    expect(others.map((file) => path.join(dir, file)).filter(passes)).toEqual([])
  })

  it('rolldown calls the handlers only for the modules the filters let through', async () => {
    const files: Record<string, string> = {
      'package.json': JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }),
      'src/state.js': statefulModule(),
      'src/marked.js': statefulModule('marked', '// @singleton\n'),
      'src/both.js': statefulModule('both', '// @singleton\n'),
    }
    const imports: string[] = ["import './state.js'", "import './marked.js'", "import './both.js'"]
    for (let index = 0; index < 40; index++) {
      files[`src/module-${index}.js`] = `export const value${index} = ${index}\n`
      imports.push(`import './module-${index}.js'`)
    }
    files['src/main.js'] = `${imports.join('\n')}\n`
    const dir = writeFixture('runtime-filter-calls', files)
    const singletons = ['src/state.js', 'src/both.js']
    const resolver = new IdentityResolver()
    const plugins = runtimeGuardPlugins(
      'warn',
      { singletons, root: dir },
      {
        root: dir,
        matcher: new SingletonMatcher(singletons, dir),
        resolver,
      },
    )
    const calls: Record<string, string[]> = {}
    for (const plugin of plugins) {
      const transform = plugin.transform as { handler: (...args: unknown[]) => unknown }
      const handler = transform.handler
      transform.handler = function (this: unknown, code: unknown, id: unknown) {
        ;(calls[plugin.name] ??= []).push(path.basename(String(id)))
        return handler.call(this, code, id)
      }
    }
    const bundle = await rolldown({ input: path.join(dir, 'src/main.js'), cwd: dir, plugins: plugins as Plugin[] })
    const { output } = await bundle.generate({ format: 'esm' })
    await bundle.close()
    expect(calls['singleton-guard:runtime']?.sort()).toEqual(['both.js', 'state.js'])
    expect(calls['singleton-guard:runtime-marker']?.sort()).toEqual(['both.js', 'marked.js'])
    // A module both declared and marked registers once; the chunk installs the registry once.
    expect(output[0].code.match(/\.register\(\{\s*v:/g)).toHaveLength(3)
    expect(output[0].code.match(/Symbol\.for\("singleton-guard\.registry"\)/g)).toHaveLength(4)
  })
})

describe('runtime guard: a copy inside one output', () => {
  it('a file bundled twice under two ids (a preserved symlink) is reported where it runs', async () => {
    const dir = writeFixture('runtime-symlink-twin', {
      'package.json': JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }),
      'src/state.js': statefulModule(),
      'src/linked': { symlink: '.' },
      'src/main.js': `import { store as a } from './state.js'\nimport { store as b } from './linked/state.js'\nexport const same = a === b\n`,
    })
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'src/state.js', onDuplicate: 'warn', runtimeGuard: 'warn' },
      inputOptions: { resolve: { symlinks: false } },
    })
    expect(result.error).toBeUndefined()
    expect(result.warnings.map((warning) => warning.code)).toContain('SINGLETON_DUPLICATED')
    const run = await runProbe<{ realms: number; same: boolean; list: { count: number }[] }>(
      dir,
      `const main = await import('./dist/main.js')
console.log(JSON.stringify({ realms: ${REALMS_EXPRESSION()}, same: main.same, list: ${LIST_EXPRESSION} }))
`,
    )
    expect(run.result).toMatchObject({ realms: 2, same: false, list: [{ count: 2 }] })
    expect(reportCount(run.stderr)).toBe(1)
    expect(run.stderr).toContain('one file holds both copies')
    expect(fs.existsSync(path.join(dir, 'dist/main.js'))).toBe(true)
  })
})
