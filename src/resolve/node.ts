/**
 * A package in the tree being built, as arborist's Node: where it sits (parent's node_modules,
 * or a folder under another node: fsParent), its package data, its edges out (one a
 * dependency name) and the edges that point at it. A link node stands in a node_modules
 * folder for a target node elsewhere (workspaces, `file:` folders, dependency cycles).
 *
 * A node with no parent or fsParent is the root of its own tree and holds the tree's indexes:
 * nodes by location and by name, edges by name. Changes of shape go through tree-mutation.ts,
 * which keeps the indexes and every affected edge up to date.
 */
import path from 'node:path'
import type { DepFlags } from '../lockfile/index.ts'
import type { Edge } from './edge.ts'
import { loadEdges } from './load-edges.ts'
import { OverrideSet } from '../spec/index.ts'
import type { PackageData } from './package-data.ts'
import { TreeIndex } from './tree-index.ts'

export interface NodeOptions {
  /** the folder name (an alias's name); default: the package name */
  name?: string
  pkg: PackageData
  /** absolute path; link targets and roots only, others get theirs when placed */
  path?: string
  resolved?: string | null
  integrity?: string | null
  hasShrinkwrap?: boolean
  legacyPeerDeps: boolean
  /** load devDependencies edges (tops: the project, workspaces, linked folders) */
  loadDevDependencies?: boolean
  overrides?: OverrideSet | undefined
  sourceReference?: Node | null
  error?: unknown
  flags?: Partial<DepFlags>
  /** a link: stands for this target node */
  target?: Node
  /** the project root: workspace name → absolute folder */
  workspaces?: Map<string, string>
  /** the root of a global install (arborist's global mode): its children are global packages */
  global?: boolean
}

export class Node implements DepFlags {
  name: string
  #package: PackageData
  path: string
  location = ''
  resolved: string | null
  integrity: string | null
  hasShrinkwrap: boolean
  readonly legacyPeerDeps: boolean
  readonly loadDevDependencies: boolean
  readonly sourceReference: Node | null
  parent: Node | null = null
  fsParent: Node | null = null
  readonly children = new Map<string, Node>()
  readonly fsChildren = new Set<Node>()
  readonly edgesOut = new Map<string, Edge>()
  readonly edgesIn = new Set<Edge>()
  readonly linksIn = new Set<Node>()
  readonly isLink: boolean
  #target: Node | null
  /** the tree's indexes; meaningful on roots only */
  index: TreeIndex | null = null
  #root: Node = this
  overrides: OverrideSet | undefined
  errors: unknown[]
  inert = false
  dev = true
  optional = true
  devOptional = true
  peer = true
  extraneous = true
  /** explain.ts's report of this node, kept until its package changes (as arborist caches it, however the tree changes) */
  explanation: unknown = null
  /** root only: workspace name → absolute folder */
  workspaces: Map<string, string> | null = null
  readonly #global: boolean

  constructor(options: NodeOptions) {
    this.isLink = options.target !== undefined
    this.#target = options.target ?? null
    this.sourceReference = options.sourceReference ?? null
    this.#package = options.target ? options.target.package : options.sourceReference ? options.sourceReference.package : options.pkg
    this.name = options.name ?? this.#package.name ?? (options.path ? path.basename(options.path) : '')
    this.path = options.path ?? ''
    this.resolved = options.resolved ?? null
    this.integrity = options.integrity ?? (this.#package._integrity ?? null)
    this.hasShrinkwrap = options.hasShrinkwrap ?? this.#package._hasShrinkwrap ?? false
    this.legacyPeerDeps = options.legacyPeerDeps
    this.loadDevDependencies = options.loadDevDependencies ?? false
    this.errors = options.error === undefined ? [] : [options.error]
    this.overrides = options.overrides
    Object.assign(this, options.flags)
    this.workspaces = options.workspaces ?? null
    this.#global = options.global === true
    this.index = new TreeIndex()
    this.index.addNode(this)
    if (options.target !== undefined) options.target.linksIn.add(this)
    if (!this.isLink) loadEdges(this)
  }

  get package(): PackageData {
    return this.#package
  }

  /** Replace the package data: every edge out is rebuilt, every edge in checked again. */
  set package(pkg: PackageData) {
    for (const edge of [...this.edgesOut.values()]) edge.detach()
    const index = this.#root.index
    index?.removeNode(this)
    this.explanation = null
    this.#package = pkg
    index?.addNode(this)
    for (const link of this.linksIn) link.#package = pkg
    if (!this.isLink) loadEdges(this)
    for (const edge of this.edgesIn) edge.reload(true)
  }

  get root(): Node {
    return this.#root
  }

  set root(root: Node) {
    this.#root = root
  }

  get target(): Node {
    return this.#target ?? this
  }

  get realpath(): string {
    return this.isLink && this.#target !== null ? this.#target.path : this.path
  }

  get version(): string {
    return typeof this.package.version === 'string' ? this.package.version : ''
  }

  get packageName(): string | null {
    return typeof this.package.name === 'string' && this.package.name !== '' ? this.package.name : null
  }

  get resolveParent(): Node | null {
    return this.parent ?? this.fsParent
  }

  get isRoot(): boolean {
    return this.#root === this
  }

  get isProjectRoot(): boolean {
    return this === this.#root || this === this.#root.target
  }

  /** part of a global install (the root's setting) */
  get global(): boolean {
    return this.#root.#global
  }

  /** a global package: one directly in the global node_modules folder (arborist's globalTop) */
  get globalTop(): boolean {
    return this.global && this.parent !== null && this.parent.isProjectRoot
  }

  /** the top of its own tree: the root, or a global package, whose dependencies stay in its own folder */
  get isTop(): boolean {
    return this.parent === null || this.globalTop
  }

  get depth(): number {
    let depth = 0
    for (let node: Node = this; node.parent !== null; node = node.parent) depth++
    return depth
  }

  get isWorkspace(): boolean {
    if (this.isProjectRoot) return false
    const name = this.packageName
    if (name === null) return false
    const edge = this.#root.edgesOut.get(name)
    return edge?.type === 'workspace' && edge.to !== null && (edge.to === this || edge.to.target === this)
  }

  get inShrinkwrap(): boolean {
    for (let parent = this.parent; parent !== null; parent = parent.parent) if (parent.hasShrinkwrap) return true
    return false
  }

  get inBundle(): boolean {
    return this.getBundler() !== null
  }

  /** In the bundle of a dependency (not of the project itself). */
  get inDepBundle(): boolean {
    const bundler = this.getBundler()
    return bundler !== null && bundler !== this.#root
  }

  /** The node whose bundleDependencies bring this one (arborist's getBundler). */
  getBundler(seen: Node[] = []): Node | null {
    if (seen.includes(this)) return null
    seen.push(this)
    const parent = this.parent
    if (parent === null) return null
    if (this.#root.index !== null && this.#root.index.bundlers === 0 && !parent.package.bundleDependencies?.length) return null
    const parentBundler = parent.getBundler(seen)
    if (parentBundler !== null) return parentBundler
    if (parent.package.bundleDependencies?.includes(this.name)) return parent
    for (const edge of this.edgesIn) {
      if (edge.from !== null && edge.from.getBundler(seen) === parent) return parent
    }
    return null
  }

  *ancestry(): Generator<Node> {
    for (let node: Node | null = this; node !== null; node = node.resolveParent) yield node
  }

  isDescendantOf(ancestor: Node): boolean {
    for (let node: Node | null = this; node !== null; node = node.resolveParent) if (node === ancestor) return true
    return false
  }

  /** Node's module lookup: own node_modules, then each enclosing one up to the root. */
  resolve(name: string): Node | null {
    for (let node: Node | null = this; node !== null; node = node.resolveParent) {
      const child = node.children.get(name)
      if (child !== undefined) return child
    }
    return null
  }

  satisfies(edge: Edge): boolean {
    return this.name === edge.name && edge.satisfiedBy(this)
  }

  /** The same package: same integrity, else same resolved, else same name and version. */
  matches(node: Node): boolean {
    if (node === this) return true
    if (node.name !== this.name) return false
    if (this.isLink) return node.isLink && this.target.matches(node.target)
    if (this.isProjectRoot && node.isProjectRoot) return this.path === node.path
    if (this.integrity && node.integrity) return this.integrity === node.integrity
    if (this.resolved && node.resolved) return this.resolved === node.resolved
    return !!(this.packageName && this.packageName === node.packageName && this.version && this.version === node.version)
  }

  addEdgeIn(edge: Edge): void {
    if (this.overrides === undefined || !this.overrides.isEqual(edge.overrides)) this.overridesEdgeInAdded(edge.overrides)
    this.edgesIn.add(edge)
  }

  deleteEdgeIn(edge: Edge): void {
    this.edgesIn.delete(edge)
    if (edge.overrides !== undefined) this.overridesEdgeInRemoved(edge.overrides)
  }

  overridesEdgeInAdded(other: OverrideSet | undefined): void {
    if (other === undefined) return
    if (this.overrides === undefined) {
      this.overrides = other
      this.recalculateEdgesOutOverrides()
      return
    }
    if (this.overrides.isEqual(other)) return
    const specific = OverrideSet.findSpecific(this.overrides, other)
    if (specific !== undefined && !this.overrides.isEqual(specific)) {
      this.overrides = specific
      this.recalculateEdgesOutOverrides()
    }
  }

  overridesEdgeInRemoved(other: OverrideSet | undefined): void {
    if (this.overrides === undefined || !this.overrides.isEqual(other)) return
    let next: OverrideSet | undefined
    for (const edge of this.edgesIn) {
      next = next !== undefined && edge.overrides !== undefined ? OverrideSet.findSpecific(edge.overrides, next) : edge.overrides
    }
    if (this.overrides.isEqual(next)) return
    this.overrides = next
    if (next !== undefined) this.recalculateEdgesOutOverrides()
  }

  recalculateEdgesOutOverrides(): void {
    if (this.isLink) {
      if (this.#target !== null && this.overrides !== undefined) this.#target.overridesEdgeInAdded(this.overrides)
      return
    }
    for (const edge of this.edgesOut.values()) {
      edge.reload(true)
      edge.to?.overridesEdgeInAdded(edge.overrides)
    }
  }
}
