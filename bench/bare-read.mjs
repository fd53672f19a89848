// The floor an audit of a built folder is measured against: a plain Node pass that lists the
// chunk files as the CLI does (.js, .mjs, .cjs; no dot-folders, no node_modules, no .d.ts),
// reads every one and scans its lines. `node bench/bare-read.mjs <folder>`; prints what it saw.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

const CHUNK = /\.[cm]?js$/
const DECLARATION = /\.d\.[cm]?[jt]s$/

const files = []
const walk = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue
    const file = join(dir, entry.name)
    if (entry.isDirectory()) walk(file)
    else if (entry.isFile() && CHUNK.test(entry.name) && !DECLARATION.test(entry.name)) files.push(file)
  }
}
walk(process.argv[2])
let lines = 0
let markers = 0
for (const file of files) {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    lines++
    if (line.startsWith('//')) markers++
  }
}
console.log(JSON.stringify({ files: files.length, lines, markers }))
