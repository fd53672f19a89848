import { plugins } from '../registry.js'

export function run() {
  return [...plugins.keys()].map((name) => `${name}: ${plugins.get(name)()}`)
}
