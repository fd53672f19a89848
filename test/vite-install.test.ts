import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { installsOf, isolatedProject, npmInstall, packPlugin, typecheck } from './helpers/pack.ts'

const made: string[] = []
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true })
})

describe('installing into a Vite project', () => {
  it("adds no second rolldown beside Vite's own, and the config type-checks", async () => {
    const dir = isolatedProject('vite-app', {
      'vite.config.ts': `import { defineConfig } from 'vite'
import { singletonGuard } from 'rolldown-plugin-singleton-guard'

export default defineConfig({
  builder: { sharedPlugins: true },
  plugins: [singletonGuard({ singletons: 'src/state.ts', promote: true })],
})
`,
      // As Vite's own templates do: Vite's declarations need @types/node, which this project does not install.
      'tsconfig.json': JSON.stringify({
        compilerOptions: {
          target: 'esnext',
          lib: ['esnext'],
          module: 'nodenext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        include: ['vite.config.ts'],
      }),
    })
    made.push(dir)
    const tarball = await packPlugin(dir)
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({
        name: 'vite-app',
        private: true,
        type: 'module',
        dependencies: { vite: '8.3.8', 'rolldown-plugin-singleton-guard': `file:${tarball}` },
      }),
    )
    await npmInstall(dir)

    const vite = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules/vite/package.json'), 'utf8'))
    const rolldowns = installsOf(dir, 'rolldown')
    expect(rolldowns).toEqual([{ path: 'node_modules/rolldown', version: expect.any(String) }])
    expect(vite.dependencies.rolldown).toContain(
      (rolldowns[0] as { version: string }).version.split('.').slice(0, 2).join('.'),
    )
    expect(installsOf(dir, 'rollup')).toEqual([])
    expect(await typecheck(dir)).toEqual({ ok: true, output: '' })
  })
})
