import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { resolveOptions } from '../src/options.ts'
import { build, type BuildSpec } from './helpers/build.ts'
import { projectRoot, writeFixture, type FixtureFiles } from './helpers/fixture.ts'
import { startHost, stopHosts } from './helpers/promote-project.ts'
import { importPlugin, runTsdown } from './helpers/tsdown.ts'

afterEach(stopHosts)

/** Entries under two roots, each with a lazy boundary. */
const TWO_ROOTS: FixtureFiles = {
  'package.json': JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }),
  'tsconfig.json': '{}',
  'src/index.ts': `export const auth = () => import('./agents/auth.runtime.ts')\n`,
  'src/agents/auth.runtime.ts': `export const token = 'secret'\n`,
  'extensions/telegram/index.ts': `export const send = () => import('./send.runtime.ts')\n`,
  'extensions/telegram/send.runtime.ts': `export const send = (text: string): string => text\n`,
}

const OUTPUT = [{ dir: 'dist', entryFileNames: '[name].mjs', chunkFileNames: '[name]-[hash].mjs' }]

async function filesOf(name: string, spec: Omit<BuildSpec, 'outputs'>): Promise<string[]> {
  const dir = writeFixture(name, TWO_ROOTS)
  const result = await build(dir, { ...spec, outputs: OUTPUT })
  expect(result.error).toBeUndefined()
  return result.files[0] ?? []
}

describe('promoted names start where the user says', () => {
  it('learns each root from the entries named under it', async () => {
    const files = await filesOf('names-two-roots', {
      input: { index: 'src/index.ts', 'telegram/index': 'extensions/telegram/index.ts' },
      guard: { promote: { boundaries: 'all' } },
    })
    expect(files).toEqual(['agents/auth.runtime.mjs', 'index.mjs', 'telegram/index.mjs', 'telegram/send.runtime.mjs'])
  })

  it('keeps names of another root as the user wrote that root: from the repo root', async () => {
    const files = await filesOf('names-extensions-from-root', {
      input: { index: 'src/index.ts', 'extensions/telegram/index': 'extensions/telegram/index.ts' },
      guard: { promote: { boundaries: 'all' } },
    })
    expect(files).toEqual([
      'agents/auth.runtime.mjs',
      'extensions/telegram/index.mjs',
      'extensions/telegram/send.runtime.mjs',
      'index.mjs',
    ])
  })

  it('falls back to the entries’ common folder when no entry is named', async () => {
    const files = await filesOf('names-array', {
      input: ['src/index.ts', 'extensions/telegram/index.ts'],
      guard: { promote: { boundaries: 'all' } },
    })
    expect(files).toEqual(
      expect.arrayContaining(['src/agents/auth.runtime.mjs', 'extensions/telegram/send.runtime.mjs']),
    )
  })

  it('takes promote.base outright; modules outside it are named from root', async () => {
    const files = await filesOf('names-base', {
      input: { index: 'src/index.ts', 'extensions/telegram/index': 'extensions/telegram/index.ts' },
      guard: { promote: { boundaries: 'all', base: 'extensions' } },
    })
    expect(files).toEqual(expect.arrayContaining(['telegram/send.runtime.mjs', 'src/agents/auth.runtime.mjs']))
  })

  it("through tsdown: an entry array is named from its common folder, and promoted names match tsdown's own", async () => {
    const dir = writeFixture('names-tsdown', {
      ...TWO_ROOTS,
      'tsdown.config.ts': `import { defineConfig } from 'tsdown'\n${importPlugin}\nexport default defineConfig({ entry: ['src/index.ts', 'extensions/telegram/index.ts'], plugins: [singletonGuard({ promote: { boundaries: 'all' } })] })\n`,
    })
    const result = await runTsdown(dir, ['--log-level', 'warn'])
    expect(result.exitCode, result.output).toBe(0)
    const files = (fs.readdirSync(path.join(dir, 'dist'), { recursive: true }) as string[])
      .map((file) => file.split(path.sep).join('/'))
      .filter((file) => file.endsWith('.mjs'))
      .sort()
    expect(files).toEqual([
      'extensions/telegram/index.mjs',
      'extensions/telegram/send.runtime.mjs',
      'src/agents/auth.runtime.mjs',
      'src/index.mjs',
    ])
  })
})

/**
 * `b.runtime` is imported lazily by main and statically by another lazy boundary: rolldown gives
 * it a chunk of its own, which main loads lazily, so it is a boundary. `a.ts` is imported both
 * ways by main itself: it stays in main's chunk and is no boundary.
 */
function lazilySharedProject(version: number): FixtureFiles {
  return {
    'package.json': JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }),
    'src/a.ts': `export const a = ${version}\n`,
    'src/b.runtime.ts': `export const version = ${version}\n`,
    'src/lazy.runtime.ts': `import { version as b } from './b.runtime.ts'\nexport const version = ${version} + b - b\n`,
    'src/main.ts': `import { a } from './a.ts'
export const loaders = {
  a: () => import('./a.ts'),
  'b.runtime': () => import('./b.runtime.ts'),
  'lazy.runtime': () => import('./lazy.runtime.ts'),
}
export const first = a
`,
  }
}

const LAZY_HOST = `const main = await import('./dist/main.mjs')
console.log(JSON.stringify({ realms: {} }))
process.stdin.once('data', async () => {
  const boundaries = {}
  for (const [name, load] of Object.entries(main.loaders)) {
    try { boundaries[name] = { version: (await load()).version ?? (await load()).a } } catch (error) { boundaries[name] = { error: error.code } }
  }
  console.log(JSON.stringify({ realms: {}, boundaries }))
  process.exit(0)
})
`

describe("boundaries: 'all' names what rolldown really splits", () => {
  async function buildAndRebuild(name: string, promote: boolean) {
    const dir = writeFixture(name, lazilySharedProject(1))
    const spec: BuildSpec = {
      input: { main: 'src/main.ts' },
      guard: { promote: promote ? { boundaries: 'all' } : false, report: true },
      outputs: OUTPUT,
    }
    const first = await build(dir, spec)
    expect(first.error).toBeUndefined()
    const host = startHost(dir, LAZY_HOST)
    await host.ready
    for (const [file, content] of Object.entries(lazilySharedProject(2))) {
      fs.writeFileSync(path.join(dir, file), content as string)
    }
    fs.rmSync(path.join(dir, 'dist'), { recursive: true })
    expect((await build(dir, spec)).error).toBeUndefined()
    return { files: first.files[0] ?? [], after: await host.release(), dir }
  }

  it('a boundary also imported statically by another lazy chunk gets a stable name; a rebuild strands nothing', async () => {
    const { files, after, dir } = await buildAndRebuild('lazily-shared-promote', true)
    expect(files).toEqual(expect.arrayContaining(['b.runtime.mjs', 'lazy.runtime.mjs', 'main.mjs']))
    // a.ts lives in main's chunk: no file of its own, nothing promoted for it.
    expect(files.filter((file) => file.startsWith('a'))).toEqual([])
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'dist/singleton-report.json'), 'utf8'))
    expect(report.promoted.map((entry: { name: string }) => entry.name)).toEqual(['b.runtime', 'lazy.runtime'])
    expect(after.boundaries).toEqual({ a: { version: 1 }, 'b.runtime': { version: 2 }, 'lazy.runtime': { version: 2 } })
  })

  it('control: without promote the same rebuild strands both lazy chunks', async () => {
    const { after } = await buildAndRebuild('lazily-shared-control', false)
    expect(after.boundaries).toEqual({
      a: { version: 1 },
      'b.runtime': { error: 'ERR_MODULE_NOT_FOUND' },
      'lazy.runtime': { error: 'ERR_MODULE_NOT_FOUND' },
    })
  })
})

describe('the migration view keeps what promote would name differently', () => {
  it('a listed boundary under a name of its own is kept, with the name promote would give it', async () => {
    const dir = writeFixture('migration-other-name', TWO_ROOTS)
    const result = await build(dir, {
      input: { index: 'src/index.ts', 'lazy/auth': 'src/agents/auth.runtime.ts' },
      guard: { promote: { boundaries: 'all' }, report: true },
      outputs: OUTPUT,
    })
    expect(result.error).toBeUndefined()
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'dist/singleton-report.json'), 'utf8'))
    expect(report.migration).toEqual({
      covered: [],
      kept: [
        {
          name: 'lazy/auth',
          module: 'src/agents/auth.runtime.ts',
          why: 'promote would name it "agents/auth.runtime"; set promote.base, or keep the entry',
        },
      ],
      notBoundaries: [],
      addedByPromote: [],
      missing: [],
    })
    // Nothing to delete and nothing stranding: information, not a warning.
    expect(result.warnings).toEqual([])
    expect(result.files[0]).toEqual(['index.mjs', 'lazy/auth.mjs', 'singleton-report.json'])
  })
})

describe('the migration summary', () => {
  it('warns about a listed boundary promote covers, and is silenced by promote.exclude for one kept on purpose', async () => {
    const input = { index: 'src/index.ts', 'agents/auth.runtime': 'src/agents/auth.runtime.ts' }
    const covered = await build(writeFixture('summary-covered', TWO_ROOTS), {
      input,
      guard: { promote: { boundaries: 'all' } },
      outputs: OUTPUT,
    })
    expect(covered.warnings).toEqual([
      {
        code: 'SINGLETON_PROMOTE_MIGRATION',
        message: expect.stringContaining('1 listed entry safe to delete (agents/auth.runtime)'),
      },
    ])
    const excluded = await build(writeFixture('summary-excluded', TWO_ROOTS), {
      input,
      guard: { promote: { boundaries: 'all', exclude: 'src/agents/auth.runtime.ts' } },
      outputs: OUTPUT,
    })
    expect(excluded.warnings).toEqual([])
    expect(excluded.infos.map((info) => info.message)).toEqual([
      expect.stringContaining('1 listed boundary to keep (agents/auth.runtime)'),
    ])
  })
})

describe("boundaries: 'all': clashes found while naming chunks", () => {
  it('fails with both sources named when two boundaries that reach no singleton map to one name', async () => {
    const dir = writeFixture('late-clash', {
      ...TWO_ROOTS,
      'src/agents/auth.runtime.js': `export const token = 'other'\n`,
      'src/index.ts': `export const auth = () => import('./agents/auth.runtime.ts')\nexport const other = () => import('./agents/auth.runtime.js')\n`,
    })
    const result = await build(dir, {
      input: { index: 'src/index.ts' },
      guard: { promote: { boundaries: 'all' } },
      outputs: OUTPUT,
    })
    expect(result.errorCode).toBe('SINGLETON_PROMOTE_CLASH')
    expect(result.error).toMatch(
      /cannot promote src\/agents\/auth\.runtime\.(ts|js) to the entry name "agents\/auth\.runtime": src\/agents\/auth\.runtime\.(js|ts) already has that name/,
    )
    expect(result.error).not.toMatch(/^\s+at /m)
  })

  it("fails when a boundary's name is already one of the user's entries", async () => {
    const dir = writeFixture('late-clash-entry', { ...TWO_ROOTS, 'src/other.ts': 'export const other = 1\n' })
    const result = await build(dir, {
      input: { index: 'src/index.ts', 'agents/auth.runtime': 'src/other.ts' },
      guard: { promote: { boundaries: 'all' } },
      outputs: OUTPUT,
    })
    expect(result.errorCode).toBe('SINGLETON_PROMOTE_CLASH')
    expect(result.error).toContain(
      'cannot promote src/agents/auth.runtime.ts to the entry name "agents/auth.runtime": src/other.ts already has that name',
    )
  })
})

describe('promote.base and promote.boundaries options', () => {
  it.each([
    [{ promote: { boundaries: 'some' } }, "option `promote.boundaries` accepts 'singletons' or 'all'; got \"some\"."],
    [
      { promote: { base: '/abs/src' } },
      'option `promote.base` accepts a folder path relative to `root` (e.g. "src") where promoted names start; got "/abs/src".',
    ],
    [
      { promote: { base: '' } },
      'option `promote.base` accepts a folder path relative to `root` (e.g. "src") where promoted names start; got "".',
    ],
  ])('rejects %j', (options, message) => {
    expect(() => resolveOptions(options)).toThrowError(`[singleton-guard] ${message}`)
  })

  it('resolves promote.base against root', () => {
    const resolved = resolveOptions({ root: projectRoot, promote: { base: 'src', boundaries: 'all' } })
    expect(resolved.promote).toMatchObject({ base: path.join(projectRoot, 'src'), boundaries: 'all' })
  })

  it('prints a bad promote option through tsdown in one line, without a stack trace', async () => {
    const dir = writeFixture('names-bad-option', {
      ...TWO_ROOTS,
      'tsdown.config.ts': `import { defineConfig } from 'tsdown'\n${importPlugin}\nexport default defineConfig({ entry: ['src/index.ts'], plugins: [singletonGuard({ promote: { boundaries: 'every' } })] })\n`,
    })
    const result = await runTsdown(dir)
    expect(result.exitCode).not.toBe(0)
    expect(result.output).toContain(
      "[singleton-guard] option `promote.boundaries` accepts 'singletons' or 'all'; got \"every\".",
    )
    expect(result.output).not.toMatch(/^\s+at /m)
  })
})
