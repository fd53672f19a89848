import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { singletonGuard } from '../src/index.ts'
import { rolldown } from 'rolldown'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { buildWithout, cliFile, expectOneLine, runCli } from './helpers/cli.ts'
import { execute, projectRoot, statefulModule, writeFixture, type FixtureFiles } from './helpers/fixture.ts'

const execFileAsync = promisify(execFile)

const project: FixtureFiles = {
  'package.json': JSON.stringify({ name: 'app', type: 'module' }),
  'src/state.js': statefulModule(),
  'src/reader.runtime.js': `import { store } from './state.js'\nexport const read = (k) => store.get(k)\n`,
  'src/main.js': `import { store } from './state.js'\nexport const write = (k, v) => store.set(k, v)\nexport const lazyRead = async (k) => (await import('./reader.runtime.js')).read(k)\n`,
}

describe('bad input: one line, exit code 2, no stack trace', () => {
  it.each([
    ['an unknown flag', ['audit', 'dist', '--colour'], 'unknown flag `--colour`'],
    ['no command', [], 'missing command'],
    ['an unknown command', ['inspect', 'dist'], 'unknown command `inspect`'],
    ['audit without a folder', ['audit'], 'needs at least one folder'],
    ['diff with one folder', ['diff', 'dist'], 'compares exactly two folders'],
    [
      'an audit-only flag given to diff',
      ['diff', 'dist', 'empty', '--module', 'src/state.js'],
      '`--module` belongs to `audit`, not `diff`',
    ],
    ['a missing folder', ['audit', 'no-such-dist'], 'folder not found: no-such-dist'],
    ['a folder inside another', ['audit', 'dist', 'dist/esm'], 'dist/esm is inside dist'],
    ['a file instead of a folder', ['audit', 'package.json'], 'not a folder: package.json'],
    ['a folder with no chunks', ['audit', 'empty'], 'no chunks in empty'],
    ['a bad mode', ['audit', 'dist', '--formats', 'loud'], '`--formats` accepts error, warn or ignore'],
    ['a bad output format', ['audit', 'dist', '--format', 'xml'], '`--format` accepts text, json or markdown'],
    ['two output formats', ['audit', 'dist', '--json', '--format', 'markdown'], 'ask for two outputs; give one'],
    ['a value given to --strict', ['audit', 'dist', '--strict=yes'], '`--strict` takes no value'],
    ['--html to a non-page', ['audit', 'dist', '--html', 'dist/main.js'], 'give a file name ending in .html'],
    [
      '--module that matches nothing',
      ['audit', 'dist', '--module', 'src/nothing.js'],
      'no module matching "src/nothing.js"',
    ],
  ])('%s', async (_, args, expected) => {
    const dir = writeFixture('cli-bad', { ...project, 'empty/readme.txt': 'nothing built here\n' })
    await buildWithout('rolldown', dir, { input: { main: 'src/main.js' } })
    const before = fs.readFileSync(path.join(dir, 'dist/main.js'), 'utf8')
    const run = await runCli(dir, args)
    expect(run.exitCode).toBe(2)
    expect(expectOneLine(run)).toContain(expected)
    expect(fs.readFileSync(path.join(dir, 'dist/main.js'), 'utf8')).toBe(before)
  })

  it('names the chunks without a source map or markers (minified) and refuses to clear them', async () => {
    const dir = writeFixture('cli-nomap', project)
    // Minified: no map and no per-module comments, so nothing says which modules a chunk holds.
    await buildWithout('esbuild', dir, { input: { main: 'src/main.js' }, sourcemap: false, minify: true })
    const run = await runCli(dir, ['audit', 'dist'])
    expect(run.exitCode).toBe(2)
    const line = expectOneLine(run)
    expect(line).toMatch(/^\[singleton-guard\] \d+ of \d+ chunks could not be attributed/)
    expect(line).toContain('dist/main.js')
    expect(line).toContain('no source map, no region markers or path comments')
    expect(line).toContain('"no copies" cannot be claimed')
    expect(line).toContain('Build with source maps')
  })

  it('reads the markers of a chunk whose map is broken; without markers names the chunk and keeps it out of the verdict', async () => {
    const dir = writeFixture('cli-brokenmap', {
      ...project,
      'src/reader.runtime.js': `import { store } from 'linked/state.js'\nexport const read = (k) => store.get(k)\n`,
      'node_modules/linked': { symlink: '../src' },
    })
    await buildWithout('rolldown', dir, {
      input: { main: 'src/main.js', other: 'src/reader.runtime.js' },
      preserveSymlinks: true,
    })
    const truth = await execute<{ realms: number }>(
      dir,
      `const m = await import('./dist/main.js'); await m.lazyRead('k'); console.log(JSON.stringify({ realms: globalThis.__evaluations.state }))`,
    )
    expect(truth.realms).toBe(2)
    fs.writeFileSync(path.join(dir, 'dist/main.js.map'), '{"version":3,"mappings":')
    // rolldown's path comments (`// src/state.js`) still say what main.js holds: the copy is seen.
    const broken = await runCli(dir, ['audit', 'dist'])
    expect(broken.exitCode).toBe(1)
    expect(broken.stdout).toContain('src/state.js is evaluated 2 times')
    expect(broken.stdout).toContain('dist/main.js: broken source map: not JSON')
    expect(broken.stdout).toContain("attributed by its bundler's markers instead")

    // Without its comments too, main.js is unreadable: named with its reason, never called clean.
    const main = path.join(dir, 'dist/main.js')
    fs.writeFileSync(main, fs.readFileSync(main, 'utf8').replace(/^\/\/ .*$/gm, ''))
    const unread = await runCli(dir, ['audit', 'dist'])
    expect(unread.stdout).toContain('dist/main.js')
    expect(unread.stdout).toContain('broken source map: not JSON')
    expect(unread.stdout).toContain('in the attributed chunks; 1 chunk could not be read')
    expect(unread.exitCode).toBe(0)
    const strict = await runCli(dir, ['audit', 'dist', '--strict'])
    expect(strict.exitCode).toBe(2)
    expect(expectOneLine(strict)).toContain('dist/main.js: broken source map')

    fs.rmSync(path.join(dir, 'dist/main.js.map'))
    const gone = await runCli(dir, ['audit', 'dist', '--json'])
    const json = JSON.parse(gone.stdout) as { unattributed: { chunk: string; reason: string }[]; exitCode: number }
    expect(json.unattributed).toEqual([
      {
        chunk: 'dist/main.js',
        reason:
          'source map main.js.map not found, no region markers or path comments (minified, or not written by a bundler)',
      },
    ])
    expect(gone.exitCode).toBe(0)
  })

  it('reports copies it can see even when another chunk has no map (exit 1, with a note)', async () => {
    const dir = writeFixture('cli-partial', {
      ...project,
      'src/reader.runtime.js': `import { store } from 'linked/state.js'\nexport const read = (k) => store.get(k)\n`,
      'src/unrelated.js': `export const hello = () => 'hi'\n`,
      'node_modules/linked': { symlink: '../src' },
    })
    await buildWithout('rolldown', dir, {
      input: { main: 'src/main.js', unrelated: 'src/unrelated.js' },
      preserveSymlinks: true,
    })
    fs.rmSync(path.join(dir, 'dist/unrelated.js.map'))
    const run = await runCli(dir, ['audit', 'dist'])
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('src/state.js is evaluated 2 times')
    expect(run.stdout).toContain('dist/unrelated.js: source map unrelated.js.map not found')
  })

  it('rejects a corrupt report, ignores one of an unknown version, and trusts the chunks over a stale one', async () => {
    const dir = writeFixture('cli-report', project)
    await buildWithout('rolldown', dir, { input: { main: 'src/main.js' } })
    const report = path.join(dir, 'dist/singleton-report.json')
    fs.writeFileSync(report, '{"version": 1, "outputs": [')
    const corrupt = await runCli(dir, ['audit', 'dist'])
    expect(corrupt.exitCode).toBe(2)
    expect(expectOneLine(corrupt)).toContain('the report dist/singleton-report.json is corrupt (not JSON')

    fs.writeFileSync(report, JSON.stringify({ version: 99, whatever: true }))
    const future = await runCli(dir, ['audit', 'dist'])
    expect(future.exitCode).toBe(0)
    expect(future.stdout).toContain('has version 99, which this CLI does not know: ignored')

    fs.writeFileSync(report, JSON.stringify({ version: 1, outputs: 'nope' }))
    const malformed = await runCli(dir, ['audit', 'dist'])
    expect(malformed.exitCode).toBe(2)
    expect(expectOneLine(malformed)).toContain('`outputs` is not a list')
  })
})

describe("the plugin's report, when the folder has one", () => {
  it('takes entry flags from it, and flags chunks it names that are gone', async () => {
    const dir = writeFixture('cli-with-report', project)
    const bundle = await rolldown({
      cwd: dir,
      input: { main: 'src/main.js' },
      plugins: [singletonGuard({ root: dir, singletons: 'src/state.js', report: true })],
    })
    await bundle.write({ dir: path.join(dir, 'dist'), sourcemap: true })
    await bundle.close()
    const reportFile = path.join(dir, 'dist/singleton-report.json')
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as {
      version: number
      output: { chunks: { fileName: string }[] }
    }
    expect(report.version).toBe(2)
    report.output.chunks.push({ ...report.output.chunks[0], fileName: 'gone-1234ABCD.js' })
    fs.writeFileSync(reportFile, JSON.stringify(report))
    const run = await runCli(dir, ['audit', 'dist', '--json'])
    const json = JSON.parse(run.stdout) as {
      exitCode: number
      notes: string[]
      folders: { chunks: { file: string; kind: string }[] }[]
    }
    expect(json.exitCode).toBe(0)
    expect(json.folders[0]?.chunks.find((chunk) => chunk.file === 'main.js')?.kind).toBe('entry')
    expect(json.notes.join('\n')).toContain('names 1 chunk not in the folder (gone-1234ABCD.js)')
  })
})

describe('progress and the installed command', () => {
  it('shows progress on a terminal, and none with --json', async () => {
    const dir = writeFixture('cli-tty', project)
    await buildWithout('rolldown', dir, { input: { main: 'src/main.js' } })
    // `script` gives the CLI a pseudo-terminal, as a person at a shell has.
    const onTerminal = (args: string) =>
      execFileAsync(
        'script',
        ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(cliFile)} ${args}`, '/dev/null'],
        {
          cwd: dir,
        },
      )
    const shown = await onTerminal('audit dist')
    expect(shown.stdout).toContain('[singleton-guard] reading ')
    expect(shown.stdout).toContain('is evaluated more than once')
    const json = await onTerminal('audit dist --json')
    expect(json.stdout).not.toContain('reading')
    expect(JSON.parse(json.stdout.slice(json.stdout.indexOf('{'))).exitCode).toBe(0)
  })

  it('is the package bin: an executable file with a hashbang', async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {
      bin: Record<string, string>
    }
    const bin = path.join(projectRoot, manifest.bin['singleton-guard'] as string)
    expect(bin).toBe(cliFile)
    expect(fs.readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true)
    expect(fs.statSync(bin).mode & 0o111).not.toBe(0)
    const help = await runCli(projectRoot, ['--help'])
    expect(help.exitCode).toBe(0)
    expect(help.stdout).toContain('singleton-guard audit <dir...>')
  })

  it('prints nothing on stderr when not writing to a terminal', async () => {
    const dir = writeFixture('cli-quiet', project)
    await buildWithout('rolldown', dir, { input: { main: 'src/main.js' } })
    const run = await runCli(dir, ['audit', 'dist'])
    expect(run.exitCode).toBe(0)
    expect(run.stderr).toBe('')
  })
})
