import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

export const projectRoot: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const workRoot = path.join(projectRoot, 'test/.work')

export interface FixtureFiles {
  [relativePath: string]: string | { symlink: string }
}

/**
 * Writes a fixture project into a fresh folder under test/.work. A value `{ symlink: target }`
 * makes a symlink (target relative to the link's folder), which is how the hard layouts
 * (pnpm stores, workspace links) are made for real.
 */
export function writeFixture(name: string, files: FixtureFiles): string {
  fs.mkdirSync(workRoot, { recursive: true })
  const dir = fs.mkdtempSync(path.join(workRoot, `${name.replace(/[^\w-]+/g, '-')}-`))
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(dir, relative)
    fs.mkdirSync(path.dirname(file), { recursive: true })
    if (typeof content === 'string') fs.writeFileSync(file, content)
    else fs.symlinkSync(content.symlink, file)
  }
  return dir
}

/** The same files, each under `prefix` (an install folder, a package). */
export function under(prefix: string, files: FixtureFiles): FixtureFiles {
  return Object.fromEntries(Object.entries(files).map(([file, content]) => [`${prefix}/${file}`, content]))
}

const execFileAsync = promisify(execFile)

/**
 * The oracle: runs `code` as an ES module in a child Node process inside `dir` and returns what
 * its last line of output printed as JSON.
 */
export async function execute<T = unknown>(dir: string, code: string, name = 'probe.mjs'): Promise<T> {
  const file = path.join(dir, name)
  fs.writeFileSync(file, code)
  const { stdout } = await execFileAsync(process.execPath, [file], { cwd: dir, timeout: 30_000 })
  const lines = stdout.trim().split('\n')
  return JSON.parse(lines[lines.length - 1] as string) as T
}

/** A singleton module whose evaluations are counted on globalThis, per name. */
export function statefulModule(name = 'state', marker = ''): string {
  return `${marker}export const store = new Map()
globalThis.__evaluations ??= {}
globalThis.__evaluations[${JSON.stringify(name)}] = (globalThis.__evaluations[${JSON.stringify(name)}] ?? 0) + 1
`
}

/** Realms of the singleton `name` after the probe loaded everything: 1 is healthy. */
export const REALMS_EXPRESSION = (name = 'state'): string =>
  `(globalThis.__evaluations?.[${JSON.stringify(name)}] ?? 0)`
