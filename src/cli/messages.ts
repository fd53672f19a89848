/** Every text the CLI prints about its input and usage; findings use the plugin's own words. */
import { PREFIX } from './core.ts'
import { RUN_USAGE } from './run/messages.ts'

const CLI_NAME = 'singleton-guard'

/** A user mistake or unreadable input: printed as one line, exit code 2, never a stack trace. */
export class InputError extends Error {
  override readonly name = 'InputError'
}

export const USAGE: string = `Usage:
  ${CLI_NAME} audit <dir...> [--singletons <pattern...>] [--module <path|package>] [--json] [--html <file>]
                             [--root <dir>] [--formats error|warn|ignore] [--builds error|warn|ignore]
  ${CLI_NAME} diff <dirA> <dirB> [--singletons <pattern...>] [--json] [--root <dir>]
${RUN_USAGE}

Exit codes: 1 a module is evaluated more than once, 0 none, 2 usage or input error.
\`run\` exits with the command's own status (\`--fail\`: 1 when a module was evaluated more than once).`

export const TEXT = {
  missingCommand: `${PREFIX} missing command: use \`${CLI_NAME} audit <dir...>\`, \`${CLI_NAME} diff <dirA> <dirB>\` or \`${CLI_NAME} run -- <command>\` (\`--help\` for every option).`,
  unknownCommand: (command: string): string =>
    `${PREFIX} unknown command \`${command}\`: the commands are \`audit\`, \`diff\` and \`run\`.`,
  noFolders: `${PREFIX} \`audit\` needs at least one folder of built chunks, e.g. \`${CLI_NAME} audit dist\`.`,
  diffNeedsTwo: (count: number): string =>
    `${PREFIX} \`diff\` compares exactly two folders (before and after); got ${count}.`,
  badFlag: (detail: string): string => `${PREFIX} ${detail}. Run \`${CLI_NAME} --help\` for the options.`,
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
    `${PREFIX} ${count} of ${total} chunk${total === 1 ? '' : 's'} could not be attributed to source modules (${list}): a copy in them cannot be seen, so "no copies" cannot be claimed. Build with source maps (\`sourcemap: true\`).`,
  unattributedNote: (count: number, list: string): string =>
    `${count} chunk${count === 1 ? '' : 's'} could not be attributed (${list}); copies found elsewhere are real, but these chunks may hold more.`,
  moduleNotFound: (query: string, dirs: string): string =>
    `${PREFIX} no module matching ${JSON.stringify(query)} has code in ${dirs}. Give a path relative to --root (default: the current folder), an absolute path, or a package name.`,
  noSingletonMatched: (patterns: string): string =>
    `${PREFIX} the --singletons pattern${patterns.includes(',') ? 's' : ''} ${patterns} matched no module with code in these folders, so nothing was judged for ${patterns.includes(',') ? 'them' : 'it'}: check the path (relative to --root) or the package name.`,
  missingSources: (count: number): string =>
    `${count} source file${count === 1 ? '' : 's'} named by the maps ${count === 1 ? 'is' : 'are'} not on disk: ${count === 1 ? 'its' : 'their'} identity comes from the path (the package version is unknown).`,
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

export const NO_MAP = 'no source map'
export const MAP_NOT_FOUND = (url: string): string => `source map ${url} not found`
export const BROKEN_MAP = (why: string): string => `broken source map: ${why}`
