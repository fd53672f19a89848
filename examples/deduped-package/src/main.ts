import { registry } from 'shared-state'
import { lookup } from 'report-tool'

registry.set('plugin', 'v2')
export const seenByReportTool: unknown = lookup('plugin')
