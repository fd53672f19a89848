import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, describe, expect, it } from 'vitest'
import type { RegistryListing } from '../src/index.ts'
import { hasChromium, launchChromium, NO_CHROMIUM } from './helpers/browser.ts'
import { build } from './helpers/build.ts'
import { statefulModule, writeFixture } from './helpers/fixture.ts'

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' }

/** Serves `dir` on 127.0.0.1, as a static host would. */
async function serve(dir: string): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = http.createServer((request, response) => {
    const file = path.join(dir, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname))
    if (!file.startsWith(dir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      response.writeHead(404).end()
      return
    }
    response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' })
    response.end(fs.readFileSync(file))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) }
}

let browser: Browser | undefined
afterAll(async () => {
  await browser?.close()
})

describe.skipIf(!hasChromium)(
  `runtime guard in a browser (headless Chromium${hasChromium ? '' : `: ${NO_CHROMIUM}`})`,
  () => {
    it('a page that loads two copies shows the report in the console; a Web Worker copy stays silent', async () => {
      const dir = writeFixture('runtime-browser', {
        'package.json': JSON.stringify({ name: 'web-app', version: '2.0.0', type: 'module' }),
        'src/state.js': statefulModule(),
        'src/main.js': `import { store } from './state.js'\nstore.set('loaded', true)\nglobalThis.loaded = (globalThis.loaded ?? 0) + 1\nexport { store }\n`,
        'src/worker.js': `import { store } from './state.js'\npostMessage({ size: store.size, list: globalThis[Symbol.for('singleton-guard.registry')].list() })\n`,
        // The classic script runs first; the module script is deferred. The worker is a realm of its own.
        'index.html': `<!doctype html>
<script src="./dist/classic/main.js"></script>
<script type="module">
  await import('./dist/module/main.js')
  const worker = new Worker('./dist/module/worker.js', { type: 'module' })
  globalThis.fromWorker = await new Promise((resolve) => worker.onmessage = (event) => resolve(event.data))
</script>
`,
      })
      const guard = { singletons: 'src/state.js', runtimeGuard: 'warn' as const }
      const classic = await build(dir, {
        input: { main: 'src/main.js' },
        guard,
        outputs: [{ dir: 'dist/classic', format: 'iife', name: 'App' }],
      })
      expect(classic.error).toBeUndefined()
      const modules = await build(dir, {
        input: { main: 'src/main.js', worker: 'src/worker.js' },
        guard,
        outputs: [{ dir: 'dist/module', format: 'esm' }],
      })
      expect(modules.error).toBeUndefined()

      const server = await serve(dir)
      try {
        browser = await launchChromium()
        const page = await browser.newPage()
        const errors: string[] = []
        page.on('console', (message) => {
          if (message.type() === 'error') errors.push(message.text())
        })
        page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`))
        await page.goto(`${server.origin}/index.html`)
        await page
          .waitForFunction(() => (globalThis as { fromWorker?: unknown }).fromWorker !== undefined, undefined, {
            timeout: 30_000,
          })
          .catch((error: unknown) => {
            throw new Error(`the worker never answered; the page said: ${JSON.stringify(errors)}`, { cause: error })
          })
        const state = await page.evaluate(() => ({
          loaded: (globalThis as { loaded?: number }).loaded,
          evaluations: (globalThis as Record<string, unknown>)['__evaluations'],
          list: (globalThis as unknown as Record<symbol, { list(): RegistryListing[] }>)[
            Symbol.for('singleton-guard.registry')
          ]?.list(),
          fromWorker: (globalThis as { fromWorker?: { size: number; list: RegistryListing[] } }).fromWorker,
        }))
        // The oracle, beside the report: two evaluations in the page, one in the worker.
        expect(state.loaded).toBe(2)
        expect(state.evaluations).toEqual({ state: 2 })
        const classicUrl = `${server.origin}/dist/classic/main.js`
        const moduleChunk = state.list?.[0]?.files[1] ?? ''
        expect(moduleChunk.startsWith(`${server.origin}/dist/module/`)).toBe(true)
        expect(state.list).toEqual([
          { module: 'web-app/src/state.js', count: 2, files: [classicUrl, moduleChunk], versions: ['2.0.0', '2.0.0'] },
        ])
        // Chromium also logs the 404 of /favicon.ico as a console error: keep the guard's.
        const reports = errors.filter((text) => !text.startsWith('Failed to load resource'))
        expect(reports).toHaveLength(1)
        expect(reports[0]).toContain(
          '[singleton-guard] SINGLETON_DUPLICATED_AT_RUNTIME: web-app/src/state.js is evaluated 2 times',
        )
        expect(reports[0]).toContain(`copy 1: ${classicUrl} (version 2.0.0)`)
        expect(reports[0]).toContain(`copy 2: ${moduleChunk} (version 2.0.0)`)
        expect(state.fromWorker?.list).toEqual([expect.objectContaining({ module: 'web-app/src/state.js', count: 1 })])
      } finally {
        await server.close()
      }
    })
  },
)
