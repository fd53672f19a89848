import fs from 'node:fs'
import path from 'node:path'
import { parseSync } from 'oxc-parser'
import { beforeAll, describe, expect, it } from 'vitest'
import { lineStartComments } from '../src/core/line-comments.ts'
import { runCli } from './helpers/cli.ts'
import { fetchPackage, type Fetched } from './helpers/real-dist.ts'

/**
 * Published dists nobody here wrote, audited as they ship: no source maps, hundreds of chunk
 * files, several builds in one folder. Each is judged against an independent count: a plain
 * scan of the bundler's per-module comment lines.
 */
const CORPORA = [
  {
    // tsdown (rolldown 1.0 betas) with `//#region` markers: 876 chunk files, several builds
    // written into one flat folder, the incident's own app.
    spec: 'openclaw@2026.3.1',
    folder: 'dist',
    style: 'region markers',
  },
  {
    // rolldown 1.x: a `// <module>` comment per module; client, node and module-runner builds.
    spec: 'vite@8.3.8',
    folder: 'dist',
    style: 'path comments',
  },
  {
    // esbuild: `// <module>` comments; esm and cjs entries beside minified plugins.
    spec: 'prettier@3.10.1',
    folder: '.',
    style: 'path comments',
  },
] as const

const CHUNK = /\.[cm]?js$/

function chunkFiles(dir: string): string[] {
  const found: string[] = []
  const walk = (at: string) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue
      const file = path.join(at, entry.name)
      if (entry.isDirectory()) walk(file)
      else if (CHUNK.test(entry.name)) found.push(file)
    }
  }
  walk(dir)
  return found
}

/** A module as both sides name it: a package's file by `<name>/<subpath>`, others by their path. */
function moduleName(id: string): string {
  const parts = id.split('/')
  const at = parts.lastIndexOf('node_modules')
  return at === -1 ? id.replace(/^(\.\.\/)+/, '') : parts.slice(at + 1).join('/')
}

/**
 * The independent count: every line that is exactly a region marker or a path comment, per
 * file; a module named in two files, or under two paths (two installs), has copies. Virtual
 * modules (`\0...`) are the bundler's own.
 */
function countByLines(files: readonly string[], style: string): { withCopies: Set<string>; runtimes: number } {
  const places = new Map<string, Set<string>>()
  let runtimes = 0
  const pattern = style === 'region markers' ? /^\/\/#region (.+)$/ : /^\/\/ (\S+\.(?:[cm]?[jt]sx?|json))$/
  for (const file of files) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const id = pattern.exec(line.trimEnd())?.[1]
      if (!id) continue
      if (id.startsWith('\\0')) {
        if (id.includes('rolldown/runtime')) runtimes++
        continue
      }
      const name = moduleName(id)
      places.set(name, (places.get(name) ?? new Set()).add(`${file}\n${id}`))
    }
  }
  return { withCopies: new Set([...places].filter(([, at]) => at.size > 1).map(([name]) => name)), runtimes }
}

interface AuditJson {
  exitCode: number
  summary: { modulesWithCopies: number; byAttribution: { attributedBy: string; chunks: number }[] }
  builds: { label: string }[]
  folders: { chunks: { file: string; attributedBy: string; unattributed: string | null }[] }[]
  findings: { module: string; copies: unknown[] }[]
  unattributed: { chunk: string; reason: string }[]
}

describe.each(CORPORA)('audit of the published $spec ($style, no source maps)', ({ spec, folder, style }) => {
  let fetched: Fetched = { ok: false, reason: 'not fetched' }
  beforeAll(async () => {
    fetched = await fetchPackage(spec)
  }, 300_000)

  it('finds the modules an independent count of its markers says have copies (recall and precision >= 95%)', async (ctx) => {
    if (!fetched.ok) return ctx.skip(fetched.reason)
    const dir = fetched.dir
    const files = chunkFiles(path.join(dir, folder))
    const truth = countByLines(files, style)
    const run = await runCli(dir, ['audit', folder, '--json'])
    const json = JSON.parse(run.stdout) as AuditJson
    const found = new Set(json.findings.filter((finding) => finding.copies.length > 1).map((f) => moduleName(f.module)))
    const both = [...truth.withCopies].filter((name) => found.has(name)).length
    const recall = both / truth.withCopies.size
    const precision = both / found.size
    console.log(
      `${spec}: ${files.length} chunk files; independent count ${truth.withCopies.size} modules with copies, the CLI ${found.size}; recall ${(recall * 100).toFixed(1)}%, precision ${(precision * 100).toFixed(1)}%; ${json.builds.length} builds told apart, ${json.unattributed.length} chunks not attributed`,
    )
    expect(truth.withCopies.size).toBeGreaterThan(10)
    expect(recall).toBeGreaterThanOrEqual(0.95)
    expect(precision).toBeGreaterThanOrEqual(0.95)
    // Copies were found: a chunk that cannot be read (minified, vendored) does not turn that into exit 2.
    expect(run.exitCode).toBe(1)
    expect(json.exitCode).toBe(1)
    expect(json.summary.byAttribution.find((entry) => entry.attributedBy === style)?.chunks).toBeGreaterThan(0)
    // rolldown's runtime is printed once per build: never a copy of anything.
    expect(json.findings.filter((finding) => finding.module.includes('rolldown/runtime'))).toEqual([])
    if (spec.startsWith('openclaw')) {
      expect(truth.runtimes).toBeGreaterThanOrEqual(2)
      expect(json.builds.length).toBeGreaterThan(1)
    }
  })

  it('prints a readable text: the verdict first, capped findings, each unreadable chunk reason once', async (ctx) => {
    if (!fetched.ok) return ctx.skip(fetched.reason)
    const run = await runCli(fetched.dir, ['audit', folder])
    const lines = run.stdout.split('\n')
    expect(run.exitCode).toBe(1)
    expect(lines[0]).toMatch(
      /^\[singleton-guard\] ([\d,]+ modules? with state or declared (is|are)|no module with state is) evaluated more than once(; [\d,]+ modules? without state duplicated \(code only, not a split\))?\.$/,
    )
    expect(lines[2]).toMatch(/^ {2}modules with copies: /)
    expect(lines.filter((line) => line.startsWith('[singleton-guard] SINGLETON_')).length).toBeLessThanOrEqual(50)
    expect(lines.length).toBeLessThan(1500)
    // Each reason a chunk could not be read is said once, with the way to make it readable once.
    const how = lines.filter((line) => line.includes('Build with source maps'))
    expect(how.length).toBeLessThanOrEqual(1)
  })

  it("reads each chunk's line-start comments as a parser does", async (ctx) => {
    if (!fetched.ok) return ctx.skip(fetched.reason)
    // A parser is the oracle here; on the largest corpus a sample keeps the test quick.
    const files = chunkFiles(path.join(fetched.dir, folder)).filter((file) => fs.statSync(file).size < 2_000_000)
    const sample = files.filter((_, index) => index % Math.ceil(files.length / 120) === 0)
    let compared = 0
    for (const file of sample) {
      const code = fs.readFileSync(file, 'utf8')
      const parsed = parseSync(file, code, { sourceType: 'unambiguous', lang: 'js' })
      if (parsed.errors.some((error) => error.severity === 'Error')) continue
      const byParser = parsed.comments
        .filter(
          (comment) =>
            comment.type === 'Line' &&
            code.startsWith('//', comment.start) &&
            (comment.start === 0 || code[comment.start - 1] === '\n'),
        )
        .map((comment) => comment.start)
      const byLexer = lineStartComments(code, () => true).comments.map((comment) => comment.start)
      expect({ file: path.relative(fetched.dir, file), starts: byLexer }).toEqual({
        file: path.relative(fetched.dir, file),
        starts: byParser,
      })
      compared++
    }
    expect(compared).toBeGreaterThan(5)
  })
})
