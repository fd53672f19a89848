import { describe, expect, it } from 'vitest'
import { resolveOptions } from '../src/options.ts'
import { build } from './helpers/build.ts'
import { statefulModule, writeFixture } from './helpers/fixture.ts'
import { importPlugin, runTsdown } from './helpers/tsdown.ts'

describe('resolveOptions', () => {
  it('fills the documented defaults', () => {
    const { matcher, ...resolved } = resolveOptions({})
    expect(matcher.patterns).toEqual([])
    expect(resolved).toEqual({
      singletons: [],
      root: process.cwd(),
      onDuplicate: 'error',
      formats: 'warn',
      builds: 'error',
      detect: 'warn',
      dedupe: false,
      promote: false,
      report: false,
      runtimeGuard: false,
    })
    expect(resolveOptions({ report: true, promote: true }).report).toBe('singleton-report.json')
    for (const detect of ['warn', 'error', 'info', false] as const)
      expect(resolveOptions({ detect }).detect).toBe(detect)
    expect(resolveOptions({ dedupe: true }).dedupe).toEqual({ packages: 'same-version', files: true })
    expect(resolveOptions({ dedupe: { packages: 'compatible' } }).dedupe).toEqual({
      packages: 'compatible',
      files: true,
    })
    expect(resolveOptions({ dedupe: { packages: false } }).dedupe).toEqual({ packages: false, files: true })
    expect(resolveOptions({ dedupe: { packages: false, files: false } }).dedupe).toBe(false)
    expect(resolveOptions({ promote: true }).promote).toEqual({
      include: [],
      exclude: [],
      singletons: true,
      boundaries: 'singletons',
      base: undefined,
    })
  })

  it.each([
    [{ onDuplicate: 'fail' }, "option `onDuplicate` accepts 'error' or 'warn'; got \"fail\"."],
    [{ formats: true }, "option `formats` accepts 'error' or 'warn' or 'ignore'; got boolean true."],
    [{ builds: 'off' }, "option `builds` accepts 'error' or 'warn' or 'ignore'; got \"off\"."],
    [{ detect: 'on' }, "option `detect` accepts 'warn' or 'error' or 'info' or false; got \"on\"."],
    [{ detect: true }, "option `detect` accepts 'warn' or 'error' or 'info' or false; got boolean true."],
    [
      { dedupe: 'yes' },
      "option `dedupe` accepts true, false, or { packages: 'same-version' | 'compatible' | false, files: boolean }; got \"yes\".",
    ],
    [{ dedupe: { files: 'yes' } }, 'option `dedupe.files` accepts true or false; got "yes".'],
    [
      { dedupe: { package: 'compatible' } },
      'unknown option `dedupe.package`. Known options: `dedupe.packages`, `dedupe.files`.',
    ],
    [
      { singletons: 42 },
      'option `singletons` accepts a non-empty string, a RegExp, or an array of them; got number 42.',
    ],
    [
      { singletons: ['src/a.ts', ''] },
      'option `singletons` accepts a non-empty string, a RegExp, or an array of them; got an array (["src/a.ts",""]).',
    ],
    [{ root: 7 }, 'option `root` accepts a folder path (string); got number 7.'],
    [
      { report: '../out.json' },
      'option `report` accepts true, false, or a relative file name inside the output folder, at most 240 bytes a segment (e.g. "singleton-report.json"); got "../out.json".',
    ],
    [
      { promote: 'yes' },
      'option `promote` accepts true, false, or { include, exclude, singletons, boundaries, base }; got "yes".',
    ],
    [{ promote: { singletons: 'no' } }, 'option `promote.singletons` accepts true or false; got "no".'],
    [
      { promote: { incude: '**' } },
      'unknown option `promote.incude`. Known options: `promote.include`, `promote.exclude`, `promote.singletons`, `promote.boundaries`, `promote.base`.',
    ],
    [
      { singleton: 'src/a.ts' },
      'unknown option `singleton`. Known options: `singletons`, `root`, `onDuplicate`, `formats`, `builds`, `detect`, `dedupe`, `promote`, `report`, `runtimeGuard`.',
    ],
  ])('rejects %j with a message naming the option and what it accepts', (options, message) => {
    expect(() => resolveOptions(options)).toThrowError(`[singleton-guard] ${message}`)
  })

  it.each([
    [
      { singletons: 'src/[state.ts' },
      'option `singletons`: \'src/[state.ts\' is not a valid glob: Missing closing: "]"',
    ],
    [
      { root: '/definitely/not/here' },
      'option `root` accepts an existing folder; got "/definitely/not/here", which does not exist.',
    ],
    [{ root: 'package.json' }, 'option `root` accepts an existing folder; got "package.json", which is a file.'],
    [{ report: 'x/' }, 'option `report` accepts true, false, or a relative file name'],
    [{ report: '.' }, 'option `report` accepts true, false, or a relative file name'],
    [{ report: 'a\0b.json' }, 'option `report` accepts true, false, or a relative file name'],
    [{ report: '/abs/report.json' }, 'option `report` accepts true, false, or a relative file name'],
    [{ onDuplicate: 10n }, "option `onDuplicate` accepts 'error' or 'warn'; got a bigint (10n)."],
    [
      { singletons: Symbol('state') },
      'option `singletons` accepts a non-empty string, a RegExp, or an array of them; got a symbol (state).',
    ],
    [{ builds: () => 'error' }, "option `builds` accepts 'error' or 'warn' or 'ignore'; got a function."],
  ])('rejects %o with a clear message, no TypeError from inside', (options, message) => {
    expect(() => resolveOptions(options)).toThrowError(`[singleton-guard] ${message}`)
  })

  it('rejects circular values and a bigint in place of the options object', () => {
    const circular: Record<string, unknown> = {}
    circular.self = circular
    expect(() => resolveOptions({ promote: circular })).toThrowError('[singleton-guard] unknown option `promote.self`.')
    const loop: unknown[] = []
    loop.push(loop)
    expect(() => resolveOptions({ singletons: loop })).toThrowError(
      '[singleton-guard] option `singletons` accepts a non-empty string, a RegExp, or an array of them; got an array (…).',
    )
    expect(() => resolveOptions(10n)).toThrowError(
      '[singleton-guard] singletonGuard() takes an options object; got a bigint (10n).',
    )
  })

  it('normalises an absolute singleton path with .. segments and a ./ report name', () => {
    const resolved = resolveOptions({ singletons: '/repo/src/../src/state.ts', report: './guard/report.json' })
    expect(resolved.singletons).toEqual(['/repo/src/state.ts'])
    expect(resolved.report).toBe('guard/report.json')
  })

  it('rejects a non-object', () => {
    expect(() => resolveOptions('src/state.ts')).toThrowError(
      '[singleton-guard] singletonGuard() takes an options object; got "src/state.ts".',
    )
  })
})

describe('what the user sees', () => {
  it('prints a bad option through tsdown without a stack trace, and builds nothing', async () => {
    const dir = writeFixture('bad-option', {
      'package.json': JSON.stringify({ name: 'app', type: 'module' }),
      'tsconfig.json': '{}',
      'src/index.ts': 'export const x = 1\n',
      'tsdown.config.ts': `import { defineConfig } from 'tsdown'\n${importPlugin}\nexport default defineConfig({ entry: ['src/index.ts'], plugins: [singletonGuard({ onDuplicate: 'fail' })] })\n`,
    })
    const result = await runTsdown(dir)
    expect(result.exitCode).not.toBe(0)
    expect(result.output).toContain("[singleton-guard] option `onDuplicate` accepts 'error' or 'warn'; got \"fail\".")
    expect(result.output).not.toMatch(/^\s+at /m)
  })

  it('warns by name about a pattern that matches no module, once', async () => {
    const dir = writeFixture('unmatched', {
      'package.json': JSON.stringify({ name: 'app', type: 'module' }),
      'src/state.js': statefulModule(),
      'src/main.js': `import { store } from './state.js'\nexport const size = () => store.size\n`,
    })
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: ['src/state.js', 'src/stat.js', /registry/] },
    })
    expect(result.error).toBeUndefined()
    expect(result.warnings).toEqual([
      {
        code: 'SINGLETON_PATTERN_UNMATCHED',
        message: expect.stringContaining("the singleton pattern 'src/stat.js' matched no module in any output"),
      },
      {
        code: 'SINGLETON_PATTERN_UNMATCHED',
        message: expect.stringContaining('the singleton pattern /registry/ matched no module in any output'),
      },
    ])
  })
})
