import path from 'node:path'
import { rolldown, type InputOptions, type OutputOptions, type RolldownPluginOption } from 'rolldown'
import { singletonGuard, type Options } from '../../src/index.ts'

export interface BuildResult {
  /** The build's error message, or undefined when it passed. */
  error: string | undefined
  errorCode: string | undefined
  warnings: { code: string | undefined; message: string }[]
  /** Info-level logs of the plugin (what promote did). */
  infos: { code: string | undefined; message: string }[]
  /** Files written per output, relative to each output dir. */
  files: string[][]
}

export interface BuildSpec {
  input: InputOptions['input']
  outputs?: OutputOptions[]
  guard?: Options
  /** A shared instance (several builds); otherwise one is made from `guard`. */
  plugin?: RolldownPluginOption
  plugins?: RolldownPluginOption[]
  inputOptions?: Omit<InputOptions, 'input' | 'plugins' | 'cwd'>
}

/**
 * A real rolldown build of a fixture folder, writing every output, collecting what the plugin said.
 * A build the plugin failed writes nothing, yet the oracle needs its bytes: it is then built again
 * with every check downgraded to a warning, which writes the very same chunks.
 */
export async function build(dir: string, spec: BuildSpec): Promise<BuildResult> {
  const result = await buildOnce(dir, spec)
  if (result.errorCode?.startsWith('SINGLETON_DUPLICATED') && !spec.plugin) {
    const bytes = await buildOnce(dir, {
      ...spec,
      guard: { ...spec.guard, onDuplicate: 'warn', formats: 'warn', builds: 'warn' },
    })
    if (bytes.error !== undefined) throw new Error(`the warn-mode rebuild failed too: ${bytes.error}`)
    result.files = bytes.files
  }
  return result
}

async function buildOnce(dir: string, spec: BuildSpec): Promise<BuildResult> {
  const warnings: BuildResult['warnings'] = []
  const infos: BuildResult['infos'] = []
  const plugin = spec.plugin ?? singletonGuard({ root: dir, ...spec.guard })
  const result: BuildResult = { error: undefined, errorCode: undefined, warnings, infos, files: [] }
  let bundle: Awaited<ReturnType<typeof rolldown>> | undefined
  try {
    bundle = await rolldown({
      cwd: dir,
      input: spec.input,
      plugins: [...(spec.plugins ?? []), plugin],
      onLog(level, log) {
        if (!log.plugin?.startsWith('singleton-guard')) return
        const entry = { code: String(log.pluginCode ?? log.code), message: log.message }
        if (level === 'warn') warnings.push(entry)
        else if (level === 'info') infos.push(entry)
      },
      ...spec.inputOptions,
    })
    for (const output of spec.outputs ?? [{ dir: 'dist' }]) {
      const written = await bundle.write({ ...output, dir: path.resolve(dir, output.dir ?? 'dist') })
      result.files.push(written.output.map((item) => item.fileName).sort())
    }
  } catch (error) {
    const cause = error as { message?: string; code?: string; errors?: { message: string; pluginCode?: string }[] }
    const first = cause.errors?.[0]
    result.error = first?.message ?? cause.message ?? String(error)
    result.errorCode = first?.pluginCode ?? cause.code
  } finally {
    await bundle?.close()
  }
  return result
}
