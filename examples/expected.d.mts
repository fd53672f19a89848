export interface Example {
  name: string
  story: string
  /** The example's own build command (a bin of this repository's node_modules); default `['tsdown']`. */
  command?: string[]
  exitCode: number
  shows: string[]
  /** Texts that must not appear (a false alarm, a stack trace). */
  absent?: string[]
  run?: { file: string; prints: string }
}
export declare const examples: Example[]
