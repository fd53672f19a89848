// What each example must show; read by `npm run demo` and by test/examples.test.ts.
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
    name: 'array-config',
    story: 'a tsdown array config whose two builds each bundle the session registry',
    exitCode: 1,
    shows: ['SINGLETON_DUPLICATED_ACROSS_BUILDS: src/sessions.ts has a copy in each of 2 separate builds'],
  },
]
