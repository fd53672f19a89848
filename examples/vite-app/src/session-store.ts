/** Sessions by id: one Map per realm (the page, the server). */
export const sessions = new Map<string, { user: string }>()
