// What each example must show (and must not); read by `npm run demo` and by test/examples.test.ts.
// `command` is the example's own build command, run with this repository's installed bin (default: tsdown).
export const examples = [
  {
    name: 'incident',
    story: 'lazy runtime boundaries sharing a delegate store, with promote',
    exitCode: 0,
    shows: [
      'SINGLETON_PROMOTED',
      '"auto-reply/reply/agent-runner.runtime": "src/auto-reply/reply/agent-runner.runtime.ts"',
    ],
    run: { file: 'run.mjs', prints: 'continue the migration' },
  },
  {
    name: 'duplicated-package',
    story: 'two installs of shared-state bundled into one output',
    exitCode: 1,
    shows: ['SINGLETON_DUPLICATED: the package shared-state is evaluated 2 times', 'cause: same package, two installs'],
  },
  {
    name: 'deduped-package',
    story: 'the same two installs, repaired: dedupe serves the nested install from the root one its range accepts',
    exitCode: 0,
    shows: [
      'SINGLETON_DEDUPED: shared-state: imports of node_modules/report-tool/node_modules/shared-state (2.0.3) are served by node_modules/shared-state (2.1.0)',
    ],
    absent: ['SINGLETON_DUPLICATED'],
    run: { file: 'run.mjs', prints: 'report-tool sees the app write: one registry' },
  },
  {
    name: 'array-config',
    story: 'a tsdown array config whose two builds each bundle the session registry',
    exitCode: 1,
    shows: ['SINGLETON_DUPLICATED_ACROSS_BUILDS: src/sessions.ts has a copy in each of 2 separate builds'],
  },
  {
    name: 'vite-app',
    story: 'Vite client + SSR sharing one plugin instance: a store on both sides, and one real duplicate',
    command: ['vite', 'build'],
    exitCode: 1,
    shows: [
      'SINGLETON_DUPLICATED: the package shared-state is evaluated 2 times in one output (dist/client, es)',
      'cause: same package, two installs',
    ],
    absent: ['SINGLETON_DUPLICATED_ACROSS_BUILDS', 'SINGLETON_PATTERN_UNMATCHED', '    at '],
  },
  {
    name: 'rollup-lib',
    story: 'a library built with Rollup 4: promote gives the lazy runtime and the registry stable names',
    command: ['rollup', '-c'],
    exitCode: 0,
    shows: [
      'SINGLETON_PROMOTED: 2 modules promoted to stable entries',
      '"runtime/run": "src/runtime/run.js", // runtime boundary',
    ],
    run: { file: 'run.mjs', prints: 'greeter: registered before the runtime loaded' },
  },
]
