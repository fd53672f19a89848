import { describe, expect, it } from 'vitest'
import { candidatesAcross, candidatesWithin, copyKeyOf } from '../../src/core/copy-candidates.ts'

const chunk = (fileName: string, ids: string[]) => ({ fileName, ids })
const ids = (groups: { id: string }[][]) => groups.map((group) => group.map((placement) => placement.id).sort())

describe('copy candidates, from the ids alone', () => {
  it('keys a package file by its name and subpath, whatever the install folder', () => {
    expect(copyKeyOf('/app/node_modules/shared/index.js')).toBe('node_modules:shared/index.js')
    expect(copyKeyOf('/app/node_modules/tool/node_modules/shared/index.js?v=1')).toBe('node_modules:shared/index.js')
    expect(copyKeyOf('/app/node_modules/.pnpm/shared@1.0.0/node_modules/shared/index.js')).toBe(
      'node_modules:shared/index.js',
    )
    expect(copyKeyOf('/app/src/state.ts?worker')).toBe('/app/src/state.ts')
    expect(copyKeyOf('\0virtual:thing')).toBeUndefined()
  })

  it('finds two installs at one subpath, and a file with and without a query', () => {
    const found = candidatesWithin([
      chunk('main.js', [
        '/app/node_modules/shared/index.js',
        '/app/node_modules/shared/util.js',
        '/app/node_modules/@scope/pkg/a.js',
        '/app/src/state.js',
        '/app/src/main.js',
      ]),
      chunk('lazy.js', [
        '/app/node_modules/tool/node_modules/shared/index.js',
        '/app/node_modules/tool/index.js',
        '/app/node_modules/other/node_modules/@scope/pkg/a.js',
        '/app/src/state.js?fresh',
      ]),
    ])
    expect(ids(found).sort()).toEqual([
      ['/app/node_modules/@scope/pkg/a.js', '/app/node_modules/other/node_modules/@scope/pkg/a.js'],
      ['/app/node_modules/shared/index.js', '/app/node_modules/tool/node_modules/shared/index.js'],
      ['/app/src/state.js', '/app/src/state.js?fresh'],
    ])
  })

  it('finds nothing, with no second pass, where every package is installed once and no id has a query', () => {
    expect(
      candidatesWithin([
        chunk('main.js', ['/app/node_modules/a/index.js', '/app/node_modules/a/lib/x.js', '/app/src/main.js']),
        chunk('b.js', ['/app/node_modules/b/index.js', '/app/node_modules/.pnpm/c@1/node_modules/c/i.js']),
      ]),
    ).toEqual([])
  })

  it('sees a nested install right after its parent install, and pnpm variants of one scoped package', () => {
    // Ids of one install come together; the one after them lies below that install's own folder.
    const found = candidatesWithin([
      chunk('main.js', [
        '/app/node_modules/tool/index.js',
        '/app/node_modules/tool/node_modules/shared/index.js',
        '/app/node_modules/shared/index.js',
        '/app/node_modules/.pnpm/@s+state@1.0.0/node_modules/@s/state/index.js',
        '/app/node_modules/.pnpm/@s+state@1.0.0_peer@2/node_modules/@s/state/index.js',
      ]),
    ])
    expect(ids(found).sort()).toEqual([
      [
        '/app/node_modules/.pnpm/@s+state@1.0.0/node_modules/@s/state/index.js',
        '/app/node_modules/.pnpm/@s+state@1.0.0_peer@2/node_modules/@s/state/index.js',
      ],
      ['/app/node_modules/shared/index.js', '/app/node_modules/tool/node_modules/shared/index.js'],
    ])
  })

  it('does not take two subpaths of two installs for one module', () => {
    expect(
      candidatesWithin([
        chunk('main.js', ['/app/node_modules/shared/index.js', '/app/node_modules/tool/node_modules/shared/lib.js']),
      ]),
    ).toEqual([])
  })

  it('groups by real path where the build keeps symlinked paths as ids', () => {
    const real = (id: string) => id.replace('/app/node_modules/linked/', '/app/src/')
    const found = candidatesWithin([chunk('main.js', ['/app/src/state.js', '/app/node_modules/linked/state.js'])], real)
    expect(ids(found)).toEqual([['/app/node_modules/linked/state.js', '/app/src/state.js']])
  })

  it('finds the same module in two outputs, per output', () => {
    const found = candidatesAcross(
      { key: 'cjs', chunks: [chunk('main.cjs', ['/app/src/state.js', '/app/src/only-cjs.js'])] },
      [
        { key: 'esm', chunks: [chunk('main.js', ['/app/src/state.js', '/app/src/main.js'])] },
        { key: 'other', chunks: [chunk('x.js', ['/app/node_modules/tool/node_modules/y/i.js'])] },
      ],
    )
    expect([...found.keys()]).toEqual(['/app/src/state.js'])
    expect(Object.fromEntries(found.get('/app/src/state.js') ?? [])).toEqual({
      cjs: [{ id: '/app/src/state.js', chunk: 'main.cjs' }],
      esm: [{ id: '/app/src/state.js', chunk: 'main.js' }],
    })
  })
})
