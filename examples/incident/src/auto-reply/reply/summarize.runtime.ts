export function summarize(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text
}
