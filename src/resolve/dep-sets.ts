/**
 * Sets of nodes the placement rules reason about (arborist's gather-dep-set.js,
 * peer-entry-sets.js, deepest-nesting-target.js, optional-set.js).
 */
import type { Edge } from './edge.ts'
import type { Node } from './node.ts'

/**
 * The given nodes and their dependencies (through edges the filter accepts), minus every
 * node that something outside the set still needs (through such an edge).
 */
export function gatherDepSet(start: Iterable<Node>, edgeFilter: (edge: Edge) => boolean): Set<Node> {
  const deps = new Set(start)
  for (const node of deps) {
    for (const edge of node.edgesOut.values()) if (edge.to !== null && edgeFilter(edge)) deps.add(edge.to)
  }
  let changed = true
  while (changed && deps.size > 0) {
    changed = false
    for (const dep of deps) {
      for (const edge of dep.edgesIn) {
        if (edge.from !== null && !deps.has(edge.from) && edgeFilter(edge)) {
          changed = true
          deps.delete(dep)
          break
        }
      }
    }
  }
  return deps
}

/**
 * The peer groups `node` belongs to, by the edge that brought each group in (a non-peer
 * edge, or a peer edge from a top node), with the members reachable from that entry.
 */
export function peerEntrySets(node: Node): Map<Edge, Set<Node>> {
  const union = new Set<Node>([node])
  for (const member of union) {
    for (const edge of member.edgesOut.values()) if (edge.valid && edge.peer && edge.to !== null) union.add(edge.to)
    for (const edge of member.edgesIn) if (edge.valid && edge.peer && edge.from !== null) union.add(edge.from)
  }
  const entrySets = new Map<Edge, Set<Node>>()
  for (const peer of union) {
    for (const edge of peer.edgesIn) {
      if (!edge.valid || edge.from === null) continue
      if (edge.peer && !edge.from.isTop) continue
      const group = new Set<Node>([peer])
      for (const member of group) {
        for (const out of member.edgesOut.values()) if (out.valid && out.peer && out.to !== null) group.add(out.to)
      }
      if (group.has(node)) entrySets.set(edge, group)
    }
  }
  return entrySets
}

/**
 * The deepest place `name` may go when required from `start`: `start` itself, unless it has
 * a peer dependency on that name, then the first ancestor that has none (or a top).
 */
export function deepestNestingTarget(start: Node, name: string): Node {
  let last = start
  for (const target of start.ancestry()) {
    last = target
    if (target.isProjectRoot || target.resolveParent === null || target.globalTop) return target
    const edge = target.edgesOut.get(name)
    if (edge === undefined || !edge.peer) return target
  }
  return last
}

/**
 * What must go when an optional node fails: the node and what depends on it up to the first
 * optional edges, and what only that set needs.
 */
export function optionalSet(node: Node): Set<Node> {
  const set = new Set<Node>([node])
  for (const member of set) {
    for (const edge of member.edgesIn) if (!edge.optional && edge.from !== null) set.add(edge.from)
  }
  return gatherDepSet(set, (edge) => edge.to !== null && !set.has(edge.to) && !edge.from?.inert)
}
