/**
 * "Can this dependency go in this target's node_modules?" — arborist's CanPlaceDep. It only
 * reads the tree. `dep` lives in a virtual root with its peer set loaded beside it.
 *
 * For the dep itself:
 *   - a target with a peer dependency on the name cannot hold it (unless it is a top);
 *   - nothing there: OK, unless the target itself wants another version, or a node below the
 *     target relies on the copy further up that the new one would shadow (CONFLICT);
 *   - the same package there and satisfying: KEEP (REPLACE for an explicit request);
 *   - a newer version that can replace what is there: REPLACE;
 *   - what is there satisfies the edge: KEEP; with preferDedupe an older one may REPLACE;
 *   - otherwise CONFLICT, unless this is the deepest target the dep may go to: then REPLACE
 *     when the target's own (non-peer) edge wants it, or when every other peer group rooted at
 *     what is there can be replaced or nested deeper.
 * Then every peer of the dep must be placeable at its own deepest target (always preferring
 * to dedupe); any peer CONFLICT makes the whole answer CONFLICT, while `canPlaceSelf`
 * remembers the answer for the dep alone.
 */
import semver from 'semver'
import { canReplaceWith } from './can-replace.ts'
import { deepestNestingTarget, peerEntrySets } from './dep-sets.ts'
import type { Edge } from './edge.ts'
import type { Node } from './node.ts'

export type Placement = 'OK' | 'KEEP' | 'REPLACE' | 'CONFLICT'

export interface CanPlaceOptions {
  dep: Node
  target: Node
  edge: Edge
  preferDedupe?: boolean
  explicitRequest?: boolean
  parent?: CanPlaceDep | null
  peerPath?: Node[]
}

export class CanPlaceDep {
  readonly dep: Node
  readonly target: Node
  readonly edge: Edge
  readonly explicitRequest: boolean
  readonly preferDedupe: boolean
  readonly parent: CanPlaceDep | null
  readonly peerPath: Node[]
  readonly children: CanPlaceDep[] = []
  readonly name: string
  readonly current: Node | undefined
  readonly targetEdge: Edge | undefined
  /** the dep was already accepted as a peer-conflicted override while its peer set was built */
  readonly edgeOverride: boolean
  canPlace: Placement
  canPlaceSelf: Placement | undefined
  #canPlacePeers: Placement | undefined

  constructor(options: CanPlaceOptions) {
    this.dep = options.dep
    this.target = options.target
    this.edge = options.edge
    this.explicitRequest = options.explicitRequest ?? false
    this.preferDedupe = !!options.preferDedupe || options.edge.peer
    this.parent = options.parent ?? null
    this.peerPath = options.peerPath ?? []
    this.name = options.edge.name
    this.current = options.target.children.get(this.name)
    this.targetEdge = options.target.edgesOut.get(this.name)
    this.edgeOverride = !options.dep.satisfies(options.edge)
    this.canPlace = this.#check()
    this.canPlaceSelf ??= this.canPlace
  }

  get top(): CanPlaceDep {
    return this.parent === null ? this : this.parent.top
  }

  get peerEntryEdge(): Edge {
    return this.top.edge
  }

  get deepestNestingTarget(): Node {
    const start = this.parent === null ? this.edge.from : this.parent.deepestNestingTarget
    return deepestNestingTarget(start ?? this.target, this.name)
  }

  /** Every peer check below this one, breadth first. */
  get allChildren(): CanPlaceDep[] {
    const all = new Set(this.children)
    for (const child of all) for (const grandchild of child.children) all.add(grandchild)
    return [...all]
  }

  get conflictChildren(): CanPlaceDep[] {
    return this.allChildren.filter((child) => child.canPlace === 'CONFLICT')
  }

  #check(): Placement {
    const { target, targetEdge, current, dep } = this
    if (dep.errors.length > 0) return current ? 'REPLACE' : 'OK'
    if (targetEdge?.peer && !target.isTop) return 'CONFLICT'
    if (!current && targetEdge && !dep.satisfies(targetEdge) && targetEdge !== this.edge) return 'CONFLICT'
    return current ? this.#checkCurrent(current) : this.#checkNoCurrent()
  }

  #checkCurrent(current: Node): Placement {
    const { preferDedupe, explicitRequest, target, edge, dep } = this
    if (dep.matches(current) && (current.satisfies(edge) || this.edgeOverride)) return explicitRequest ? 'REPLACE' : 'KEEP'
    const tryReplace = isNewerOrSame(dep.version, current.version)
    if (tryReplace && canReplaceWith(current, dep)) {
      const peers = this.#placePeers('REPLACE')
      if (peers !== 'CONFLICT') return peers
    }
    if (current.satisfies(edge) && (!explicitRequest || preferDedupe)) return 'KEEP'
    if (preferDedupe && !tryReplace && canReplaceWith(current, dep)) {
      const peers = this.#placePeers('REPLACE')
      if (peers !== 'CONFLICT') return peers
    }
    if (target !== this.deepestNestingTarget) return 'CONFLICT'
    if (!edge.peer && target === edge.from) return this.#placePeers('REPLACE')
    if (this.parent === null && !edge.peer) return 'CONFLICT'
    return this.#canReplacePeerGroups(current) ? this.#placePeers('REPLACE') : 'CONFLICT'
  }

  /** Every other peer group rooted at `current` can be replaced by the new set, or nested deeper. */
  #canReplacePeerGroups(current: Node): boolean {
    const { dep, target } = this
    const virtualRoot = dep.parent
    for (const [entryEdge, currentPeers] of peerEntrySets(current)) {
      if (entryEdge === this.edge || entryEdge === this.peerEntryEdge) continue
      const entryNode = entryEdge.to
      if (entryNode === null || entryEdge.from === null) continue
      const replacement = virtualRoot?.children.get(entryNode.name)
      if (replacement !== undefined && virtualRoot !== null) {
        if (canReplaceWith(entryNode, replacement, virtualRoot.children.keys())) continue
      }
      if (replacement === undefined && canClobber(entryNode, virtualRoot)) continue
      for (const currentPeer of currentPeers) {
        const deepest = deepestNestingTarget(entryEdge.from, currentPeer.name)
        if (deepest === target || target.isDescendantOf(deepest)) return false
      }
    }
    return true
  }

  #checkNoCurrent(): Placement {
    const { target, dep, name } = this
    const shadowed = target !== this.peerEntryEdge.from ? target.resolve(name) : null
    if (shadowed !== null) {
      for (const edge of shadowed.edgesIn) {
        if (edge.from !== null && edge.from.isDescendantOf(target) && edge.valid && !dep.satisfies(edge)) return 'CONFLICT'
      }
    }
    return this.#placePeers('OK')
  }

  /** Check the dep's peers at their own deepest targets; the answer is `state` unless one conflicts. */
  #placePeers(state: Placement): Placement {
    this.canPlaceSelf = state
    if (this.#canPlacePeers !== undefined) return this.#canPlacePeers
    const peerPath = [...this.peerPath, this.dep]
    let sawConflict = false
    for (const peerEdge of this.dep.edgesOut.values()) {
      const peer = peerEdge.to
      if (!peerEdge.peer || peer === null || peerPath.includes(peer)) continue
      const check = new CanPlaceDep({
        dep: peer,
        target: deepestNestingTarget(this.target, peer.name),
        parent: this,
        edge: peerEdge,
        peerPath,
        preferDedupe: true,
      })
      this.children.push(check)
      if (check.canPlace === 'CONFLICT') sawConflict = true
    }
    this.#canPlacePeers = sawConflict ? 'CONFLICT' : state
    return this.#canPlacePeers
  }
}

/** A peer group with no counterpart in the new set can be overwritten if the new set still satisfies its peers. */
function canClobber(entryNode: Node, virtualRoot: Node | null): boolean {
  const walk = new Set<Node>([entryNode])
  for (const member of walk) {
    for (const edge of member.edgesOut.values()) {
      if (!edge.peer || !edge.valid) continue
      const replacement = virtualRoot?.children.get(edge.name)
      if (replacement === undefined) {
        if (edge.to !== null) walk.add(edge.to)
        continue
      }
      if (!replacement.satisfies(edge)) return false
    }
  }
  return true
}

function isNewerOrSame(newVersion: string, currentVersion: string): boolean {
  if (!newVersion || !currentVersion) return false
  if (semver.valid(newVersion, true) === null || semver.valid(currentVersion, true) === null) return false
  return semver.gte(newVersion, currentVersion, true)
}
