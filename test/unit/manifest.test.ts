import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  exportTargets,
  indexExports,
  installedNameOf,
  installFolderOf,
  manifestNameOf,
  readManifest,
} from '../../src/core/manifest.ts'
import { writeFixture } from '../helpers/fixture.ts'

describe('readManifest', () => {
  it.each([
    ['a byte-order mark', '\uFEFF{"name":"x"}', { status: 'ok', manifest: { name: 'x' } }],
    ['null', 'null', { status: 'unreadable', reason: 'is null, not an object' }],
    ['an array', '[]', { status: 'unreadable', reason: 'is an array, not an object' }],
    ['a number', '7', { status: 'unreadable', reason: 'is a number, not an object' }],
    ['broken JSON', '{"name":', { status: 'unreadable', reason: 'is not valid JSON' }],
  ])('reads %s', (_, text, expected) => {
    const dir = writeFixture('manifest', { 'package.json': text })
    expect(readManifest(path.join(dir, 'package.json'))).toEqual(expected)
  })

  it('tells a missing manifest from one that cannot be read', () => {
    const dir = writeFixture('manifest-missing', {})
    expect(readManifest(path.join(dir, 'package.json'))).toEqual({ status: 'missing' })
    fs.mkdirSync(path.join(dir, 'package.json'))
    expect(readManifest(path.join(dir, 'package.json'))).toMatchObject({ status: 'unreadable' })
  })
})

describe('installedNameOf', () => {
  it.each([
    ['/p/node_modules/shared-state', 'shared-state'],
    ['/p/node_modules/@acme/state', '@acme/state'],
    ['/p/node_modules/.pnpm/x@1/node_modules/x', 'x'],
    ['/p/packages/state', undefined],
    ['/p/node_modules/@acme', undefined],
  ])('%s -> %s', (dir, name) => expect(installedNameOf(dir)).toBe(name))
})

describe('exportTargets', () => {
  it('lists every target under every condition', () => {
    expect(exportTargets({ import: './a.mjs', require: ['./a.cjs', { node: './n.cjs' }] })).toEqual({
      targets: ['./a.mjs', './a.cjs', './n.cjs'],
      problem: undefined,
    })
  })

  it('stops at any depth without overflowing the stack, and says why', () => {
    let deep: unknown = './index.js'
    for (let level = 0; level < 100_000; level++) deep = { default: deep }
    const found = exportTargets(deep)
    expect(found.targets).toEqual([])
    expect(found.problem).toBe('its `exports` nest deeper than 32 levels')
  })

  it('stops at a condition that refers to itself', () => {
    const looped: Record<string, unknown> = { import: './a.mjs' }
    looped.node = looped
    expect(exportTargets(looped)).toEqual({ targets: ['./a.mjs'], problem: 'its `exports` refer to themselves' })
  })
})

describe('indexExports', () => {
  const exportsField = {
    '.': { source: './src/index.ts', import: './dist/index.mjs' },
    './store': './dist/store.mjs',
    './features/*': './dist/features/*.js',
  }
  it.each([
    ['src/index.ts', '.'],
    ['dist/index.mjs', '.'],
    ['dist/store.mjs', './store'],
    ['dist/features/a/b.js', './features/a/b'],
    ['dist/internal.mjs', undefined],
  ])('%s is loaded by %s', (file, subpath) => {
    expect(indexExports(exportsField, []).subpathOf(file)).toBe(subpath)
  })

  it('uses main and the file path when there is no exports map', () => {
    expect(indexExports(undefined, ['lib/index']).subpathOf('lib/index.js')).toBe('.')
    expect(indexExports(undefined, ['lib/index.js']).subpathOf('store.js')).toBe('./store')
    expect(indexExports(undefined, ['lib/index.js']).subpathOf('utils/index.js')).toBe('./utils')
  })
})

describe('manifestNameOf: the top-level name, without parsing the rest', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-name-'))
  const write = (text: string) => {
    const file = path.join(dir, `${Math.random().toString(36).slice(2)}.json`)
    fs.writeFileSync(file, text)
    return file
  }
  it.each([
    ['name first', '{"name":"date-fns","version":"4.1.0"}', 'date-fns'],
    ['a nested name before the top-level one', '{"author":{"name":"someone"},"name":"real"}', 'real'],
    [
      'a name inside an array of objects first',
      '{"contributors":[{"name":"a"}],\n  "name" : "@scope/pkg"}',
      '@scope/pkg',
    ],
    ['an escaped quote in a string before it', '{"description":"say \\"name\\": x","name":"pkg"}', 'pkg'],
    ['a BOM', '\ufeff{"name":"bom"}', 'bom'],
    ['a name that is not a string', '{"name":1}', undefined],
    ['no name', '{"version":"1.0.0"}', undefined],
    ['an empty name', '{"name":""}', undefined],
    ['broken JSON', '{"name', undefined],
  ])('%s', (_, text, name) => {
    const file = write(text)
    expect(manifestNameOf(file)).toBe(name)
    // Where it answers, the full parse agrees.
    if (name !== undefined) expect((JSON.parse(text.replace(/^\ufeff/, '')) as { name: string }).name).toBe(name)
  })
  it('a missing file', () => {
    expect(manifestNameOf(path.join(dir, 'missing.json'))).toBeUndefined()
  })
})

describe('installFolderOf', () => {
  it.each([
    ['/p/node_modules/rxjs/dist/esm/index.js', '/p/node_modules/rxjs'],
    ['/p/node_modules/@scope/pkg/lib/a.js', '/p/node_modules/@scope/pkg'],
    ['/p/node_modules/a/node_modules/b/x.js', '/p/node_modules/a/node_modules/b'],
    ['/p/node_modules/rxjs', '/p/node_modules/rxjs'],
    ['/p/node_modules/@scope/pkg', '/p/node_modules/@scope/pkg'],
    ['/p/node_modules/.pnpm/x@1/node_modules', undefined],
    ['/p/node_modules/.pnpm/x@1/node_modules/x/i.js', '/p/node_modules/.pnpm/x@1/node_modules/x'],
    ['/p/node_modules/@scope', undefined],
    ['/p/node_modules/@scope/', undefined],
    ['/p/src/a.js', undefined],
  ])('%s -> %s', (file, folder) => {
    expect(installFolderOf(file)).toBe(folder)
  })
})
