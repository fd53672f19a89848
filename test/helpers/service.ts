import fs from 'node:fs'
import path from 'node:path'
import { statefulModule, type FixtureFiles } from './fixture.ts'

/**
 * The incident's service in plain JavaScript (Rollup reads no TypeScript without a plugin): tools
 * write a delegate store, a lazily imported runner reads it. `version` changes every file, as a
 * real change would, so a rebuild re-hashes every chunk that is not promoted.
 */
export function service(version: number): FixtureFiles {
  return {
    'src/delegate-store.js': `${statefulModule()}export function storeVersion() {\n  return ${version}\n}\n`,
    'src/tools/continue-work.js': `import { store, storeVersion } from '../delegate-store.js'\nexport function continueWork(id) {\n  store.set(id, 'pending')\n  store.set('tools', 'v${version} with store v' + storeVersion())\n}\n`,
    'src/auto-reply/reply/agent-runner.runtime.js': `import { store } from '../../delegate-store.js'
globalThis.__evaluations.runner = (globalThis.__evaluations.runner ?? 0) + 1
export function pending(id) {
  return store.get(id)
}
export const runnerVersion = 'runner v${version}'
`,
    'src/main.js': `export { continueWork } from './tools/continue-work.js'
export async function runAgent(id) {
  const runner = await import('./auto-reply/reply/agent-runner.runtime.js')
  globalThis.__runnerVersion = runner.runnerVersion
  return runner.pending(id)
}
`,
  }
}

export function serviceProject(): FixtureFiles {
  return { 'package.json': JSON.stringify({ name: 'agent-service', version: '1.0.0', type: 'module' }), ...service(1) }
}

export function rewrite(dir: string, files: FixtureFiles): void {
  for (const [file, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), content as string)
}
