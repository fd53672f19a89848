/**
 * A mistake the user made (an option, an argument), or a verdict: printed as its message alone,
 * without a stack trace. Hosts keep `code` (rolldown and Vite as `pluginCode`).
 */
export class UserError extends Error {
  readonly code: string

  constructor(code: string, message: string) {
    super(message)
    this.name = 'SingletonGuardError'
    this.code = code
    this.stack = ''
  }
}
