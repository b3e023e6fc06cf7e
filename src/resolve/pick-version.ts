/**
 * pickVersion: which version of a package a registry spec gets, with npm-pick-manifest 11's
 * rules (npm 11.19):
 *   - a dist-tag means exactly the version it points at (if that was published after
 *     `before`, the highest version at or below it instead);
 *   - an exact version means that version and nothing else;
 *   - a range (and '' or `*`) takes the default tag's version (`latest`) when it satisfies the
 *     range (`*` and '' accept it even as a prerelease), is not in `avoid`, was published
 *     before `before`, fits the engines, and is neither deprecated nor staged;
 *   - otherwise, of the versions satisfying the range (prereleases only if the range names
 *     one) and published before `before`, the first by: not avoided, not staged, fitting the
 *     engines and not deprecated, fitting the engines, not deprecated, highest version.
 * With `avoidStrict`, an avoided pick is replaced by the best non-avoided version within
 * `^picked`, else anywhere, and marked as outside the wanted range.
 */
import semver from 'semver'
import { SkiffError } from '../error/index.ts'
import { classifyRegistrySpec, rangeTest, satisfiesRange, sortVersions, versionParts, type RegistrySpec, type RegistrySpecType, type VersionParts } from '../spec/index.ts'
import { isEngineCompatible, type EngineVersions } from '../link/index.ts'
import { noMatchingVersion, noVersions } from './pick-error.ts'
import type { Manifest, Packument } from './pick-packument.ts'

export { defaultNodeVersion } from '../link/index.ts'
export { parsePackument, type Dist, type Manifest, type Packument } from './pick-packument.ts'

export interface PickOptions {
  /** the tag a range prefers, and what '' means (default `latest`) */
  defaultTag?: string
  /** only versions published at or before this moment (needs `time` from a full document) */
  before?: Date
  /** compared with `engines.node`; see defaultNodeVersion() */
  nodeVersion: string
  /** compared with `engines.npm` when given */
  npmVersion?: string
  /** a range of versions to stay away from (audit fix) */
  avoid?: string
  /** never return an avoided version, even outside the wanted range */
  avoidStrict?: boolean
  /** offer versions staged for publish */
  includeStaged?: boolean
  /** who asked, for the error message: `app@1.0.0`, `the root project` */
  requiredBy?: string
}

export type PickedManifest = Manifest & {
  /** the pick is inside `avoid`: nothing better satisfied the range */
  shouldAvoid?: true
  /** `avoidStrict` had to leave the wanted range */
  outsideDependencyRange?: true
  /** ...and the replacement is not within `^` of the first pick */
  isSemVerMajor?: boolean
}

type Picked = { manifest: Manifest; avoided: boolean }

interface Context {
  packument: Packument
  options: PickOptions
  defaultTag: string
  /** epoch ms; Infinity when there is no `before` or no `time` to compare with */
  beforeMs: number
  staged: ReadonlyMap<string, Manifest>
  engines: EngineVersions
  /** false inside the avoidStrict retries, which pick loosely (tags included) */
  avoidStrict: boolean
}

export function pickVersion(
  packument: Packument,
  spec: Pick<RegistrySpec, 'type' | 'fetchSpec'>,
  options: PickOptions,
): PickedManifest {
  const context = createContext(packument, options)
  const wanted = spec.fetchSpec
  const type = wanted === '' ? specType(context.defaultTag) : spec.type
  const picked = pickAvoiding(context, wanted, type)
  if (picked === undefined) throw noMatchingVersion(packument, wanted, options)
  return picked
}

function createContext(packument: Packument, options: PickOptions): Context {
  const hasTimes = options.before !== undefined && packument.time !== undefined
  return {
    packument,
    options,
    defaultTag: options.defaultTag ?? 'latest',
    beforeMs: hasTimes ? Number(options.before) : Infinity,
    staged: options.includeStaged ? packument.stagedVersions ?? new Map() : new Map(),
    engines: { nodeVersion: options.nodeVersion, ...(options.npmVersion ? { npmVersion: options.npmVersion } : {}) },
    avoidStrict: options.avoidStrict === true,
  }
}

function specType(fetchSpec: string): RegistrySpecType {
  const type = classifyRegistrySpec(fetchSpec)
  if (type !== undefined) return type
  throw new SkiffError('EINVALIDTAGNAME', `invalid tag name "${fetchSpec}"`, { wanted: fetchSpec })
}

/** The loose pick, and with `avoidStrict` its replacement when it is avoided. */
function pickAvoiding(context: Context, wanted: string, type: RegistrySpecType): PickedManifest | undefined {
  if (!context.avoidStrict) return decorate(pickLoose(context, wanted, type))
  const loose = { ...context, avoidStrict: false }
  const first = pickLoose(loose, wanted, type)
  if (first === undefined || !first.avoided) return decorate(first)
  const withinMajor = pickLoose(loose, `^${first.manifest.version}`, 'range')
  if (withinMajor !== undefined && !withinMajor.avoided) {
    return { ...withinMajor.manifest, outsideDependencyRange: true, isSemVerMajor: false }
  }
  const anywhere = pickLoose(loose, '*', 'range')
  if (anywhere !== undefined && !anywhere.avoided) {
    return { ...anywhere.manifest, outsideDependencyRange: true, isSemVerMajor: true }
  }
  const { name } = context.packument
  throw new SkiffError('ETARGET', `no version of ${name} outside ${context.options.avoid ?? ''} is available`, {
    pkg: name,
    wanted,
    hint: 'every published version is in the range to avoid; nothing can replace it',
  })
}

function decorate(picked: Picked | undefined): PickedManifest | undefined {
  if (picked === undefined) return undefined
  return picked.avoided ? { ...picked.manifest, shouldAvoid: true } : picked.manifest
}

function pickLoose(context: Context, wanted: string, type: RegistrySpecType): Picked | undefined {
  const { packument } = context
  if (wanted !== '' && type === 'tag') {
    const tagged = packument.distTags.get(wanted)
    if (tagged === undefined) return undefined
    if (!isBefore(context, tagged)) return pickAtOrBelow(context, tagged)
    return withAvoid(context, packument.versions.get(tagged) ?? context.staged.get(tagged))
  }
  if (wanted !== '' && type === 'version') {
    const version = semver.clean(wanted, { loose: true }) ?? wanted
    if (!isBefore(context, version)) return undefined
    return withAvoid(context, packument.versions.get(version) ?? context.staged.get(version))
  }
  const range = type === 'range' ? wanted : '*'
  return defaultTagVersion(context, range) ?? bestInRange(context, range)
}

/** A tag published after `before`: the best version up to it, by the whole pick (avoidStrict included), as npm does. */
function pickAtOrBelow(context: Context, tagged: string): Picked | undefined {
  const picked = pickAvoiding(context, `<=${tagged}`, 'range')
  if (picked === undefined) return undefined
  return { manifest: picked, avoided: picked.shouldAvoid === true }
}

function defaultTagVersion(context: Context, range: string): Picked | undefined {
  const version = context.packument.distTags.get(context.defaultTag)
  if (version === undefined) return undefined
  if (range !== '*' && !satisfiesRange(version, range)) return undefined
  if (isAvoided(context, version)) return undefined
  const manifest = context.packument.versions.get(version)
  if (manifest === undefined || !isBefore(context, version)) return undefined
  if (!isEngineCompatible(manifest, context.engines) || manifest.deprecated || context.staged.has(version)) return undefined
  return { manifest, avoided: false }
}

interface Candidate {
  version: string
  manifest: Manifest
  /** the preference keys in order, 1 = preferred */
  keys: [number, number, number, number, number]
}

/**
 * The best version in range: the first by the preference keys, then the highest. Versions are
 * visited highest first, so the first one preferred on every key wins outright, and only the
 * manifests of versions in range are looked at (a packument read from text parses them then).
 */
function bestInRange(context: Context, range: string): Picked | undefined {
  if (!hasPublished(context)) throw noVersions(context.packument, context.options)
  const wantedRange = rangeTest(range)
  if (wantedRange === undefined) return undefined
  let best: Candidate | undefined
  for (const entry of byVersion(context)) {
    const { version } = entry
    if (!isBefore(context, version) || !wantedRange.test(partsOf(entry))) continue
    const manifest = entry.manifest ?? context.packument.versions.get(version)
    if (manifest === undefined) continue
    const candidate = rank(context, version, manifest)
    // a later version is never higher: only better keys replace the best
    if (best === undefined || hasBetterKeys(candidate, best)) best = candidate
    if (best.keys.every((key) => key === 1)) break
  }
  return best === undefined ? undefined : withAvoid(context, best.manifest)
}

interface Sortable {
  version: string
  /** read when first compared with a range */
  parts?: VersionParts
  /** staged versions carry their manifest (they are not in `versions`) */
  manifest?: Manifest
}

/** Each packument's versions semver can read, highest first (equal ones in the document's order), read once. */
const sortedVersions = new WeakMap<Packument, Sortable[]>()

function byVersion(context: Context): Sortable[] {
  const { packument, staged } = context
  let sorted = sortedVersions.get(packument)
  if (sorted === undefined) {
    // a document read from text comes sorted; the others are sorted here
    const order = packument.order ?? sortedKeys([...packument.versions.keys()])
    sorted = order.map((version) => ({ version }))
    sortedVersions.set(packument, sorted)
  }
  if (staged.size === 0) return sorted
  const versions: Sortable[] = [...packument.versions.keys()].map((version) => ({ version }))
  const all = [...versions, ...[...staged].map(([version, manifest]) => ({ version, manifest }))]
  return sortVersions(all.map((entry) => entry.version)).map((index) => all[index] as Sortable)
}

function sortedKeys(versions: string[]): string[] {
  return sortVersions(versions).map((index) => versions[index] as string)
}

/** Only readable versions are sorted, so every entry has parts. */
function partsOf(entry: Sortable): VersionParts {
  entry.parts ??= versionParts(entry.version)
  return entry.parts as VersionParts
}

/** Some version (readable or not) was published before `before`. */
function hasPublished(context: Context): boolean {
  const { packument, staged } = context
  for (const version of packument.versions.keys()) if (isBefore(context, version)) return true
  for (const version of staged.keys()) if (isBefore(context, version)) return true
  return false
}

function rank(context: Context, version: string, manifest: Manifest): Candidate {
  const notAvoided = isAvoided(context, version) ? 0 : 1
  const notStaged = context.staged.has(version) ? 0 : 1
  const engineOk = isEngineCompatible(manifest, context.engines) ? 1 : 0
  const notDeprecated = manifest.deprecated ? 0 : 1
  return { version, manifest, keys: [notAvoided, notStaged, engineOk & notDeprecated, engineOk, notDeprecated] }
}

/** An earlier key decides; equal keys are not better. */
function hasBetterKeys(candidate: Candidate, best: Candidate): boolean {
  for (let index = 0; index < candidate.keys.length; index++) {
    const difference = (candidate.keys[index] ?? 0) - (best.keys[index] ?? 0)
    if (difference !== 0) return difference > 0
  }
  return false
}

function withAvoid(context: Context, manifest: Manifest | undefined): Picked | undefined {
  return manifest === undefined ? undefined : { manifest, avoided: isAvoided(context, manifest.version) }
}

function isAvoided(context: Context, version: string): boolean {
  const avoid = context.options.avoid
  return avoid !== undefined && avoid !== '' && semver.satisfies(version, avoid, { includePrerelease: true, loose: true })
}

/** Published at or before `before`; versions without a recorded time always count as published. */
function isBefore(context: Context, version: string): boolean {
  if (context.beforeMs === Infinity) return true
  const published = context.packument.time?.get(version)
  if (published === undefined) return true
  return Date.parse(published) <= context.beforeMs
}
