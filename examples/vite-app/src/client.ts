import { sessions } from './session-store.ts'
import { subscribe } from 'shared-state'
import { legacyWidget } from 'legacy-tool'

const sessionId = document.querySelector('main')?.dataset.session ?? 'anonymous'
sessions.set(sessionId, { user: 'ada' })
subscribe('theme', () => legacyWidget())
