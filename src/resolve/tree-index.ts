/**
 * The indexes a tree root keeps: its nodes by location and by name (arborist's inventory),
 * the edges of its nodes by dependency name (so a change at one spot reloads only the edges
 * that can see it), and how many of its nodes bundle dependencies (none: nothing is in a
 * bundle, and the bundle walk is skipped).
 */
import type { Edge } from './edge.ts'
import type { Node } from './node.ts'

export class TreeIndex {
  readonly inventory = new Map<string, Node>()
  readonly #byName = new Map<string, Set<Node>>()
  readonly #edgesByName = new Map<string, Set<Edge>>()
  bundlers = 0

  addNode(node: Node): void {
    const current = this.inventory.get(node.location)
    if (current === node) return
    if (current !== undefined) this.removeNode(current)
    this.inventory.set(node.location, node)
    setOf(this.#byName, node.name).add(node)
    if (hasBundle(node)) this.bundlers++
    for (const edge of node.edgesOut.values()) this.addEdge(edge)
  }

  removeNode(node: Node): void {
    if (this.inventory.get(node.location) !== node) return
    this.inventory.delete(node.location)
    this.#byName.get(node.name)?.delete(node)
    if (hasBundle(node)) this.bundlers--
    for (const edge of node.edgesOut.values()) this.removeEdge(edge)
  }

  has(node: Node): boolean {
    return this.inventory.get(node.location) === node
  }

  /** The live set of nodes with this name (deletions while iterating are seen, as in a Set). */
  nodesNamed(name: string): Set<Node> {
    return setOf(this.#byName, name)
  }

  addEdge(edge: Edge): void {
    setOf(this.#edgesByName, edge.name).add(edge)
  }

  removeEdge(edge: Edge): void {
    this.#edgesByName.get(edge.name)?.delete(edge)
  }

  edgesNamed(name: string): readonly Edge[] {
    const edges = this.#edgesByName.get(name)
    return edges === undefined ? [] : [...edges]
  }
}

function hasBundle(node: Node): boolean {
  return !node.isLink && (node.package.bundleDependencies?.length ?? 0) > 0
}

function setOf<T>(map: Map<string, Set<T>>, key: string): Set<T> {
  let set = map.get(key)
  if (set === undefined) {
    set = new Set()
    map.set(key, set)
  }
  return set
}
