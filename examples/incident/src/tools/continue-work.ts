import { pendingDelegates } from '../delegate-store.ts'

export function continueWork(requestId: string, task: string): void {
  pendingDelegates.set(requestId, task)
}
