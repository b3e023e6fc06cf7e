/**
 * Placing one dependency and its peer set into the tree — arborist's PlaceDep.
 *
 * 1. Nothing to do when the edge is already met (and nothing asks to replace it).
 * 2. Walk up from the deepest allowed target (above the dependent's peer holders), asking
 *    CanPlaceDep at each node_modules; the last answer before the first CONFLICT wins, so
 *    the dep goes as high as it can without crossing a conflict.
 * 3. No target: ERESOLVE when the conflict is the project's own (or strict peer deps),
 *    unless forced; otherwise warn and leave what is there.
 * 4. KEEP: prune deeper copies the kept node makes redundant. Otherwise place a copy (a link
 *    when an ancestor is the same package: a dependency cycle), replacing what is there
 *    (its orphaned deps and peer sets that must move are pruned), prune deeper duplicates,
 *    and place the new node's unmet peers from its virtual root as child placements.
 */
import { CanPlaceDep } from './can-place-dep.ts'
import { canDedupe } from './can-replace.ts'
import { deepestNestingTarget, gatherDepSet, peerEntrySets } from './dep-sets.ts'
import type { Edge } from './edge.ts'
import { explainPeerConflict, type PeerConflictContext } from './explain.ts'
import { Node } from './node.ts'
import { attachChild, attachFolder, relativeLocation, removeNode, replaceNode } from './tree-mutation.ts'

export interface PlaceOptions {
  explicitRequest: boolean
  force: boolean
  installStrategy: 'hoisted' | 'nested' | 'shallow'
  legacyPeerDeps: boolean
  preferDedupe: boolean
  strictPeerDeps: boolean
  updateNames: readonly string[]
  /** a peer conflict accepted with a warning (npm's "ERESOLVE overriding peer dependency") */
  onWarning: (warning: PeerConflictContext) => void
}

const byLocation = new Intl.Collator('en')

export class PlaceDep {
  readonly dep: Node
  readonly edge: Edge
  readonly options: PlaceOptions
  readonly parent: PlaceDep | null
  readonly top: PlaceDep
  readonly current: Node | null
  readonly name: string
  readonly children: PlaceDep[] = []
  readonly needEvaluation = new Set<Node>()
  canPlace: CanPlaceDep | null = null
  canPlaceSelf: CanPlaceDep | null = null
  placed: Node | null = null

  constructor(dep: Node, edge: Edge, options: PlaceOptions, parent: PlaceDep | null = null) {
    this.dep = dep
    this.edge = edge
    this.options = options
    this.parent = parent
    this.top = parent?.top ?? this
    this.current = edge.to
    this.name = edge.name
    if (edge.to !== null && !edge.error && !options.explicitRequest && !options.updateNames.includes(edge.name)) return
    this.#findTarget()
    if (this.canPlace === null) {
      if (!options.force && (this.isMine || options.strictPeerDeps)) throw this.#conflictError()
      if (this.canPlaceSelf === null) {
        this.warnPeerConflict()
        return
      }
      this.canPlace = this.canPlaceSelf
    }
    this.#place(this.canPlace)
  }

  #findTarget(): void {
    const { dep, edge, options } = this
    for (const target of this.startNode().ancestry()) {
      const targetEdge = target.edgesOut.get(edge.name)
      if (!target.isTop && targetEdge?.peer) continue
      const check = new CanPlaceDep({
        dep,
        edge,
        parent: this.parent?.canPlace ?? null,
        target,
        preferDedupe: options.preferDedupe,
        explicitRequest: options.explicitRequest,
      })
      if (check.canPlaceSelf !== 'CONFLICT') this.canPlaceSelf = check
      if (check.canPlace === 'CONFLICT') break
      this.canPlace = check
      if (dep.errors.length > 0 || options.installStrategy === 'nested') break
      if (options.installStrategy === 'shallow' && target.resolveParent?.isProjectRoot) break
    }
  }

  #place(canPlace: CanPlaceDep): void {
    const { target } = canPlace
    const placement = canPlace.canPlace === 'CONFLICT' ? canPlace.canPlaceSelf : canPlace.canPlace
    if (placement === 'KEEP') {
      if (this.edge.peer && !this.edge.valid) this.warnPeerConflict()
      this.pruneDedupable(target)
      return
    }
    for (let ancestor: Node | null = target; ancestor !== null; ancestor = ancestor.resolveParent) {
      if (ancestor.matches(this.dep) && !ancestor.isTop) {
        this.placed = new Node({ name: this.dep.name, pkg: ancestor.package, legacyPeerDeps: this.options.legacyPeerDeps, target: ancestor })
        attachChild(this.placed, target)
        return
      }
    }
    const virtualRoot = this.dep.parent
    const placed = this.#copyOfDep(target.root)
    this.placed = placed
    const oldDep = target.children.get(this.name)
    if (oldDep !== undefined) this.#replaceOldDep(oldDep, placed)
    else attachChild(placed, target)
    if (placed.isLink && placed.target.root !== target.root) attachFolder(placed.target, target.root)
    if (this.edge.peer && !placed.satisfies(this.edge)) this.warnPeerConflict()
    if (this.edge.valid && this.edge.to !== null && this.edge.to !== placed) this.pruneDedupable(this.edge.to, false)
    for (const node of target.root.index?.nodesNamed(this.name) ?? []) {
      if (!node.isDescendantOf(target) || node.isTop) continue
      this.pruneDedupable(node, false)
      if (node.root === target.root) for (const kid of [...node.children.values()]) this.pruneDedupable(kid, false)
    }
    this.#placePeers(placed, virtualRoot)
  }

  /** The node to place: a copy of the candidate (a link to the same folder, if one is already in the tree). */
  #copyOfDep(root: Node): Node {
    const { dep } = this
    const existingTarget = dep.isLink ? root.index?.inventory.get(relativeLocation(root.path, dep.target.path)) : undefined
    const linkTarget = existingTarget !== undefined && !existingTarget.isLink ? existingTarget : dep.target
    return new Node({
      name: dep.name,
      pkg: dep.package,
      resolved: dep.resolved,
      integrity: dep.integrity,
      legacyPeerDeps: this.options.legacyPeerDeps,
      error: dep.errors[0],
      overrides: dep.overrides,
      ...(dep.isLink ? { target: linkTarget } : {}),
    })
  }

  #placePeers(placed: Node, virtualRoot: Node | null): void {
    for (const peerEdge of placed.edgesOut.values()) {
      if (peerEdge.valid || !peerEdge.peer || peerEdge.peerConflicted) continue
      const peer = virtualRoot?.children.get(peerEdge.name)
      if (peer === undefined || !peer.satisfies(peerEdge)) continue
      this.children.push(new PlaceDep(peer, peerEdge, this.options, this))
    }
  }

  #replaceOldDep(oldDep: Node, placed: Node): void {
    const target = oldDep.parent
    const oldDeps: Node[] = []
    for (const [name, edge] of oldDep.edgesOut) {
      const to = edge.to
      if (!placed.edgesOut.has(name) && to !== null) oldDeps.push(...gatherDepSet([to], (e) => e.to !== to))
    }
    const prunePeerSets: Node[] = []
    for (const edge of oldDep.edgesIn) {
      const from = edge.from
      if (from === null || placed.satisfies(edge) || !edge.peer || from.parent !== target || edge.peerConflicted) continue
      for (const entryEdge of peerEntrySets(from).keys()) {
        const entryNode = entryEdge.to
        if (entryNode === null || entryEdge.from === null) continue
        const fromProject = entryEdge.from.isProjectRoot || entryEdge.from.isWorkspace
        if (deepestNestingTarget(entryNode, '') !== target && !fromProject) {
          prunePeerSets.push(...gatherDepSet([entryNode], (e) => e.to !== entryNode && !e.peerConflicted))
        } else {
          this.warnPeerConflict(edge, this.dep)
        }
      }
    }
    replaceNode(placed, oldDep)
    this.#pruneForReplacement(placed, oldDeps)
    for (const dep of prunePeerSets) {
      for (const edge of dep.edgesIn) if (edge.from !== null) this.needEvaluation.add(edge.from)
      removeNode(dep)
    }
  }

  #pruneForReplacement(node: Node, oldDeps: Node[]): void {
    const invalidDeps = new Set<Node>()
    for (const edge of node.edgesOut.values()) if (edge.to !== null && !edge.valid) invalidDeps.add(edge.to)
    for (const dep of oldDeps) for (const member of gatherDepSet([dep], (e) => e.to !== dep && e.valid)) invalidDeps.add(member)
    const junk = gatherDepSet(invalidDeps, (edge) => edge.from !== node && edge.to !== node && edge.valid)
    for (const dep of junk) removeNode(dep)
  }

  /** Remove `node` if a copy higher up serves everyone; otherwise look below it (descend). */
  pruneDedupable(node: Node, descend = true): void {
    if (canDedupe(node, this.options.preferDedupe, this.options.explicitRequest)) {
      for (const dep of gatherDepSet([node], (e) => e.to !== node && e.valid)) removeNode(dep)
      return
    }
    if (!descend) return
    const sorted = (nodes: Iterable<Node>) => [...nodes].sort((a, b) => byLocation.compare(a.location, b.location))
    for (const child of sorted(node.children.values())) this.pruneDedupable(child)
    for (const folder of sorted(node.fsChildren)) for (const child of sorted(folder.children.values())) this.pruneDedupable(child)
  }

  /** The conflict concerns the project: its own edge, or a peer set it brought in. */
  get isMine(): boolean {
    const { edge } = this.top
    const node = edge.from
    if (node === null) return false
    if (node.isWorkspace || node.isProjectRoot) return true
    if (!edge.peer) return false
    let hasPeerEdges = false
    for (const edgeIn of node.edgesIn) {
      if (edgeIn.peer) {
        hasPeerEdges = true
        continue
      }
      if (edgeIn.from?.isWorkspace || edgeIn.from?.isProjectRoot) return true
    }
    if (!hasPeerEdges) return false
    for (const entry of peerEntrySets(node).keys()) if (entry.from?.isWorkspace || entry.from?.isProjectRoot) return true
    return false
  }

  /** Where the walk up starts: a peer goes at least as high as the node that needs it. */
  startNode(): Node {
    const from = this.parent?.startNode() ?? this.edge.from
    if (from === null) throw new Error(`edge ${this.edge.name} has no source node`)
    return deepestNestingTarget(from, this.name)
  }

  warnPeerConflict(edge: Edge = this.edge, dep: Node = this.dep): void {
    edge.peerConflicted = true
    this.options.onWarning(this.#context(edge, dep))
  }

  #conflictError(): Error {
    return explainPeerConflict(this.#context(this.top.edge, this.top.dep)).error
  }

  #context(edge: Edge, dep: Node): PeerConflictContext {
    return {
      edge,
      dep,
      force: this.options.force,
      isMine: this.isMine,
      strictPeerDeps: this.options.strictPeerDeps,
      isPeerOfPlacement: this.parent !== null,
      current: this.current,
      currentEdge: this.edge,
      canPlaceSelf: this.canPlaceSelf,
    }
  }
}
