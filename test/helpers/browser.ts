import fs from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

/** Debian's Chromium (`.ci/run` installs it), or another one named by CHROMIUM_PATH. */
export const CHROMIUM: string = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const hasChromium: boolean = fs.existsSync(CHROMIUM)
export const NO_CHROMIUM: string = `skipped: no Chromium at ${CHROMIUM}; install Debian's chromium package or set CHROMIUM_PATH`

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
]

/**
 * Headless Chromium, as the browser tests use it. Several test files may start one at the same
 * moment on a loaded 2-core machine, where a start can stall: each attempt is bounded, and a
 * stalled start is tried once more before the test fails.
 */
export async function launchChromium(): Promise<Browser> {
  const attempt = () => chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 45_000 })
  try {
    return await attempt()
  } catch {
    return attempt()
  }
}
