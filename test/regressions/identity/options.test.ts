import vm from 'node:vm'
import { describe, expect, it } from 'vitest'
import { singletonGuard } from '../../../src/index.ts'
import { build } from '../../helpers/build.ts'
import { writeFixture } from '../../helpers/fixture.ts'
import { lazyReaderProject, truthOf } from '../../helpers/realms.ts'

/** What a user sees: the thrown error's code and message, or 'accepted'. */
function attempt(options: unknown): { code?: string; name?: string; message: string } | 'accepted' {
  try {
    singletonGuard(options as never)
    return 'accepted'
  } catch (error) {
    const e = error as { code?: string; name?: string; message: string }
    return { code: e.code, name: e.name, message: e.message }
  }
}

function expectOptionError(options: unknown, option: string): void {
  const result = attempt(options)
  expect(result).not.toBe('accepted')
  if (result === 'accepted') return
  expect({ code: result.code, prefixed: result.message.startsWith(`[singleton-guard] option \`${option}\``) }).toEqual({
    code: 'SINGLETON_GUARD_OPTION',
    prefixed: true,
  })
  expect(result.message.split('\n')).toHaveLength(1)
}

describe('option values of odd kinds', () => {
  it('an options Proxy whose ownKeys trap throws gives the option error, not the Proxy error', () => {
    const options = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('boom')
        },
      },
    )
    const result = attempt(options)
    expect(result).not.toBe('accepted')
    expect(result === 'accepted' ? '' : result.code).toBe('SINGLETON_GUARD_OPTION')
  })

  it('a getter that throws names the option', () => {
    expectOptionError(
      {
        get singletons() {
          throw new Error('lazy config failed')
        },
      },
      'singletons',
    )
  })

  it('a getter that throws inside promote names promote.include', () => {
    expectOptionError(
      {
        promote: {
          get include() {
            throw new Error('nope')
          },
        },
      },
      'promote.include',
    )
  })

  it('a singletons array Proxy whose get trap throws names the option', () => {
    const list = new Proxy(['src/state.js'], {
      get(target, key, receiver) {
        if (key === '0') throw new Error('boom')
        return Reflect.get(target, key, receiver)
      },
    })
    expectOptionError({ singletons: list }, 'singletons')
  })

  it('frozen options and a frozen singletons array are accepted', () => {
    expect(attempt(Object.freeze({ singletons: Object.freeze(['src/state.js']), onDuplicate: 'warn' }))).toBe(
      'accepted',
    )
  })

  it('a RegExp from another realm (vm context) is accepted as a RegExp', () => {
    const regexp = vm.runInNewContext('/state\\.js$/') as RegExp
    expect(attempt({ singletons: regexp })).toBe('accepted')
  })

  it('a very long bad value gives a one-line error of reasonable length', () => {
    const result = attempt({ onDuplicate: 'x'.repeat(200_000) })
    expect(result).not.toBe('accepted')
    if (result === 'accepted') return
    expect(result.code).toBe('SINGLETON_GUARD_OPTION')
    expect(result.message.length).toBeLessThan(2_000)
  })

  it('a report name longer than any file system allows is an option error, not a failed write', async () => {
    const name = `${'r'.repeat(300)}.json`
    const accepted = attempt({ report: name })
    if (accepted !== 'accepted') {
      expect(accepted.code).toBe('SINGLETON_GUARD_OPTION')
      return
    }
    // Accepted: then the build must not fail with a raw file-system error from the write.
    const dir = writeFixture('review-long-report', lazyReaderProject('./state.js'))
    const result = await build(dir, {
      input: { main: 'src/main.js' },
      guard: { singletons: 'src/state.js', report: name },
    })
    expect(await truthOf(dir)).toEqual({ realms: 1, seen: true })
    expect({ error: result.error?.slice(0, 200), code: result.errorCode }).toEqual({
      error: expect.stringContaining('[singleton-guard]'),
      code: 'SINGLETON_GUARD_OPTION',
    })
  })

  it('a symbol inside the singletons array is described as a symbol, not as null', () => {
    const result = attempt({ singletons: ['src/state.js', Symbol('state')] })
    expect(result === 'accepted' ? '' : result.message).not.toContain('null')
  })
})
