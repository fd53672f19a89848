import { describe, expect, it } from 'vitest'
import { singletonGuard } from '../src/index.ts'
import { writeFixture } from './helpers/fixture.ts'
import { lazyReaderProject, truthOf } from './helpers/realms.ts'
import { viteBuild } from './helpers/vite.ts'

/**
 * Each host's own way of keeping symlinked paths as module ids: a copy of the singleton can then
 * hide under any name, and the check resolves every id to find it.
 */
const project = () => lazyReaderProject('./alias/state.js', { 'src/alias': { symlink: '.' } })
const projectWithFileLink = () => lazyReaderProject('./state-link.js', { 'src/state-link.js': { symlink: 'state.js' } })

describe('hosts that keep symlinked paths as ids', () => {
  it("Rollup's preserveSymlinks", async () => {
    const dir = writeFixture('rollup-preserve-symlinks', project())
    const { rollup } = await import('rollup')
    /** A Rollup build of the fixture; the plugin's error, if it failed. */
    const rollupWith = async (options: { preserveSymlinks: boolean; onDuplicate: 'error' | 'warn' }) => {
      const guard = singletonGuard({ root: dir, singletons: 'src/state.js', onDuplicate: options.onDuplicate })
      try {
        const bundle = await rollup({
          input: `${dir}/src/main.js`,
          preserveSymlinks: options.preserveSymlinks,
          plugins: [guard as never],
          onLog() {},
        })
        await bundle.write({ dir: `${dir}/dist`, format: 'es' })
        await bundle.close()
        return undefined
      } catch (error) {
        return error as { pluginCode?: string; message: string }
      }
    }
    // Rollup's default resolves a symlinked file but keeps a symlinked folder on the way to it
    // in the id: even so, two modules. Caught.
    const byDefault = await rollupWith({ preserveSymlinks: false, onDuplicate: 'error' })
    expect(byDefault?.pluginCode).toBe('SINGLETON_DUPLICATED')
    expect(await rollupWith({ preserveSymlinks: false, onDuplicate: 'warn' })).toBeUndefined()
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    // preserveSymlinks keeps every symlinked path: caught too.
    const failed = await rollupWith({ preserveSymlinks: true, onDuplicate: 'error' })
    expect(failed?.pluginCode).toBe('SINGLETON_DUPLICATED')
    expect(failed?.message).toContain('a symlinked path to src/state.js')
    expect(await rollupWith({ preserveSymlinks: true, onDuplicate: 'warn' })).toBeUndefined()
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
  })

  it('Rollup resolving a symlinked file: one module, no alarm', async () => {
    const dir = writeFixture('rollup-file-link', projectWithFileLink())
    const { rollup } = await import('rollup')
    const bundle = await rollup({
      input: `${dir}/src/main.js`,
      plugins: [singletonGuard({ root: dir, singletons: 'src/state.js' }) as never],
      onLog() {},
    })
    await bundle.write({ dir: `${dir}/dist`, format: 'es' })
    await bundle.close()
    expect(await truthOf(dir)).toEqual({ realms: 1, seen: true })
  })

  it("Vite's resolve.preserveSymlinks", async () => {
    const dir = writeFixture('vite-preserve-symlinks', project())
    const result = await viteBuild(dir, {
      resolve: { preserveSymlinks: true },
      plugins: [singletonGuard({ root: dir, singletons: 'src/state.js', onDuplicate: 'warn' })],
      build: { ssr: 'src/main.js', outDir: 'dist', minify: false },
      logLevel: 'silent',
    })
    expect(result.error).toBeUndefined()
    expect(await truthOf(dir)).toEqual({ realms: 2, seen: false })
    expect(result.logs.join('\n')).toContain('SINGLETON_DUPLICATED')
    expect(result.logs.join('\n')).toContain('a symlinked path to src/state.js')
  })

  it("dedupe.files under Rollup's preserveSymlinks: one module, one realm", async () => {
    const dir = writeFixture('rollup-preserve-symlinks-dedupe', project())
    const { rollup } = await import('rollup')
    const infos: string[] = []
    const bundle = await rollup({
      input: `${dir}/src/main.js`,
      preserveSymlinks: true,
      plugins: [singletonGuard({ root: dir, singletons: 'src/state.js', dedupe: { files: true } }) as never],
      onLog(_level, log) {
        infos.push(log.message)
      },
    })
    await bundle.write({ dir: `${dir}/dist`, format: 'es' })
    await bundle.close()
    expect(await truthOf(dir)).toEqual({ realms: 1, seen: true })
    expect(infos.join('\n')).toContain('src/alias/state.js is served as src/state.js')
  })

  it("dedupe.files under Vite's resolve.preserveSymlinks: one module, one realm", async () => {
    const dir = writeFixture('vite-preserve-symlinks-dedupe', project())
    const result = await viteBuild(dir, {
      resolve: { preserveSymlinks: true },
      plugins: [singletonGuard({ root: dir, singletons: 'src/state.js', dedupe: { files: true } })],
      build: { ssr: 'src/main.js', outDir: 'dist', minify: false },
      logLevel: 'info',
    })
    expect(result.error).toBeUndefined()
    expect(await truthOf(dir)).toEqual({ realms: 1, seen: true })
    expect(result.logs.join('\n')).not.toContain('SINGLETON_DUPLICATED')
    expect(result.logs.join('\n')).toContain('src/alias/state.js is served as src/state.js')
  })
})
