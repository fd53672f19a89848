import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { build } from './helpers/build.ts'
import { writeFixture } from './helpers/fixture.ts'
import {
  BOUNDARY_NAMES,
  HOST_SCRIPT,
  REACHES_NONE,
  REACHES_SINGLETON,
  SINGLETONS,
  STATIC_RUNTIME_ENTRY,
  fileOf,
  fullEntryList,
  project,
  projectSources,
  startHost,
  stopHosts,
  without,
} from './helpers/promote-project.ts'
import { importPlugin, runTsdown } from './helpers/tsdown.ts'

const SINGLETON_FILES = Object.values(SINGLETONS)
const guard = (promote?: string) =>
  `{ singletons: ${JSON.stringify(SINGLETON_FILES)}${promote === undefined ? '' : `, promote: ${promote}`} }`
const SINGLETON_NAMES = SINGLETON_FILES.map((file) => file.replace(/^src\//, '').replace(/\.ts$/, ''))

/** Files of dist with a stable name: everything but the hashed chunks (kept under chunks/). */
function stableFiles(dir: string): string[] {
  return (fs.readdirSync(path.join(dir, 'dist'), { recursive: true }) as string[])
    .map((file) => file.split(path.sep).join('/'))
    .filter((file) => file.endsWith('.mjs') && !file.startsWith('chunks/'))
    .sort()
}

const mjs = (names: readonly string[]) => names.map((name) => `${name}.mjs`).sort()

/** Rebuilds `dir` at version 2 of its sources with the tsdown CLI (which cleans dist first). */
async function rebuildAtVersion2(dir: string): Promise<void> {
  for (const [file, content] of Object.entries(projectSources(2))) {
    fs.writeFileSync(path.join(dir, file), content as string)
  }
  const rebuilt = await runTsdown(dir, ['--log-level', 'warn'])
  expect(rebuilt.exitCode, rebuilt.output).toBe(0)
}

afterEach(stopHosts)

const FULL = fullEntryList()
/** The list once the runtime entries promote covers are deleted: plain entries and the static "runtime" one. */
const MIGRATED = without(FULL, BOUNDARY_NAMES)

describe('promote replaces a hand-kept list of 40 entries (tsdown CLI)', () => {
  it("emits the list's very file names once its runtime entries are deleted and boundaries: 'all' is on", async () => {
    expect(Object.keys(FULL)).toHaveLength(40)
    const listed = writeFixture('list-full', project(FULL, guard(), importPlugin))
    const promotedOnly = writeFixture(
      'list-migrated-no-singletons',
      project(MIGRATED, guard(`{ boundaries: 'all', singletons: false }`), importPlugin),
    )
    const promoted = writeFixture('list-migrated', project(MIGRATED, guard(`{ boundaries: 'all' }`), importPlugin))
    for (const dir of [listed, promotedOnly, promoted]) {
      const result = await runTsdown(dir, ['--log-level', 'warn'])
      expect(result.exitCode, result.output).toBe(0)
    }
    expect(stableFiles(listed)).toEqual(mjs(Object.keys(FULL)))
    expect(stableFiles(promotedOnly)).toEqual(stableFiles(listed))
    // Pinning the registries too adds exactly their files (the list cannot pin them: see below).
    expect(stableFiles(promoted)).toEqual(mjs([...Object.keys(FULL), ...SINGLETON_NAMES]))
  })

  it('a rebuild under a running process keeps one realm and loads every lazy boundary', async () => {
    const dir = writeFixture('list-migrated-rebuild', project(MIGRATED, guard(`{ boundaries: 'all' }`), importPlugin))
    expect((await runTsdown(dir, ['--log-level', 'warn'])).exitCode).toBe(0)
    const host = startHost(dir, HOST_SCRIPT)
    expect(await host.ready).toEqual({ realms: { S1: 1, S2: 1, S3: 1 } })
    await rebuildAtVersion2(dir)
    const after = await host.release()
    expect(after.realms).toEqual({ S1: 1, S2: 1, S3: 1 })
    expect(Object.keys(after.boundaries ?? {}).sort()).toEqual([...BOUNDARY_NAMES].sort())
    for (const name of REACHES_SINGLETON) expect(after.boundaries?.[name], name).toEqual({ seen: true, version: 2 })
    for (const name of REACHES_NONE) expect(after.boundaries?.[name], name).toEqual({ seen: null, version: 2 })
  })

  it('control: the same list without promote strands every deleted boundary (ERR_MODULE_NOT_FOUND)', async () => {
    const dir = writeFixture('list-migrated-no-promote', project(MIGRATED, guard(), importPlugin))
    expect((await runTsdown(dir, ['--log-level', 'warn'])).exitCode).toBe(0)
    const host = startHost(dir, HOST_SCRIPT)
    await host.ready
    await rebuildAtVersion2(dir)
    const after = await host.release()
    const stranded = Object.entries(after.boundaries ?? {})
      .filter(([, result]) => result.error === 'ERR_MODULE_NOT_FOUND')
      .map(([name]) => name)
    expect(stranded.sort()).toEqual([...BOUNDARY_NAMES].sort())
  })

  it('control: the full list alone strands nothing but loads a second copy of each registry', async () => {
    const dir = writeFixture('list-full-rebuild', project(FULL, guard(), importPlugin))
    expect((await runTsdown(dir, ['--log-level', 'warn'])).exitCode).toBe(0)
    const host = startHost(dir, HOST_SCRIPT)
    await host.ready
    await rebuildAtVersion2(dir)
    const after = await host.release()
    expect(Object.values(after.boundaries ?? {}).filter((result) => result.error)).toEqual([])
    expect(after.realms).toEqual({ S1: 2, S2: 2, S3: 2 })
    for (const name of REACHES_SINGLETON) expect(after.boundaries?.[name]?.seen, name).toBe(false)
  })

  it('says at warn level what the list can lose, which entry is no boundary, and where the report has it all', async () => {
    const dir = writeFixture('list-full-promote', project(FULL, guard(`{ boundaries: 'all' }`), importPlugin))
    const result = await runTsdown(dir, ['--log-level', 'warn'])
    expect(result.exitCode).toBe(0)
    const lines = result.output.split('\n').filter((line) => line.includes('SINGLETON_PROMOTE_MIGRATION'))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain(
      `SINGLETON_PROMOTE_MIGRATION: 19 listed entries safe to delete, 1 listed entry imported statically, not a runtime boundary (${STATIC_RUNTIME_ENTRY}). Every name: the report's "migration" field (option report: true).`,
    )
    expect(result.output).not.toContain('SINGLETON_PROMOTED')
  })

  it.each([
    ["boundaries: 'all'", `{ boundaries: 'all' }`, 'promote pins it'],
    ['promote: true', 'true', "set promote.boundaries: 'all'"],
  ])(
    'a list of 39 that forgot one runtime boundary: the warn-level line leads with its name (%s)',
    async (_, promote, remedy) => {
      const forgotten = 'gateway/ws-runtime'
      const dir = writeFixture('list-forgot-one', project(without(FULL, [forgotten]), guard(promote), importPlugin))
      const result = await runTsdown(dir, ['--log-level', 'warn'])
      expect(result.exitCode, result.output).toBe(0)
      const lines = result.output.split('\n').filter((line) => line.includes('SINGLETON_PROMOTE_MIGRATION'))
      expect(lines).toHaveLength(1)
      const line = lines[0] as string
      const said = line.slice(line.indexOf('SINGLETON_PROMOTE_MIGRATION: ') + 'SINGLETON_PROMOTE_MIGRATION: '.length)
      // The forgotten boundary comes first, by name, with what it would do to a running process.
      expect(
        said.startsWith(
          promote === 'true' ? '1 lazy runtime boundary' : 'your entry list lacks 1 lazy runtime boundary',
        ),
      ).toBe(true)
      expect(said.indexOf(fileOf(forgotten))).toBeLessThan(said.indexOf('safe to delete'))
      expect(said).toContain('would strand a running process after a rebuild')
      expect(said).toContain(remedy)
      // The executed truth of "would strand": without promote, a clean rebuild strands the process there.
      const plain = writeFixture('list-forgot-one-plain', project(without(FULL, [forgotten]), guard(), importPlugin))
      expect((await runTsdown(plain, ['--log-level', 'warn'])).exitCode).toBe(0)
      const host = startHost(plain, HOST_SCRIPT)
      await host.ready
      await rebuildAtVersion2(plain)
      const after = await host.release()
      expect(after.boundaries?.[forgotten]).toEqual({ error: 'ERR_MODULE_NOT_FOUND' })
    },
  )

  it('a list that forgot no boundary: the line names no boundary as missing', async () => {
    const dir = writeFixture('list-forgot-none', project(FULL, guard('true'), importPlugin))
    const result = await runTsdown(dir, ['--log-level', 'warn'])
    expect(result.exitCode, result.output).toBe(0)
    expect(result.output).not.toContain('lacks')
    expect(result.output).not.toContain('stay hashed')
  })
})

interface MigrationField {
  covered: { name: string; module: string }[]
  kept: { name: string; module: string; why: string }[]
  notBoundaries: { name: string; module: string; importedBy: string[] }[]
  addedByPromote: { name: string; module: string; reason: string }[]
  missing: { module: string; fileName: string; importer?: string; pinned: boolean }[]
}

async function migrationOf(
  name: string,
  entries: Record<string, string>,
  promote: boolean | object,
): Promise<{ field: MigrationField | null; warnings: { code: string | undefined; message: string }[] }> {
  const dir = writeFixture(name, project(entries, undefined, ''))
  const result = await build(dir, {
    input: entries,
    guard: { singletons: SINGLETON_FILES, promote, report: true },
    outputs: [{ dir: 'dist', entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs' }],
  })
  expect(result.error).toBeUndefined()
  const report = JSON.parse(fs.readFileSync(path.join(dir, 'dist/singleton-report.json'), 'utf8'))
  return { field: report.migration, warnings: result.warnings }
}

const entry = (name: string) => ({ name, module: fileOf(name) })
const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name)
const STATIC_ENTRY = {
  ...entry(STATIC_RUNTIME_ENTRY),
  importedBy: ['src/plugins/providers.ts'],
}
const SINGLETON_PROMOTIONS = SINGLETON_NAMES.map((name, index) => ({
  name,
  module: SINGLETON_FILES[index] as string,
  reason: 'singleton',
}))

describe('the migration view (rolldown API, report field and warning)', () => {
  it("boundaries: 'all' on the full list: every listed boundary is covered, the static entry is named", async () => {
    const { field, warnings } = await migrationOf('view-full-all', FULL, { boundaries: 'all' })
    expect(field).toEqual({
      covered: BOUNDARY_NAMES.map(entry).sort(byName),
      kept: [],
      notBoundaries: [STATIC_ENTRY],
      addedByPromote: SINGLETON_PROMOTIONS.sort(byName),
      missing: [],
    })
    expect(warnings.map((warning) => warning.code)).toEqual(['SINGLETON_PROMOTE_MIGRATION'])
  })

  it('the default boundaries on a list missing two: names what to keep, what promote adds, and what strands', async () => {
    const dropped = ['agents/auth-profiles.runtime', 'commands/status.summary.runtime']
    const { field, warnings } = await migrationOf('view-partial', without(FULL, dropped), true)
    const view = field as MigrationField
    expect(view.covered).toEqual(
      REACHES_SINGLETON.filter((n) => !dropped.includes(n))
        .map(entry)
        .sort(byName),
    )
    expect(view.kept).toEqual(
      REACHES_NONE.filter((n) => !dropped.includes(n))
        .map((name) => ({ ...entry(name), why: "reaches no singleton: promote.boundaries: 'all' pins it" }))
        .sort(byName),
    )
    expect(view.notBoundaries).toEqual([STATIC_ENTRY])
    // Singletons promote pins are one thing; the boundaries the list forgot are another, by name.
    expect(view.addedByPromote).toEqual([...SINGLETON_PROMOTIONS].sort(byName))
    expect(view.missing).toEqual([
      {
        module: 'src/agents/auth-profiles.runtime.ts',
        fileName: 'agents/auth-profiles.runtime.mjs',
        importer: 'src/lazy-loaders.ts',
        pinned: true,
      },
      {
        module: 'src/commands/status.summary.runtime.ts',
        fileName: expect.stringMatching(/^chunks\/status\.summary\.runtime-[\w-]+\.mjs$/),
        importer: 'src/lazy-loaders.ts',
        pinned: false,
      },
    ])
    expect(warnings).toHaveLength(1)
    expect(warnings[0]?.message).toContain(
      'your entry list lacks 1 lazy runtime boundary: src/agents/auth-profiles.runtime.ts; without promote it would strand a running process after a rebuild (promote pins it)',
    )
    expect(warnings[0]?.message).toContain(
      "1 lazy runtime boundary neither the list nor promote pins stays hashed and would strand a running process after a rebuild: src/commands/status.summary.runtime.ts; set promote.boundaries: 'all'",
    )
  })

  it('says nothing once the list holds no runtime boundary', async () => {
    const { field, warnings } = await migrationOf('view-migrated', MIGRATED, { boundaries: 'all' })
    expect(field).toBeNull()
    expect(warnings).toEqual([])
  })
})
