import { describe, expect, it } from 'vitest'
import { build } from '../../helpers/build.ts'
import { statefulModule, writeFixture } from '../../helpers/fixture.ts'
import { runProbe } from '../../helpers/runtime.ts'
import { viteBuild } from '../../helpers/vite.ts'
import { singletonGuard } from '../../../src/index.ts'

function app() {
  return writeFixture('rg-types', {
    'package.json': JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }),
    'src/stores/state.js': statefulModule(),
    'src/stores/defaults.json': JSON.stringify({ ttl: 5 }),
    'src/stores/schema.txt': 'plain text',
    'src/main.js': `import { store } from './stores/state.js'\nimport defaults from './stores/defaults.json'\nexport { store }\nexport const ttl = defaults.ttl\n`,
  })
}

describe('runtime guard on non-JS modules a pattern declares', () => {
  for (const singletons of ['src/stores', 'src/stores/**', /stores/]) {
    it(`rolldown, singletons ${String(singletons)}: a JSON module under it builds and loads`, async () => {
      const dir = app()
      const r = await build(dir, { input: { main: 'src/main.js' }, guard: { singletons, runtimeGuard: 'warn' } })
      expect(r.error).toBeUndefined()
      const run = await runProbe<{ ttl: number }>(
        dir,
        `const m = await import('./dist/main.js'); console.log(JSON.stringify({ ttl: m.ttl }))`,
      )
      expect(run.result).toEqual({ ttl: 5 })
      expect(run.stderr).toBe('')
    })
  }

  it('control: the same patterns without runtimeGuard build', async () => {
    for (const singletons of ['src/stores', 'src/stores/**', /stores/]) {
      const r = await build(app(), { input: { main: 'src/main.js' }, guard: { singletons } })
      expect(r.error).toBeUndefined()
    }
  })

  it('Vite, singletons src/stores: a JSON module and a ?raw text under it build', async () => {
    const dir = app()
    const r = await viteBuild(dir, {
      logLevel: 'silent',
      plugins: [singletonGuard({ root: dir, singletons: 'src/stores', runtimeGuard: 'warn' })],
      build: { outDir: 'dist', rollupOptions: { input: 'src/main.js' } },
    })
    expect(r.error).toBeUndefined()
  })
})
