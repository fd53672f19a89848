import { pendingDelegates } from '../../delegate-store.ts'

export function runAgent(requestId: string): string {
  return pendingDelegates.get(requestId) ?? 'dropped'
}
