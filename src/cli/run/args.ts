import { InputError, TEXT } from '../messages.ts'
import { RUN_TEXT } from './messages.ts'

export interface RunArgs {
  help: boolean
  /** The program and its arguments: everything after `--` (or from the first word that is not a flag). */
  command: string[]
  dists: string[]
  singletons: string[]
  json: string | undefined
  root: string | undefined
  fail: boolean
  importAll: boolean
}

const VALUE_FLAGS = new Set(['dist', 'singletons', 'json', 'root'])
const BOOLEAN_FLAGS = new Set(['fail', 'import-all', 'help'])

/**
 * `run [flags] -- <command> [args...]`. Every flag takes one value (`--flag value` or
 * `--flag=value`; `--dist` and `--singletons` may be repeated, `--singletons` also takes a
 * comma-separated list): a list flag would swallow the command when `--` is left out.
 */
export function parseRunArgs(argv: readonly string[]): RunArgs {
  const args: RunArgs = {
    help: false,
    command: [],
    dists: [],
    singletons: [],
    json: undefined,
    root: undefined,
    fail: false,
    importAll: false,
  }
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index] as string
    if (word === '--') {
      args.command = argv.slice(index + 1)
      break
    }
    if (word === '-h') return { ...args, help: true }
    if (!word.startsWith('--')) {
      if (word.startsWith('-') && word !== '-') throw new InputError(TEXT.badFlag(`unknown flag \`${word}\``))
      args.command = argv.slice(index)
      break
    }
    const eq = word.indexOf('=')
    const name = word.slice(2, eq === -1 ? undefined : eq)
    const inline = eq === -1 ? undefined : word.slice(eq + 1)
    if (BOOLEAN_FLAGS.has(name)) {
      if (inline !== undefined) throw new InputError(TEXT.badFlag(`\`--${name}\` takes no value`))
      if (name === 'help') return { ...args, help: true }
      if (name === 'fail') args.fail = true
      else args.importAll = true
    } else if (VALUE_FLAGS.has(name)) {
      const value = inline ?? argv[++index]
      if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) {
        throw new InputError(TEXT.badFlag(`\`--${name}\` needs a value`))
      }
      if (name === 'dist') args.dists.push(value)
      else if (name === 'singletons')
        args.singletons.push(
          ...value
            .split(',')
            .map((part) => part.trim())
            .filter(Boolean),
        )
      else if (name === 'json') args.json = value
      else args.root = value
    } else {
      throw new InputError(TEXT.badFlag(`unknown flag \`--${name}\``))
    }
  }
  if (args.command.length === 0 || args.command[0] === '') throw new InputError(RUN_TEXT.missingCommand)
  if (args.importAll && args.dists.length === 0) throw new InputError(RUN_TEXT.importAllNeedsDist)
  return args
}
