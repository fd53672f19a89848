import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { IdentityResolver } from '../../src/core/identity.ts'
import { learnNameBases, stableEntryName, userEntries } from '../../src/plugin/entry-names.ts'
import { writeFixture } from '../helpers/fixture.ts'

describe('entry names', () => {
  const files = {
    'src/main.ts': '',
    'src/agents/x.runtime.ts': '',
    'node_modules/shared-state/package.json': JSON.stringify({ name: 'shared-state', exports: './lib/index.js' }),
    'node_modules/shared-state/lib/index.js': '',
  }

  it('reads named, listed and single entries, and their common folder', () => {
    const dir = writeFixture('entries', files)
    const named = userEntries({ main: 'src/main.ts', agent: 'src/agents/x.runtime.ts' }, dir)
    expect([...named.byName]).toEqual([
      ['main', path.join(dir, 'src/main.ts')],
      ['agent', path.join(dir, 'src/agents/x.runtime.ts')],
    ])
    // `agent` names src/agents/x.runtime.ts under another name: only `main` teaches where names start.
    expect(named.bases.byTop).toEqual(new Map([['src', path.join(dir, 'src')]]))
    expect(named.bases.fallback).toBe(path.join(dir, 'src'))
    expect([...userEntries(['src/main.ts'], dir).byName.keys()]).toEqual(['main'])
    expect(userEntries('src/agents/x.runtime.ts', dir).bases.fallback).toBe(path.join(dir, 'src/agents'))
    const tworoots = userEntries({ main: 'src/main.ts', 'extensions/x/index': 'extensions/x/index.ts' }, dir)
    expect(tworoots.bases.byTop).toEqual(
      new Map([
        ['src', path.join(dir, 'src')],
        ['extensions', dir],
      ]),
    )
  })

  it('names a module by its path under the base folder, and an installed one under vendor/', () => {
    const dir = writeFixture('entries-names', files)
    const resolver = new IdentityResolver()
    const boundary = resolver.identify(path.join(dir, 'src/agents/x.runtime.ts'))!
    const bases = learnNameBases([], dir, path.join(dir, 'src'))
    expect(stableEntryName(boundary, bases, dir)).toBe('agents/x.runtime')
    const vendored = resolver.identify(path.join(dir, 'node_modules/shared-state/lib/index.js'))!
    expect(stableEntryName(vendored, bases, dir)).toBe('vendor/shared-state/lib/index')
  })
})
