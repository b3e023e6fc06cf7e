/**
 * The fields of an installed package that the read-only commands use, read from an untrusted
 * package.json or hidden-lockfile entry. Normalised as npm reads a package.json for its
 * actual tree (@npmcli/package-json): `bundledDependencies` is `bundleDependencies`, `true`
 * bundles every dependency, and a name in both `dependencies` and `optionalDependencies` is
 * optional only. Dependency values that are not strings are dropped.
 */
import path from 'node:path'

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
 * A package.json as npm's loadActual reads it (@npmcli/package-json's normalize steps, in their
 * order): fields starting with `_` are dropped (so an old `_resolved` says nothing), `_id` is
 * `name@version`, `bundledDependencies` becomes `bundleDependencies` (a list), a name in
 * `optionalDependencies` leaves `dependencies`, scripts that are not strings go, a `funding`
 * string becomes `{ url }`, and `bin` becomes a map of names to clean relative paths.
 */
export function normalizeManifest(manifest: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const data: Json = {}
  for (const [key, value] of Object.entries(manifest)) if (!key.startsWith('_')) data[key] = value
  if (typeof data.name === 'string' && data.name !== '' && typeof data.version === 'string' && data.version !== '') {
    data._id = `${data.name}@${data.version}`
  }
  if (data.bundleDependencies === undefined && data.bundledDependencies !== undefined) {
    data.bundleDependencies = data.bundledDependencies
    delete data.bundledDependencies
  }
  normalizeBundle(data)
  if (isJsonObject(data.dependencies) && isJsonObject(data.optionalDependencies)) {
    const dependencies = withoutKeys(stringRecord(data.dependencies), data.optionalDependencies as Record<string, string>)
    if (Object.keys(dependencies).length === 0) delete data.dependencies
    else data.dependencies = dependencies
  }
  if (data.scripts !== undefined) {
    if (isJsonObject(data.scripts)) data.scripts = stringRecord(data.scripts)
    else delete data.scripts
  }
  if (typeof data.funding === 'string' && data.funding !== '') data.funding = { url: data.funding }
  normalizeBin(data)
  return data
}

function normalizeBundle(data: Json): void {
  const bundle = data.bundleDependencies
  if (bundle === false) data.bundleDependencies = []
  else if (bundle === true) data.bundleDependencies = Object.keys(isJsonObject(data.dependencies) ? data.dependencies : {})
  else if (isJsonObject(bundle)) data.bundleDependencies = Object.keys(bundle)
  else if (!Array.isArray(bundle) && 'bundleDependencies' in data) delete data.bundleDependencies
}

/** npm-normalize-package-bin: a string is the package's own bin, an array is named by basenames. */
function normalizeBin(data: Json): void {
  const bin = data.bin
  let named: Record<string, unknown> | undefined
  if (typeof bin === 'string' && bin !== '') named = typeof data.name === 'string' && data.name !== '' ? { [data.name]: bin } : undefined
  else if (Array.isArray(bin)) named = Object.fromEntries(bin.map((file) => [path.posix.basename(String(file)), file]))
  else if (isJsonObject(bin)) named = bin
  const clean: Record<string, string> = {}
  for (const [name, file] of Object.entries(named ?? {})) {
    const base = path.posix.join('/', path.posix.basename(name.replace(/\\|:/g, '/'))).slice(1)
    if (typeof file !== 'string' || base === '') continue
    const target = path.posix.join('/', file.replace(/\\/g, '/')).slice(1)
    if (target !== '') clean[base] = target
  }
  if (Object.keys(clean).length > 0) data.bin = clean
  else delete data.bin
}
