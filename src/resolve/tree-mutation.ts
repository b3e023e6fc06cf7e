/**
 * Every change of a tree's shape, with what arborist's parent/root setters keep true after it:
 * the root's indexes list exactly the nodes in the tree, every node's location is its path
 * relative to the root, and every edge points at what `from.resolve(name)` finds now.
 *
 * Only edges that can see a change are reloaded: putting `name` into `container/node_modules`
 * can change what `name` resolves to for the container and the nodes below it, so those edges
 * named `name` are found through the root's edge index; a removed subtree's edges in are
 * reloaded from outside; a moved node's own edges are reloaded in their new tree.
 */
import path from 'node:path'
import type { Node } from './node.ts'
import { TreeIndex } from './tree-index.ts'

/** Put `node` (and everything under it) at `parent/node_modules/<node.name>`, removing what is there. */
export function attachChild(node: Node, parent: Node): void {
  const container = parent.target
  if (node.parent === container && container.children.get(node.name) === node) return
  detachFromTree(node)
  const current = container.children.get(node.name)
  if (current !== undefined) removeNode(current)
  node.parent = container
  container.children.set(node.name, node)
  enterTree(node, container.root, path.join(container.path, 'node_modules', node.name))
  reloadNamed(container, node.name, node)
}

/** Put `node` (a link target, a workspace folder) at its own path, under the closest node above it. */
export function attachFolder(node: Node, root: Node): void {
  if (node.root === root && root.index?.has(node)) return
  detachFromTree(node)
  const location = relativeLocation(root.path, node.path)
  const current = root.index?.inventory.get(location)
  if (current !== undefined && current !== node) removeNode(current)
  const fsParent = closestFolderNode(root, location)
  node.fsParent = fsParent
  fsParent.fsChildren.add(node)
  enterTree(node, root, node.path)
}

/** Take `node` and everything under it out of its tree (arborist's `node.root = null`). */
export function removeNode(node: Node): void {
  if (node.isRoot) return
  detachFromTree(node)
}

/** `replacement` takes the place (and the children) of `current`, which leaves the tree. */
export function replaceNode(replacement: Node, current: Node): void {
  const parent = current.parent
  if (parent === null) throw new Error(`cannot replace ${current.location}: it has no parent`)
  detachFromTree(replacement)
  const root = current.root
  const kids = [...current.children.values()]
  root.index?.removeNode(current)
  parent.children.delete(current.name)
  current.parent = null
  current.children.clear()
  becomeRoot(current)
  const name = current.name
  if (replacement.name !== name) renameNode(replacement, name)
  replacement.parent = parent
  parent.children.set(name, replacement)
  for (const kid of kids) {
    kid.parent = replacement
    replacement.children.set(kid.name, kid)
  }
  replacement.path = current.path
  replacement.location = current.location
  setRoot(replacement, root)
  for (const edge of [...current.edgesIn]) edge.reload()
  reloadNamed(parent, name, replacement)
  for (const edge of replacement.edgesOut.values()) edge.reload()
}

function renameNode(node: Node, name: string): void {
  const index = node.root.index
  index?.removeNode(node)
  node.name = name
  index?.addNode(node)
}

/** Remove a node (with its subtree) from the tree it is in; it becomes a tree of its own. */
function detachFromTree(node: Node): void {
  if (node.parent === null && node.fsParent === null) return
  const subtree = collectSubtree(node)
  const oldRoot = node.root
  if (node.parent !== null) {
    if (node.parent.children.get(node.name) === node) node.parent.children.delete(node.name)
    node.parent = null
  }
  if (node.fsParent !== null) {
    node.fsParent.fsChildren.delete(node)
    node.fsParent = null
  }
  for (const member of subtree) oldRoot.index?.removeNode(member)
  const index = new TreeIndex()
  node.index = index
  node.path = node.path || node.name
  for (const member of subtree) {
    member.root = node
    member.location = relativeLocation(node.path, member.path)
    index.addNode(member)
  }
  for (const member of subtree) {
    for (const edge of [...member.edgesIn]) if (edge.from !== null && !subtree.has(edge.from)) edge.reload()
  }
  for (const member of subtree) for (const edge of member.edgesOut.values()) edge.reload()
}

function becomeRoot(node: Node): void {
  node.root = node
  node.location = ''
  node.index = new TreeIndex()
  node.index.addNode(node)
  for (const edge of node.edgesOut.values()) edge.reload()
}

/** A detached node (and its subtree) joins `root` with `node` at `nodePath`. */
function enterTree(node: Node, root: Node, nodePath: string): void {
  const subtree = collectSubtree(node)
  relocate(node, nodePath)
  for (const member of subtree) {
    member.index = null
    setRoot(member, root)
  }
  for (const member of subtree) for (const edge of member.edgesOut.values()) edge.reload()
}

function setRoot(node: Node, root: Node): void {
  node.root = root
  node.location = relativeLocation(root.path, node.path)
  root.index?.addNode(node)
  if (node !== root) node.index = null
}

function relocate(node: Node, nodePath: string): void {
  const oldPath = node.path
  node.path = nodePath
  for (const [name, child] of node.children) relocate(child, path.join(nodePath, 'node_modules', name))
  for (const child of node.fsChildren) relocate(child, path.join(nodePath, path.relative(oldPath, child.path)))
}

/**
 * Edges named `name` from `container` and the nodes below it may now find another node:
 * point them at what they resolve to, and check again those that find `placed`. They are
 * reloaded in arborist's walk order (the container, then its node_modules children in
 * order, depth first, then its folder children), which is the order they join `edgesIn`.
 */
function reloadNamed(container: Node, name: string, placed: Node): void {
  const index = container.root.index
  if (index === null) return
  const changed = index.edgesNamed(name).filter((edge) => {
    const from = edge.from
    if (from === null || !from.isDescendantOf(container)) return false
    return edge.to === placed || from.resolve(name) !== edge.to
  })
  if (changed.length > 1) changed.sort((a, b) => compareTreeOrder(a.from as Node, b.from as Node))
  for (const edge of changed) edge.reload(true)
}

/** Depth-first, pre-order position in the tree: node_modules children in insertion order, then folder children. */
function compareTreeOrder(a: Node, b: Node): number {
  const chainA = [...a.ancestry()].reverse()
  const chainB = [...b.ancestry()].reverse()
  let depth = 0
  while (depth < chainA.length && depth < chainB.length && chainA[depth] === chainB[depth]) depth++
  if (depth === chainA.length) return depth === chainB.length ? 0 : -1
  if (depth === chainB.length) return 1
  const parent = chainA[depth - 1]
  const x = chainA[depth]
  const y = chainB[depth]
  if (parent === undefined || x === undefined || y === undefined) return 0
  return childRank(parent, x) - childRank(parent, y)
}

function childRank(parent: Node, child: Node): number {
  let rank = 0
  if (child.parent === parent) {
    for (const sibling of parent.children.values()) {
      if (sibling === child) return rank
      rank++
    }
  }
  rank = parent.children.size
  for (const sibling of parent.fsChildren) {
    if (sibling === child) return rank
    rank++
  }
  return rank
}

function collectSubtree(node: Node): Set<Node> {
  const subtree = new Set<Node>([node])
  for (const member of subtree) {
    for (const child of member.children.values()) subtree.add(child)
    for (const child of member.fsChildren) subtree.add(child)
  }
  return subtree
}

function closestFolderNode(root: Node, location: string): Node {
  for (let dir = path.posix.dirname(location); dir !== '.' && dir !== '/' && dir !== '..'; dir = path.posix.dirname(dir)) {
    const found = root.index?.inventory.get(dir)
    if (found !== undefined && !found.isLink) return found
  }
  return root
}

export function relativeLocation(from: string, to: string): string {
  return path.relative(from, to).replaceAll('\\', '/')
}
