import type MagicStringClass from 'magic-string'
import type { SourceMap } from 'magic-string'
import type { RolldownMagicString } from 'rolldown'
import { loadOnUse } from '../core/load-on-use.ts'
import { readPrologue } from '../core/prologue.ts'

const magicString = loadOnUse<{ default: typeof MagicStringClass }>('magic-string')
import { createRegistry, REGISTRY_KEY, REGISTRY_VERSION } from './registry.ts'

/** What a guarded module registers: its stable key, its package's version, and what to do on a copy. */
export interface Registration {
  module: string
  version: string | undefined
  /** `'warn'`, `'throw'`, or the source of a handler function (an expression). */
  onDuplicate: 'warn' | 'throw' | { source: string }
}

/**
 * Present in every registration, as injected or as a bundler or minifier reprinted it (a library
 * built with the guard, bundled again): a module that already carries one is left alone.
 */
const INJECTED_SIGNATURE = /\.register\(\s*\{\s*v\s*:\s*\d+\s*,\s*module\s*:/

const REGISTRY_SOURCE = createRegistry.toString()

/**
 * The statement put at the top of a guarded module: it registers the module in the registry on
 * `globalThis`. Only `globalThis` is used, so the same text works in ESM and CJS outputs, in Node
 * and in browsers; `new Error` captures the file. With `installer`, the statement installs the
 * registry itself when none is there (the dev server, where no chunk carries one); otherwise the
 * chunk holding the module installs it first (`registryInstaller`, added as the chunk's intro),
 * so the registry's source is written once per chunk, not once per guarded module.
 */
export function registrationStatement(registration: Registration, installer = false): string {
  const { onDuplicate } = registration
  const handler = typeof onDuplicate === 'string' ? JSON.stringify(onDuplicate) : `(${onDuplicate.source})`
  const version = registration.version === undefined ? '' : `,version:${JSON.stringify(registration.version)}`
  const record = `{v:${REGISTRY_VERSION},module:${JSON.stringify(registration.module)}${version},error:new Error,onDuplicate:${handler}}`
  const key = `Symbol.for(${JSON.stringify(REGISTRY_KEY)})`
  if (installer) {
    return `;(function(g,k){var r=g[k];(r&&typeof r.register=="function"?r:g[k]=(${REGISTRY_SOURCE})()).register(${record})})(globalThis,${key});\n`
  }
  return `;(function(r){r&&typeof r.register=="function"&&r.register(${record})})(globalThis[${key}]);\n`
}

/** Installs the registry on `globalThis` unless one is there: the intro of every chunk that holds a guarded module. */
export function registryInstaller(): string {
  return `;(function(g,k){var r=g[k];if(!(r&&typeof r.register=="function"))g[k]=(${REGISTRY_SOURCE})()})(globalThis,Symbol.for(${JSON.stringify(REGISTRY_KEY)}));`
}

export function isAlreadyGuarded(code: string): boolean {
  return code.includes('.register(') && INJECTED_SIGNATURE.test(code)
}

/**
 * Where the registration goes: after a hashbang and the directive prologue ('use strict',
 * 'use client'), so both keep their meaning; before everything else, so a copy can be stopped
 * before its own top level runs.
 */
export function insertionPoint(code: string): number {
  return readPrologue(code).end
}

export interface Injected {
  code: string
  map: SourceMap | { version: 3; sources: string[]; sourcesContent: string[]; names: string[]; mappings: string }
}

/**
 * The module with its registration inserted, and the map of that edit: by rolldown's native
 * magic-string where the host hands one over in `meta`, else by magic-string. `hires: 'boundary'` maps
 * every token start exactly (what a bundler's own map points at) at a quarter of the cost of a
 * segment per character, which counts for a large singleton in every build.
 */
export function injectRegistration(
  code: string,
  id: string,
  registration: Registration,
  options: { native: RolldownMagicString | undefined; installer: boolean },
): Injected {
  const { native } = options
  const point = insertionPoint(code)
  const statement = registrationStatement(registration, options.installer)
  const inserted = point > 0 && code[point - 1] !== '\n' ? `\n${statement}` : statement
  if (native) {
    // rolldown's own magic-string (`meta.magicString`): the same edit and map, made in Rust. Handed
    // back as `code` it would keep the map in Rust too, but rolldown 1.2.19 then maps at a lower
    // resolution that moves columns (test/runtime-guard-sourcemap.test.ts fails): the map is made here.
    native.appendLeft(point, inserted)
    const { mappings } = native.generateMap({ hires: 'boundary', source: id })
    return { code: native.toString(), map: { version: 3, sources: [id], sourcesContent: [code], names: [], mappings } }
  }
  const MagicString = magicString().default
  const edit = new MagicString(code)
  edit.appendLeft(point, inserted)
  return { code: edit.toString(), map: edit.generateMap({ hires: 'boundary', source: id, includeContent: true }) }
}
