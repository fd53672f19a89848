import type { ModuleIdentity } from '../../identity.ts'

/** What the host (rolldown, tsdown, Vite, Rollup) tells the chunk map about one output. */
export interface OutputHost {
  /** The realm the output runs in (see vite-environment.ts); outputs of two realms never meet. */
  realm: string
  /** Whether a module id that names a singleton's file evaluates its code (see loader-queries.ts). */
  evaluates: (identity: ModuleIdentity) => boolean
}

/** rolldown and tsdown: one realm, every module id an evaluation. */
export const PLAIN_HOST: OutputHost = { realm: '', evaluates: () => true }
