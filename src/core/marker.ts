import { readPrologue } from './prologue.ts'

/** `@singleton` as a tag: alone, or followed by a note (`@singleton one registry per process`). */
const TAG = /^@singleton(?:\s|$)/

/**
 * `// @singleton` or `/* @singleton *\/` among the comments before the first statement, as a tag
 * that starts the comment or one of a block comment's lines (a JSDoc block with a description
 * above it). Directives ('use strict') and a hashbang may come first; anything later does not count.
 */
export function hasSingletonMarker(code: string): boolean {
  return readPrologue(code).comments.some(({ text, block }) =>
    block ? text.split('\n').some((line) => TAG.test(line.replace(/^\s*\*+/, '').trim())) : TAG.test(text.trim()),
  )
}
