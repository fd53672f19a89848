import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { IdentityResolver } from '../../src/core/identity.ts'
import { PatternError, SingletonMatcher } from '../../src/core/patterns.ts'
import { writeFixture } from '../helpers/fixture.ts'

const files = {
  'package.json': JSON.stringify({ name: 'app' }),
  'src/state.ts': '',
  'src/[id].ts': '',
  'src/deep/x.store.ts': '',
  'src/other.ts': '',
  'node_modules/shared-state/package.json': JSON.stringify({
    name: 'shared-state',
    exports: { '.': './index.js', './store': './dist/store.mjs' },
  }),
  'node_modules/shared-state/index.js': '',
  'node_modules/shared-state/dist/store.mjs': '',
}

function labelsFor(patterns: (string | RegExp)[], file: string, dir: string): string[] {
  const matcher = new SingletonMatcher(patterns, dir)
  const id = path.join(dir, file)
  const identity = new IdentityResolver().identify(id)!
  // The quick test must let through every module the full match declares.
  const declared = matcher.match(identity).map((d) => d.label)
  if (declared.length > 0) expect(matcher.mayDeclare(id)).toBe(true)
  return declared
}

describe('SingletonMatcher', () => {
  it.each([
    ['src/state.ts', 'src/state.ts', ["'src/state.ts'"]],
    ['src/**/*.store.ts', 'src/deep/x.store.ts', ["'src/**/*.store.ts'"]],
    ['src/**/*.store.ts', 'src/state.ts', []],
    ['src/[id].ts', 'src/[id].ts', ["'src/[id].ts'"]],
    ['shared-state', 'node_modules/shared-state/dist/store.mjs', ["'shared-state'"]],
    ['shared-state/store', 'node_modules/shared-state/dist/store.mjs', ["'shared-state/store'"]],
    ['shared-state/store', 'node_modules/shared-state/index.js', []],
  ])('%s declares %s: %j', (pattern, file, labels) => {
    const dir = writeFixture('patterns', files)
    expect(labelsFor([pattern], file, dir)).toEqual(labels)
  })

  it('takes a RegExp as it is, tested against the id and the real path', () => {
    const dir = writeFixture('patterns-regexp', files)
    expect(labelsFor([/state\.ts$/g], 'src/state.ts', dir)).toEqual(['/state\\.ts$/g'])
  })

  it('gives a package declared as a whole package scope, and pkg/subpath a key of its own', () => {
    const dir = writeFixture('patterns-scope', files)
    const matcher = new SingletonMatcher(['shared-state', 'shared-state/store'], dir)
    const identity = new IdentityResolver().identify(path.join(dir, 'node_modules/shared-state/dist/store.mjs'))!
    expect(matcher.match(identity)).toEqual([
      { label: "'shared-state'", scope: 'package' },
      { label: "'shared-state/store'", scope: 'module', key: 'package:shared-state/./store' },
    ])
  })

  it('refuses a glob that cannot be read, saying why', () => {
    expect(() => new SingletonMatcher(['src/[state.ts'], '/tmp')).toThrow(PatternError)
    expect(() => new SingletonMatcher(['src/{a,b.ts'], '/tmp')).toThrow(/is not a valid glob/)
  })

  it('never reads the root folder name as glob syntax', () => {
    const outer = writeFixture('patterns-root', {})
    const dir = path.join(outer, 'proj [x] (y)')
    const matcher = new SingletonMatcher(['src/*.ts'], dir)
    expect(matcher.mayDeclare(path.join(dir, 'src/state.ts'))).toBe(true)
  })
})
