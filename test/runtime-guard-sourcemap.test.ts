import fs from 'node:fs'
import path from 'node:path'
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping'
import { describe, expect, it } from 'vitest'
import { build } from './helpers/build.ts'
import { writeFixture } from './helpers/fixture.ts'

const STATE = `// @singleton
export const store: Map<string, number> = new Map([['first-line-token', 1]])

export function describeStore(prefix: string): string {
  store.set('needle-token', prefix.length)
  return prefix + store.size
}
`
const TOKENS = ['first-line-token', 'needle-token']

/** Where the original source has each token: 1-based line, 0-based column of its opening quote. */
function sourcePosition(token: string): { line: number; column: number } {
  const lines = STATE.split('\n')
  const line = lines.findIndex((text) => text.includes(`'${token}'`))
  return { line: line + 1, column: (lines[line] as string).indexOf(`'${token}'`) }
}

async function mappedPositions(runtimeGuard: false | 'warn', format: 'esm' | 'cjs') {
  const dir = writeFixture(`runtime-sourcemap-${format}`, {
    'package.json': JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }),
    'src/state.ts': STATE,
    'src/main.ts': `import { describeStore } from './state.ts'\nexport const text: string = describeStore('size: ')\n`,
  })
  const result = await build(dir, {
    input: { main: 'src/main.ts' },
    guard: { runtimeGuard },
    outputs: [{ dir: 'dist', format, sourcemap: true }],
  })
  expect(result.error).toBeUndefined()
  const code = fs.readFileSync(path.join(dir, 'dist/main.js'), 'utf8')
  expect(code.includes('singleton-guard.registry')).toBe(runtimeGuard !== false)
  const map = new TraceMap(fs.readFileSync(path.join(dir, 'dist/main.js.map'), 'utf8'))
  return TOKENS.map((token) => {
    const index = code.indexOf(`"${token}"`)
    expect(index).toBeGreaterThan(-1)
    const before = code.slice(0, index).split('\n')
    const generated = { line: before.length, column: (before.at(-1) as string).length }
    const original = originalPositionFor(map, generated)
    return { token, source: original.source, line: original.line, column: original.column }
  })
}

describe('runtime guard: source maps stay exact', () => {
  it.each(['esm', 'cjs'] as const)(
    '%s: positions in the guarded module map to the same original line and column',
    async (format) => {
      const guarded = await mappedPositions('warn', format)
      const bare = await mappedPositions(false, format)
      expect(guarded).toEqual(bare)
      expect(guarded).toEqual(TOKENS.map((token) => ({ token, source: '../src/state.ts', ...sourcePosition(token) })))
    },
  )
})
