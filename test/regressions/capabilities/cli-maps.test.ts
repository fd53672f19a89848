import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildWithout, runCli } from '../../helpers/cli.ts'
import { statefulModule, writeFixture, type FixtureFiles } from '../../helpers/fixture.ts'

function lazyProject(): FixtureFiles {
  return {
    'package.json': JSON.stringify({ name: 'app', type: 'module' }),
    'src/state.js': statefulModule(),
    'src/reader.runtime.js': `import { store } from 'linked/state.js'\nexport const read = (k) => store.get(k)\n`,
    'src/main.js': `import { store } from './state.js'\nexport const write = (k, v) => store.set(k, v)\nexport const lazyRead = async (k) => (await import('./reader.runtime.js')).read(k)\n`,
    'node_modules/linked': { symlink: '../src' },
  }
}

async function twinBuild(name: string, output: object = {}): Promise<string> {
  const dir = writeFixture(name, lazyProject())
  await buildWithout('rolldown', dir, { input: { main: 'src/main.js' }, preserveSymlinks: true, rolldown: { output } })
  return dir
}

const chunksOf = (dir: string) => fs.readdirSync(path.join(dir, 'dist')).filter((f) => f.endsWith('.js'))

describe('CLI source map shapes', () => {
  it('an inline map with a charset parameter (data:application/json;charset=utf-8;base64,...)', async () => {
    const dir = await twinBuild('maps-charset')
    for (const chunk of chunksOf(dir)) {
      const file = path.join(dir, 'dist', chunk)
      const map = fs.readFileSync(`${file}.map`)
      const code = fs
        .readFileSync(file, 'utf8')
        .replace(
          /\/\/# sourceMappingURL=.*$/m,
          `//# sourceMappingURL=data:application/json;charset=utf-8;base64,${map.toString('base64')}`,
        )
      fs.writeFileSync(file, code)
      fs.rmSync(`${file}.map`)
    }
    const run = await runCli(dir, ['audit', 'dist', '--json'])
    expect(run.exitCode, run.stderr).toBe(1)
    expect(JSON.parse(run.stdout).findings[0].copies).toHaveLength(2)
  })

  it('maps kept in another folder (sourceMappingURL=../maps/x.js.map, as hidden maps for an error tracker)', async () => {
    const dir = await twinBuild('maps-elsewhere')
    fs.mkdirSync(path.join(dir, 'maps'))
    for (const chunk of chunksOf(dir)) {
      const file = path.join(dir, 'dist', chunk)
      fs.renameSync(`${file}.map`, path.join(dir, 'maps', `${chunk}.map`))
      const map = JSON.parse(fs.readFileSync(path.join(dir, 'maps', `${chunk}.map`), 'utf8'))
      map.sources = map.sources.map((s: string) => path.posix.join('../dist', s))
      fs.writeFileSync(path.join(dir, 'maps', `${chunk}.map`), JSON.stringify(map))
      fs.writeFileSync(
        file,
        fs.readFileSync(file, 'utf8').replace(/sourceMappingURL=.*$/m, `sourceMappingURL=../maps/${chunk}.map`),
      )
    }
    const run = await runCli(dir, ['audit', 'dist', '--json'])
    expect(run.exitCode, run.stderr).toBe(1)
  })

  it('a map with null in sources and a sourceRoot', async () => {
    const dir = await twinBuild('maps-sourceroot')
    for (const chunk of chunksOf(dir)) {
      const file = path.join(dir, 'dist', chunk)
      const map = JSON.parse(fs.readFileSync(`${file}.map`, 'utf8'))
      map.sourceRoot = '../'
      map.sources = map.sources.map((s: string) => s.replace(/^\.\.\//, ''))
      map.sources.push(null)
      fs.writeFileSync(`${file}.map`, JSON.stringify(map))
    }
    const run = await runCli(dir, ['audit', 'dist', '--json'])
    expect(run.stderr).not.toMatch(/\n\s+at /)
    expect(run.exitCode, run.stderr).toBe(1)
  })
})
