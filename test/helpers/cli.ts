import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import * as esbuild from 'esbuild'
import { rolldown, type InputOptions, type OutputOptions } from 'rolldown'
import { projectRoot } from './fixture.ts'
import { runTsdown } from './tsdown.ts'

const execFileAsync = promisify(execFile)
export const cliFile: string = path.join(projectRoot, 'dist/cli.mjs')

export interface CliRun {
  exitCode: number
  stdout: string
  stderr: string
}

/** The built CLI, run as a user runs it: a child process of dist/cli.mjs in `cwd`. */
export async function runCli(cwd: string, args: string[]): Promise<CliRun> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [cliFile, ...args], {
      cwd,
      timeout: 120_000,
      maxBuffer: 512 * 1024 * 1024,
    })
    return { exitCode: 0, stdout, stderr }
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string }
    if (typeof failure.code !== 'number') throw error
    return { exitCode: failure.code, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' }
  }
}

export type Bundler = 'rolldown' | 'tsdown' | 'esbuild' | 'vite'

export interface PlainBuild {
  input: Record<string, string>
  outDir?: string
  /** Keep symlinked paths as their own modules (how a twin id arises). */
  preserveSymlinks?: boolean
  format?: 'esm' | 'cjs'
  sourcemap?: boolean
  /** Minified output: no per-module comments are left (default: off, as each bundler's own default). */
  minify?: boolean
  rolldown?: { input?: Omit<InputOptions, 'input' | 'cwd'>; output?: OutputOptions }
}

/** A build by the bundler alone, no plugin: the CLI must judge it from the bytes. */
export async function buildWithout(bundler: Bundler, dir: string, spec: PlainBuild): Promise<string> {
  const outDir = spec.outDir ?? 'dist'
  const sourcemap = spec.sourcemap ?? true
  const format = spec.format ?? 'esm'
  const minify = spec.minify ?? false
  if (bundler === 'rolldown') {
    const bundle = await rolldown({
      cwd: dir,
      input: spec.input,
      ...spec.rolldown?.input,
      resolve: { ...(spec.preserveSymlinks ? { symlinks: false } : {}), ...spec.rolldown?.input?.resolve },
    })
    try {
      await bundle.write({ dir: path.join(dir, outDir), sourcemap, format, minify, ...spec.rolldown?.output })
    } finally {
      await bundle.close()
    }
  } else if (bundler === 'vite') {
    const { build } = await import('vite')
    await build({
      root: dir,
      configFile: false,
      logLevel: 'silent',
      resolve: { preserveSymlinks: spec.preserveSymlinks ?? false },
      build: {
        sourcemap,
        outDir,
        minify,
        emptyOutDir: true,
        lib: { entry: spec.input, formats: [format === 'esm' ? 'es' : 'cjs'], fileName: (_, name) => `${name}.js` },
      },
    })
  } else if (bundler === 'esbuild') {
    await esbuild.build({
      absWorkingDir: dir,
      entryPoints: spec.input,
      bundle: true,
      splitting: format === 'esm',
      format,
      platform: 'node',
      sourcemap,
      minify,
      outdir: path.join(dir, outDir),
      preserveSymlinks: spec.preserveSymlinks ?? false,
      logLevel: 'silent',
    })
  } else {
    const config = {
      entry: spec.input,
      outDir,
      format,
      sourcemap,
      minify,
      dts: false,
      platform: 'node',
      fixedExtension: false,
      inputOptions: spec.preserveSymlinks ? { resolve: { symlinks: false } } : {},
    }
    fs.writeFileSync(path.join(dir, 'tsdown.config.mjs'), `export default ${JSON.stringify(config)}\n`)
    const result = await runTsdown(dir, ['--config', 'tsdown.config.mjs', '--no-clean', '--log-level', 'warn'])
    if (result.exitCode !== 0) throw new Error(`tsdown failed:\n${result.output}`)
  }
  return outDir
}

/** The one-line error contract: a single prefixed line on stderr, no stack trace. */
export function expectOneLine(run: CliRun): string {
  const lines = run.stderr.trim().split('\n')
  if (lines.length !== 1 || !lines[0]?.startsWith('[singleton-guard] ') || /\n\s+at /.test(run.stderr)) {
    throw new Error(`expected one prefixed line on stderr, got:\n${run.stderr}`)
  }
  return lines[0]
}
