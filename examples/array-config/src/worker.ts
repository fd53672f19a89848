import { sessions } from './sessions.ts'

export function activeSessions(): number {
  return sessions.size
}
