/**
 * Package definitions for the fixture registry, and what is built from them: the tarball
 * (package/ prefix, generated package.json plus the given files) and the packument, both in
 * full and corgi (abbreviated) form, as registry.npmjs.org serves them.
 */
import semver from 'semver'
import { createTarball, sha1Hex, sriSha512, type TarEntry } from './create-tarball.ts'

export type FileDef = string | { content: string | Uint8Array; mode?: number }

export interface PackageDef {
  name: string
  version: string
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, { optional?: boolean }>
  devDependencies?: Record<string, string>
  bundleDependencies?: string[]
  bin?: string | Record<string, string>
  scripts?: Record<string, string>
  os?: string[]
  cpu?: string[]
  libc?: string[]
  engines?: Record<string, string>
  /** a string, or the object form npm reduces to its `type` (`{ type, url }`) */
  license?: string | Record<string, string>
  /** registry-side deprecation message (not written into the tarball's package.json) */
  deprecated?: string
  /** files of the package, by path relative to the package root; `package.json` overrides the generated one */
  files?: Record<string, FileDef>
  /** dist-tags that point at this version (`latest` defaults to the highest non-prerelease) */
  distTags?: string[]
  /** publish time (ISO); default: a fixed clock that advances one minute per added version */
  time?: string
  /** served instead of the built tarball (hostile tests); integrity is computed from these bytes */
  tarball?: Uint8Array
  [field: string]: unknown
}

/** Fields of a def that describe the fixture, not the package.json. */
const FIXTURE_FIELDS = new Set(['files', 'distTags', 'time', 'tarball', 'deprecated'])

/** The corgi document's per-version fields (npm/registry docs, responses/package-metadata.md). */
const CORGI_FIELDS = [
  'name', 'version', 'deprecated', 'dependencies', 'optionalDependencies', 'devDependencies',
  'bundleDependencies', 'peerDependencies', 'peerDependenciesMeta', 'acceptDependencies', 'bin',
  'directories', 'dist', 'engines', '_hasShrinkwrap', 'hasInstallScript', 'funding', 'cpu', 'os',
] as const

const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall']

export interface BuiltVersion {
  def: PackageDef
  bytes: Uint8Array
  integrity: string
  shasum: string
  time: string
}

export function packageJsonOf(def: PackageDef): Record<string, unknown> {
  const json: Record<string, unknown> = { name: def.name, version: def.version }
  for (const [key, value] of Object.entries(def)) {
    if (!FIXTURE_FIELDS.has(key) && value !== undefined) json[key] = value
  }
  return json
}

export function buildTarballBytes(def: PackageDef): Uint8Array {
  if (def.tarball) return def.tarball
  const files = def.files ?? {}
  const entries: TarEntry[] = []
  if (!('package.json' in files)) {
    entries.push({ path: 'package/package.json', content: `${JSON.stringify(packageJsonOf(def), null, 2)}\n` })
  }
  for (const [file, spec] of Object.entries(files)) {
    const entry = typeof spec === 'string' ? { content: spec } : spec
    entries.push({ path: `package/${file}`, content: entry.content, ...(entry.mode === undefined ? {} : { mode: entry.mode }) })
  }
  return createTarball(entries)
}

export function buildVersion(def: PackageDef, time: string): BuiltVersion {
  const bytes = buildTarballBytes(def)
  return { def, bytes, integrity: sriSha512(bytes), shasum: sha1Hex(bytes), time }
}

export function unscopedName(name: string): string {
  return name.startsWith('@') ? name.slice(name.indexOf('/') + 1) : name
}

export function tarballPathOf(name: string, version: string): string {
  return `/${name}/-/${unscopedName(name)}-${version}.tgz`
}

/** `@scope/name` -> `@scope%2fname`, as npm requests packuments. */
export function escapedName(name: string): string {
  return name.replace('/', '%2f')
}

export function hasInstallScript(def: PackageDef): boolean {
  const scripts = def.scripts ?? {}
  return INSTALL_SCRIPTS.some((script) => script in scripts) || needsGypInstall(def)
}

/** npm adds `install: node-gyp rebuild` to a package with binding.gyp and no install/preinstall. */
function needsGypInstall(def: PackageDef): boolean {
  const scripts = def.scripts ?? {}
  return def.files !== undefined && 'binding.gyp' in def.files && !('install' in scripts) && !('preinstall' in scripts)
}

/** A version's manifest as the full packument holds it. */
function fullManifest(built: BuiltVersion, baseUrl: string): Record<string, unknown> {
  const { def } = built
  const manifest: Record<string, unknown> = { ...packageJsonOf(def), _id: `${def.name}@${def.version}` }
  // publishing expands a string `bin` into { <unscoped name>: path }
  if (typeof def.bin === 'string') manifest.bin = { [unscopedName(def.name)]: def.bin }
  if (def.deprecated !== undefined) manifest.deprecated = def.deprecated
  if (needsGypInstall(def)) {
    manifest.scripts = { ...def.scripts, install: 'node-gyp rebuild' }
    manifest.gypfile = true
  }
  manifest.dist = {
    tarball: `${baseUrl.replace(/\/$/, '')}${tarballPathOf(def.name, def.version)}`,
    integrity: built.integrity,
    shasum: built.shasum,
  }
  return manifest
}

function corgiManifest(full: Record<string, unknown>, def: PackageDef): Record<string, unknown> {
  const manifest: Record<string, unknown> = {}
  for (const field of CORGI_FIELDS) if (full[field] !== undefined) manifest[field] = full[field]
  if (hasInstallScript(def)) manifest.hasInstallScript = true
  return manifest
}

export function distTagsOf(versions: readonly BuiltVersion[]): Record<string, string> {
  const tags: Record<string, string> = {}
  const sorted = [...versions].sort((a, b) => semver.compare(a.def.version, b.def.version))
  const stable = sorted.filter((built) => semver.prerelease(built.def.version) === null)
  const latest = (stable.length > 0 ? stable : sorted).at(-1)
  if (latest) tags.latest = latest.def.version
  for (const built of sorted) for (const tag of built.def.distTags ?? []) tags[tag] = built.def.version
  return tags
}

export function buildPackuments(
  versions: readonly BuiltVersion[],
  baseUrl: string,
): { full: Record<string, unknown>; corgi: Record<string, unknown>; modified: string } {
  const sorted = [...versions].sort((a, b) => semver.compare(a.def.version, b.def.version))
  const name = sorted[0]?.def.name ?? ''
  const times = sorted.map((built) => built.time).sort()
  const created = times[0] ?? ''
  const modified = times.at(-1) ?? ''
  const fullVersions: Record<string, unknown> = {}
  const corgiVersions: Record<string, unknown> = {}
  const time: Record<string, string> = { created, modified }
  for (const built of sorted) {
    const full = fullManifest(built, baseUrl)
    fullVersions[built.def.version] = full
    corgiVersions[built.def.version] = corgiManifest(full, built.def)
    time[built.def.version] = built.time
  }
  const distTags = distTagsOf(sorted)
  return {
    full: { _id: name, name, 'dist-tags': distTags, versions: fullVersions, time },
    corgi: { name, modified, 'dist-tags': distTags, versions: corgiVersions },
    modified,
  }
}
