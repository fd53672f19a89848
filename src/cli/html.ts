import { CAUSE_TITLES } from './core.ts'
import type { AuditResult } from './audit.ts'
import type { AuditChunk } from './model.ts'

const NODE_WIDTH = 230
const NODE_HEIGHT = 46
const COLUMN_GAP = 90
const ROW_GAP = 18
const MARGIN = 24

interface Placed {
  chunk: AuditChunk
  x: number
  y: number
  /** Indexes of the findings whose copies this chunk holds. */
  copyOf: number[]
}

/**
 * One self-contained page (inline SVG, CSS and script; nothing fetched): chunks as nodes by kind,
 * static and dynamic edges, the chunks holding copies outlined in red, the findings beside it.
 */
export function topologyPage(result: AuditResult): string {
  const placed = layout(result)
  const byId = new Map(placed.map((node) => [node.chunk.id, node]))
  const width = Math.max(...placed.map((node) => node.x + NODE_WIDTH), 400) + MARGIN
  const height = Math.max(...placed.map((node) => node.y + NODE_HEIGHT), 200) + MARGIN
  const edges: string[] = []
  for (const node of placed) {
    for (const edge of node.chunk.imports) {
      const target = edge.target ? byId.get(edge.target) : undefined
      if (!target) continue
      const x1 = node.x + NODE_WIDTH
      const y1 = node.y + NODE_HEIGHT / 2
      const x2 = target.x
      const y2 = target.y + NODE_HEIGHT / 2
      const bend = Math.max(40, Math.abs(x2 - x1) / 2)
      edges.push(
        `<path class="edge ${edge.kind}" data-from="${attr(node.chunk.id)}" data-to="${attr(target.chunk.id)}" d="M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}" marker-end="url(#arrow)"><title>${text(`${node.chunk.id} ${edge.kind === 'dynamic' ? 'import()s' : edge.kind === 'require' ? 'require()s' : 'imports'} ${target.chunk.id}`)}</title></path>`,
      )
    }
  }
  const nodes = placed.map((node) => nodeSvg(node, result))
  const findings = result.findings.map((finding, index) => {
    const copies = finding.copies
      .map(
        (copy) =>
          `<li>${text(`${copy.output}/${copy.chunks.join(', ')}`)} <small>${text(copy.module)}${copy.detail ? ` (${text(copy.detail)})` : ''}</small></li>`,
      )
      .join('')
    const shims = finding.facades
      .map((facade) => `<li class="shim-item">${text(facade)} <small>re-export shim, not a copy</small></li>`)
      .join('')
    return `<li class="finding ${finding.severity}" data-finding="${index}"><strong>${text(finding.module)}</strong>: ${finding.copies.length} copies <em>${text(finding.causes.map((cause) => CAUSE_TITLES[cause]).join('; '))}</em><ul>${copies}${shims}</ul></li>`
  })
  const verdict =
    result.findings.length === 0
      ? `<p class="ok">No module is evaluated more than once${result.unattributed.length > 0 ? ' in the attributed chunks' : ''}.</p>`
      : `<ol class="findings">${findings.join('')}</ol>`
  const unattributed =
    result.unattributed.length === 0
      ? ''
      : `<h3>Not attributed</h3><ul>${result.unattributed.map((chunk) => `<li>${text(chunk.id)}: ${text(chunk.unattributed ?? '')}</li>`).join('')}</ul>`
  const notes =
    result.notes.length === 0
      ? ''
      : `<h3>Notes</h3><ul>${result.notes.map((note) => `<li>${text(note)}</li>`).join('')}</ul>`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="generator" content="singleton-guard"><title>singleton-guard: ${text(result.folders.map((folder) => folder.display).join(', '))}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<style>
body{margin:0;font:13px/1.4 system-ui,sans-serif;display:flex;height:100vh;color:#1d2330}
#graph{flex:1;overflow:auto;background:#f7f8fa}
aside{width:380px;overflow:auto;padding:12px 16px;border-left:1px solid #d6d9e0;background:#fff}
h2{font-size:15px;margin:4px 0 10px}h3{font-size:13px;margin:14px 0 6px}
.node rect{stroke-width:1.5}
.node text{font-size:11px;pointer-events:none}
.node .kind{font-size:9px;fill:#5a6270;text-transform:uppercase;letter-spacing:.04em}
.node.entry rect{fill:#dbe8ff;stroke:#2f6fd6}
.node.dynamic-entry rect{fill:#efe4ff;stroke:#7a45c9;stroke-dasharray:6 3}
.node.shared rect{fill:#fff;stroke:#8b93a1}
.node.shim rect{fill:#f1f2f4;stroke:#b5bac3;stroke-dasharray:2 3}
.node.copy rect{fill:#ffe3e0;stroke:#d7261e;stroke-width:4}
.node.copy .badge{fill:#d7261e;font-weight:700}
.node.unattributed rect{stroke:#c98a00;stroke-dasharray:1 3;stroke-width:3}
.node.dim{opacity:.25}.edge.dim{opacity:.08}
.edge{fill:none;stroke:#8b93a1;stroke-width:1.2}
.edge.dynamic{stroke:#7a45c9;stroke-dasharray:5 4}
.edge.require{stroke:#2b8a3e}
.finding{margin-bottom:10px;cursor:pointer}.finding.error strong{color:#d7261e}.finding.warn strong{color:#b36b00}
.finding.active{background:#fff2f0}.ok{color:#2b8a3e;font-weight:600}
.legend span{display:inline-block;margin-right:10px}.legend i{display:inline-block;width:12px;height:12px;vertical-align:-2px;margin-right:4px;border:2px solid}
small{color:#5a6270}
</style></head><body>
<div id="graph"><svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#8b93a1"/></marker></defs>
<g class="edges">${edges.join('\n')}</g>
<g class="nodes">${nodes.join('\n')}</g>
</svg></div>
<aside>
<h2>${result.findings.length === 0 ? 'One realm' : `${result.findings.length} module${result.findings.length === 1 ? '' : 's'} in more than one copy`}</h2>
<div class="legend"><span><i style="background:#dbe8ff;border-color:#2f6fd6"></i>entry</span><span><i style="background:#efe4ff;border-color:#7a45c9;border-style:dashed"></i>dynamic entry</span><span><i style="background:#fff;border-color:#8b93a1"></i>shared</span><span><i style="background:#f1f2f4;border-color:#b5bac3;border-style:dotted"></i>shim</span><span><i style="background:#ffe3e0;border-color:#d7261e"></i>holds a copy</span><br><span>solid: static import, dashed: import()</span></div>
${verdict}${unattributed}${notes}
</aside>
<script>
const findings = document.querySelectorAll('.finding')
for (const item of findings) item.addEventListener('click', () => {
  const active = !item.classList.contains('active')
  for (const other of findings) other.classList.remove('active')
  for (const node of document.querySelectorAll('.node')) node.classList.toggle('dim', active && !node.dataset.copyOf.split(' ').includes(item.dataset.finding))
  if (active) item.classList.add('active')
})
</script>
</body></html>
`
}

function nodeSvg(node: Placed, result: AuditResult): string {
  const { chunk } = node
  const classes = ['node', chunk.kind]
  if (node.copyOf.length > 0) classes.push('copy')
  if (chunk.unattributed) classes.push('unattributed')
  const modules = chunk.modules.length
  const badge =
    node.copyOf.length > 0
      ? `copy of ${node.copyOf.map((index) => result.findings[index]?.module).join(', ')}`
      : chunk.kind === 'shim'
        ? `-> ${chunk.forwardsTo.map((id) => id.slice(id.lastIndexOf('/') + 1)).join(', ')}`
        : `${modules} module${modules === 1 ? '' : 's'}, ${formatBytes(chunk.bytes)}`
  return `<g class="${classes.join(' ')}" data-chunk="${attr(chunk.id)}" data-kind="${chunk.kind}" data-copy-of="${node.copyOf.join(' ')}" transform="translate(${node.x},${node.y})"><title>${text(
    `${chunk.id} (${chunk.kind.replace('-', ' ')})${node.copyOf.length > 0 ? `\nholds a copy of ${node.copyOf.map((index) => result.findings[index]?.module).join(', ')}` : ''}\n${chunk.modules
      .slice(0, 30)
      .map((held) => held.source)
      .join('\n')}`,
  )}</title><rect width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="${chunk.kind === 'shim' ? 14 : 4}"/><text x="8" y="12" class="kind">${chunk.kind.replace('-', ' ')}</text><text x="8" y="26">${text(clip(chunk.id, 36))}</text><text x="8" y="40" class="badge">${text(clip(badge, 40))}</text></g>`
}

/** Columns by import depth from the entries; rows by folder, then name. */
function layout(result: AuditResult): Placed[] {
  const depth = new Map<string, number>()
  const queue: AuditChunk[] = []
  for (const chunk of result.chunks.values()) {
    if (chunk.kind === 'entry' || (chunk.kind === 'shim' && chunk.importers.length === 0)) {
      depth.set(chunk.id, 0)
      queue.push(chunk)
    }
  }
  for (let index = 0; index < queue.length; index++) {
    const chunk = queue[index] as AuditChunk
    for (const edge of chunk.imports) {
      const target = edge.target ? result.chunks.get(edge.target) : undefined
      if (!target || depth.has(target.id)) continue
      depth.set(target.id, (depth.get(chunk.id) as number) + 1)
      queue.push(target)
    }
  }
  // A shim's target sits right of it, even when an entry also reaches the target directly.
  for (const chunk of result.chunks.values()) {
    const from = depth.get(chunk.id)
    if (chunk.kind !== 'shim' || from === undefined) continue
    for (const id of chunk.forwardsTo) if ((depth.get(id) ?? Infinity) <= from) depth.set(id, from + 1)
  }
  const deepest = Math.max(0, ...depth.values())
  const columns = new Map<number, AuditChunk[]>()
  for (const chunk of result.chunks.values()) {
    const column = depth.get(chunk.id) ?? deepest + 1
    columns.set(column, [...(columns.get(column) ?? []), chunk])
  }
  const copyOf = new Map<string, number[]>()
  result.findings.forEach((finding, index) => {
    for (const copy of finding.copies) {
      for (const file of copy.chunks) {
        const id = `${copy.output}/${file}`
        copyOf.set(id, [...(copyOf.get(id) ?? []), index])
      }
    }
  })
  const placed: Placed[] = []
  for (const [column, chunks] of [...columns].sort((a, b) => a[0] - b[0])) {
    chunks.sort((a, b) => a.folder.localeCompare(b.folder) || a.file.localeCompare(b.file))
    chunks.forEach((chunk, row) => {
      placed.push({
        chunk,
        x: MARGIN + column * (NODE_WIDTH + COLUMN_GAP),
        y: MARGIN + row * (NODE_HEIGHT + ROW_GAP),
        copyOf: [...new Set(copyOf.get(chunk.id) ?? [])],
      })
    })
  }
  return placed
}

function clip(value: string, length: number): string {
  return value.length > length ? `...${value.slice(-(length - 3))}` : value
}

function formatBytes(bytes: number): string {
  return bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

function text(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;')
}
