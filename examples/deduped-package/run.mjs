// The built program: the report tool reads what the app wrote, through one registry.
const { seenByReportTool } = await import('./dist/main.mjs')
console.log(
  seenByReportTool === 'v2' ? 'report-tool sees the app write: one registry' : 'report-tool sees another registry',
)
