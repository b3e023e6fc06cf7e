/**
 * The fields of an installed package that the read-only commands use, read from an untrusted
 * package.json or hidden-lockfile entry. Normalised as npm reads a package.json for its
 * actual tree (@npmcli/package-json): `bundledDependencies` is `bundleDependencies`, `true`
 * bundles every dependency, and a name in both `dependencies` and `optionalDependencies` is
 * optional only. Dependency values that are not strings are dropped.
 */

export interface PackageInfo {
  name?: string
  version?: string
  description?: string
  dependencies: Readonly<Record<string, string>>
  devDependencies: Readonly<Record<string, string>>
  optionalDependencies: Readonly<Record<string, string>>
  peerDependencies: Readonly<Record<string, string>>
  peerDependenciesMeta: Readonly<Record<string, { optional?: boolean }>>
  acceptDependencies: Readonly<Record<string, string>>
  bundleDependencies: readonly string[]
  /** the document as read, for `ls --long --json` */
  raw: Readonly<Record<string, unknown>>
}

type Json = Record<string, unknown>

export function isJsonObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function readPackageInfo(document: unknown): PackageInfo {
  const raw: Json = isJsonObject(document) ? document : {}
  const optionalDependencies = stringRecord(raw.optionalDependencies)
  const dependencies = withoutKeys(stringRecord(raw.dependencies), optionalDependencies)
  const info: PackageInfo = {
    dependencies,
    devDependencies: stringRecord(raw.devDependencies),
    optionalDependencies,
    peerDependencies: stringRecord(raw.peerDependencies),
    peerDependenciesMeta: peerMeta(raw.peerDependenciesMeta),
    acceptDependencies: stringRecord(raw.acceptDependencies),
    bundleDependencies: bundleList(raw.bundleDependencies ?? raw.bundledDependencies, dependencies),
    raw,
  }
  if (typeof raw.name === 'string') info.name = raw.name
  if (typeof raw.version === 'string') info.version = raw.version
  if (typeof raw.description === 'string') info.description = raw.description
  return info
}

function stringRecord(value: unknown): Record<string, string> {
  if (!isJsonObject(value)) return {}
  const record: Record<string, string> = {}
  for (const [key, entry] of Object.entries(value)) if (typeof entry === 'string') record[key] = entry
  return record
}

function withoutKeys(record: Record<string, string>, remove: Readonly<Record<string, string>>): Record<string, string> {
  const kept: Record<string, string> = {}
  for (const [key, value] of Object.entries(record)) if (!Object.hasOwn(remove, key)) kept[key] = value
  return kept
}

function peerMeta(value: unknown): Record<string, { optional?: boolean }> {
  if (!isJsonObject(value)) return {}
  const meta: Record<string, { optional?: boolean }> = {}
  for (const [name, entry] of Object.entries(value)) {
    if (isJsonObject(entry)) meta[name] = entry.optional === true ? { optional: true } : {}
  }
  return meta
}

function bundleList(value: unknown, dependencies: Readonly<Record<string, string>>): string[] {
  if (value === true) return Object.keys(dependencies)
  if (!Array.isArray(value)) return []
  return value.filter((name): name is string => typeof name === 'string')
}

/**
 * A package.json as npm's loadActual reads it (@npmcli/package-json normalize): fields starting
 * with `_` are dropped (so an old `_resolved` says nothing), and `_id` is `name@version`.
 */
export function normalizeManifest(manifest: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const normalized: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(manifest)) if (!key.startsWith('_')) normalized[key] = value
  if (typeof manifest.name === 'string' && manifest.name !== '' && typeof manifest.version === 'string' && manifest.version !== '') {
    normalized._id = `${manifest.name}@${manifest.version}`
  }
  return normalized
}
