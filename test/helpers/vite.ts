import fs from 'node:fs'
import path from 'node:path'
import { inspect } from 'node:util'
import { build, createBuilder, createLogger, type InlineConfig, type Logger } from 'vite'
import { projectRoot } from './fixture.ts'
import { runNodeCli, type CliResult } from './process.ts'

export interface ViteResult {
  /** The error the build threw (its `message`), or undefined when it passed. */
  error: string | undefined
  errorCode: string | undefined
  /** The thrown error as Node prints it (`util.inspect`), where a stack trace would show. */
  printed: string | undefined
  /** What the plugin logged through Vite (warnings and infos), one entry per log. */
  logs: string[]
}

/** A logger that records every line Vite prints, for assertions on what the plugin said. */
function recordingLogger(logs: string[]): Logger {
  const logger = createLogger('info', { allowClearScreen: false })
  const keep = (message: string) => {
    if (message.includes('singleton-guard')) logs.push(message)
  }
  return { ...logger, info: keep, warn: keep, warnOnce: keep, error: keep }
}

function settle(error: unknown, result: ViteResult): void {
  const cause = error as { message?: string; code?: string; errors?: { pluginCode?: string }[] }
  result.error = cause.message ?? String(error)
  result.errorCode = cause.code ?? cause.errors?.[0]?.pluginCode
  result.printed = inspect(error)
}

/** `build()` of Vite's JavaScript API (one environment), collecting what the plugin said. */
export async function viteBuild(dir: string, config: InlineConfig): Promise<ViteResult> {
  const result: ViteResult = { error: undefined, errorCode: undefined, printed: undefined, logs: [] }
  try {
    await build({ root: dir, configFile: false, customLogger: recordingLogger(result.logs), ...config })
  } catch (error) {
    settle(error, result)
  }
  return result
}

/** `createBuilder(config).buildApp()`: every environment, as `vite build` runs them. */
export async function viteBuildApp(dir: string, config: InlineConfig): Promise<ViteResult> {
  const result: ViteResult = { error: undefined, errorCode: undefined, printed: undefined, logs: [] }
  try {
    const builder = await createBuilder({
      root: dir,
      configFile: false,
      customLogger: recordingLogger(result.logs),
      ...config,
    })
    await builder.buildApp()
  } catch (error) {
    settle(error, result)
  }
  return result
}

/** The real `vite build` CLI in `dir` (its vite.config.mjs loads the plugin from the built dist). */
export function runViteCli(dir: string, args: string[] = ['build']): Promise<CliResult> {
  return runNodeCli(path.join(projectRoot, 'node_modules/vite/bin/vite.js'), dir, args)
}

/** Files written under `folder`, relative to it, sorted. */
export function listFiles(folder: string): string[] {
  if (!fs.existsSync(folder)) return []
  return (fs.readdirSync(folder, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort()
}

/** The one file under `folder` whose name matches `pattern` (Vite hashes client entries). */
export function findFile(folder: string, pattern: RegExp): string {
  const found = listFiles(folder).filter((file) => pattern.test(file))
  if (found.length !== 1)
    throw new Error(`expected one file matching ${pattern} in ${folder}, found ${found.join(', ')}`)
  return found[0] as string
}
