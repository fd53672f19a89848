import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** Tests that run the tsdown CLI or the examples load the plugin from dist: build it once. */
export default function setup(): void {
  fs.rmSync(path.join(projectRoot, 'test/.work'), { recursive: true, force: true })
  execFileSync(process.execPath, [path.join(projectRoot, 'node_modules/tsdown/dist/run.mjs'), '--log-level', 'warn'], {
    cwd: projectRoot,
    stdio: 'inherit',
  })
}
