/**
 * npm-install-checks' checkEngine as a predicate: a manifest fits when its `engines.node`
 * range accepts the Node version and its `engines.npm` range accepts the npm version
 * (prereleases included). A missing version, a missing range, or an `engines` array (old
 * packages) never makes a manifest unfit; a range semver cannot parse always does.
 */
import semver from 'semver'

export interface EngineVersions {
  nodeVersion: string
  npmVersion?: string
}

/** A package's `engines` field: ranges by engine name, or an old package's array (which limits nothing). */
export interface EngineRequirement {
  engines?: Record<string, string> | string[]
}

export function isEngineCompatible(manifest: EngineRequirement, versions: EngineVersions): boolean {
  const engines = manifest.engines
  if (engines === undefined || Array.isArray(engines)) return true
  return accepts(engines.node, versions.nodeVersion) && accepts(engines.npm, versions.npmVersion)
}

function accepts(range: string | undefined, version: string | undefined): boolean {
  if (!range || !version) return true
  return semver.satisfies(version, range, { includePrerelease: true })
}
