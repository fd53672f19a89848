import { describe, expect, it } from 'vitest'
import { causeBetween, judgeAcross, judgeWithin, type Modes } from '../../src/core/verdicts.ts'
import type { Copy, ModuleIdentity, OutputMap, PackageInfo, TrackedModule } from '../../src/core/types.ts'

const modes: Modes = { onDuplicate: 'error', formats: 'warn', builds: 'error', root: '/repo' }

function pkg(dir: string, version: string): PackageInfo {
  return { name: 'shared-state', version, dir, exports: undefined, mainFields: ['index.js'], nameFrom: 'manifest' }
}

function identity(id: string, fields: Partial<ModuleIdentity> = {}): ModuleIdentity {
  const [file, query = ''] = id.split(/(?=\?)/)
  return {
    id,
    file: file!,
    query,
    realpath: file!,
    package: undefined,
    subpath: undefined,
    exportSubpath: undefined,
    key: `file:${file}`,
    installKey: `file:${file}`,
    ...fields,
  }
}

function copy(of: ModuleIdentity, chunk: string, fields: Partial<Copy> = {}): Copy {
  return { identity: of, chunks: [chunk], sharedFactory: false, builtFrom: undefined, chain: [], ...fields }
}

function output(key: string, group: string, format: string, modules: TrackedModule[], realm = 'default'): OutputMap {
  return { key, group, realm, dir: key, format, label: key, modules: new Map(modules.map((m) => [m.key, m])) }
}

function tracked(copies: Copy[], key = 'file:/repo/src/state.ts'): TrackedModule {
  return { key, scope: 'module', display: 'src/state.ts', declaredBy: ["'src/state.ts'"], copies, facades: [] }
}

describe('causeBetween', () => {
  const state = identity('/repo/src/state.ts')
  it.each([
    ['one id in two chunks', copy(state, 'a.js'), copy(state, 'b.js'), 'one-id-several-chunks'],
    ['a query twin', copy(state, 'a.js'), copy(identity('/repo/src/state.ts?raw'), 'b.js'), 'same-file-two-ids'],
    [
      'two installs',
      copy(identity('/repo/node_modules/s/index.js', { package: pkg('/repo/node_modules/s', '2.0.0') }), 'a.js'),
      copy(
        identity('/repo/node_modules/t/node_modules/s/index.js', {
          package: pkg('/repo/node_modules/t/node_modules/s', '1.0.0'),
        }),
        'b.js',
      ),
      'same-package-two-installs',
    ],
    [
      'a source and its build',
      copy(
        identity('/repo/packages/s/src/index.ts', {
          package: pkg('/repo/packages/s', '0.0.0'),
          subpath: 'src/index.ts',
        }),
        'a.js',
      ),
      copy(
        identity('/repo/packages/s/dist/index.mjs', {
          package: pkg('/repo/packages/s', '0.0.0'),
          subpath: 'dist/index.mjs',
        }),
        'b.js',
      ),
      'source-and-build',
    ],
    [
      "a package's esm and cjs files",
      copy(
        identity('/repo/node_modules/s/index.mjs', {
          package: pkg('/repo/node_modules/s', '1.0.0'),
          subpath: 'index.mjs',
        }),
        'a.js',
      ),
      copy(
        identity('/repo/node_modules/s/index.cjs', {
          package: pkg('/repo/node_modules/s', '1.0.0'),
          subpath: 'index.cjs',
        }),
        'b.js',
      ),
      'dual-package-files',
    ],
  ])('%s', (_, a, b, cause) => expect(causeBetween(a, b)).toBe(cause))
})

describe('judging', () => {
  const state = identity('/repo/src/state.ts')

  it('finds copies within one output, with cause and fix', () => {
    const [finding] = judgeWithin(
      output('dist|es', 'main', 'es', [
        tracked([copy(state, 'a.js'), copy(identity('/repo/src/state.ts?v=2'), 'b.js')]),
      ]),
      modes,
    )
    expect(finding).toMatchObject({
      code: 'SINGLETON_DUPLICATED',
      severity: 'error',
      causes: ['same-file-two-ids'],
      outputKeys: ['dist|es'],
    })
  })

  it('tells formats of one build from separate builds, and never compares realms', () => {
    const esm = output('dist/esm', 'main', 'es', [tracked([copy(state, 'main.js')])])
    const cjs = output('dist/cjs', 'main', 'cjs', [tracked([copy(state, 'main.cjs')])])
    const other = output('dist/other', 'other', 'es', [tracked([copy(state, 'other.js')])])
    const ssr = output('dist/ssr', 'main', 'es', [tracked([copy(state, 'main.js')])], 'ssr')
    const findings = judgeAcross([esm, cjs, other, ssr], modes)
    expect(findings.map((f) => [f.code, f.causes[0], f.outputKeys])).toEqual([
      ['SINGLETON_DUPLICATED_ACROSS_OUTPUTS', 'separate-formats', ['dist/cjs', 'dist/esm']],
      ['SINGLETON_DUPLICATED_ACROSS_BUILDS', 'separate-builds', ['dist/cjs', 'dist/esm', 'dist/other']],
    ])
    expect(judgeAcross([esm, cjs], { ...modes, formats: 'ignore' })).toEqual([])
  })

  it('never compares a module of a declared package across outputs (its package is compared)', () => {
    const install = { ...tracked([copy(state, 'a.js')], 'install:/repo/x'), scope: 'install' as const }
    expect(judgeAcross([output('a', 'a', 'es', [install]), output('b', 'b', 'es', [install])], modes)).toEqual([])
  })
})
