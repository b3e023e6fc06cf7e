/**
 * The legacy `dependencies` tree a lockfileVersion 2 file carries beside `packages`, derived
 * from `packages` as arborist's Shrinkwrap#buildLegacyLockfile derives it from the tree:
 *  - each node_modules child becomes a nested entry; a link becomes `version: "file:<target>"`
 *    with its target's dependencies and children;
 *  - `version` is the version, `npm:<name>@<version>` for an alias, the spec's saved form for a
 *    tarball file or URL, and `resolved` (plus `from`) for git; the spec is the one of the
 *    shallowest valid dependency on the package, or its `resolved` when nothing depends on it;
 *  - `resolved` only for registry-like packages, then `integrity`, `bundled` for packages in
 *    a dependency's bundle, and the flags (none for links);
 *  - `requires` lists the non-peer dependency specs (`file:` paths relative to the package)
 *    when the package has any dependency at all, peers included (so `{}` with only peers).
 * Overrides are not applied to `requires` (the lockfile does not record them).
 */
import path from 'node:path'
import { classifySpec, type DepSpec } from './classify-spec.ts'
import { dependencyEdges, isPeerEdge } from './dependency-edges.ts'
import { isDepValid, type FoundDependency } from './dep-valid.ts'
import { bundlerLocation, findDependency, isInNodeModules, linkTarget, nameFromLocation, normalizeLocation, parentLocation } from './location.ts'
import type { LegacyLockNode, LockEntry, Lockfile } from './types.ts'

interface DependencyEdge {
  from: string
  name: string
  spec: string
  peer: boolean
}

export function legacyDependencies(lock: Lockfile, legacyPeerDeps: boolean): Record<string, LegacyLockNode> | undefined {
  return new LegacyTree(lock, legacyPeerDeps).children('', [''])
}

class LegacyTree {
  private readonly packages: ReadonlyMap<string, LockEntry>
  private readonly projectDir: string
  private readonly childrenOf = new Map<string, string[]>()
  private readonly edgesIn = new Map<string, DependencyEdge[]>()

  constructor(lock: Lockfile, private readonly legacyPeerDeps: boolean) {
    this.packages = lock.packages
    this.projectDir = path.dirname(lock.file)
    for (const location of this.packages.keys()) {
      const parent = isInNodeModules(location) ? parentLocation(location) : undefined
      if (parent !== undefined) this.childrenOf.set(parent, [...(this.childrenOf.get(parent) ?? []), location])
    }
    for (const from of this.packages.keys()) {
      if (this.packages.get(from)?.link === true) continue
      for (const edge of this.edgesOut(from)) this.indexEdge(edge)
    }
  }

  children(container: string, ancestry: string[]): Record<string, LegacyLockNode> | undefined {
    const kids = (this.childrenOf.get(container) ?? []).filter((kid) => !ancestry.includes(linkTarget(this.packages, kid) ?? kid))
    if (kids.length === 0) return undefined
    return Object.fromEntries(kids.map((kid) => [nameFromLocation(kid), this.node(kid, ancestry)]))
  }

  private node(location: string, ancestry: string[]): LegacyLockNode {
    const entry = this.packages.get(location) ?? {}
    const target = linkTarget(this.packages, location)
    const depender = target ?? location
    const node: LegacyLockNode = target === undefined ? this.packageFields(location, entry) : { version: `file:${target}` }
    if (target === undefined) Object.assign(node, flags(entry))
    const edges = this.edgesOut(depender)
    if (edges.length > 0) node.requires = Object.fromEntries(edges.filter((edge) => !edge.peer).map((edge) => [edge.name, requiredSpec(edge.spec)]))
    const dependencies = this.children(depender, [...ancestry, depender])
    if (dependencies !== undefined) node.dependencies = dependencies
    return node
  }

  private packageFields(location: string, entry: LockEntry): LegacyLockNode {
    const node: LegacyLockNode = {}
    const resolvedSpec: DepSpec | undefined = entry.resolved === undefined ? undefined : classifySpec(entry.resolved)
    const edge = this.chosenEdge(location)
    const spec = edge === undefined ? resolvedSpec : classifySpec(edge.spec)
    const name = nameFromLocation(location)
    if (spec?.type === 'file') node.version = `file:${normalizeLocation(spec.path)}`
    else if (spec?.type === 'remote') node.version = spec.url
    else if (spec?.type === 'git' || resolvedSpec?.type === 'git') {
      if (entry.resolved !== undefined) node.version = entry.resolved
      node.from = `${name}@${edge?.spec ?? entry.resolved ?? ''}`
    } else if (entry.name !== undefined && entry.name !== name && entry.version !== undefined) node.version = `npm:${entry.name}@${entry.version}`
    else if (entry.version !== undefined) node.version = entry.version
    if (entry.inBundle === true && bundlerLocation(this.packages, location) !== '') node.bundled = true
    const localTypes = ['git', 'file', 'directory', 'remote']
    const registryLike = !localTypes.slice(0, 3).includes(resolvedSpec?.type ?? '') && !localTypes.includes(spec?.type ?? '')
    if (entry.resolved !== undefined && registryLike) node.resolved = entry.resolved
    if (entry.integrity !== undefined) node.integrity = entry.integrity
    return node
  }

  /** The valid dependency on `location` from the shallowest requirer, ties broken by its folder name. */
  private chosenEdge(location: string): DependencyEdge | undefined {
    const segments = (from: string) => from.split('node_modules')
    return (this.edgesIn.get(location) ?? [])
      .filter((edge) => this.isValid(edge, location))
      .sort((a, b) => segments(a.from).length - segments(b.from).length || (segments(a.from).at(-1) ?? '').localeCompare(segments(b.from).at(-1) ?? '', 'en'))[0]
  }

  private isValid(edge: DependencyEdge, location: string): boolean {
    const target = linkTarget(this.packages, location)
    const found: FoundDependency = target === undefined
      ? { location, entry: this.packages.get(location) ?? {}, isLink: false }
      : { location, entry: this.packages.get(target) ?? {}, isLink: true, linkTarget: target }
    return isDepValid(found, edge.spec, { projectDir: this.projectDir, fromFolder: edge.from })
  }

  private indexEdge(edge: DependencyEdge): void {
    const found = findDependency(this.packages, edge.from, edge.name)
    if (found === undefined) return
    this.edgesIn.set(found, [...(this.edgesIn.get(found) ?? []), edge])
  }

  /** A package's dependency edges (peer ones marked), as the tree npm loads from the lockfile has them. */
  private edgesOut(from: string): DependencyEdge[] {
    const edges = dependencyEdges(this.packages.get(from) ?? {}, { top: !isInNodeModules(from), legacyPeerDeps: this.legacyPeerDeps })
    return [...edges.values()].map((edge) => ({ from, name: edge.name, spec: edge.rawSpec, peer: isPeerEdge(edge) }))
  }
}

function flags(entry: LockEntry): LegacyLockNode {
  if (entry.extraneous === true) return { extraneous: true }
  return {
    ...(entry.peer === true && { peer: true }),
    ...(entry.devOptional === true && { devOptional: true }),
    ...(entry.dev === true && { dev: true }),
    ...(entry.optional === true && { optional: true }),
  }
}

/** `file:` specs relative to the requiring package, normalised as npm writes them. */
function requiredSpec(spec: string): string {
  return spec.startsWith('file:') ? `file:${normalizeLocation(spec.slice('file:'.length))}` : spec
}

