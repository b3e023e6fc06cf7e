/**
 * An existing lockfile as the starting tree (arborist's loadVirtual): one node per entry,
 * with the entry as its package data and the flags it records, links joined to their
 * targets. The root keeps the package.json it was given. Whether the lockfile's root
 * dependencies still match package.json decides whether its flags can be trusted.
 * A package's own npm-shrinkwrap.json is loaded the same way, below that package.
 */
import path from 'node:path'
import { depth, type LockEntry, type Lockfile, nameFromLocation, parentLocation } from '../lockfile/index.ts'
import { Node } from './node.ts'
import type { PackageData } from './package-data.ts'
import { attachChild, attachFolder } from './tree-mutation.ts'

export interface BaselineResult {
  /** the lockfile's root dependencies differ from package.json: recompute every flag */
  flagsSuspect: boolean
}

export function loadBaseline(root: Node, lock: Lockfile, legacyPeerDeps: boolean): BaselineResult {
  loadLockedTree(root, lock.packages, { legacyPeerDeps, keepFlags: true })
  return { flagsSuspect: rootDependenciesChanged(root.package, lock.packages.get('') ?? {}) }
}

/**
 * The entries of a lockfile as nodes below `base`, their locations read relative to it.
 * Without `keepFlags` every flag starts set, for the final flag walk to clear (npm recomputes
 * the flags of a package's shrinkwrapped dependencies from the project's edges).
 */
export function loadLockedTree(base: Node, packages: ReadonlyMap<string, LockEntry>, options: { legacyPeerDeps: boolean; keepFlags: boolean }): void {
  const { legacyPeerDeps, keepFlags } = options
  const nodes = new Map<string, Node>([['', base]])
  const entries = [...packages].filter(([location]) => location !== '')
  entries.sort(([a], [b]) => depth(a) - depth(b) || a.length - b.length)
  const links: Array<[string, LockEntry]> = []
  for (const [location, entry] of entries) {
    if (entry.link === true) {
      links.push([location, entry])
      continue
    }
    const node = nodeFromEntry(base, location, entry, legacyPeerDeps, keepFlags)
    if (place(base, nodes, location, node)) nodes.set(location, node)
  }
  for (const [location, entry] of links) {
    const targetLocation = normalizeRelative(typeof entry.resolved === 'string' ? entry.resolved : location)
    const target = nodes.get(targetLocation)
    if (target === undefined) continue
    const link = new Node({ name: nameFromLocation(location), pkg: target.package, target, legacyPeerDeps, ...(keepFlags ? { flags: flagsOf(entry) } : {}) })
    if (place(base, nodes, location, link)) nodes.set(location, link)
  }
}

function nodeFromEntry(base: Node, location: string, entry: LockEntry, legacyPeerDeps: boolean, keepFlags: boolean): Node {
  const nodePath = path.resolve(base.path, location)
  const pkg: PackageData = { ...(entry as PackageData), name: entry.name ?? nameFromLocation(location) }
  return new Node({
    name: nameFromLocation(location),
    pkg,
    path: nodePath,
    resolved: resolvedFromLock(base.path, entry.resolved),
    integrity: entry.integrity ?? null,
    hasShrinkwrap: entry.hasShrinkwrap === true,
    legacyPeerDeps,
    loadDevDependencies: !location.includes('node_modules/'),
    ...(keepFlags ? { flags: flagsOf(entry) } : {}),
  })
}

function place(base: Node, nodes: Map<string, Node>, location: string, node: Node): boolean {
  if (!location.includes('node_modules/') && !location.startsWith('node_modules')) {
    attachFolder(node, base.root)
    return true
  }
  const parent = nodes.get(parentLocation(location) ?? '')
  if (parent === undefined || parent.isLink) return false
  attachChild(node, parent)
  return true
}

function flagsOf(entry: LockEntry): { dev: boolean; optional: boolean; devOptional: boolean; peer: boolean; extraneous: boolean } {
  return {
    extraneous: entry.extraneous === true,
    devOptional: !!(entry.devOptional || entry.dev || entry.optional),
    peer: entry.peer === true,
    optional: entry.optional === true,
    dev: entry.dev === true,
  }
}

/** A locked `file:` path is relative to the project; the tree keeps it absolute. */
function resolvedFromLock(projectDir: string, resolved: string | undefined): string | null {
  if (resolved === undefined) return null
  if (resolved.startsWith('file:')) return `file:${path.resolve(projectDir, resolved.slice(5))}`
  return resolved
}

function normalizeRelative(relative: string): string {
  const normalized = path.posix.normalize(relative.replace(/^file:/, '')).replace(/\/+$/, '')
  return normalized === '.' ? '' : normalized
}

const ROOT_DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const

/** The dependency fields of a folder's package (the root's, a workspace's) differ from its lock entry's. */
export function rootDependenciesChanged(pkg: PackageData, lockRoot: LockEntry): boolean {
  for (const field of ROOT_DEPENDENCY_FIELDS) {
    const wanted = pkg[field] ?? {}
    const locked = lockRoot[field] ?? {}
    const names = new Set([...Object.keys(wanted), ...Object.keys(locked)])
    for (const name of names) if (wanted[name] !== locked[name]) return true
  }
  return false
}
