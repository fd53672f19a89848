import { parseSync } from 'oxc-parser'
import { describe, expect, it } from 'vitest'
import { lineStartComments } from '../../src/core/line-comments.ts'
import { moduleMarkersOf } from '../../src/core/module-markers.ts'

const sources = (code: string) => moduleMarkersOf(code).modules.map((module) => module.source)

/** The oracle: the line-start `//` comments a full parser sees. */
function parserLineComments(code: string): number[] {
  return parseSync('chunk.js', code, { sourceType: 'module', lang: 'js' })
    .comments.filter(
      (comment) =>
        comment.type === 'Line' &&
        code.startsWith('//', comment.start) &&
        (comment.start === 0 || code[comment.start - 1] === '\n'),
    )
    .map((comment) => comment.start)
}

const lexerLineComments = (code: string) => lineStartComments(code, () => true).comments.map((comment) => comment.start)

describe('the modules a chunk holds, from its bundler markers', () => {
  it("reads rolldown's region markers, and leaves out its runtime as virtual", () => {
    const code = [
      'import { x } from "./x.js";',
      '//#region \\0rolldown/runtime.js',
      'var __defProp = Object.defineProperty;',
      '//#endregion',
      '//#region src/state.ts',
      'const store = new Map();',
      '//#endregion',
      '//#region node_modules/.pnpm/zod@4.6.5/node_modules/zod/v4/core/util.js',
      'function util() {}',
      '//#endregion',
      'export { store, util };',
    ].join('\n')
    const markers = moduleMarkersOf(code)
    expect(markers.style).toBe('region markers')
    expect(markers.modules.map((module) => [module.source, module.virtual])).toEqual([
      ['\\0rolldown/runtime.js', true],
      ['src/state.ts', false],
      ['node_modules/.pnpm/zod@4.6.5/node_modules/zod/v4/core/util.js', false],
    ])
  })

  it('reads path comments (esbuild, rolldown 1.x) up to the next one', () => {
    const code = [
      'var __export = (t, a) => {};',
      '',
      '// node_modules/shared-state/index.js',
      'var store = new Map();',
      '',
      '// src/main.js',
      'var write = (k, v) => store.set(k, v);',
      'export {',
      '  write',
      '};',
    ].join('\n')
    const markers = moduleMarkersOf(code)
    expect(markers.style).toBe('path comments')
    expect(sources(code)).toEqual(['node_modules/shared-state/index.js', 'src/main.js'])
  })

  it('counts no marker that is text inside a template literal, a string or a block comment', () => {
    const code = [
      '// src/real.js',
      'const page = `',
      '// src/in-template.js',
      '//#region src/in-template.ts',
      '${`nested ${"x"}',
      '// src/in-nested-template.js',
      '`}`',
      'const s = "a\\',
      '// src/in-continued-string.js";',
      '/*',
      '// src/in-block-comment.js',
      '*/',
      'const r = /[`]/.test(page) ? 1 : 2 / 3',
      '// src/after-regex.js',
      'run(r)',
      'export { page, s, r }',
    ].join('\n')
    expect(sources(code)).toEqual(['src/real.js', 'src/after-regex.js'])
    expect(lexerLineComments(code)).toEqual(parserLineComments(code))
  })

  it('a module whose section is empty, or only imports and re-exports, owns no code there', () => {
    const code = [
      '//#region src/types-only.ts',
      '//#endregion',
      '//#region src/barrel.ts',
      'export * from "./a.js";',
      'export { b } from "./b.js";',
      '//#endregion',
      '//#region src/real.ts',
      'const real = 1;',
      '//#endregion',
    ].join('\n')
    expect(sources(code)).toEqual(['src/real.ts'])
  })

  it('says when code sits under an `//#endregion` whose `//#region` is missing', () => {
    const code = [
      'const unnamed = 1;',
      '//#endregion',
      '//#region src/named.ts',
      'const named = 2;',
      '//#endregion',
    ].join('\n')
    expect(moduleMarkersOf(code)).toMatchObject({ unnamedCode: true, modules: [{ source: 'src/named.ts' }] })
  })

  it('finds nothing in minified code, even where a template literal holds a marker line', () => {
    const code =
      'const e=new Map,t=`multi\n//#region fake/inside-template.ts\n// src/fake.js\nline`;export{t as n,e as t};'
    expect(moduleMarkersOf(code)).toEqual({ style: undefined, modules: [], unnamedCode: false })
  })

  it('takes neither legal comments nor prose for path comments', () => {
    const code = [
      '//! license text',
      '// @license MIT',
      '// Annotate the CommonJS export names for ESM import in node:',
      'x()',
    ].join('\n')
    expect(moduleMarkersOf(code).style).toBeUndefined()
  })

  it('reads CRLF line ends and a hashbang', () => {
    const code = ['#!/usr/bin/env node', '// src/cli.js', 'run();', ''].join('\r\n')
    expect(sources(code)).toEqual(['src/cli.js'])
  })

  it.each([
    ['division after a call', 'const a = f() / 2 / `x\n// src/fake.js\n`\n// src/real.js\nz()'],
    ['a keyword before a regex', 'function f() { return /`/.test(s) }\n// src/real.js\nz()'],
    ['a regex after a block', 'if (a) {}\n/`/.test(s)\n// src/real.js\nz()'],
    ['a property named like a keyword', 'const a = x.return / 2 / `\n// src/fake.js\n`\n// src/real.js\nz()'],
    ['braces inside a substitution', 'const t = `${{ a: `${"}"}` }.a}\n// src/fake.js\n`\n// src/real.js\nz()'],
    ['a string with a backtick', "const q = '`'\n// src/real.js\nz()"],
  ])('agrees with a parser on %s', (_, code) => {
    expect(lexerLineComments(code)).toEqual(parserLineComments(code))
    expect(sources(code)).toEqual(['src/real.js'])
  })
})
