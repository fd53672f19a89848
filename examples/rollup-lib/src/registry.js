/** Every plugin the host application registered, by name. */
export const plugins = new Map()
