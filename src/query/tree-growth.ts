/**
 * The tree grown one node at a time, as arborist builds it while loading, because the order of
 * the edges reaching a node (what `npm explain` lists, and what it reuses when a path loops)
 * is the order in which they came to resolve to it:
 *   1. a new node is placed in its parent's node_modules (or under the folder enclosing it);
 *   2. every edge of its name below that parent that now resolves differently moves to it, in
 *      depth-first order of the tree (children in the order they were added, folders last);
 *   3. the node's own edges are made and resolved against the tree as it stands.
 * An edge that later finds a closer node moves again, to the end of that node's list.
 */
import path from 'node:path'
import type { MutableEdge, MutableNode } from './mutable-tree.ts'

const FOLDER_RANK = 1_000_000_000

export interface TreeGrowth {
  /** places a node; false when its node_modules owner is not in the tree */
  add(node: MutableNode): boolean
  /** gives a node its edges, resolved now */
  attachEdges(node: MutableNode, edges: Iterable<MutableEdge>): void
  /** drops a node's edges (npm makes the root's anew once its workspaces are known) */
  detachEdges(node: MutableNode): void
  readonly placed: ReadonlyMap<string, MutableNode>
}

export function createTreeGrowth(root: MutableNode): TreeGrowth {
  const placed = new Map<string, MutableNode>([['', root]])
  const edgesByName = new Map<string, MutableEdge[]>()
  const order = new Map<MutableNode, number[]>([[root, []]])
  const childCount = new Map<MutableNode, number>()

  const rank = (owner: MutableNode, offset: number): number[] => {
    const count = childCount.get(owner) ?? 0
    childCount.set(owner, count + 1)
    return [...(order.get(owner) ?? []), offset + count]
  }

  const add = (node: MutableNode): boolean => {
    const owner = ownerLocation(node.location)
    if (owner !== undefined) {
      const parent = placed.get(owner)
      if (parent === undefined || parent.isLink) return false
      node.parent = parent
      parent.children.set(node.name, node)
      order.set(node, rank(parent, 0))
    } else {
      node.fsParent = enclosingNode(node.location, placed)
      order.set(node, node.fsParent === undefined ? [FOLDER_RANK, placed.size] : rank(node.fsParent, FOLDER_RANK))
    }
    placed.set(node.location, node)
    if (node.parent !== undefined) reloadNamedEdges(node.parent, node.name)
    return true
  }

  const reloadNamedEdges = (scope: MutableNode, name: string): void => {
    const candidates = (edgesByName.get(name) ?? []).filter((edge) => isWithin(edge.from, scope))
    candidates.sort((a, b) => compareOrder(order.get(a.from) ?? [], order.get(b.from) ?? []))
    for (const edge of candidates) {
      const to = resolveFrom(edge.from, name)
      if (to !== edge.to) moveEdge(edge, to)
    }
  }

  return {
    add,
    placed,
    attachEdges(node, edges) {
      for (const edge of edges) {
        node.edgesOut.set(edge.name, edge)
        edgesByName.set(edge.name, [...(edgesByName.get(edge.name) ?? []), edge])
        moveEdge(edge, resolveFrom(node, edge.name))
      }
    },
    detachEdges(node) {
      for (const edge of node.edgesOut.values()) {
        moveEdge(edge, undefined)
        edgesByName.set(edge.name, (edgesByName.get(edge.name) ?? []).filter((known) => known !== edge))
      }
      node.edgesOut.clear()
    },
  }
}

/** Node's module lookup: the node's own node_modules, then each enclosing package's. */
function resolveFrom(from: MutableNode, name: string): MutableNode | undefined {
  for (let scope: MutableNode | undefined = from; scope !== undefined; scope = scope.parent ?? scope.fsParent) {
    const found = scope.children.get(name)
    if (found !== undefined) return found
  }
  return undefined
}

function moveEdge(edge: MutableEdge, to: MutableNode | undefined): void {
  if (edge.to !== undefined) edge.to.edgesIn.splice(edge.to.edgesIn.indexOf(edge), 1)
  edge.to = to
  to?.edgesIn.push(edge)
}

function isWithin(node: MutableNode, scope: MutableNode): boolean {
  for (let current: MutableNode | undefined = node; current !== undefined; current = current.parent ?? current.fsParent) {
    if (current === scope) return true
  }
  return false
}

function compareOrder(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < Math.min(a.length, b.length); index++) {
    const difference = (a[index] as number) - (b[index] as number)
    if (difference !== 0) return difference
  }
  return a.length - b.length
}

/** The location whose node_modules folder holds `location`, or undefined for folders outside node_modules. */
export function ownerLocation(location: string): string | undefined {
  const index = location.lastIndexOf('node_modules/')
  if (index === -1) return undefined
  return index === 0 ? '' : location.slice(0, index - 1)
}

function enclosingNode(location: string, placed: ReadonlyMap<string, MutableNode>): MutableNode | undefined {
  if (location === '..' || location.startsWith('../') || path.posix.isAbsolute(location)) return undefined
  for (let dir = path.posix.dirname(location); dir !== '.' && dir !== '/'; dir = path.posix.dirname(dir)) {
    const found = placed.get(dir)
    if (found !== undefined && !found.isLink) return found
  }
  return placed.get('')
}
