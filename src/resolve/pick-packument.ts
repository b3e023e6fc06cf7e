/**
 * The packument (a package's registry document) as version choice needs it, and the one place
 * where the registry's untrusted JSON becomes that type. Both document shapes are read: the
 * abbreviated "corgi" (`modified` only) and the full document (`time` per version, `license`,
 * `funding`). Versions, dist-tags and times are Maps, so a version or tag named like an Object
 * property (`constructor`) is only found when the registry really sent it.
 *
 * The document's structure must be right (EBADPACKUMENT otherwise, naming the package): an
 * object whose `versions` entries are objects with a string `version` and a `dist.tarball`.
 * Optional fields with the wrong type are dropped, as old publishes carry odd values npm
 * tolerates; `engines`, `license` and `funding` are kept verbatim.
 */
import { SkiffError } from '../error/index.ts'

export interface Dist {
  tarball: string
  integrity?: string
  shasum?: string
}

export interface Manifest {
  name: string
  version: string
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, { optional?: boolean }>
  acceptDependencies?: Record<string, string>
  /** `bundledDependencies` is read as the same field */
  bundleDependencies?: string[] | boolean
  /** as published: a path (named after the package) or a map of names to paths */
  bin?: string | Record<string, string>
  /** old packages declare an array (`["node >= 0.8"]`), kept verbatim */
  engines?: Record<string, string> | string[]
  os?: string | string[]
  cpu?: string | string[]
  libc?: string | string[]
  /** the deprecation message; absent (or empty) when the version is not deprecated */
  deprecated?: string
  hasInstallScript?: boolean
  /** the registry's `_hasShrinkwrap` */
  hasShrinkwrap?: boolean
  dist: Dist
  /** full documents only */
  license?: string | unknown[] | Record<string, unknown>
  /** full documents only */
  funding?: unknown
}

export interface Packument {
  name: string
  distTags: ReadonlyMap<string, string>
  versions: ReadonlyMap<string, Manifest>
  /** publish time of each version (full documents), plus `created` and `modified` */
  time?: ReadonlyMap<string, string>
  /** corgi documents carry only this */
  modified?: string
  /** versions staged for publish, offered only with `includeStaged` */
  stagedVersions?: ReadonlyMap<string, Manifest>
}

type Json = Record<string, unknown>

export function parsePackument(json: unknown, name: string): Packument {
  if (!isObject(json)) throw malformed(name, 'the document is not a JSON object')
  const docName = typeof json.name === 'string' ? json.name : name
  return {
    name: docName,
    distTags: stringMap(json['dist-tags']),
    versions: parseVersions(json.versions, docName, 'versions'),
    ...optional('time', isObject(json.time) ? stringMap(json.time) : undefined),
    ...optional('modified', typeof json.modified === 'string' ? json.modified : undefined),
    ...optional('stagedVersions', isObject(json.stagedVersions)
      ? parseVersions(json.stagedVersions.versions, docName, 'stagedVersions.versions')
      : undefined),
  }
}

function parseVersions(value: unknown, name: string, field: string): Map<string, Manifest> {
  const versions = new Map<string, Manifest>()
  if (value === undefined || value === null) return versions
  if (!isObject(value)) throw malformed(name, `"${field}" is not an object`)
  for (const [key, entry] of Object.entries(value)) versions.set(key, parseManifest(entry, name, key))
  return versions
}

function parseManifest(entry: unknown, packageName: string, key: string): Manifest {
  const id = `${packageName}@${key}`
  if (!isObject(entry)) throw malformed(id, 'the version entry is not an object')
  if (typeof entry.version !== 'string') throw malformed(id, 'the version entry has no "version" string')
  const dist = entry.dist
  if (!isObject(dist) || typeof dist.tarball !== 'string') throw malformed(id, 'the version entry has no "dist.tarball" URL')
  const bundle = entry.bundleDependencies ?? entry.bundledDependencies
  return {
    name: typeof entry.name === 'string' ? entry.name : packageName,
    version: entry.version,
    ...optional('dependencies', stringRecord(entry.dependencies)),
    ...optional('optionalDependencies', stringRecord(entry.optionalDependencies)),
    ...optional('peerDependencies', stringRecord(entry.peerDependencies)),
    ...optional('peerDependenciesMeta', peerMeta(entry.peerDependenciesMeta)),
    ...optional('acceptDependencies', stringRecord(entry.acceptDependencies)),
    ...optional('bundleDependencies', typeof bundle === 'boolean' ? bundle : stringArray(bundle)),
    ...optional('bin', typeof entry.bin === 'string' ? entry.bin : stringRecord(entry.bin)),
    ...optional('engines', Array.isArray(entry.engines) ? stringArray(entry.engines) : stringRecord(entry.engines)),
    ...optional('os', stringOrList(entry.os)),
    ...optional('cpu', stringOrList(entry.cpu)),
    ...optional('libc', stringOrList(entry.libc)),
    ...optional('deprecated', deprecation(entry.deprecated)),
    ...optional('hasInstallScript', typeof entry.hasInstallScript === 'boolean' ? entry.hasInstallScript : undefined),
    ...optional('hasShrinkwrap', typeof entry._hasShrinkwrap === 'boolean' ? entry._hasShrinkwrap : undefined),
    dist: {
      tarball: dist.tarball,
      ...optional('integrity', typeof dist.integrity === 'string' ? dist.integrity : undefined),
      ...optional('shasum', typeof dist.shasum === 'string' ? dist.shasum : undefined),
    },
    ...optional('license', license(entry.license)),
    ...optional('funding', entry.funding ?? undefined),
  }
}

/** `{ [key]: value }` when there is a value, `{}` otherwise: absent fields stay absent. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function stringMap(value: unknown): Map<string, string> {
  const map = new Map<string, string>()
  if (!isObject(value)) return map
  for (const [key, entry] of Object.entries(value)) if (typeof entry === 'string') map.set(key, entry)
  return map
}

function stringRecord(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
}

function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined
}

function stringOrList(value: unknown): string | string[] | undefined {
  return typeof value === 'string' ? value : stringArray(value)
}

function peerMeta(value: unknown): Record<string, { optional?: boolean }> | undefined {
  if (!isObject(value)) return undefined
  const entries = Object.entries(value).filter((entry): entry is [string, Json] => isObject(entry[1]))
  return Object.fromEntries(entries.map(([peer, meta]) => [peer, typeof meta.optional === 'boolean' ? { optional: meta.optional } : {}]))
}

/** npm treats any truthy `deprecated` as deprecated; a message is what it prints. */
function deprecation(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value
  return value ? String(value) : undefined
}

function license(value: unknown): Manifest['license'] {
  if (typeof value === 'string' || Array.isArray(value) || isObject(value)) return value
  return undefined
}

function malformed(what: string, fact: string): SkiffError {
  return new SkiffError('EBADPACKUMENT', `malformed registry document for ${what}: ${fact}`, {
    pkg: what,
    hint: 'the registry (or a proxy in between) sent something that is not an npm packument; retry, or check the registry URL',
  })
}
