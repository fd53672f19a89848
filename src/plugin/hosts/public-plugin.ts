/**
 * A plugin as every host takes it: rolldown and tsdown, Vite 8, Rollup 4. Declared here rather
 * than imported from rolldown, so that the published types name no bundler and a Vite-only or
 * Rollup-only project type-checks its config without rolldown installed.
 */
export interface SingletonGuardPlugin {
  name: string
}
