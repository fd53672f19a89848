import { describe, expect, it } from 'vitest'
import { build } from '../../helpers/build.ts'
import { execute, writeFixture } from '../../helpers/fixture.ts'

const COUNT = `globalThis.__evaluations ??= {}\nglobalThis.__evaluations.state = (globalThis.__evaluations.state ?? 0) + 1\n`

/** One file under two ids (a preserved symlink): the writer and a lazy reader each get a copy. */
function project(state: string) {
  return writeFixture('rb-shared', {
    'package.json': JSON.stringify({ name: 'app', type: 'module' }),
    'src/state.js': `${state}${COUNT}`,
    'src/main.js': `import { recent } from './state.js'\nexport function write(key, value) { recent.set(key, value) }\nexport async function lazyRead(key) { return (await import('./reader.runtime.js')).read(key) }\n`,
    'src/reader.runtime.js': `import { recent } from 'linked/state.js'\nexport const read = (key) => recent.get(key)\n`,
    'node_modules/linked': { symlink: '../src' },
  })
}

const probe = `const main = await import('./dist/main.js')\nmain.write('key', 42)\nconst seen = (await main.lazyRead('key')) === 42\nconsole.log(JSON.stringify({ evaluations: globalThis.__evaluations.state, seen }))\n`

describe('state on globalThis[Symbol.for] that copies do NOT share', () => {
  it.each([
    [
      'plain assignment: each copy replaces the slot',
      `export const recent = (globalThis[Symbol.for('app.recent')] = new Map())\n`,
    ],
    [
      'assignment as a statement, then read',
      `globalThis[Symbol.for('app.recent')] = new Map()\nexport const recent = globalThis[Symbol.for('app.recent')]\n`,
    ],
  ])('%s: executed, the copies do not share; the build must fail', async (_, state) => {
    const dir = project(state)
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'src/state.js' },
      inputOptions: { resolve: { symlinks: false } },
    })
    const truth = await execute<{ evaluations: number; seen: boolean }>(dir, probe)
    expect(truth).toEqual({ evaluations: 2, seen: false })
    expect(result.errorCode).toBe('SINGLETON_DUPLICATED')
  })

  it('control: ??= shares, and the plugin says so', async () => {
    const dir = project(`export const recent = (globalThis[Symbol.for('app.recent')] ??= new Map())\n`)
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'src/state.js' },
      inputOptions: { resolve: { symlinks: false } },
    })
    expect(result.error).toBeUndefined()
    expect(await execute(dir, probe)).toEqual({ evaluations: 2, seen: true })
  })
})
