/**
 * An existing lockfile as the starting tree (arborist's loadVirtual): one node per entry,
 * with the entry as its package data, links joined to their targets, every flag set for the
 * flag walk to clear (npm never trusts the flags a lockfile records). The root keeps the
 * package.json it was given. A package's own npm-shrinkwrap.json is loaded the same way,
 * below that package.
 */
import path from 'node:path'
import { depth, type LockEntry, type Lockfile, nameFromLocation, parentLocation } from '../lockfile/index.ts'
import { Node } from './node.ts'
import type { PackageData } from './package-data.ts'
import { attachChild, attachFolder } from './tree-mutation.ts'

export function loadBaseline(root: Node, lock: Lockfile, legacyPeerDeps: boolean): void {
  loadLockedTree(root, lock.packages, { legacyPeerDeps })
}

/** The entries of a lockfile as nodes below `base`, their locations read relative to it. */
export function loadLockedTree(base: Node, packages: ReadonlyMap<string, LockEntry>, options: { legacyPeerDeps: boolean }): void {
  const { legacyPeerDeps } = options
  const nodes = new Map<string, Node>([['', base]])
  const entries = [...packages].filter(([location]) => location !== '')
  entries.sort(([a], [b]) => depth(a) - depth(b) || a.length - b.length)
  const links: Array<[string, LockEntry]> = []
  for (const [location, entry] of entries) {
    if (entry.link === true) {
      links.push([location, entry])
      continue
    }
    const node = nodeFromEntry(base, location, entry, legacyPeerDeps)
    if (place(base, nodes, location, node)) nodes.set(location, node)
  }
  for (const [location, entry] of links) {
    const targetLocation = normalizeRelative(typeof entry.resolved === 'string' ? entry.resolved : location)
    const target = nodes.get(targetLocation)
    if (target === undefined) continue
    const link = new Node({ name: nameFromLocation(location), pkg: target.package, target, legacyPeerDeps })
    if (place(base, nodes, location, link)) nodes.set(location, link)
  }
}

function nodeFromEntry(base: Node, location: string, entry: LockEntry, legacyPeerDeps: boolean): Node {
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
