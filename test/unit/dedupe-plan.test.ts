import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  chooseCanonical,
  decideMerge,
  declaredRange,
  sameLine,
  type ImporterRange,
} from '../../src/core/dedupe-plan.ts'

const install = (version: string, dir = `/app/node_modules/x-${version}`) => ({ dir, name: 'x', version })
const range =
  (value: string): (() => ImporterRange) =>
  () => ({ importer: 'tool/package.json', range: value })

describe('dedupe decisions', () => {
  it('chooses the install nearest the root, then the lexically first', () => {
    const root = '/app'
    expect(
      chooseCanonical(
        [
          path.join(root, 'node_modules/a/node_modules/x'),
          path.join(root, 'node_modules/x'),
          path.join(root, 'node_modules/.pnpm/x@1/node_modules/x'),
        ],
        root,
      ),
    ).toBe(path.join(root, 'node_modules/x'))
    expect(chooseCanonical(['/app/node_modules/b/node_modules/x', '/app/node_modules/a/node_modules/x'], root)).toBe(
      '/app/node_modules/a/node_modules/x',
    )
  })

  it.each([
    ['1.2.3', '1.9.0', true],
    ['1.2.3', '2.0.0', false],
    ['0.3.1', '0.3.9', true],
    ['0.3.1', '0.4.0', false],
    ['not-a-version', '1.0.0', false],
  ])('sameLine(%s, %s) is %s', (a, b, expected) => {
    expect(sameLine(a, b)).toBe(expected)
  })

  it('merges one version only with identical files', () => {
    const base = {
      canonical: install('1.2.0'),
      other: install('1.2.0', '/app/node_modules/t/node_modules/x'),
      range: range('^1.0.0'),
    }
    expect(decideMerge({ ...base, mode: 'same-version', sameFiles: () => true })).toMatchObject({ merge: true })
    expect(decideMerge({ ...base, mode: 'compatible', sameFiles: () => false })).toMatchObject({
      merge: false,
      option: undefined,
      why: expect.stringContaining('different files'),
    })
  })

  it("another version: refused under 'same-version', naming 'compatible' only when it would merge", () => {
    const asked = { canonical: install('1.5.0'), other: install('1.4.0'), sameFiles: () => true }
    expect(decideMerge({ ...asked, mode: 'same-version', range: range('^1.2.0') })).toEqual({
      merge: false,
      why: 'another version (1.4.0 and 1.5.0)',
      option: "dedupe: { packages: 'compatible' }",
    })
    expect(decideMerge({ ...asked, mode: 'same-version', range: range('~1.4.0') })).toMatchObject({ option: undefined })
    expect(decideMerge({ ...asked, mode: 'compatible', range: range('^1.2.0') })).toMatchObject({ merge: true })
    expect(decideMerge({ ...asked, mode: 'compatible', range: range('~1.4.0') })).toMatchObject({
      merge: false,
      why: 'tool/package.json declares "~1.4.0", which 1.5.0 does not satisfy',
    })
  })

  it('never across a major (0.x: a minor), whatever the range says', () => {
    const across = (a: string, b: string) =>
      decideMerge({
        mode: 'compatible',
        canonical: install(a),
        other: install(b),
        sameFiles: () => true,
        range: range('*'),
      })
    expect(across('2.0.0', '1.9.0')).toMatchObject({
      merge: false,
      why: expect.stringContaining('another major version (1.x and 2.x)'),
    })
    expect(across('0.4.0', '0.3.2')).toMatchObject({ merge: false, why: expect.stringContaining('0.3.x and 0.4.x') })
    expect(across('0.3.4', '0.3.2')).toMatchObject({ merge: true })
  })

  it('an importer whose range cannot be read is not merged', () => {
    const decision = decideMerge({
      mode: 'compatible',
      canonical: install('1.5.0'),
      other: install('1.4.0'),
      sameFiles: () => true,
      range: () => ({ importer: 'tool/package.json', problem: 'its package.json is not valid JSON' }),
    })
    expect(decision).toEqual({
      merge: false,
      why: 'the range tool/package.json accepts cannot be read: its package.json is not valid JSON',
      option: undefined,
    })
  })

  it('reads a declared range from the fields an install honours, aliases included', () => {
    expect(declaredRange({ dependencies: { x: '^1.0.0' } }, 'x')).toBe('^1.0.0')
    expect(declaredRange({ peerDependencies: { x: '>=2' } }, 'x')).toBe('>=2')
    expect(declaredRange({ dependencies: { x: 'npm:x@^3.1.0' } }, 'x')).toBe('^3.1.0')
    expect(declaredRange({ dependencies: { y: '1' } }, 'x')).toBeUndefined()
  })
})
