import { continueWork } from '../../tools/continue-work.ts'

export async function reply(requestId: string, message: string): Promise<string> {
  continueWork(requestId, message)
  const { runAgent } = await import('./agent-runner.runtime.ts')
  const { summarize } = await import('./summarize.runtime.ts')
  return summarize(runAgent(requestId))
}
