import { describe, expect, it } from 'vitest'
import { hasSingletonMarker } from '../src/core/marker.ts'

describe('the // @singleton marker', () => {
  it.each([
    ['// @singleton\nexport const a = 1', true],
    ['/* @singleton */\nexport const a = 1', true],
    ['/**\n * @singleton\n */\nexport const a = 1', true],
    ['#!/usr/bin/env node\n// @singleton\nexport const a = 1', true],
    ["'use strict'\n// @singleton\nconst a = 1", true],
    ['// the delegate store\n\n// @singleton\nexport const a = 1', true],
    ['export const a = 1\n// @singleton', false],
    ['// @singletons are great\nexport const a = 1', false],
    ['// not a @singleton\nexport const a = 1', false],
    ['const note = "// @singleton"', false],
    ['/* @singleton', false],
  ])('%j -> %s', (code, expected) => {
    expect(hasSingletonMarker(code)).toBe(expected)
  })
})
