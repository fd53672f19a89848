import { plugins } from './registry.js'

export function register(name, setup) {
  plugins.set(name, setup)
}

/** The runtime is heavy: it is loaded on first use. */
export async function start() {
  const { run } = await import('./runtime/run.js')
  return run()
}
