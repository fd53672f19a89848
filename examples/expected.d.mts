export interface Example {
  name: string
  story: string
  exitCode: number
  shows: string[]
  run?: { file: string; prints: string }
}
export declare const examples: Example[]
