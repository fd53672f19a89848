import { describe, expect, it } from 'vitest'
import { build } from '../../helpers/build.ts'
import { statefulModule, writeFixture } from '../../helpers/fixture.ts'
import { queryLoader } from '../../helpers/query-loader.ts'
import { lazyReaderProject, manifest, truthOf, twoInstallsProject } from '../../helpers/realms.ts'

describe('messages of mixed causes', () => {
  it('two installs plus a query twin of one of them: three copies, both causes, every copy named', async () => {
    const files = twoInstallsProject(
      {
        'package.json': manifest({ name: 'shared-state', version: '2.0.0', exports: './index.js' }),
        'index.js': statefulModule(),
      },
      {
        'package.json': manifest({ name: 'shared-state', version: '1.4.0', exports: './index.js' }),
        'index.js': statefulModule(),
      },
    )
    files['src/extra.js'] = `export { store } from '../node_modules/shared-state/index.js?fresh'\n`
    files['src/main.js'] =
      `export { write } from './writer.js'\nexport { store as extra } from './extra.js'\nexport async function lazyRead(k) { return (await import('./reader.runtime.js')).read(k) }\n`
    const dir = writeFixture('review-mixed-causes', files)
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'shared-state' },
      plugins: [queryLoader],
    })
    expect(await truthOf(dir)).toEqual({ realms: 3, seen: false })
    expect({ code: result.errorCode, warnings: result.warnings.map((w) => w.code) }).toMatchObject({
      code: 'SINGLETON_DUPLICATED',
    })
    const message = result.error ?? ''
    expect(message).toContain('same package, two installs')
    expect(message).toContain('same file, two ids')
    // Two findings: the package's installs, and the install's query twin; every copy named in one of them.
    expect(message).toContain('shared-state@2.0.0/index.js?fresh')
    expect(message).toContain('shared-state@1.4.0/index.js')
    expect(message.match(/\[singleton-guard\]/g) ?? []).toHaveLength(0)
  })
})

describe('a query twin of a package declared by name', () => {
  it('one install, imported plainly and with ?fresh: two instances', async () => {
    const files = {
      ...lazyReaderProject('../node_modules/shared-state/index.js?fresh'),
      'src/state.js': `export { store } from 'shared-state'\n`,
      'node_modules/shared-state/package.json': manifest({
        name: 'shared-state',
        version: '2.0.0',
        exports: './index.js',
      }),
      'node_modules/shared-state/index.js': statefulModule(),
    }
    const dir = writeFixture('review-package-query-twin', files)
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'shared-state' },
      plugins: [queryLoader],
    })
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect({ code: result.errorCode, warnings: result.warnings.map((w) => w.code) }).toMatchObject({
      code: 'SINGLETON_DUPLICATED',
    })
    expect(result.error).toContain('same file, two ids')
  })
})
