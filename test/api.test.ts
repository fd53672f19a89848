import fs from 'node:fs'
import path from 'node:path'
import { expect, it } from 'vitest'
import { projectRoot } from './helpers/fixture.ts'

// The public types as published (dist/index.d.mts, built by the global setup): a change to the
// API shows up here for review.
it('keeps the published API types reviewed', async () => {
  const types = fs.readFileSync(path.join(projectRoot, 'dist/index.d.mts'), 'utf8')
  await expect(types).toMatchFileSnapshot(path.join(projectRoot, 'test/__snapshots__/api.d.mts.snap'))
})
