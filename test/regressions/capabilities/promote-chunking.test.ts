import { describe, expect, it } from 'vitest'
import { build } from '../../helpers/build.ts'
import { execute, statefulModule, writeFixture } from '../../helpers/fixture.ts'

function service(): string {
  return writeFixture('pr-chunking', {
    'package.json': JSON.stringify({ name: 'svc', version: '1.0.0', type: 'module' }),
    'src/state.js': `${statefulModule()}export function v() { return 1 }\n`,
    'src/lazy/reader.runtime.js': `import { store } from '../state.js'\nexport const read = (k) => store.get(k)\n`,
    'src/other.js': `import { store } from './state.js'\nexport const size = () => store.size\n`,
    'src/main.js': `import { store } from './state.js'\nexport const write = (k, val) => store.set(k, val)\nexport const reader = () => import('./lazy/reader.runtime.js')\n`,
  })
}

describe("review-b promote with the user's own chunking", () => {
  it.each([
    [
      'codeSplitting.minSize',
      { codeSplitting: { minSize: 100_000, groups: [{ name: 'vendor', test: /node_modules/ }] } },
    ],
    [
      'codeSplitting.minShareCount',
      { codeSplitting: { minShareCount: 5, groups: [{ name: 'vendor', test: /node_modules/ }] } },
    ],
    [
      'advancedChunks.minSize',
      { advancedChunks: { minSize: 100_000, groups: [{ name: 'vendor', test: /node_modules/ }] } },
    ],
  ])('%s: the singleton is pinned to state.js as claimed, or not claimed', async (_, output) => {
    const dir = service()
    const r = await build(dir, {
      input: { main: 'src/main.js', other: 'src/other.js' },
      guard: { singletons: 'src/state.js', promote: true },
      outputs: [{ dir: 'dist', ...output } as never],
    })
    expect(r.error).toBeUndefined()
    const claimed = r.infos.find((i) => i.code === 'SINGLETON_PROMOTED')?.message ?? ''
    expect(claimed).toContain('"src/state.js"')
    expect(r.files[0]).toContain('state.js')
    const t = await execute<{ seen: boolean; realms: number }>(
      dir,
      `const m = await import('./dist/main.js'); m.write('k', 1); console.log(JSON.stringify({ seen: (await m.reader()).read('k') === 1, realms: globalThis.__evaluations.state }))`,
    )
    expect(t).toEqual({ seen: true, realms: 1 })
  })
})
