// `npm run lint` part: src/ has no import cycle (type-only imports included) and no export that
// nothing imports (tests count as importers: they test pure parts directly). Entry files (the
// package's public API, the CLI) may export to the outside.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseSync } from 'oxc-parser'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const src = path.join(root, 'src')
const ENTRY_FILES = new Set(['src/index.ts', 'src/cli/main.ts', 'src/runtime/registry.ts'])

const sourcesIn = (dir) =>
  fs
    .readdirSync(dir, { recursive: true })
    .map((file) => path.join(dir, String(file)))
    .filter(
      (file) =>
        /\.[cm]?ts$/.test(file) &&
        !file.endsWith('.d.ts') &&
        !file.includes(`${path.sep}.work${path.sep}`) &&
        // Published packages fetched for the CLI's tests (test/.cache) are not ours.
        !file.includes(`${path.sep}.cache${path.sep}`),
    )
const files = sourcesIn(src)
const testFiles = sourcesIn(path.join(root, 'test'))
const relative = (file) => path.relative(root, file).split(path.sep).join('/')

/** file -> { imports: Map<file, Set<name>>, exports: Set<name>, reexportsAll: Set<file> } */
const modules = new Map()
const testModules = new Map()
for (const file of [...files, ...testFiles]) {
  const { module, errors } = parseSync(file, fs.readFileSync(file, 'utf8'))
  if (errors.length > 0) throw new Error(`${relative(file)}: ${errors[0].message}`)
  const imports = new Map()
  const exportsOf = new Set()
  const reexportsAll = new Set()
  const target = (request) => (request.startsWith('.') ? path.resolve(path.dirname(file), request) : undefined)
  const use = (request, name) => {
    const to = target(request)
    if (!to) return
    if (!imports.has(to)) imports.set(to, new Set())
    imports.get(to).add(name)
  }
  for (const item of module.staticImports) {
    if (item.entries.length === 0) use(item.moduleRequest.value, '*')
    for (const entry of item.entries) {
      use(item.moduleRequest.value, entry.importName.kind === 'Name' ? entry.importName.name : '*')
    }
  }
  for (const item of module.staticExports) {
    for (const entry of item.entries) {
      if (entry.moduleRequest) {
        use(entry.moduleRequest.value, entry.importName?.name ?? '*')
        if (entry.exportName.name === null) reexportsAll.add(target(entry.moduleRequest.value))
      }
      if (entry.exportName.name !== null) exportsOf.add(entry.exportName.name)
    }
  }
  for (const dynamic of module.dynamicImports) {
    const text = fs.readFileSync(file, 'utf8').slice(dynamic.moduleRequest.start, dynamic.moduleRequest.end)
    const literal = /^['"](.*)['"]$/.exec(text)?.[1]
    if (literal) use(literal, '*')
  }
  ;(file.startsWith(src + path.sep) ? modules : testModules).set(file, { imports, exports: exportsOf, reexportsAll })
}

const problems = []
for (const [file, { imports }] of modules) {
  for (const to of imports.keys()) {
    if (!modules.has(to)) problems.push(`${relative(file)} imports ${relative(to)}, which is not a source file`)
  }
}

// Cycles: depth-first search over every import edge, type-only ones included.
const state = new Map()
const stack = []
function visit(file) {
  state.set(file, 'open')
  stack.push(file)
  for (const to of modules.get(file)?.imports.keys() ?? []) {
    if (!modules.has(to)) continue
    if (state.get(to) === 'open') {
      problems.push(`import cycle: ${[...stack.slice(stack.indexOf(to)), to].map(relative).join(' -> ')}`)
    } else if (!state.has(to)) visit(to)
  }
  stack.pop()
  state.set(file, 'done')
}
for (const file of modules.keys()) if (!state.has(file)) visit(file)

// Unused exports: a name exported by a non-entry file that no other file imports.
const used = new Map()
for (const { imports } of [...modules.values(), ...testModules.values()]) {
  for (const [to, names] of imports) {
    if (!used.has(to)) used.set(to, new Set())
    for (const name of names) used.get(to).add(name)
  }
}
for (const [file, { exports: names }] of modules) {
  if (ENTRY_FILES.has(relative(file))) continue
  const importedNames = used.get(file) ?? new Set()
  if (importedNames.has('*')) continue
  for (const name of names) {
    if (!importedNames.has(name)) problems.push(`${relative(file)} exports \`${name}\`, which nothing imports`)
  }
}

if (problems.length > 0) {
  console.error(problems.join('\n'))
  console.error(`\n${problems.length} structure problem(s) in src/`)
  process.exit(1)
}
console.log(`structure: ${modules.size} files in src/, no import cycle, no unused export`)
