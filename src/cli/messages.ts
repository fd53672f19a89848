/** Every text the CLI prints about its input and usage; findings use the plugin's own words. */
import { PREFIX } from './core.ts'
import { RUN_USAGE } from './run/messages.ts'

const CLI_NAME = 'singleton-guard'

/** A user mistake or unreadable input: printed as one line, exit code 2, never a stack trace. */
export class InputError extends Error {
  override readonly name = 'InputError'
}

export const USAGE: string = `Usage:
  ${CLI_NAME} audit <dir...> [--singletons <pattern...>] [--module <path|package>] [--html <file>]
                             [--format text|json|markdown] [--json] [--all] [--strict] [--strict-duplicates]
                             [--root <dir>] [--formats error|warn|ignore] [--builds error|warn|ignore]
  ${CLI_NAME} diff <dirA> <dirB> [--singletons <pattern...>] [--format text|json|markdown] [--json] [--root <dir>]
  ${CLI_NAME} suggest <dir...> [--json] [--root <dir>]   a \`singletons\` list of the modules with state and copies
${RUN_USAGE}

Exit codes: 1 a module with top-level state (or one of --singletons) is evaluated more than once
(any module with copies under --strict-duplicates); 0 none in what could be read, copies of code
without state listed; 2 a usage or input error, nothing could be attributed to source modules, or
(--strict) some chunk could not be. \`run\` exits with the command's own status (\`--fail\`: 1 when
a module was evaluated more than once).`

export const TEXT = {
  missingCommand: `${PREFIX} missing command: use \`${CLI_NAME} audit <dir...>\`, \`${CLI_NAME} diff <dirA> <dirB>\` or \`${CLI_NAME} run -- <command>\` (\`--help\` for every option).`,
  unknownCommand: (command: string): string =>
    `${PREFIX} unknown command \`${command}\`: the commands are \`audit\`, \`diff\`, \`suggest\` and \`run\`.`,
  suggestNoFolders: `${PREFIX} \`suggest\` needs at least one folder of built chunks, e.g. \`${CLI_NAME} suggest dist\`.`,
  noFolders: `${PREFIX} \`audit\` needs at least one folder of built chunks, e.g. \`${CLI_NAME} audit dist\`.`,
  diffNeedsTwo: (count: number): string =>
    `${PREFIX} \`diff\` compares exactly two folders (before and after); got ${count}.`,
  badFlag: (detail: string): string => `${PREFIX} ${detail}. Run \`${CLI_NAME} --help\` for the options.`,
  badFormat: (value: string): string =>
    `${PREFIX} \`--format\` accepts text, json or markdown; got ${JSON.stringify(value)}.`,
  badMode: (flag: string, value: string): string =>
    `${PREFIX} \`--${flag}\` accepts error, warn or ignore; got ${JSON.stringify(value)}.`,
  nestedFolders: (inner: string, outer: string): string =>
    `${PREFIX} ${inner} is inside ${outer}, which is audited already: give one of them (a folder is read with its subfolders).`,
  missingFolder: (dir: string): string => `${PREFIX} folder not found: ${dir}.`,
  notAFolder: (dir: string): string => `${PREFIX} not a folder: ${dir} (give the folder the build wrote into).`,
  noChunks: (dir: string): string =>
    `${PREFIX} no chunks in ${dir}: no .js, .mjs or .cjs file was found there (is it the build's output folder?).`,
  unreadable: (file: string, why: string): string => `${PREFIX} cannot read ${file}: ${why}.`,
  unparsable: (file: string, why: string): string =>
    `${PREFIX} ${file} is not valid JavaScript (${why}); only built chunks can be audited.`,
  corruptReport: (file: string, why: string): string =>
    `${PREFIX} the report ${file} is corrupt (${why}); delete it or rebuild with the plugin's \`report\` option.`,
  unknownReportVersion: (file: string, version: unknown): string =>
    `report ${file} has version ${JSON.stringify(version)}, which this CLI does not know: ignored, the verdict comes from the chunks alone.`,
  staleReport: (file: string, missing: string[]): string =>
    `report ${file} names ${missing.length} chunk${missing.length === 1 ? '' : 's'} not in the folder (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', ...' : ''}): it is older than the chunks; the chunks were trusted.`,
  fromReport: (count: number): string =>
    `${count} chunk${count === 1 ? '' : 's'} without a usable source map attributed from the plugin's report.`,
  unattributed: (count: number, total: number, list: string): string =>
    `${PREFIX} ${count} of ${total} chunk${total === 1 ? '' : 's'} could not be attributed to source modules (${list}): a copy in them cannot be seen, so "no copies" cannot be claimed. ${HOW_TO_ATTRIBUTE}`,
  strictUnattributed: (count: number, total: number, list: string): string =>
    `${PREFIX} --strict: ${count} of ${total} chunk${total === 1 ? '' : 's'} could not be attributed to source modules (${list}). ${HOW_TO_ATTRIBUTE}`,
  partlyNamed: (chunks: readonly string[]): string =>
    `${chunks.length} chunk${chunks.length === 1 ? ' holds' : 's hold'} code of a module no region marker names (an \`//#endregion\` whose \`//#region\` is missing): that code is not in the verdict (${listSome(chunks, 3)}).`,
  markersInsteadOfMap: (chunks: readonly string[]): string =>
    `${chunks.length} chunk${chunks.length === 1 ? '' : 's'} with an unusable source map ${chunks.length === 1 ? 'was' : 'were'} attributed by ${chunks.length === 1 ? 'its' : 'their'} bundler's markers instead (${listSome(chunks, 3)}).`,
  moduleNotFound: (query: string, dirs: string): string =>
    `${PREFIX} no module matching ${JSON.stringify(query)} has code in ${dirs}. Give a path relative to --root (default: the current folder), an absolute path, or a package name.`,
  noSingletonMatched: (patterns: string): string =>
    `${PREFIX} the --singletons pattern${patterns.includes(',') ? 's' : ''} ${patterns} matched no module with code in these folders, so nothing was judged for ${patterns.includes(',') ? 'them' : 'it'}: check the path (relative to --root) or the package name.`,
  missingSources: (count: number): string =>
    `${count} source file${count === 1 ? '' : 's'} named by the maps or markers ${count === 1 ? 'is' : 'are'} not on disk: ${count === 1 ? 'its' : 'their'} identity comes from the path (a package by its node_modules folder, its version from a pnpm store folder or else unknown; a workspace package by its folder).`,
  dynamicNotLiteral: (count: number): string =>
    `${count} dynamic import${count === 1 ? '' : 's'} with a computed specifier could not be followed.`,
  badPattern: (why: string): string => `${PREFIX} --singletons/--module: ${why}.`,
  internal: (why: string): string => `${PREFIX} internal error: ${why}. Please report it with the command you ran.`,
  htmlWritten: (file: string): string => `${PREFIX} topology written to ${file}`,
  htmlRefused: (file: string): string =>
    `${PREFIX} \`--html\` writes a page: give a file name ending in .html; got ${JSON.stringify(file)}.`,
  htmlExists: (file: string): string =>
    `${PREFIX} --html ${file}: the file exists and is not a page this command wrote; nothing was written over it. Give another name.`,
  htmlNoFolder: (file: string): string => `${PREFIX} \`--html ${file}\`: its folder does not exist.`,
}

/** How to make a chunk readable, said once wherever chunks could not be attributed. */
export const HOW_TO_ATTRIBUTE =
  'Build with source maps (`sourcemap: true`), or unminified, so that the bundler writes its region markers (`//#region <module>`) or path comments (`// <module>`).'

/** The first few items of a long list, then how many more. */
export function listSome(items: readonly string[], count: number): string {
  return items.length <= count
    ? items.join(', ')
    : `${items.slice(0, count).join(', ')} and ${items.length - count} more`
}

export const NO_MAP = 'no source map'
export const NO_MARKERS = 'no region markers or path comments (minified, or not written by a bundler)'
export const UNNAMED_REGION = 'and its region markers name no module (an `//#endregion` whose `//#region` is missing)'
export const MAP_NOT_FOUND = (url: string): string => `source map ${url} not found`
export const BROKEN_MAP = (why: string): string => `broken source map: ${why}`
