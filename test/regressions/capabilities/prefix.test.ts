import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { projectRoot, statefulModule, writeFixture } from '../../helpers/fixture.ts'
import { runViteCli } from '../../helpers/vite.ts'

const exec = promisify(execFile)
const plugin = JSON.stringify(path.join(projectRoot, 'dist/index.mjs'))

function twin(config: Record<string, string>) {
  return writeFixture('prefix', {
    'package.json': JSON.stringify({ name: 'app', type: 'module' }),
    'src/state.js': statefulModule(),
    'src/main.js': `import { store } from './state.js'\nimport { store as again } from './state.js?again'\nexport const same = store === again\n`,
    ...config,
  })
}

const queryPlugin = `{ name: 'q', resolveId(s, i) { if (s.endsWith('?again')) return this.resolve(s.slice(0, -6), i).then((r) => r && { id: r.id + '?again' }) }, load(id) { if (id.endsWith('?again')) return (require('node:fs')).readFileSync(id.slice(0, -6), 'utf8') } }`

async function run(cmd: string[], cwd: string) {
  try {
    const { stdout, stderr } = await exec(process.execPath, cmd, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    })
    return { code: 0, out: stdout + stderr }
  } catch (e) {
    const f = e as { code: number; stdout: string; stderr: string }
    return { code: f.code, out: f.stdout + f.stderr }
  }
}

describe('one prefix per message, no stack trace, under each host CLI', () => {
  it('rollup -c: a failing check prints once prefixed and without a plugin stack trace', async () => {
    const dir = twin({
      'rollup.config.mjs': `import { createRequire } from 'node:module'\nconst require = createRequire(import.meta.url)\nimport { singletonGuard } from ${plugin}\nexport default { input: 'src/main.js', output: { dir: 'dist', format: 'es' }, plugins: [${queryPlugin}, singletonGuard({ singletons: 'src/state.js' })] }\n`,
    })
    const r = await run([path.join(projectRoot, 'node_modules/rollup/dist/bin/rollup'), '-c'], dir)
    expect(r.code).toBe(1)
    expect(r.out).toContain('SINGLETON_DUPLICATED')
    expect(r.out.match(/singleton-guard/g)?.length ?? 0).toBeLessThanOrEqual(3)
    expect(r.out).not.toMatch(/\[plugin singleton-guard[^\]]*\] \[singleton-guard\]/)
    expect(r.out).not.toMatch(/^\s+at .*singleton-guard/m)
  })

  it('vite build: the same', async () => {
    const dir = twin({
      'vite.config.mjs': `import { createRequire } from 'node:module'\nconst require = createRequire(import.meta.url)\nimport { singletonGuard } from ${plugin}\nexport default { build: { rollupOptions: { input: 'src/main.js' } }, plugins: [${queryPlugin}, singletonGuard({ singletons: 'src/state.js' })] }\n`,
    })
    const r = await runViteCli(dir, ['build'])
    expect(r.exitCode).toBe(1)
    expect(r.output).toContain('SINGLETON_DUPLICATED')
    expect(r.output).not.toMatch(/\[singleton-guard[^\]]*\][^\n]*\[singleton-guard\]/)
    expect(r.output).not.toMatch(/^\s+at /m)
  })
})
