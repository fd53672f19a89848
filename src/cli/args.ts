import type { Mode } from './model.ts'
import { InputError, TEXT } from './messages.ts'

type OutputFormat = 'text' | 'json' | 'markdown'

export interface CliArgs {
  command: 'audit' | 'diff' | 'suggest' | 'help'
  dirs: string[]
  singletons: string[] | undefined
  module: string | undefined
  /** `--format`, or `--json` for `json`. */
  format: OutputFormat
  html: string | undefined
  root: string | undefined
  formats: Mode
  builds: Mode
  /** Print every finding, copy, shim and unattributed chunk (the text is capped otherwise). */
  all: boolean
  /** A chunk that cannot be attributed makes the audit inconclusive (exit code 2). */
  strict: boolean
  /** Copies of a module without state fail the audit too (it lists them otherwise, exit 0). */
  strictDuplicates: boolean
}

const VALUE_FLAGS = new Set(['html', 'module', 'root', 'formats', 'builds', 'format'])
const LIST_FLAGS = new Set(['singletons'])
const BOOLEAN_FLAGS = new Set(['json', 'help', 'all', 'strict', 'strict-duplicates'])
const OUTPUT_FORMATS: readonly string[] = ['text', 'json', 'markdown']

/**
 * `<command> <dir...> [flags]`. `--singletons` takes every following word up to the next flag,
 * like the plugin option's list; other flags take one value (`--flag value` or `--flag=value`).
 */
export function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = {
    command: 'help',
    dirs: [],
    singletons: undefined,
    module: undefined,
    format: 'text',
    html: undefined,
    root: undefined,
    formats: 'warn',
    builds: 'error',
    all: false,
    strict: false,
    strictDuplicates: false,
  }
  let command: string | undefined
  let formatFlag: string | undefined
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index] as string
    if (word === '-h') {
      args.command = 'help'
      return args
    }
    if (!word.startsWith('--') || word === '--') {
      if (word.startsWith('-') && word !== '-') throw new InputError(TEXT.badFlag(`unknown flag \`${word}\``))
      if (command === undefined) command = word
      else args.dirs.push(word)
      continue
    }
    const eq = word.indexOf('=')
    const name = word.slice(2, eq === -1 ? undefined : eq)
    const inline = eq === -1 ? undefined : word.slice(eq + 1)
    if (BOOLEAN_FLAGS.has(name)) {
      if (inline !== undefined) throw new InputError(TEXT.badFlag(`\`--${name}\` takes no value`))
      if (name === 'help') {
        args.command = 'help'
        return args
      }
      if (name === 'all' || name === 'strict') args[name] = true
      else if (name === 'strict-duplicates') args.strictDuplicates = true
      else {
        if (formatFlag !== undefined && formatFlag !== 'json')
          throw new InputError(TEXT.badFlag(`\`--json\` and \`--format ${formatFlag}\` ask for two outputs; give one`))
        formatFlag = 'json'
        args.format = 'json'
      }
    } else if (LIST_FLAGS.has(name)) {
      const values = inline !== undefined ? [inline] : []
      if (inline === undefined) {
        while (index + 1 < argv.length && !(argv[index + 1] as string).startsWith('--'))
          values.push(argv[++index] as string)
      }
      const patterns = values
        .flatMap((value) => value.split(','))
        .map((value) => value.trim())
        .filter(Boolean)
      if (patterns.length === 0) throw new InputError(TEXT.badFlag('`--singletons` needs at least one pattern'))
      args.singletons = [...(args.singletons ?? []), ...patterns]
    } else if (VALUE_FLAGS.has(name)) {
      const value = inline ?? argv[++index]
      if (value === undefined || (inline === undefined && value.startsWith('--'))) {
        throw new InputError(TEXT.badFlag(`\`--${name}\` needs a value`))
      }
      if (name === 'formats' || name === 'builds') {
        if (value !== 'error' && value !== 'warn' && value !== 'ignore') throw new InputError(TEXT.badMode(name, value))
        args[name] = value
      } else if (name === 'format') {
        if (!OUTPUT_FORMATS.includes(value)) throw new InputError(TEXT.badFormat(value))
        if (formatFlag !== undefined && formatFlag !== value)
          throw new InputError(
            TEXT.badFlag(
              `\`--${formatFlag === 'json' ? 'json' : `format ${formatFlag}`}\` and \`--format ${value}\` ask for two outputs; give one`,
            ),
          )
        formatFlag = value
        args.format = value as OutputFormat
      } else if (name === 'html') args.html = value
      else if (name === 'module') args.module = value
      else args.root = value
    } else {
      throw new InputError(TEXT.badFlag(`unknown flag \`--${name}\``))
    }
  }
  if (command === undefined) throw new InputError(TEXT.missingCommand)
  if (command !== 'audit' && command !== 'diff' && command !== 'suggest') {
    throw new InputError(TEXT.unknownCommand(command))
  }
  args.command = command
  if ((command === 'audit' || command === 'suggest') && args.dirs.length === 0) {
    throw new InputError(command === 'audit' ? TEXT.noFolders : TEXT.suggestNoFolders)
  }
  if (command === 'suggest') {
    const auditOnly = (['module', 'html', 'singletons'] as const).find((flag) => args[flag] !== undefined)
    if (auditOnly) throw new InputError(TEXT.badFlag(`\`--${auditOnly}\` belongs to \`audit\`, not \`suggest\``))
    if (args.format === 'markdown') throw new InputError(TEXT.badFlag('`suggest` prints text or `--json`'))
  }
  if (command === 'diff' && args.dirs.length !== 2) throw new InputError(TEXT.diffNeedsTwo(args.dirs.length))
  if (command === 'diff') {
    const auditOnly = (['module', 'html'] as const).find((flag) => args[flag] !== undefined)
    if (auditOnly) throw new InputError(TEXT.badFlag(`\`--${auditOnly}\` belongs to \`audit\`, not \`diff\``))
  }
  return args
}
