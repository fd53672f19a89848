import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { projectRoot } from './fixture.ts'

const execFileAsync = promisify(execFile)

/**
 * A fresh folder outside this repository, so that nothing resolves through our own node_modules
 * (where rolldown is installed): what a user's project sees is what the install put there.
 */
export function isolatedProject(name: string, files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `singleton-guard-${name}-`))
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    fs.writeFileSync(path.join(dir, file), content)
  }
  return dir
}

/** `npm pack` of the built plugin (dist/ comes from the test setup's build) into `dir`; the tarball's path. */
export async function packPlugin(dir: string): Promise<string> {
  const { stdout } = await execFileAsync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: projectRoot })
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string }[]
  return path.join(dir, (packed as { filename: string }).filename)
}

/** `npm install` from the registry, as a user runs it. */
export async function npmInstall(dir: string): Promise<void> {
  await execFileAsync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, timeout: 180_000 })
}

/** Every installed copy of `name` under `dir`/node_modules, nested ones too, with its version. */
export function installsOf(dir: string, name: string): { path: string; version: string }[] {
  const found: { path: string; version: string }[] = []
  const visit = (modules: string) => {
    if (!fs.existsSync(modules)) return
    for (const entry of fs.readdirSync(modules)) {
      const folders = entry.startsWith('@')
        ? fs.readdirSync(path.join(modules, entry)).map((sub) => path.join(modules, entry, sub))
        : [path.join(modules, entry)]
      for (const folder of folders) {
        const manifest = path.join(folder, 'package.json')
        if (path.relative(modules, folder).split(path.sep).join('/') === name && fs.existsSync(manifest)) {
          found.push({
            path: path.relative(dir, folder),
            version: JSON.parse(fs.readFileSync(manifest, 'utf8')).version,
          })
        }
        visit(path.join(folder, 'node_modules'))
      }
    }
  }
  visit(path.join(dir, 'node_modules'))
  return found
}

/** Our own TypeScript compiler on the project's tsconfig; resolves types from the project only. */
export async function typecheck(dir: string): Promise<{ ok: boolean; output: string }> {
  const tsc = path.join(projectRoot, 'node_modules/typescript/bin/tsc')
  try {
    await execFileAsync(process.execPath, [tsc, '-p', dir], { cwd: dir })
    return { ok: true, output: '' }
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string }
    return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` }
  }
}
