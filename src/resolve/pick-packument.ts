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
 *
 * packumentHead, versionFromEntry and extrasFromEntry are the same checks piece by piece, for
 * packument-text.ts, which checks a version when it is first asked for.
 */
import { SkiffError } from '../error/index.ts'
import type { ManifestExtras } from './types.ts'

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
  /**
   * Full documents only: each version's fields the lockfile records and the abbreviated
   * document lacks, as published (a version without any has no entry).
   */
  extras?: ReadonlyMap<string, ManifestExtras>
  /**
   * The versions semver can read, highest first (equal ones in the order of `versions`), when
   * the document came sorted (packument-text.ts); pick-version sorts the others itself.
   */
  readonly order?: readonly string[]
}

/** What a document says besides its versions, checked: all a packument needs before a version is looked at. */
export interface PackumentHead {
  name: string
  distTags: Record<string, string>
  time?: Record<string, string>
  modified?: string
  stagedVersions?: Record<string, Manifest>
  /** a full document (it has `time`; the abbreviated one has `modified` only): its versions carry their lockfile-only fields */
  full: boolean
}

type Json = Record<string, unknown>

/** The registry's document as a Packument, every version checked (EBADPACKUMENT when its structure is wrong). */
export function parsePackument(json: unknown, name: string): Packument {
  if (!isObject(json)) throw notAnObject(name)
  const docName = typeof json.name === 'string' ? json.name : name
  const kind = versionsKind(json.versions, docName)
  const entries = isObject(json.versions) ? Object.entries(json.versions) : []
  const versions = new Map(entries.map(([key, entry]) => [key, versionFromEntry(entry, docName, key)]))
  const head = packumentHead(json, name, kind)
  const packument: Packument = { name: head.name, distTags: new Map(Object.entries(head.distTags)), versions }
  if (head.time !== undefined) packument.time = new Map(Object.entries(head.time))
  if (head.modified !== undefined) packument.modified = head.modified
  if (head.stagedVersions !== undefined) packument.stagedVersions = new Map(Object.entries(head.stagedVersions))
  if (head.full) {
    const extras = entries.map(([key, entry]) => [key, extrasFromEntry(entry)] as const)
    packument.extras = new Map(extras.filter((pair): pair is [string, ManifestExtras] => pair[1] !== undefined))
  }
  return packument
}

/**
 * The document's members other than `versions`, checked; `versions` is the kind of its
 * `versions` member (versionsKind).
 */
export function packumentHead(json: Json, name: string, versions: 'object' | 'none'): PackumentHead {
  const docName = typeof json.name === 'string' ? json.name : name
  const head: PackumentHead = { name: docName, distTags: stringRecord(json['dist-tags']) ?? {}, full: isObject(json.time) && versions === 'object' }
  if (isObject(json.time)) head.time = stringRecord(json.time)
  if (typeof json.modified === 'string') head.modified = json.modified
  if (isObject(json.stagedVersions)) {
    const staged = json.stagedVersions.versions
    versionsKind(staged, docName, 'stagedVersions.versions')
    head.stagedVersions = isObject(staged) ? Object.fromEntries(Object.entries(staged).map(([key, entry]) => [key, versionFromEntry(entry, docName, key)])) : {}
  }
  return head
}

/** EBADPACKUMENT for a document that is not an object. */
export function notAnObject(name: string): SkiffError {
  return malformed(name, 'the document is not a JSON object')
}

/** `versions` must be an object, or absent (or null): no versions. */
export function versionsKind(value: unknown, name: string, field = 'versions'): 'object' | 'none' {
  if (value === undefined || value === null) return 'none'
  if (!isObject(value)) throw malformed(name, `"${field}" is not an object`)
  return 'object'
}

/** One version entry as the resolver reads it (EBADPACKUMENT when it is not a version). */
export function versionFromEntry(entry: unknown, packageName: string, key: string): Manifest {
  return parseManifest(entry, packageName, key)
}

function parseManifest(entry: unknown, packageName: string, key: string): Manifest {
  const id = `${packageName}@${key}`
  if (!isObject(entry)) throw malformed(id, 'the version entry is not an object')
  if (typeof entry.version !== 'string') throw malformed(id, 'the version entry has no "version" string')
  const dist = entry.dist
  if (!isObject(dist) || typeof dist.tarball !== 'string') throw malformed(id, 'the version entry has no "dist.tarball" URL')
  const bundle = entry.bundleDependencies ?? entry.bundledDependencies
  const manifest: Manifest = { name: typeof entry.name === 'string' ? entry.name : packageName, version: entry.version, dist: { tarball: dist.tarball } }
  setIfDefined(manifest, 'dependencies', stringRecord(entry.dependencies))
  setIfDefined(manifest, 'optionalDependencies', stringRecord(entry.optionalDependencies))
  setIfDefined(manifest, 'peerDependencies', stringRecord(entry.peerDependencies))
  setIfDefined(manifest, 'peerDependenciesMeta', peerMeta(entry.peerDependenciesMeta))
  setIfDefined(manifest, 'acceptDependencies', stringRecord(entry.acceptDependencies))
  setIfDefined(manifest, 'bundleDependencies', typeof bundle === 'boolean' ? bundle : stringArray(bundle))
  setIfDefined(manifest, 'bin', typeof entry.bin === 'string' ? entry.bin : stringRecord(entry.bin))
  setIfDefined(manifest, 'engines', Array.isArray(entry.engines) ? stringArray(entry.engines) : stringRecord(entry.engines))
  setIfDefined(manifest, 'os', stringOrList(entry.os))
  setIfDefined(manifest, 'cpu', stringOrList(entry.cpu))
  setIfDefined(manifest, 'libc', stringOrList(entry.libc))
  setIfDefined(manifest, 'deprecated', deprecation(entry.deprecated))
  if (typeof entry.hasInstallScript === 'boolean') manifest.hasInstallScript = entry.hasInstallScript
  if (typeof entry._hasShrinkwrap === 'boolean') manifest.hasShrinkwrap = entry._hasShrinkwrap
  if (typeof dist.integrity === 'string') manifest.dist.integrity = dist.integrity
  if (typeof dist.shasum === 'string') manifest.dist.shasum = dist.shasum
  setIfDefined(manifest, 'license', license(entry.license))
  setIfDefined(manifest, 'funding', entry.funding ?? undefined)
  return manifest
}

const EXTRA_FIELDS = ['license', 'libc', 'funding', 'workspaces', 'scripts', 'bundleDependencies', 'bundledDependencies'] as const

/** A version entry's lockfile-only fields as published (of the scripts, the install ones: they make `hasInstallScript`); undefined when it has none. */
export function extrasFromEntry(entry: unknown): ManifestExtras | undefined {
  if (!isObject(entry)) return undefined
  let found: ManifestExtras | undefined
  for (const field of EXTRA_FIELDS) {
    const value = field === 'scripts' ? installScripts(entry.scripts) : entry[field]
    if (value !== undefined) (found ??= {})[field] = value
  }
  return found
}

function installScripts(scripts: unknown): unknown {
  if (!isObject(scripts)) return scripts
  const kept: Json = {}
  for (const name of ['preinstall', 'install', 'postinstall']) if (scripts[name] !== undefined) kept[name] = scripts[name]
  return kept
}

function setIfDefined<K extends keyof Manifest>(manifest: Manifest, key: K, value: Manifest[K] | undefined): void {
  if (value !== undefined) manifest[key] = value
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The object's string entries; the object itself when all are strings (a JSON object from the registry is never changed). */
export function stringRecord(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined
  for (const key in value) {
    if (typeof value[key] !== 'string') return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
  }
  return value as Record<string, string>
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
