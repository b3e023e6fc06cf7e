/**
 * Converts a lockfileVersion 1 `dependencies` tree into the v3 `packages` model, as
 * arborist's Shrinkwrap.load does for old locks:
 *  - each nested `dependencies` object becomes a node_modules location; a `file:` folder
 *    version becomes a link entry, and that folder's own dependencies are placed under it;
 *  - version/resolved/integrity/dev/optional are kept, `bundled` becomes `inBundle`, git
 *    versions become `resolved` (ssh form for hosted repos), aliases get `name`;
 *  - `requires` becomes `dependencies`, or `optionalDependencies` when the package it
 *    resolves to is optional and the requirer is not (likewise dev);
 *  - the root entry takes its fields from package.json, which v1 does not record;
 *  - a bundled package's parent gets it in `bundleDependencies` (loadVirtual#assignBundles).
 * v1 does not record bin, engines, os/cpu/libc, license, funding, peerDependencies,
 * hasInstallScript or deprecated; those stay undefined.
 */
import path from 'node:path'
import semver from 'semver'
import { classifySpec, gitResolved, isRegistrySpec, type DepSpec } from './classify-spec.ts'
import { childLocation, findDependency, normalizeLocation, parentLocation } from './location.ts'
import { manifestLockFields } from './manifest.ts'
import type { LegacyLockNode, LockEntry } from './types.ts'

export interface V1Root {
  name?: string
  version?: string
  dependencies?: Record<string, LegacyLockNode>
}

/** The packages being built and each location's v1 `requires`, resolved once all are placed. */
interface Migration {
  packages: Map<string, LockEntry>
  requires: Map<string, Record<string, string>>
}

export function packagesFromV1(root: V1Root, rootManifest: Record<string, unknown>): Map<string, LockEntry> {
  const migration: Migration = { packages: new Map(), requires: new Map() }
  const rootEntry = loadNode(migration, '', undefined, { version: root.version, dependencies: root.dependencies })
  if (root.name !== undefined) rootEntry.name = root.name
  Object.assign(rootEntry, manifestLockFields(rootManifest))
  assignDependencies(migration)
  assignBundles(migration.packages)
  return migration.packages
}

function loadNode(migration: Migration, location: string, name: string | undefined, node: LegacyLockNode): LockEntry {
  const entry = entryFromV1(migration, location, name, node)
  const container = entry.link === true && typeof entry.resolved === 'string' ? entry.resolved : location
  for (const [childName, child] of Object.entries(node.dependencies ?? {})) {
    loadNode(migration, childLocation(container, childName), childName, child)
  }
  return entry
}

function specFromV1(node: LegacyLockNode): DepSpec | undefined {
  if (node.version !== undefined) {
    const spec = classifySpec(node.version)
    if (node.integrity !== undefined || spec.type === 'git') return spec
  }
  if (node.from !== undefined) {
    const spec = classifySpec(node.from)
    if (isRegistrySpec(spec) && node.version !== undefined) return classifySpec(node.version)
    if (node.resolved === undefined) return spec
  }
  if (node.resolved !== undefined) return classifySpec(node.resolved)
  return node.version === undefined ? undefined : classifySpec(node.version)
}

function entryFromV1(migration: Migration, location: string, name: string | undefined, node: LegacyLockNode): LockEntry {
  const { packages, requires } = migration
  const spec = specFromV1(node)
  if (spec?.type === 'directory' && location !== '') {
    const target = normalizeLocation(spec.path)
    const link: LockEntry = { link: true, resolved: target }
    packages.set(location, link)
    if (!packages.has(target)) {
      const { version: _ignored, ...rest } = node
      entryFromV1(migration, target, name, rest)
    }
    return link
  }

  const entry: LockEntry = {}
  packages.set(location, entry)
  if (node.requires !== undefined && location !== '') requires.set(location, node.requires)
  if (node.optional === true) entry.optional = true
  if (node.dev === true) entry.dev = true
  if (node.integrity !== undefined) entry.integrity = node.integrity

  if (node.version !== undefined && node.integrity === undefined) {
    if (spec?.type === 'git') {
      entry.resolved = gitResolved(spec)
      return entry
    }
    if (spec !== undefined && isRegistrySpec(spec)) entry.version = node.version
  }

  if (node.resolved !== undefined || (spec !== undefined && !isRegistrySpec(spec))) {
    const resolved = resolvedFromV1(spec, node)
    if (resolved !== undefined) entry.resolved = resolved
  }

  if (entry.version === undefined && spec !== undefined) Object.assign(entry, versionFromSpec(spec, name, entry.resolved))
  if (node.bundled === true) entry.inBundle = true
  return entry
}

function resolvedFromV1(spec: DepSpec | undefined, node: LegacyLockNode): string | undefined {
  if (spec === undefined) return undefined
  if (isRegistrySpec(spec)) return node.resolved
  if (spec.type === 'file') return `file:${normalizeLocation(spec.path)}`
  if (spec.type === 'remote') return spec.url
  if (spec.type === 'git') return gitResolved(spec)
  return undefined
}

function versionFromSpec(spec: DepSpec, name: string | undefined, resolved: string | undefined): Partial<LockEntry> {
  if (spec.type === 'file' || spec.type === 'remote') {
    const tarball = spec.type === 'file' ? spec.path : spec.url
    const found = versionFromTarball(name ?? '', tarball) ?? (resolved === undefined ? undefined : versionFromTarball(name ?? '', resolved))
    if (found === undefined) return {}
    return found.name === name ? { version: found.version } : { version: found.version, name: found.name }
  }
  if (spec.type === 'alias' && (spec.sub.type === 'range' || spec.sub.type === 'version')) return { name: spec.name, version: spec.sub.range }
  if (spec.type === 'version') return { version: spec.range }
  return {}
}

/** The name and version a tarball's file name tells, as arborist's version-from-tgz. */
function versionFromTarball(name: string, tarball: string): { name: string; version: string } | undefined {
  const base = path.posix.basename(tarball)
  if (!base.endsWith('.tgz')) return undefined
  if (/^https?:\//.test(tarball)) {
    const parts = new URL(tarball).pathname.slice(1).split('/-/')
    if (parts.length > 1 && parts.pop() === base) {
      const segments = (parts.pop() ?? '').split(/\/|%2f/i)
      const project = segments.pop() ?? ''
      return versionFromBase(base, segments.pop(), project)
    }
  }
  const segments = name.split(/\/|%2f/i)
  const project = segments.pop() ?? ''
  return versionFromBase(base, segments.pop(), project)
}

function versionFromBase(base: string, scope: string | undefined, project: string) {
  if (!base.startsWith(`${project}-`)) return undefined
  const parsed = semver.parse(base.slice(project.length + 1, -4))
  if (parsed === null) return undefined
  return { name: scope?.startsWith('@') === true ? `${scope}/${project}` : project, version: parsed.version }
}

/** `requires` → dependency maps, typed by what each required package is flagged as. */
function assignDependencies({ packages, requires }: Migration): void {
  for (const [location, required] of requires) {
    const entry = packages.get(location)
    if (entry === undefined) continue
    for (const [name, range] of Object.entries(required)) {
      const found = findDependency(packages, location, name)
      const dep = found === undefined ? undefined : packages.get(found)
      const field = dep?.optional === true && entry.optional !== true ? 'optionalDependencies'
        : dep?.dev === true && entry.dev !== true ? 'devDependencies'
        : 'dependencies'
      entry[field] = { ...entry[field], [name]: range }
    }
  }
}

function assignBundles(packages: Map<string, LockEntry>): void {
  for (const [location, entry] of packages) {
    if (location === '' || entry.inBundle !== true) continue
    const parentAt = parentLocation(location)
    const parent = parentAt === undefined ? undefined : packages.get(parentAt)
    if (parent === undefined || parent.inBundle === true) continue
    const name = location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length)
    const dependsOn = parent.dependencies?.[name] ?? parent.optionalDependencies?.[name] ?? parent.peerDependencies?.[name]
    if (dependsOn === undefined) continue
    const bundled = Array.isArray(parent.bundleDependencies) ? parent.bundleDependencies : []
    parent.bundleDependencies = [...bundled, name]
  }
}
