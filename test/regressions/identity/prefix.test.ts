import { rolldown } from 'rolldown'
import { describe, expect, it } from 'vitest'
import { singletonGuard } from '../../../src/index.ts'
import { writeFixture } from '../../helpers/fixture.ts'
import { queryLoader } from '../../helpers/query-loader.ts'
import { lazyReaderProject, truthOf } from '../../helpers/realms.ts'
import { build } from '../../helpers/build.ts'

describe('one prefix on a failed rolldown API build', () => {
  it('the thrown error names the plugin once and keeps the code', async () => {
    const dir = writeFixture('review-prefix', lazyReaderProject('./state.js?fresh'))
    let thrown:
      | { message: string; code?: string; errors?: { message: string; pluginCode?: string; plugin?: string }[] }
      | undefined
    const bundle = await rolldown({
      cwd: dir,
      input: { main: 'src/main.js' },
      plugins: [queryLoader, singletonGuard({ root: dir, singletons: 'src/state.js' })],
    })
    try {
      await bundle.write({ dir: `${dir}/dist` })
    } catch (error) {
      thrown = error as never
    } finally {
      await bundle.close()
    }
    await build(dir, { input: { main: 'src/main.js' }, guard: { singletons: 'src/state.js' }, plugins: [queryLoader] })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    const message = thrown?.errors?.[0]?.message ?? thrown?.message ?? ''
    console.log(
      JSON.stringify({
        top: thrown?.message.slice(0, 300),
        first: message.slice(0, 300),
        code: thrown?.errors?.[0]?.pluginCode,
      }),
    )
    expect(thrown?.errors?.[0]?.pluginCode).toBe('SINGLETON_DUPLICATED')
    expect((message.match(/singleton-guard/g) ?? []).length).toBeLessThanOrEqual(1)
  })
})
