import { readFile } from 'node:fs/promises'
import type { Plugin } from 'rolldown'

/** Loads `./file.js?fresh` as a module of its own, as Vite's `?worker` / `?raw` plugins do. */
export const queryLoader: Plugin = {
  name: 'query-loader',
  resolveId: {
    filter: { id: /\?fresh$/ },
    async handler(source, importer) {
      const resolved = await this.resolve(source.slice(0, -'?fresh'.length), importer)
      return resolved ? `${resolved.id}?fresh` : null
    },
  },
  load: {
    filter: { id: /\?fresh$/ },
    handler: (id) => readFile(id.slice(0, -'?fresh'.length), 'utf8'),
  },
}
