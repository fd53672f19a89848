import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { displayModule, IdentityResolver, twinIdKind } from '../../src/core/identity.ts'
import { splitQuery } from '../../src/core/paths.ts'
import { writeFixture } from '../helpers/fixture.ts'

const manifest = (fields: Record<string, unknown>) => JSON.stringify(fields)

describe('splitQuery', () => {
  it('cuts at ? always and at # only when it is not part of a real file name', () => {
    const dir = writeFixture('split', { 'src/state#1.ts': '', 'c#/state.ts': '' })
    expect(splitQuery('/x/state.ts?worker')).toEqual({ file: '/x/state.ts', query: '?worker' })
    expect(splitQuery(path.join(dir, 'src/state#1.ts'))).toEqual({ file: path.join(dir, 'src/state#1.ts'), query: '' })
    expect(splitQuery(path.join(dir, 'c#/state.ts?raw'))).toEqual({
      file: path.join(dir, 'c#/state.ts'),
      query: '?raw',
    })
    expect(splitQuery(path.join(dir, 'src/other.ts#hash'))).toEqual({
      file: path.join(dir, 'src/other.ts'),
      query: '#hash',
    })
  })
})

describe('IdentityResolver', () => {
  const files = {
    'node_modules/shared-state/package.json': manifest({
      name: 'shared-state',
      version: '2.0.0',
      exports: './dist/index.mjs',
    }),
    'node_modules/shared-state/dist/index.mjs': '',
    'node_modules/tool/node_modules/shared-state/package.json': manifest({
      name: 'shared-state',
      version: '1.0.0',
      main: 'lib/index.js',
    }),
    'node_modules/tool/node_modules/shared-state/lib/index.js': '',
    'node_modules/nameless/package.json': manifest({ version: '3.0.0' }),
    'node_modules/nameless/index.js': '',
    'node_modules/nameless/esm/package.json': manifest({ type: 'module' }),
    'node_modules/nameless/esm/index.js': '',
    'src/state.ts': '',
    'src/link.ts': { symlink: 'state.ts' },
  }

  it('gives two installs with different layouts one key and two install keys', () => {
    const dir = writeFixture('identity', files)
    const resolver = new IdentityResolver()
    const top = resolver.identify(path.join(dir, 'node_modules/shared-state/dist/index.mjs'))
    const nested = resolver.identify(path.join(dir, 'node_modules/tool/node_modules/shared-state/lib/index.js'))
    expect(top?.key).toBe('package:shared-state/.')
    expect(nested?.key).toBe('package:shared-state/.')
    expect(top?.installKey).not.toBe(nested?.installKey)
    expect(displayModule(nested!, dir, true)).toBe('shared-state@1.0.0/lib/index.js')
  })

  it('names a package without a name by its folder, past nested type-only manifests', () => {
    const dir = writeFixture('identity-nameless', files)
    const resolver = new IdentityResolver()
    const identity = resolver.identify(path.join(dir, 'node_modules/nameless/esm/index.js'))
    expect(identity?.package).toMatchObject({ name: 'nameless', version: '3.0.0', nameFrom: 'folder' })
    expect(identity?.subpath).toBe('esm/index.js')
    expect(resolver.takeProblems()).toEqual([])
  })

  it('resolves a linked folder once for its files; a linked file itself where links are kept as ids', () => {
    const dir = writeFixture('identity-folder-links', { ...files, linked: { symlink: 'src' } })
    const resolver = new IdentityResolver()
    const real = path.join(fs.realpathSync(dir), 'src/state.ts')
    // The bundler resolved each file's own link: only a folder on the way can still be one.
    expect(resolver.identify(path.join(dir, 'linked/state.ts'))?.realpath).toBe(real)
    expect(resolver.identify(path.join(dir, 'src/link.ts'))?.realpath).toBe(
      path.join(fs.realpathSync(dir), 'src/link.ts'),
    )
  })

  it('resolves symlinks in identify but not in locate, and tells twins apart by kind', () => {
    const dir = writeFixture('identity-links', files)
    const resolver = new IdentityResolver()
    resolver.resolveFileLinks()
    const link = path.join(dir, 'src/link.ts')
    const real = path.join(fs.realpathSync(dir), 'src/state.ts')
    expect(resolver.locate(link)?.realpath).toBe(link)
    expect(resolver.identify(link)?.realpath).toBe(real)
    const plain = resolver.identify(real)!
    expect(twinIdKind(plain, resolver.identify(link)!)).toBe('symlink')
    expect(twinIdKind(plain, resolver.identify(`${real}?worker`)!)).toBe('query')
  })

  it('has no identity for virtual ids, relative ids and missing files', () => {
    const resolver = new IdentityResolver()
    expect(resolver.identify('\0virtual')).toBeNull()
    expect(resolver.identify('relative/x.js')).toBeNull()
    expect(resolver.identify('/definitely/missing.js')).toBeNull()
  })
})
