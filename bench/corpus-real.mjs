// Corpus A: real packages (three.js src, date-fns with every locale, lodash-es, rxjs).
// The entry lives under bench/.work so bare specifiers resolve from /work/main/node_modules.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const ENTRY = `import * as _ from 'lodash-es'
import * as rx from 'rxjs'
import * as rxOperators from 'rxjs/operators'
import * as dateFns from 'date-fns'
// Reached statically here and, through Three.js, from the lazy chunk: the incident's shape.
import { Object3D } from 'three/src/core/Object3D.js'

export { _, rx, rxOperators, dateFns, Object3D }

// Lazy boundaries, so the output has several chunks. Three.WebGPU.js brings in the rest of
// three/src (nodes, WebGPU renderer) beside the WebGL renderer of Three.js.
export const loadLocales = () => import('date-fns/locale')
export const loadFr = () => import('date-fns/locale/fr')
export const loadJa = () => import('date-fns/locale/ja')
export const loadThree = () => import('./lazy-three.js')
export const loadThreeWebGPU = () => import('three/src/Three.WebGPU.js')
`

const LAZY_THREE = `export * from 'three/src/Three.js'\n`

export function writeRealCorpus(workDir) {
  const dir = join(workDir, 'corpus-real')
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'main.js'), ENTRY)
  writeFileSync(join(dir, 'lazy-three.js'), LAZY_THREE)
  return {
    name: 'real',
    input: { main: join(dir, 'main.js') },
    root: dir,
    // A package declared whole (every install compared) and one file of another package.
    singletons: ['rxjs', 'three/src/core/Object3D.js'],
    // How the census recognises the singleton among the graph's module ids.
    singletonId: /three\/src\/core\/Object3D\.js$/,
  }
}
