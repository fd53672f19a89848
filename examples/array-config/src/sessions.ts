export const sessions: Map<string, { user: string }> = new Map()
