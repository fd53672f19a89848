/** A one-line counter on stderr while chunks are read; silent unless stderr is a terminal. */
export interface Progress {
  start(total: number): void
  step(label: string): void
  done(): void
}

const SILENT: Progress = { start() {}, step() {}, done() {} }

export function createProgress(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled || !stream.isTTY) return SILENT
  let total = 0
  let count = 0
  let last = 0
  let shown = false
  return {
    start(expected) {
      total += expected
    },
    step(label) {
      count++
      const now = Date.now()
      if (now - last < 80) return
      last = now
      shown = true
      const width = Math.max(20, (stream.columns ?? 80) - 30)
      const name = label.length > width ? `...${label.slice(-(width - 3))}` : label
      stream.write(`\r\u001B[2K[singleton-guard] reading ${count}${total ? `/${total}` : ''} ${name}`)
    },
    done() {
      if (shown) stream.write('\r\u001B[2K')
    },
  }
}
