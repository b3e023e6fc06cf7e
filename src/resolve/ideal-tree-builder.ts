/**
 * The dependency walk of arborist's build-ideal-tree (#buildDepStep and what it calls):
 *
 *   queue ← nodes with problem edges (missing, invalid, requested, updated), popped by depth
 *   then location. For each problem edge, a candidate node is built in a virtual root (a
 *   stand-in for the requiring node) and its peer set loaded beside it, preferring versions
 *   the requiring node's own edges accept. Candidates are placed in edge-name order
 *   (PlaceDep); whatever became invalid is queued again, and so is each placed node.
 *   When the queue is empty, link targets inside the project are walked too.
 */
import { SkiffError } from '../error/index.ts'
import { canReplaceWith } from './can-replace.ts'
import { eresolveError, explainEdge, explainNode, formatExplanation, peerConflictExplanation } from './explain.ts'
import type { Edge } from './edge.ts'
import type { ManifestSource } from './manifest-source.ts'
import { Node } from './node.ts'
import { DepsQueue } from './deps-queue.ts'
import { createNodeFactory, requiredByOf, type NodeFactory } from './node-factory.ts'
import { PlaceDep, type PlaceOptions } from './place-dep.ts'
import { attachChild, attachFolder } from './tree-mutation.ts'
import type { ManifestExtras, ResolveIO, ResolveOptions } from './types.ts'

const byName = new Intl.Collator('en')

export interface BuilderContext {
  root: Node
  options: ResolveOptions
  io: ResolveIO
  source: ManifestSource
  explicitRequests: Set<Edge>
  updateNames: string[]
  signal?: AbortSignal | undefined
}

export class IdealTreeBuilder {
  readonly context: BuilderContext
  readonly loadFailures = new Set<Node>()
  readonly #queue = new DepsQueue()
  readonly #seen = new Set<Node>()
  readonly #virtualRoots = new Map<Node, Node>()
  readonly #peerSetSource = new Map<Node, Node>()
  readonly #linkNodes = new Set<Node>()
  readonly #factory: NodeFactory
  readonly #placeOptions: Omit<PlaceOptions, 'explicitRequest'>
  /** anything was placed */
  mutated = false

  constructor(context: BuilderContext) {
    this.context = context
    const { options } = context
    this.#factory = createNodeFactory(context, this.loadFailures, this.#linkNodes)
    this.#placeOptions = {
      force: options.force,
      installStrategy: options.installStrategy ?? 'hoisted',
      legacyPeerDeps: options.legacyPeerDeps,
      preferDedupe: options.preferDedupe ?? false,
      strictPeerDeps: options.strictPeerDeps,
      updateNames: context.updateNames,
      onWarning: (warning) => context.io.onWarning?.({
        code: 'ERESOLVE',
        message: 'overriding peer dependency',
        lines: formatExplanation(peerConflictExplanation(warning), 4).split('\n'),
      }),
    }
  }

  /** the lockfile-only fields of the registry packages placed */
  extras(): Promise<Map<string, ManifestExtras>> {
    return this.#factory.extras()
  }

  enqueue(node: Node): void {
    this.#queue.push(node)
  }

  async run(): Promise<void> {
    for (;;) {
      for (let node = this.#queue.pop(); node !== undefined; node = this.#queue.pop()) {
        this.context.signal?.throwIfAborted()
        await this.#step(node)
      }
      if (!this.#queueLinkTargets()) return
    }
  }

  async #step(node: Node): Promise<void> {
    const { root } = this.context
    if (this.#seen.has(node) || node.root !== root) return
    this.#seen.add(node)
    await this.#factory.prepare(node)
    const tasks: Array<{ edge: Edge; dep: Node }> = []
    const peerSource = this.#peerSetSource.get(node) ?? node
    const problems = this.#problemEdges(node)
    // the documents of all the node's problems are asked for at once (a baseline package with
    // five missing optional dependencies: one round trip, not five); they are placed one by one
    if (problems.length > 1) {
      for (const edge of problems) if (!edge.peerConflicted && edge.type !== 'peerOptional') this.context.source.prefetchSpec(edge.name, edge.spec, requiredByOf(edge))
    }
    for (const edge of problems) {
      if (edge.peerConflicted) continue
      const virtualRoot = this.#virtualRoot(edge.peer ? peerSource : node, true)
      const vrEdge = virtualRoot.edgesOut.get(edge.name)
      const vrDep = vrEdge?.valid ? vrEdge.to : null
      let dep = vrDep !== null && vrDep.satisfies(edge) ? vrDep : null
      if (dep === null && edge.type === 'peerOptional' && !this.#skipExistingShortcut(edge)) {
        dep = findHoistableNode(edge.from?.resolveParent ?? node, edge)
      }
      dep ??= await this.#nodeFromEdge(edge, edge.peer ? virtualRoot : null, null, new Set([node]))
      tasks.push({ edge, dep })
    }
    tasks.sort((a, b) => byName.compare(a.edge.name, b.edge.name))
    for (const { edge, dep } of tasks) {
      const placement = new PlaceDep(dep, edge, { ...this.#placeOptions, explicitRequest: this.context.explicitRequests.has(edge) })
      this.#visitPlacement(placement)
    }
    for (const edge of node.edgesOut.values()) if (edge.to?.isLink) this.#linkNodes.add(edge.to)
  }

  #skipExistingShortcut(edge: Edge): boolean {
    return this.context.updateNames.includes(edge.name) || this.context.explicitRequests.has(edge)
  }

  /** Depth first over the placement and its peer placements: queue what changed. */
  #visitPlacement(placement: PlaceDep): void {
    const { placed, edge } = placement
    if (placed !== null) {
      if (placed.errors.length > 0) this.loadFailures.add(placed)
      this.mutated = true
      // npm install saves, so an invalid edge into what was placed is looked at again even if
      // its node was already walked (npm/cli#8726)
      for (const edgeIn of placed.edgesIn) {
        if (edgeIn === edge || edgeIn.valid || edgeIn.peerConflicted || edgeIn.from === null) continue
        this.#seen.delete(edgeIn.from)
        this.#queue.push(edgeIn.from)
      }
      this.#queue.push(placed)
      for (const node of placement.needEvaluation) {
        this.#seen.delete(node)
        this.#queue.push(node)
      }
      this.#factory.placed(placed)
    }
    for (const child of placement.children) this.#visitPlacement(child)
  }

  #problemEdges(node: Node): Edge[] {
    const bundled = new Set(node.isProjectRoot || node.isWorkspace ? [] : node.package.bundleDependencies ?? [])
    const { explicitRequests, updateNames } = this.context
    const problems: Edge[] = []
    for (const edge of node.edgesOut.values()) {
      if (bundled.has(edge.name)) continue
      const to = edge.to
      if (to !== null && (this.loadFailures.has(to) || to.inShrinkwrap)) continue
      if (to === null) {
        if (edge.type !== 'peerOptional' || explicitRequests.has(edge)) problems.push(edge)
        continue
      }
      if (!edge.valid) {
        problems.push(edge)
        continue
      }
      if (to.isWorkspace) continue
      if (updateNames.includes(edge.name) || explicitRequests.has(edge)) problems.push(edge)
    }
    return problems
  }

  /** A stand-in for `node` with its dependencies, where candidates and their peers are tried out. */
  #virtualRoot(node: Node, reuse = false): Node {
    const known = this.#virtualRoots.get(node)
    if (reuse && known !== undefined) return known
    const virtualRoot = new Node({
      pkg: node.package,
      path: node.realpath,
      sourceReference: node,
      legacyPeerDeps: this.context.options.legacyPeerDeps,
      loadDevDependencies: node.isTop && !node.globalTop,
      overrides: node.overrides,
    })
    for (const child of node.children.values()) {
      if (!child.isLink) continue
      const copy = new Node({
        pkg: child.target.package,
        path: child.realpath,
        sourceReference: child.target,
        legacyPeerDeps: this.context.options.legacyPeerDeps,
        loadDevDependencies: child.target.isTop && !child.target.globalTop,
      })
      attachFolder(copy, virtualRoot)
    }
    this.#virtualRoots.set(node, virtualRoot)
    return virtualRoot
  }

  /** Build the node an edge wants under `parent` (a virtual root), then load its peer set beside it. */
  async #nodeFromEdge(edge: Edge, parentIn: Node | null, secondEdge: Edge | null, required: Set<Node>): Promise<Node> {
    const from = edge.from
    if (from === null) throw new SkiffError('EINTERNAL', `edge ${edge.name} lost its source`)
    const parent = parentIn ?? this.#virtualRoot(from)
    const first = await this.#factory.nodeFromSpec(edge.name, edge.spec, from.path, parent, edge)
    const secondFrom = secondEdge?.from
    const second = secondEdge !== null && secondFrom && !secondEdge.valid
      ? await this.#factory.nodeFromSpec(edge.name, secondEdge.spec, secondFrom.path, parent, secondEdge)
      : null
    const node = second !== null && edge.valid ? second : first
    attachChild(node, parent)
    const requiredEdge = (candidate: Edge | null) => candidate !== null && candidate.from !== null && required.has(candidate.from) && candidate.type !== 'peerOptional'
    if (requiredEdge(edge) || requiredEdge(secondEdge)) required.add(node)
    if (parent.sourceReference !== null) this.#peerSetSource.set(node, parent.sourceReference)
    // arborist's global mode: a global package's peers are not loaded beside it, where they
    // would become global packages of their own; the next pass places them inside its folder
    if (from.global && from.isProjectRoot) return node
    return this.#loadPeerSet(node, required)
  }

  /**
   * Load the node's peers (and theirs) into its virtual root. A peer the virtual root's own
   * edge also wants is built from that edge, with the peer edge as a hint; a conflict the
   * project cannot accept is ERESOLVE, others are remembered as peerConflicted.
   */
  async #loadPeerSet(node: Node, required: Set<Node>): Promise<Node> {
    const peerEdges = [...node.edgesOut.values()].filter((edge) => edge.peer && !(edge.valid && edge.to !== null))
    peerEdges.sort((a, b) => byName.compare(a.name, b.name))
    const { force } = this.context.options
    // the peers are built one by one, each awaited (arborist's order, which the tree depends
    // on); their documents are asked for at once: @vitejs/devtools' four peers, one round trip
    if (peerEdges.length > 1 && node.parent !== null) {
      for (const edge of peerEdges) {
        const wanted = (edge.to === null ? node.parent.edgesOut.get(edge.name) : undefined) ?? edge
        this.context.source.prefetchSpec(wanted.name, wanted.spec, requiredByOf(wanted))
      }
    }
    for (const edge of peerEdges) {
      const parent = node.parent
      if (parent === null) break
      if (edge.valid && edge.to !== null) continue
      const parentEdge = parent.edgesOut.get(edge.name) ?? null
      const source = parent.sourceReference
      const isMine = source !== null && (source.isProjectRoot || source.isWorkspace)
      const conflictOK = force || (!isMine && !this.context.options.strictPeerDeps)
      if (edge.to === null) {
        if (parentEdge === null) {
          await this.#nodeFromEdge(edge, parent, null, required)
          continue
        }
        const dep = await this.#nodeFromEdge(parentEdge, parent, edge, required)
        if (edge.valid) continue
        if (conflictOK || !required.has(dep)) {
          edge.peerConflicted = true
          continue
        }
        if (node.parent === null) break
        throw this.#peerConflict(edge, parentEdge)
      }
      const current = edge.to
      const dep = await this.#nodeFromEdge(edge, null, null, required)
      if (current !== null && canReplaceWith(current, dep)) {
        await this.#nodeFromEdge(edge, parent, null, required)
        continue
      }
      if (conflictOK || edge.from === null || !required.has(edge.from)) continue
      throw this.#peerConflict(edge, parentEdge)
    }
    return node
  }

  #peerConflict(edge: Edge, currentEdge: Edge | null): SkiffError {
    const current = edge.from?.resolve(edge.name) ?? null
    return eresolveError('unable to resolve dependency tree', {
      current: current && explainNode(current),
      currentEdge: currentEdge && explainEdge(currentEdge),
      edge: explainEdge(edge),
      strictPeerDeps: this.context.options.strictPeerDeps,
      force: this.context.options.force,
    })
  }

  /** Queue the targets of links placed inside the project that were not walked yet. */
  #queueLinkTargets(): boolean {
    const { root } = this.context
    for (const link of [...this.#linkNodes]) {
      this.#linkNodes.delete(link)
      if (link.root !== root) continue
      const target = link.target
      if (!target.isDescendantOf(root)) continue
      if ((target.parent !== null || target.fsParent !== null) && !this.#seen.has(target)) {
        if (link.overrides !== undefined) target.overridesEdgeInAdded(link.overrides)
        this.#queue.push(target)
      }
    }
    return this.#queue.length > 0
  }
}


/** Breadth first below `root`: a node that already satisfies an optional peer edge. */
function findHoistableNode(root: Node, edge: Edge): Node | null {
  const queue = [...root.children.values()]
  for (let node = queue.shift(); node !== undefined; node = queue.shift()) {
    if (node.name === edge.name && !node.inDepBundle && node.satisfies(edge)) return node
    queue.push(...node.children.values())
  }
  return null
}
