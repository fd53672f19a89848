import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildWithout, runCli } from '../../helpers/cli.ts'
import { statefulModule, writeFixture } from '../../helpers/fixture.ts'

describe('CLI --html', () => {
  it('module and chunk names are escaped in the page (a file named with markup)', async () => {
    const evil = 'x<img src=y onerror=alert(1)>'
    const dir = writeFixture('cli-html-escape', {
      'package.json': JSON.stringify({ name: 'app', type: 'module' }),
      [`src/${evil}.js`]: statefulModule(),
      'src/reader.runtime.js': `import { store } from 'linked/${evil}.js'\nexport const read = (k) => store.get(k)\n`,
      'src/main.js': `import { store } from './${evil}.js'\nexport const write = (k, v) => store.set(k, v)\nexport const lazyRead = async (k) => (await import('./reader.runtime.js')).read(k)\n`,
      'node_modules/linked': { symlink: '../src' },
    })
    await buildWithout('rolldown', dir, { input: { main: 'src/main.js' }, preserveSymlinks: true })
    const run = await runCli(dir, ['audit', 'dist', '--html', 'page.html'])
    expect(run.exitCode).toBe(1)
    const page = fs.readFileSync(path.join(dir, 'page.html'), 'utf8')
    expect(page).toContain('onerror') // the name is there
    expect(page).not.toContain('<img src=y onerror=alert(1)>')
  })

  it("--html index.html replaces the app's own index.html, exit 0", async () => {
    const dir = writeFixture('cli-html-overwrite', {
      'package.json': JSON.stringify({ name: 'app', type: 'module' }),
      'src/state.js': statefulModule(),
      'src/main.js': `export { store } from './state.js'\n`,
      'index.html': '<!doctype html><title>my app</title>',
    })
    await buildWithout('rolldown', dir, { input: { main: 'src/main.js' } })
    const run = await runCli(dir, ['audit', 'dist', '--html', 'index.html'])
    const after = fs.readFileSync(path.join(dir, 'index.html'), 'utf8')
    // Either refused (exit 2, one line naming the file) or the user's page kept; today it is replaced, exit 0.
    if (run.exitCode !== 2) expect(after).toBe('<!doctype html><title>my app</title>')
    else expect(run.stderr).toContain('index.html')
  })
})
