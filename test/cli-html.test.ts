/// <reference lib="dom" />
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { hasChromium, launchChromium, NO_CHROMIUM } from './helpers/browser.ts'
import { buildWithout, runCli } from './helpers/cli.ts'
import { execute, projectRoot, statefulModule, writeFixture } from './helpers/fixture.ts'

const resultsDir = path.join(projectRoot, 'test/.results')

describe.skipIf(!hasChromium)(`--html: the topology page${hasChromium ? '' : `: ${NO_CHROMIUM}`}`, () => {
  it('draws every chunk by kind, static and dynamic edges, and highlights the copies', async () => {
    const dir = writeFixture('cli-html', {
      'package.json': JSON.stringify({ name: 'agent-service', type: 'module' }),
      'src/delegate-store.js': statefulModule(),
      'src/tools/continue-work.js': `import { store } from '../delegate-store.js'\nexport const continueWork = (id) => store.set(id, 'pending')\n`,
      'src/agent-runner.runtime.js': `import { store } from 'linked/delegate-store.js'\nexport const pending = (id) => store.get(id)\n`,
      'src/main.js': `import { continueWork } from './tools/continue-work.js'
export async function reply(id) {
  continueWork(id)
  const runner = await import('./agent-runner.runtime.js')
  const direct = await import('./delegate-store.js')
  return runner.pending(id) === 'pending' && direct.store.get(id) === 'pending'
}
`,
      'node_modules/linked': { symlink: '../src' },
    })
    await buildWithout('esbuild', dir, { input: { main: 'src/main.js' }, preserveSymlinks: true })
    const truth = await execute<{ realms: number }>(
      dir,
      `const m = await import('./dist/main.js'); await m.reply('r'); console.log(JSON.stringify({ realms: globalThis.__evaluations.state }))`,
    )
    expect(truth.realms).toBe(2)

    const page = path.join(dir, 'topology.html')
    const run = await runCli(dir, ['audit', 'dist', '--html', 'topology.html'])
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toContain('topology written to topology.html')
    const html = fs.readFileSync(page, 'utf8')
    // Self-contained: nothing is fetched.
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i)

    const browser = await launchChromium()
    try {
      const tab = await browser.newPage({ viewport: { width: 1400, height: 800 } })
      const requests: string[] = []
      tab.on('request', (request) => {
        if (!request.url().startsWith('file:')) requests.push(request.url())
      })
      await tab.goto(`file://${page}`)
      const nodes = await tab.$$eval('g.node', (elements) =>
        elements.map((element) => ({
          chunk: element.getAttribute('data-chunk'),
          kind: element.getAttribute('data-kind'),
          copy: element.classList.contains('copy'),
          stroke: getComputedStyle(element.querySelector('rect') as Element).stroke,
          box: (element as SVGGraphicsElement).getBoundingClientRect().width,
        })),
      )
      const chunkFiles = fs.readdirSync(path.join(dir, 'dist')).filter((file) => file.endsWith('.js'))
      expect(nodes.map((node) => node.chunk?.replace('dist/', '')).sort()).toEqual(chunkFiles.sort())
      const copies = nodes.filter((node) => node.copy)
      // Both copies drawn, each outlined in red; nothing else is.
      expect(copies).toHaveLength(truth.realms)
      for (const copy of copies) {
        expect(copy.stroke).toBe('rgb(215, 38, 30)')
        expect(copy.box).toBeGreaterThan(0)
      }
      expect(nodes.filter((node) => !node.copy).every((node) => node.stroke !== 'rgb(215, 38, 30)')).toBe(true)
      expect(new Set(nodes.map((node) => node.kind))).toEqual(new Set(['entry', 'dynamic-entry', 'shared', 'shim']))
      expect(await tab.locator('path.edge.dynamic').count()).toBeGreaterThan(0)
      expect(await tab.locator('path.edge.static').count()).toBeGreaterThan(0)
      await expect(tab.locator('aside .finding').first().textContent()).resolves.toContain('src/delegate-store.js')

      fs.mkdirSync(resultsDir, { recursive: true })
      await tab.screenshot({ path: path.join(resultsDir, 'cli-topology.png'), fullPage: true })

      // Clicking the finding dims every chunk that does not hold a copy.
      await tab.locator('aside .finding').first().click()
      const dimmed = await tab.$$eval('g.node.dim', (elements) => elements.length)
      expect(dimmed).toBe(nodes.length - copies.length)
      expect(requests).toEqual([])
    } finally {
      await browser.close()
    }
  })
})
