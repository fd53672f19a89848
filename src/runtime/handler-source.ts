/**
 * A `runtimeGuard` function runs in the built program, not in the build: its source is copied into
 * every guarded module. The source of an arrow, a function expression or a method is turned into
 * an expression; `undefined` when it cannot be (native or bound functions, getters, classes).
 */
export function handlerSource(handler: (...args: never[]) => unknown): string | undefined {
  const source = Function.prototype.toString.call(handler)
  if (/^class\b/.test(source) || /\{\s*\[native code\]\s*\}\s*$/.test(source)) return undefined
  const name = JSON.stringify(handler.name)
  for (const candidate of [`(${source})`, `({${source}})[${name}]`]) {
    if (isExpression(candidate)) return candidate
  }
  return undefined
}

function isExpression(source: string): boolean {
  try {
    // Parsed, never called: only checks that the text is one expression.
    const make = new Function(`return ${source}`) as () => unknown
    return typeof make === 'function'
  } catch {
    return false
  }
}
