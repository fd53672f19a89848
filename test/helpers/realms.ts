import path from 'node:path'
import { expect } from 'vitest'
import { execute, statefulModule, type FixtureFiles } from './fixture.ts'

/** What the executed output did: how often the singleton's top level ran, and whether a write was seen. */
export interface Truth {
  realms: number
  seen: boolean
}

/**
 * Writes through one import path, reads through another (behind a lazy boundary), and counts
 * how often the singleton's top level ran: the executed truth every verdict is checked against.
 */
const PROBE = `
const main = await import('./dist/main.js')
main.write('key', 42)
const seen = (await main.lazyRead('key')) === 42
console.log(JSON.stringify({ realms: globalThis.__evaluations.state, seen }))
`

/**
 * The incident's shape: a writer imports the singleton (`stateFile`) statically, a lazy reader
 * imports it as `readerImport` (a symlink, a query, another install, ...).
 */
export function lazyReaderProject(
  readerImport: string,
  extra: FixtureFiles = {},
  stateFile = 'src/state.js',
): FixtureFiles {
  return {
    'package.json': JSON.stringify({ name: 'app', type: 'module' }),
    [stateFile]: statefulModule(),
    'src/writer.js': `import { store } from ${JSON.stringify(`./${path.posix.relative('src', stateFile)}`)}\nexport function write(k, v) { store.set(k, v) }\n`,
    'src/reader.runtime.js': `import { store } from ${JSON.stringify(readerImport)}\nexport function read(k) { return store.get(k) }\n`,
    'src/main.js': `export { write } from './writer.js'\nexport async function lazyRead(k) { return (await import('./reader.runtime.js')).read(k) }\n`,
    ...extra,
  }
}

/** Runs the built `dist/main.js` of a lazy-reader project and returns what happened. */
export async function truthOf(dir: string): Promise<Truth> {
  const truth = await execute<Truth>(dir, PROBE)
  expect(truth.seen).toBe(truth.realms === 1)
  return truth
}

export const manifest = (fields: Record<string, unknown>): string => JSON.stringify({ type: 'module', ...fields })

/**
 * Two installs of `shared-state` in a lazy-reader project: the project's own (`top`) and
 * legacy-tool's nested one (`nested`), each given as files relative to the install folder.
 */
export function twoInstallsProject(top: FixtureFiles, nested: FixtureFiles): FixtureFiles {
  const files: FixtureFiles = {
    ...lazyReaderProject('legacy-tool'),
    'src/state.js': `export { store } from 'shared-state'\n`,
    'node_modules/legacy-tool/package.json': manifest({ name: 'legacy-tool', version: '1.0.0', exports: './index.js' }),
    'node_modules/legacy-tool/index.js': `export { store } from 'shared-state'\n`,
  }
  for (const [file, content] of Object.entries(top)) files[`node_modules/shared-state/${file}`] = content
  for (const [file, content] of Object.entries(nested)) {
    files[`node_modules/legacy-tool/node_modules/shared-state/${file}`] = content
  }
  return files
}

/** Two plain installs, versions 2.0.0 and 1.4.0, each a stateful `index.js`. */
export function twoVersionsProject(
  nestedManifest: string = manifest({ name: 'shared-state', version: '1.4.0', exports: './index.js' }),
): FixtureFiles {
  return twoInstallsProject(
    {
      'package.json': manifest({ name: 'shared-state', version: '2.0.0', exports: './index.js' }),
      'index.js': statefulModule(),
    },
    { 'package.json': nestedManifest, 'index.js': statefulModule() },
  )
}
