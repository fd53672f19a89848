import { defineConfig, type UserConfig } from 'tsdown'

const config: UserConfig[] = defineConfig([
  {
    entry: { index: 'src/index.ts', cli: 'src/cli/main.ts' },
    platform: 'node',
    format: 'esm',
    dts: true,
    // The bundlers are optional peers: a bare `import 'rolldown'` left in the declarations (from
    // type-only imports) would make them look required. No external import of ours has side effects.
    inputOptions: { treeshake: { moduleSideEffects: (_id: string, external: boolean) => !external } },
  },
  {
    // `singleton-guard run` loads this into the user's processes: one self-contained file, its own build.
    entry: { tracker: 'src/cli/run/tracker.ts' },
    platform: 'node',
    format: 'esm',
    dts: false,
  },
])

export default config
