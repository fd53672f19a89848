import { sessions } from './session-store.ts'

export function render(sessionId: string): string {
  sessions.set(sessionId, { user: 'ada' })
  return `<main data-session="${sessionId}">Hello ${sessions.get(sessionId)?.user}</main>`
}
