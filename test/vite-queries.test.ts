import path from 'node:path'
import type { Plugin } from 'vite'
import { describe, expect, it } from 'vitest'
import { singletonGuard } from '../src/index.ts'
import { execute, statefulModule, writeFixture, type FixtureFiles } from './helpers/fixture.ts'
import { findFile, viteBuild } from './helpers/vite.ts'

interface Truth {
  realms: number
  seen: boolean
}

function app(client: string): FixtureFiles {
  return {
    'package.json': JSON.stringify({ name: 'app', type: 'module' }),
    'src/state.ts': statefulModule(),
    'src/reader.ts': `import { store } from './state.ts'\nexport const read = (k: string) => store.get(k)\n`,
    'src/client.ts': `import { store } from './state.ts'\nimport { read } from './reader.ts'\n${client}\nstore.set('key', 1)\n;(globalThis as any).__seen = read('key') === 1\n`,
  }
}

const build = { outDir: 'dist', rollupOptions: { input: 'src/client.ts' } }

async function runClient(dir: string): Promise<Truth> {
  const entry = findFile(path.join(dir, 'dist'), /^assets\/client(-[\w-]+)?\.js$/)
  return execute<Truth>(
    dir,
    `await import('./dist/${entry}')\nconsole.log(JSON.stringify({ realms: globalThis.__evaluations.state, seen: globalThis.__seen, data: globalThis.__data }))\n`,
  )
}

describe('Vite: loader queries are not copies', () => {
  it('?raw, ?url, ?url&inline, ?worker, ?worker&inline and ?sharedworker of a singleton: silent, one realm', async () => {
    const dir = writeFixture(
      'vite-loader-queries',
      app(`import raw from './state.ts?raw'
import url from './state.ts?url'
import inlined from './state.ts?url&inline'
import StateWorker from './state.ts?worker'
import InlineWorker from './state.ts?worker&inline'
import SharedStateWorker from './state.ts?sharedworker'
;(globalThis as any).__data = [raw.includes('new Map()'), typeof url, typeof inlined, typeof StateWorker, typeof InlineWorker, typeof SharedStateWorker]`),
    )
    const result = await viteBuild(dir, { plugins: [singletonGuard({ root: dir, singletons: 'src/state.ts' })], build })
    expect(result.error).toBeUndefined()
    expect(result.logs).toEqual([])
    expect(await runClient(dir)).toEqual({
      realms: 1,
      seen: true,
      data: [true, 'string', 'string', 'function', 'function', 'function'],
    })
  })

  it('with promote, a ?raw twin is neither promoted nor a name clash', async () => {
    const dir = writeFixture(
      'vite-raw-promote',
      app(
        `import raw from './state.ts?raw'\nexport const lazy = () => import('./reader.ts')\n;(globalThis as any).__data = raw.length > 0`,
      ),
    )
    const result = await viteBuild(dir, {
      plugins: [singletonGuard({ root: dir, singletons: 'src/state.ts', promote: true })],
      build,
    })
    expect(result.error).toBeUndefined()
    expect(result.logs.join('\n')).not.toContain('SINGLETON_PROMOTE_CLASH')
    expect((await runClient(dir)).realms).toBe(1)
  })

  it('a query twin that still evaluates the file (?copy=2) is caught', async () => {
    const files = app(`import { store as twin } from './state.ts?copy=2'\ntwin.set('twin', 2)`)
    files['src/reader.ts'] = files['src/reader.ts']!.toString().replace("'./state.ts'", "'./state.ts?copy=2'")
    const dir = writeFixture('vite-query-twin', files)
    const result = await viteBuild(dir, { plugins: [singletonGuard({ root: dir, singletons: 'src/state.ts' })], build })
    expect(result.errorCode).toBe('SINGLETON_DUPLICATED')
    expect(result.error).toContain('src/state.ts is evaluated 2 times in one output (dist, es)')
    expect(result.error).toContain('copy 2: dist/assets/')
    expect(result.error).toContain('src/state.ts?copy=2')
    const warned = await viteBuild(dir, {
      plugins: [singletonGuard({ root: dir, singletons: 'src/state.ts', onDuplicate: 'warn' })],
      build,
    })
    expect(warned.logs.join('\n')).toContain('SINGLETON_DUPLICATED')
    expect(await runClient(dir)).toMatchObject({ realms: 2, seen: false })
  })

  it("a plugin's query named like data that still loads the code is caught: the module decides, not the name", async () => {
    // A plugin that loads `?raw&instrument` as instrumented code, not as a string.
    const instrument: Plugin = {
      name: 'instrument',
      enforce: 'pre',
      load: {
        filter: { id: /\?raw&instrument$/ },
        async handler(id) {
          const fs = await import('node:fs/promises')
          return `// instrumented\n${await fs.readFile(id.slice(0, id.indexOf('?')), 'utf8')}`
        },
      },
    }
    const files = app(`import { store as twin } from './state.ts?raw&instrument'\ntwin.set('twin', 2)`)
    const dir = writeFixture('vite-instrumented-twin', files)
    const result = await viteBuild(dir, {
      plugins: [instrument, singletonGuard({ root: dir, singletons: 'src/state.ts' })],
      build,
    })
    expect(result.errorCode).toBe('SINGLETON_DUPLICATED')
    expect(result.error).toContain('src/state.ts?raw&instrument')
    await viteBuild(dir, {
      plugins: [instrument, singletonGuard({ root: dir, singletons: 'src/state.ts', onDuplicate: 'warn' })],
      build,
    })
    expect((await runClient(dir)).realms).toBe(2)
  })

  it('?inline on a script is not a Vite loader: the module evaluates the file again, and is caught', async () => {
    const files = app(`import { store as twin } from './state.ts?inline'\ntwin.set('twin', 2)`)
    files['src/reader.ts'] = files['src/reader.ts']!.toString().replace("'./state.ts'", "'./state.ts?inline'")
    const dir = writeFixture('vite-inline-script', files)
    const result = await viteBuild(dir, { plugins: [singletonGuard({ root: dir, singletons: 'src/state.ts' })], build })
    expect(result.errorCode).toBe('SINGLETON_DUPLICATED')
    expect(result.error).toContain('src/state.ts?inline')
    await viteBuild(dir, {
      plugins: [singletonGuard({ root: dir, singletons: 'src/state.ts', onDuplicate: 'warn' })],
      build,
    })
    expect(await runClient(dir)).toMatchObject({ realms: 2, seen: false })
  })
})
