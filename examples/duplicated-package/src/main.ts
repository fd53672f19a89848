import { registry } from 'shared-state'
import { lookup } from 'legacy-tool'

registry.set('plugin', 'v2')
export const seenByLegacyTool: unknown = lookup('plugin')
