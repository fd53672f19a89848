import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { installsOf, isolatedProject, npmInstall, packPlugin, typecheck } from './helpers/pack.ts'

const execFileAsync = promisify(execFile)
const made: string[] = []
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true })
})

const config = (singletons: string) => `import type { RollupOptions } from 'rollup'
import { singletonGuard } from 'rolldown-plugin-singleton-guard'

const config: RollupOptions = {
  input: 'src/main.js',
  output: { dir: 'dist', format: 'es' },
  plugins: [singletonGuard({ ${singletons}: 'src/state.js', promote: true })],
}
export default config
`

describe('installing into a Rollup-only project', () => {
  it('adds no rolldown, type-checks the config against the published types, and builds', async () => {
    const dir = isolatedProject('rollup-only', {
      'src/state.js': 'export const store = new Map()\n',
      'src/main.js': `import { store } from './state.js'\nexport const lazy = () => import('./reader.js')\nexport const size = () => store.size\n`,
      'src/reader.js': `import { store } from './state.js'\nexport const read = (k) => store.get(k)\n`,
      // Rollup's own declarations use `Symbol.asyncDispose`; ours are checked too (no skipLibCheck).
      'tsconfig.json': JSON.stringify({
        compilerOptions: {
          target: 'esnext',
          lib: ['esnext'],
          module: 'nodenext',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: [],
        },
        include: ['rollup.config.ts'],
      }),
      'rollup.config.ts': config('singletons'),
    })
    made.push(dir)
    const tarball = await packPlugin(dir)
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({
        name: 'rollup-only',
        private: true,
        type: 'module',
        dependencies: { rollup: '4.68.5', 'rolldown-plugin-singleton-guard': `file:${tarball}` },
      }),
    )
    await npmInstall(dir)

    expect(installsOf(dir, 'rollup-plugin-singleton-guard')).toEqual([])
    expect(installsOf(dir, 'rolldown-plugin-singleton-guard')).toHaveLength(1)
    expect(installsOf(dir, 'rollup').map((install) => install.version)).toEqual(['4.68.5'])
    expect(installsOf(dir, 'rolldown')).toEqual([])
    expect(installsOf(dir, 'vite')).toEqual([])
    expect(installsOf(dir, 'tsdown')).toEqual([])

    expect(await typecheck(dir)).toEqual({ ok: true, output: '' })
    // The check is real: a misspelt option fails it.
    fs.writeFileSync(path.join(dir, 'rollup.config.ts'), config('singletonz'))
    const misspelt = await typecheck(dir)
    expect(misspelt.ok).toBe(false)
    expect(misspelt.output).toContain(`'singletonz' does not exist in type 'Options'`)

    // And the plugin runs under Rollup without rolldown installed.
    fs.writeFileSync(
      path.join(dir, 'rollup.config.mjs'),
      config('singletons')
        .replace(/^import type .*\n/, '')
        .replace(': RollupOptions', ''),
    )
    const { stdout, stderr } = await execFileAsync(
      process.execPath,
      ['node_modules/rollup/dist/bin/rollup', '-c', 'rollup.config.mjs'],
      {
        cwd: dir,
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      },
    )
    expect(stdout + stderr).toContain('SINGLETON_PROMOTED: 2 modules promoted to stable entries')
    expect(fs.readdirSync(path.join(dir, 'dist')).sort()).toEqual(['main.js', 'reader.js', 'state.js'])
  })
})
