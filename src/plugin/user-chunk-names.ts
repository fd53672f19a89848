import type { CodeSplittingGroup, OutputOptions } from 'rolldown'

type GroupName = CodeSplittingGroup['name']
type Groups = { groups?: CodeSplittingGroup[] }

/**
 * The names the user's own chunking gives its chunks (`codeSplitting.groups`, `advancedChunks`,
 * `manualChunks`), learned as the bundler asks for them: a chunk the user named keeps its name
 * when promote gives it a stable file, instead of being named after a singleton it holds. The
 * options returned decide exactly what the user's did; each naming function is only watched.
 */
export function watchUserChunkNames(output: OutputOptions): { options: OutputOptions; names: Set<string> } {
  const names = new Set<string>()
  const watchName = (name: GroupName): GroupName => {
    if (typeof name === 'string') {
      names.add(name)
      return name
    }
    return (...args: Parameters<typeof name>) => {
      const given = name(...args)
      if (typeof given === 'string') names.add(given)
      return given
    }
  }
  const watchGroups = <T extends Groups>(splitting: T): T =>
    splitting.groups
      ? { ...splitting, groups: splitting.groups.map((group) => ({ ...group, name: watchName(group.name) })) }
      : splitting
  const options: OutputOptions = {}
  if (typeof output.codeSplitting === 'object' && output.codeSplitting !== null) {
    options.codeSplitting = watchGroups(output.codeSplitting)
  }
  if (output.advancedChunks) options.advancedChunks = watchGroups(output.advancedChunks)
  const manual = output.manualChunks as unknown
  if (typeof manual === 'function') {
    options.manualChunks = ((...args: unknown[]) => {
      const given = (manual as (...a: unknown[]) => unknown)(...args)
      if (typeof given === 'string') names.add(given)
      return given
    }) as OutputOptions['manualChunks']
  } else if (manual && typeof manual === 'object') {
    // Rollup's object form: its keys are the chunk names.
    for (const name of Object.keys(manual)) names.add(name)
  }
  return { options, names }
}
