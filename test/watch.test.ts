import fs from 'node:fs'
import path from 'node:path'
import { watch, type RolldownWatcher } from 'rolldown'
import { afterEach, describe, expect, it } from 'vitest'
import { singletonGuard } from '../src/index.ts'
import { statefulModule, writeFixture } from './helpers/fixture.ts'

let watcher: RolldownWatcher | undefined
afterEach(async () => {
  await watcher?.close()
})

/** Resolves with the next build's outcome: undefined when it passed, the error text when it failed. */
function nextBuild(active: RolldownWatcher): Promise<string | undefined> {
  return new Promise((resolve) => {
    const onEvent = (event: { code: string; error?: { message: string }; result?: { close(): Promise<void> } }) => {
      if (event.code === 'BUNDLE_END') {
        active.off('event', onEvent)
        void event.result?.close()
        resolve(undefined)
      } else if (event.code === 'ERROR') {
        active.off('event', onEvent)
        void event.result?.close()
        resolve(event.error?.message ?? 'error')
      }
    }
    active.on('event', onEvent)
  })
}

describe('watch mode', () => {
  it('follows the marker as it is added and removed between rebuilds', async () => {
    const dir = writeFixture('watch-marker', {
      'package.json': JSON.stringify({ name: 'app', type: 'module' }),
      'src/state.js': statefulModule('state', '// @singleton\n'),
      'src/main.js': `import { store } from './state.js'\nimport { store as twin } from 'linked/state.js'\nexport const same = store === twin\n`,
      'node_modules/linked': { symlink: '../src' },
    })
    const state = path.join(dir, 'src/state.js')
    watcher = watch({
      input: { main: path.join(dir, 'src/main.js') },
      cwd: dir,
      resolve: { symlinks: false },
      plugins: [singletonGuard({ root: dir })],
      output: { dir: path.join(dir, 'dist') },
      logLevel: 'silent',
    })
    expect(await nextBuild(watcher)).toContain('SINGLETON_DUPLICATED')

    const unmarked = nextBuild(watcher)
    fs.writeFileSync(state, statefulModule('state'))
    expect(await unmarked).toBeUndefined()

    const marked = nextBuild(watcher)
    fs.writeFileSync(state, statefulModule('state', '// @singleton\n'))
    expect(await marked).toContain('SINGLETON_DUPLICATED')
  })
})
