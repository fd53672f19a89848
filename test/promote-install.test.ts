import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from './helpers/fixture.ts'

/**
 * The packed plugin installs beside the rolldown and tsdown versions real projects pin (npm
 * reaches the registry), without peer errors, and builds with them. Each install is a clean
 * project in the system temp folder, away from this repository's node_modules.
 */

const execFileAsync = promisify(execFile)
const pinned = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')).devDependencies

interface Run {
  code: number
  stdout: string
  output: string
}

async function run(command: string, args: string[], cwd: string): Promise<Run> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, {
      cwd,
      timeout: 240_000,
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', npm_config_update_notifier: 'false' },
    })
    return { code: 0, stdout, output: stdout + stderr }
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string; message?: string }
    return {
      code: typeof failure.code === 'number' ? failure.code : 1,
      stdout: failure.stdout ?? '',
      output: `${failure.stdout ?? ''}${failure.stderr ?? ''}${failure.message ?? ''}`,
    }
  }
}

let temp: string
let tarball: string

beforeAll(async () => {
  temp = fs.mkdtempSync(path.join(os.tmpdir(), 'singleton-guard-install-'))
  // The global setup has built dist/; pack exactly what would be published.
  const packed = await run('npm', ['pack', '--pack-destination', temp, '--json'], projectRoot)
  expect(packed.code, packed.output).toBe(0)
  const [info] = JSON.parse(packed.stdout) as { filename: string }[]
  tarball = path.join(temp, (info as { filename: string }).filename)
})

afterAll(() => {
  if (temp) fs.rmSync(temp, { recursive: true, force: true })
})

/** A clean project depending on `dependencies`, installed with npm's default (strict) peer resolution. */
async function install(name: string, dependencies: Record<string, string>): Promise<{ dir: string; result: Run }> {
  const dir = path.join(temp, name)
  fs.mkdirSync(dir)
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name, version: '1.0.0', private: true, type: 'module', dependencies }, null, 2),
  )
  const result = await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], dir)
  return { dir, result }
}

/** A small service with a lazy boundary reaching a registry, built by the installed tsdown. */
async function buildWithInstalled(dir: string): Promise<Run> {
  const files: Record<string, string> = {
    'src/store.ts': 'export const store = new Map()\n',
    'src/agents/runner.runtime.ts': `import { store } from '../store.ts'\nexport const read = (key: string): unknown => store.get(key)\n`,
    'src/index.ts': `import { store } from './store.ts'\nexport const write = (key: string): void => void store.set(key, 'pending')\nexport const runner = () => import('./agents/runner.runtime.ts')\n`,
    'tsdown.config.ts': `import { defineConfig } from 'tsdown'
import { singletonGuard } from 'rolldown-plugin-singleton-guard'
export default defineConfig({
  entry: { index: 'src/index.ts' },
  plugins: [singletonGuard({ singletons: 'src/store.ts', promote: { boundaries: 'all' }, report: true })],
})
`,
    'probe.mjs': `const main = await import('./dist/index.mjs')
main.write('request-1')
console.log(JSON.stringify({ seen: (await main.runner()).read('request-1') === 'pending' }))
`,
  }
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    fs.writeFileSync(path.join(dir, file), content)
  }
  return run(process.execPath, [path.join(dir, 'node_modules/tsdown/dist/run.mjs')], dir)
}

const installedVersion = (dir: string, name: string): string =>
  JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')).version

/** Installs `rolldown` and `tsdown` (versions or ranges) beside the plugin; returns the versions installed. */
async function expectWorkingInstall(name: string, rolldown: string, tsdown: string): Promise<string[]> {
  const { dir, result } = await install(name, {
    rolldown,
    tsdown,
    'rolldown-plugin-singleton-guard': `file:${tarball}`,
  })
  expect(result.output).not.toContain('ERESOLVE')
  expect(result.code, result.output).toBe(0)
  // npm ls fails on an invalid or missing peer anywhere in the tree.
  const tree = await run('npm', ['ls', '--all', 'rolldown', 'tsdown'], dir)
  expect(tree.code, tree.output).toBe(0)
  const versions = [installedVersion(dir, 'rolldown'), installedVersion(dir, 'tsdown')]

  const built = await buildWithInstalled(dir)
  expect(built.code, built.output).toBe(0)
  expect(built.output).toContain(`tsdown v${versions[1]}`)
  expect(fs.existsSync(path.join(dir, 'dist/agents/runner.runtime.mjs'))).toBe(true)
  expect(fs.existsSync(path.join(dir, 'dist/store.mjs'))).toBe(true)
  const probe = await run(process.execPath, ['probe.mjs'], dir)
  expect(probe.code, probe.output).toBe(0)
  expect(JSON.parse(probe.stdout.trim().split('\n').pop() as string)).toEqual({ seen: true })
  return versions
}

/** Orders semver versions, a prerelease before its release (`1.0.0-rc.12` < `1.0.0`). */
function compareVersions(a: string, b: string): number {
  const parse = (version: string) => {
    const [core = '', pre] = version.split('-', 2)
    return { parts: core.split('.').map(Number), pre }
  }
  const [x, y] = [parse(a), parse(b)]
  for (let i = 0; i < 3; i++) {
    const difference = (x.parts[i] ?? 0) - (y.parts[i] ?? 0)
    if (difference !== 0) return difference
  }
  if (x.pre === undefined || y.pre === undefined) return (x.pre === undefined ? 1 : 0) - (y.pre === undefined ? 1 : 0)
  return x.pre.localeCompare(y.pre, 'en', { numeric: true })
}

describe('the packed plugin installs beside the versions projects pin', () => {
  it('beside rolldown 1.0.0-rc.7 and tsdown 0.21.0 (the oldest accepted: the rolldown tsdown 0.21.0 pins)', async () => {
    expect(await expectWorkingInstall('oldest-range', '1.0.0-rc.7', '0.21.0')).toEqual(['1.0.0-rc.7', '0.21.0'])
  })

  it('beside rolldown 1.0.0-rc.12 and tsdown 0.21.7, and builds with them', async () => {
    expect(await expectWorkingInstall('oldest', '1.0.0-rc.12', '0.21.7')).toEqual(['1.0.0-rc.12', '0.21.7'])
  })

  it(`beside the versions this project pins (rolldown ${pinned.rolldown}, tsdown ${pinned.tsdown})`, async () => {
    expect(await expectWorkingInstall('pinned', pinned.rolldown, pinned.tsdown)).toEqual([
      pinned.rolldown,
      pinned.tsdown,
    ])
  })

  it('beside the newest versions the peer ranges accept that install from the registry', async () => {
    const peers = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')).peerDependencies
    const listed = async (name: string, range: string) => {
      const view = await run('npm', ['view', `${name}@${range}`, 'version', '--json'], temp)
      expect(view.code, view.output).toBe(0)
      const versions = JSON.parse(view.stdout) as string | string[]
      return (Array.isArray(versions) ? versions : [versions]).sort(compareVersions)
    }
    const rolldown = (await listed('rolldown', peers.rolldown)).pop() as string
    // A tsdown release whose own dependencies the registry cannot serve (E404) cannot install
    // anywhere; the next older one is tried. A peer conflict (ERESOLVE) fails the test at once.
    const skipped: string[] = []
    for (const tsdown of (await listed('tsdown', peers.tsdown)).toReversed().slice(0, 5)) {
      const attempt = await install(`newest-${tsdown}`, {
        rolldown,
        tsdown,
        'rolldown-plugin-singleton-guard': `file:${tarball}`,
      })
      expect(attempt.result.output).not.toContain('ERESOLVE')
      if (attempt.result.code !== 0) {
        const output = attempt.result.output
        const why = (output.match(/npm error (404 Not Found - GET \S+)/) ?? output.match(/npm error (code \S+)/))?.[1]
        skipped.push(`tsdown ${tsdown}: ${why ?? 'install failed'}`)
        continue
      }
      fs.rmSync(attempt.dir, { recursive: true })
      expect(await expectWorkingInstall(`newest-${tsdown}-checked`, rolldown, tsdown)).toEqual([rolldown, tsdown])
      console.log(
        `newest that install: rolldown ${rolldown}, tsdown ${tsdown}; not installable: ${skipped.join('; ') || 'none'}`,
      )
      return
    }
    throw new Error(`no tsdown release in ${peers.tsdown} installs: ${skipped.join('; ')}`)
  })

  it('control: a peer range without prereleases is refused beside rolldown 1.0.0-rc.12 (ERESOLVE)', async () => {
    const probe = path.join(temp, 'strict-peer-probe')
    fs.mkdirSync(probe)
    fs.writeFileSync(
      path.join(probe, 'package.json'),
      JSON.stringify({ name: 'strict-peer-probe', version: '1.0.0', peerDependencies: { rolldown: '^1.0.0' } }),
    )
    // Packed, as the plugin is: a linked folder would not have its peers checked.
    const packed = await run('npm', ['pack', '--pack-destination', temp, '--json'], probe)
    expect(packed.code, packed.output).toBe(0)
    const [info] = JSON.parse(packed.stdout) as { filename: string }[]
    const probeTarball = path.join(temp, (info as { filename: string }).filename)
    const { result } = await install('strict', { rolldown: '1.0.0-rc.12', 'strict-peer-probe': `file:${probeTarball}` })
    expect(result.code).not.toBe(0)
    expect(result.output).toContain('ERESOLVE')
  })
})
