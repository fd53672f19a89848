import { sessions } from './sessions.ts'

export function login(id: string, user: string): void {
  sessions.set(id, { user })
}
