/**
 * The package data a tree node carries, normalised the way npm normalises a manifest before
 * arborist sees it (@npmcli/package-json's normalize steps that pacote and arborist run):
 *   - `bundledDependencies` is read as `bundleDependencies`; `true` means every dependency,
 *     an object means its keys, anything else is dropped;
 *   - a dependency listed in `optionalDependencies` is removed from `dependencies`
 *     (and an emptied `dependencies` is dropped);
 *   - scripts that are not strings are dropped;
 *   - a string `funding` becomes `{ url }`;
 *   - `bin` becomes a map of safe names to safe relative paths (a string is named after the
 *     package, an array after each basename).
 * Everything else is kept as found, so the lockfile can copy it verbatim.
 */
import path from 'node:path'

export interface PackageData {
  name?: string
  version?: string
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  devDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, { optional?: boolean }>
  acceptDependencies?: Record<string, string>
  bundleDependencies?: string[]
  scripts?: Record<string, string>
  hasInstallScript?: boolean
  _hasShrinkwrap?: boolean
  _integrity?: string
  _resolved?: string
  overrides?: unknown
  workspaces?: unknown
  [key: string]: unknown
}

const DEPENDENCY_FIELDS = ['dependencies', 'optionalDependencies', 'devDependencies', 'peerDependencies', 'acceptDependencies'] as const

export function normalizePackage(raw: Record<string, unknown>): PackageData {
  const data: PackageData = { ...raw }
  for (const field of DEPENDENCY_FIELDS) {
    const value = raw[field]
    if (value === undefined) continue
    if (isObject(value)) data[field] = stringEntries(value)
    else delete data[field]
  }
  normalizeBundle(data, raw)
  dedupeOptional(data)
  if (raw.scripts !== undefined) {
    if (isObject(raw.scripts)) data.scripts = stringEntries(raw.scripts)
    else delete data.scripts
  }
  if (typeof data.funding === 'string' && data.funding !== '') data.funding = { url: data.funding }
  normalizeBinField(data)
  if (isObject(raw.peerDependenciesMeta)) data.peerDependenciesMeta = peerMeta(raw.peerDependenciesMeta)
  return data
}

function normalizeBundle(data: PackageData, raw: Record<string, unknown>): void {
  const bundle = raw.bundleDependencies === undefined ? raw.bundledDependencies : raw.bundleDependencies
  delete data.bundledDependencies
  if (bundle === true) data.bundleDependencies = Object.keys(data.dependencies ?? {})
  else if (bundle === false) data.bundleDependencies = []
  else if (Array.isArray(bundle)) data.bundleDependencies = bundle.filter((name): name is string => typeof name === 'string')
  else if (isObject(bundle)) data.bundleDependencies = Object.keys(bundle)
  else delete data.bundleDependencies
}

function dedupeOptional(data: PackageData): void {
  const { dependencies, optionalDependencies } = data
  if (dependencies === undefined || optionalDependencies === undefined) return
  const kept = { ...dependencies }
  for (const name of Object.keys(optionalDependencies)) delete kept[name]
  if (Object.keys(kept).length === 0) delete data.dependencies
  else data.dependencies = kept
}

function normalizeBinField(data: PackageData): void {
  const bin = data.bin
  if (!bin) {
    delete data.bin
    return
  }
  let entries: Array<[string, unknown]>
  if (typeof bin === 'string') {
    if (typeof data.name !== 'string' || data.name === '') {
      delete data.bin
      return
    }
    entries = [[data.name, bin]]
  } else if (Array.isArray(bin)) {
    entries = bin.filter((item): item is string => typeof item === 'string').map((item) => [path.posix.basename(item), item])
  } else if (isObject(bin)) {
    entries = Object.entries(bin)
  } else {
    delete data.bin
    return
  }
  const clean: Record<string, string> = {}
  for (const [key, target] of entries) {
    if (typeof target !== 'string') continue
    const name = path.posix.basename(safePath(key))
    const safeTarget = safePath(target)
    if (name === '' || safeTarget === '') continue
    clean[name] = safeTarget
  }
  if (Object.keys(clean).length === 0) delete data.bin
  else data.bin = clean
}

/** A path made relative and unable to climb out: `\` and `:` are separators, `../x` is `x`, `/` is nothing. */
function safePath(ref: string): string {
  const unixify = (text: string) => text.replace(/\\|:/g, '/')
  const secured = unixify(path.posix.join('.', path.posix.join('/', unixify(ref))))
  return secured.startsWith('./') || secured === '.' ? '' : secured
}

function peerMeta(value: Record<string, unknown>): Record<string, { optional?: boolean }> {
  const meta: Record<string, { optional?: boolean }> = {}
  for (const [name, entry] of Object.entries(value)) meta[name] = isObject(entry) ? (entry as { optional?: boolean }) : {}
  return meta
}

function stringEntries(value: Record<string, unknown>): Record<string, string> {
  const result: Record<string, string> = {}
  for (const [key, entry] of Object.entries(value)) if (typeof entry === 'string') result[key] = entry
  return result
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
