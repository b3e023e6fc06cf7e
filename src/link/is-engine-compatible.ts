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
  // the node version is read only for a range to compare it with: finding it may start node
  return (!engines.node || accepts(engines.node, versions.nodeVersion)) && accepts(engines.npm, versions.npmVersion)
}

const answers = new Map<string, boolean>()
const ANSWERS_LIMIT = 10_000

/** The same few ranges are asked about for thousands of versions when they are picked: each answer is kept. */
function accepts(range: string | undefined, version: string | undefined): boolean {
  if (!range || !version) return true
  const key = `${version}\0${range}`
  let answer = answers.get(key)
  if (answer === undefined) {
    if (answers.size >= ANSWERS_LIMIT) answers.clear()
    answer = semver.satisfies(version, range, { includePrerelease: true })
    answers.set(key, answer)
  }
  return answer
}
