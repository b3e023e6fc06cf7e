/**
 * Versions in semver's order, without building a semver.SemVer for each: a packument's
 * versions are sorted once, when its document is read (typescript has 3,500 of them), and
 * ranges are tested against the versions a pick visits, highest first.
 *
 * The common version (`1.2.3`, `1.2.3-rc.1`, with or without build metadata: semver's strict
 * grammar, parts below 2^53) is read here; anything else (`v1.2.3`, `=1.2.3`, leading zeros,
 * `1.2.3beta`) goes through semver itself, loosely, as npm reads versions. Either way the
 * answers are semver's: same order (build metadata ignored, equal versions left in their
 * order), same satisfaction of a range (loose, prereleases only when a comparator of the same
 * set names one of the same major.minor.patch).
 */
import semver from 'semver'

/** A version as compared: `prerelease` empty for a release. */
export interface VersionParts {
  major: number
  minor: number
  patch: number
  prerelease: ReadonlyArray<string | number>
}

const STRICT = /^(0|[1-9]\d{0,14})\.(0|[1-9]\d{0,14})\.(0|[1-9]\d{0,14})(?:-((?:0|[1-9]\d{0,14}|\d*[a-zA-Z-][a-zA-Z0-9-]*)(?:\.(?:0|[1-9]\d{0,14}|\d*[a-zA-Z-][a-zA-Z0-9-]*))*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/
const NUMERIC = /^[0-9]+$/

/** The parts semver (loose) reads in a version; undefined when it reads none. */
export function versionParts(version: string): VersionParts | undefined {
  // semver reads no version longer than 256 characters
  const match = version.length <= 256 ? STRICT.exec(version) : null
  if (match !== null) {
    const pre = match[4]
    return {
      major: Number(match[1]),
      minor: Number(match[2]),
      patch: Number(match[3]),
      prerelease: pre === undefined ? [] : pre.split('.').map((id) => (NUMERIC.test(id) ? Number(id) : id)),
    }
  }
  try {
    return new semver.SemVer(version, { loose: true })
  } catch {
    return undefined
  }
}

/** semver.compare: main numbers, then prereleases (a release is above its prereleases). */
export function compareParts(a: VersionParts, b: VersionParts): number {
  if (a.major !== b.major) return a.major > b.major ? 1 : -1
  if (a.minor !== b.minor) return a.minor > b.minor ? 1 : -1
  if (a.patch !== b.patch) return a.patch > b.patch ? 1 : -1
  const aPre = a.prerelease
  const bPre = b.prerelease
  if (aPre.length === 0 || bPre.length === 0) return aPre.length === bPre.length ? 0 : aPre.length === 0 ? 1 : -1
  for (let index = 0; ; index++) {
    const x = aPre[index]
    const y = bPre[index]
    if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? -1 : 1
    const order = compareIdentifiers(x, y)
    if (order !== 0) return order
  }
}

/** semver's compareIdentifiers: numbers below words, numbers by value, words by code units. */
function compareIdentifiers(a: string | number, b: string | number): number {
  const aNumeric = NUMERIC.test(String(a))
  const bNumeric = NUMERIC.test(String(b))
  if (aNumeric && bNumeric) {
    const x = Number(a)
    const y = Number(b)
    return x === y ? 0 : x < y ? -1 : 1
  }
  if (aNumeric !== bNumeric) return aNumeric ? -1 : 1
  return a === b ? 0 : a < b ? -1 : 1
}

/**
 * The positions of the versions semver can read, highest first; equal versions in the order
 * given. `positions` (default: 0…n-1) is what is returned for each.
 */
export function sortVersions(versions: readonly string[], positions?: readonly number[]): number[] {
  const readable: Array<{ position: number; parts: VersionParts }> = []
  versions.forEach((version, index) => {
    const parts = versionParts(version)
    if (parts !== undefined) readable.push({ position: positions?.[index] ?? index, parts })
  })
  readable.sort((a, b) => compareParts(b.parts, a.parts))
  return readable.map((entry) => entry.position)
}

/** A range as a test of versions: semver.Range#test (loose), answered from VersionParts. */
export interface RangeTest {
  test(parts: VersionParts): boolean
}

interface Comparator {
  operator: string
  parts: VersionParts | undefined
}

const ranges = new Map<string, RangeTest | null>()
const RANGE_CACHE_LIMIT = 20_000

/** The test of a range (cached by its text); undefined when semver cannot read it (it satisfies nothing). */
export function rangeTest(range: string): RangeTest | undefined {
  let known = ranges.get(range)
  if (known === undefined) {
    if (ranges.size >= RANGE_CACHE_LIMIT) ranges.clear()
    known = compileRange(range)
    ranges.set(range, known)
  }
  return known ?? undefined
}

/** semver.satisfies(version, range, { loose: true }), through the cached range. */
export function satisfiesRange(version: string, range: string): boolean {
  const parts = versionParts(version)
  return parts !== undefined && (rangeTest(range)?.test(parts) ?? false)
}

function compileRange(range: string): RangeTest | null {
  let parsed: semver.Range
  try {
    parsed = new semver.Range(range, { loose: true })
  } catch {
    return null
  }
  const sets: Comparator[][] = parsed.set.map((set) =>
    // a comparator of any version (`*`) has semver's ANY symbol in place of a version
    set.map((comparator) => ({ operator: comparator.operator, parts: comparator.semver instanceof semver.SemVer ? comparator.semver : undefined })),
  )
  return { test: (parts) => sets.some((set) => testSet(set, parts)) }
}

/** semver's testSet: every comparator holds, and a prerelease only where the set names one of its major.minor.patch. */
function testSet(set: readonly Comparator[], version: VersionParts): boolean {
  for (const comparator of set) if (!holds(comparator, version)) return false
  if (version.prerelease.length === 0) return true
  for (const { parts } of set) {
    if (parts === undefined || parts.prerelease.length === 0) continue
    if (parts.major === version.major && parts.minor === version.minor && parts.patch === version.patch) return true
  }
  return false
}

function holds({ operator, parts }: Comparator, version: VersionParts): boolean {
  if (parts === undefined) return true
  const order = compareParts(version, parts)
  switch (operator) {
    case '':
    case '=':
      return order === 0
    case '>':
      return order > 0
    case '>=':
      return order >= 0
    case '<':
      return order < 0
    case '<=':
      return order <= 0
    default:
      throw new TypeError(`unexpected comparator operator ${operator}`)
  }
}
