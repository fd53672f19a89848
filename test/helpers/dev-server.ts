import type { Browser } from 'playwright-core'
import { launchChromium } from './browser.ts'
import { createLogger, createServer, type InlineConfig, type Logger, type ViteDevServer } from 'vite'

export interface DevServer {
  server: ViteDevServer
  url: string
  /** Every line Vite printed that mentions the plugin. */
  logs: string[]
  close(): Promise<void>
}

function recordingLogger(logs: string[]): Logger {
  const logger = createLogger('warn', { allowClearScreen: false })
  const keep = (message: string) => {
    if (message.includes('singleton-guard')) logs.push(message)
  }
  return { ...logger, info: keep, warn: keep, warnOnce: keep, error: keep }
}

/** Vite's dev server on 127.0.0.1, a free port, as `vite` starts it. */
export async function startDevServer(dir: string, config: InlineConfig): Promise<DevServer> {
  const logs: string[] = []
  const server = await createServer({
    root: dir,
    configFile: false,
    customLogger: recordingLogger(logs),
    server: { port: 0, host: '127.0.0.1', strictPort: false },
    ...config,
  })
  await server.listen()
  const url = server.resolvedUrls?.local[0]
  if (!url) throw new Error('the dev server has no local URL')
  return { server, url, logs, close: () => server.close() }
}

/** Requests `path` and every module it imports over HTTP, as a browser's module loader does. */
export async function requestModuleGraph(base: string, path: string): Promise<string[]> {
  const seen = new Set<string>()
  const visit = async (url: URL): Promise<void> => {
    const key = url.pathname + url.search
    if (seen.has(key) || url.origin !== new URL(base).origin) return
    seen.add(key)
    const response = await fetch(url)
    if (!response.ok) throw new Error(`${key}: HTTP ${response.status}`)
    const code = await response.text()
    for (const match of code.matchAll(/(?:\bimport|\bfrom)\s*["']([^"']+)["']/g)) {
      await visit(new URL(match[1] as string, url))
    }
  }
  await visit(new URL(path, base))
  return [...seen]
}

let browser: Browser | undefined

/** Debian's Chromium, headless: the page is the oracle for what the dev server serves. */
export async function openPage<T>(url: string, read: string): Promise<T> {
  browser ??= await launchChromium()
  const page = await browser.newPage()
  try {
    await page.goto(url)
    await page.waitForFunction(read, undefined, { timeout: 30_000 })
    return (await page.evaluate(read)) as T
  } finally {
    await page.close()
  }
}

export async function closeBrowser(): Promise<void> {
  await browser?.close()
  browser = undefined
}
