import path from 'node:path'
import semver from 'semver'

/**
 * What `dedupe` decides, from plain data: which install of a package is canonical, and whether
 * an import that lands in another install may be served by it. Merging is only done where it is
 * provably the same code (one version, identical files) or, when asked, a version the importer
 * declared it accepts; every refusal says why and which option, if any, would merge.
 */
export type PackageMode = 'same-version' | 'compatible'

export interface InstallFacts {
  /** The install folder (`.../node_modules/<name>`). */
  dir: string
  name: string
  /** `unknown` when its manifest says none. */
  version: string
}

/** The importer's declared range for the package, or why there is none to read. */
export type ImporterRange = { importer: string; range: string } | { importer: string; problem: string }

type MergeDecision = { merge: true; why: string } | { merge: false; why: string; option: string | undefined }

/** The canonical install: nearest the root (fewest folders below it), ties the lexically first path. */
export function chooseCanonical(installs: readonly string[], root: string): string | undefined {
  const depth = (dir: string) => path.relative(root, dir).split(path.sep).length
  return [...installs].sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0))[0]
}

/** Whether one version may stand for another at all: never across a major (0.x: across a minor). */
export function sameLine(a: string, b: string): boolean {
  const [x, y] = [semver.parse(a), semver.parse(b)]
  if (!x || !y) return false
  if (x.major !== y.major) return false
  return x.major !== 0 || x.minor === y.minor
}

/**
 * Whether `other` may be served by `canonical` for one importer. `sameFiles` is asked only when
 * the versions are equal (it reads the installs' files).
 */
export function decideMerge(request: {
  mode: PackageMode
  canonical: InstallFacts
  other: InstallFacts
  sameFiles: () => boolean
  range: () => ImporterRange
}): MergeDecision {
  const { mode, canonical, other } = request
  const versions = `${other.version} and ${canonical.version}`
  if (canonical.version === other.version && canonical.version !== 'unknown') {
    if (request.sameFiles()) return { merge: true, why: `the same version (${canonical.version}) with identical files` }
    return {
      merge: false,
      why: `the same version (${canonical.version}) with different files (a patched install?): merging would change the code that runs`,
      option: undefined,
    }
  }
  if (canonical.version === 'unknown' || other.version === 'unknown') {
    return { merge: false, why: `a version is unknown (${versions}): nothing can be proven`, option: undefined }
  }
  if (!sameLine(canonical.version, other.version)) {
    const line = (version: string) => {
      const parsed = semver.parse(version)
      return parsed && parsed.major === 0 ? `0.${parsed.minor}.x` : `${parsed?.major ?? '?'}.x`
    }
    return {
      merge: false,
      why: `another major version (${line(other.version)} and ${line(canonical.version)}): never merged, its API may differ`,
      option: undefined,
    }
  }
  const declared = request.range()
  const compatibleWould = (): string | undefined => {
    if ('problem' in declared) return undefined
    return semver.satisfies(canonical.version, declared.range, { includePrerelease: true })
      ? "dedupe: { packages: 'compatible' }"
      : undefined
  }
  if (mode === 'same-version') {
    return { merge: false, why: `another version (${versions})`, option: compatibleWould() }
  }
  if ('problem' in declared) {
    return {
      merge: false,
      why: `the range ${declared.importer} accepts cannot be read: ${declared.problem}`,
      option: undefined,
    }
  }
  if (!semver.satisfies(canonical.version, declared.range, { includePrerelease: true })) {
    return {
      merge: false,
      why: `${declared.importer} declares ${JSON.stringify(declared.range)}, which ${canonical.version} does not satisfy`,
      option: undefined,
    }
  }
  return {
    merge: true,
    why: `${canonical.version} satisfies ${declared.importer}'s range ${JSON.stringify(declared.range)} (same ${semver.major(canonical.version) === 0 ? 'minor' : 'major'})`,
  }
}

/** The range a package manifest declares for `name`, from the fields an importer's own install honours. */
export function declaredRange(manifest: Record<string, unknown>, name: string): string | undefined {
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies']) {
    const deps = manifest[field]
    if (deps && typeof deps === 'object' && typeof (deps as Record<string, unknown>)[name] === 'string') {
      const range = (deps as Record<string, string>)[name] as string
      // An alias (`npm:other@^1`) names its range after the colon and the package.
      return range.startsWith('npm:') ? range.slice(range.lastIndexOf('@') + 1) : range
    }
  }
  return undefined
}
