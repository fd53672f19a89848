import path from 'node:path'
import { rollup, type OutputOptions, type Plugin } from 'rollup'

export interface RollupResult {
  error: string | undefined
  errorCode: string | undefined
  /** What the plugin logged: level, its code, and the text. */
  logs: { level: string; code: string | undefined; message: string }[]
  /** Files written, relative to the output dir, sorted. */
  files: string[]
}

/** A real Rollup 4 build of a fixture folder, writing `output` (relative to `dir`). */
export async function rollupBuild(
  dir: string,
  input: string | Record<string, string>,
  plugins: unknown[],
  output: OutputOptions = {},
): Promise<RollupResult> {
  const result: RollupResult = { error: undefined, errorCode: undefined, logs: [], files: [] }
  let bundle: Awaited<ReturnType<typeof rollup>> | undefined
  const absolute = (file: string) => path.resolve(dir, file)
  try {
    bundle = await rollup({
      input:
        typeof input === 'string'
          ? absolute(input)
          : Object.fromEntries(Object.entries(input).map(([name, file]) => [name, absolute(file)])),
      plugins: plugins as Plugin[],
      onLog(level, log) {
        if (log.plugin?.startsWith('singleton-guard')) {
          result.logs.push({ level, code: String(log.pluginCode ?? log.code), message: log.message })
        }
      },
    })
    const written = await bundle.write({ ...output, dir: path.resolve(dir, output.dir ?? 'dist') })
    result.files = written.output.map((item) => item.fileName).sort()
  } catch (error) {
    const cause = error as { message?: string; code?: string; pluginCode?: string }
    result.error = cause.message ?? String(error)
    result.errorCode = cause.pluginCode ?? cause.code
  } finally {
    await bundle?.close()
  }
  return result
}
