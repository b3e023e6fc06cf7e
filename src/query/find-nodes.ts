/**
 * Which installed nodes `npm explain <arg>` is about, tried in npm's order: a package name
 * (every node of that package, aliases by their real name), a location (`node_modules/a`),
 * a folder path (relative to the current folder), then `name@range` (every node of that
 * package whose version satisfies it). Nodes come in the tree's order (inventoryOrder).
 */
import path from 'node:path'
import semver from 'semver'
import { parseSpecArg, validatePackageName } from '../spec/index.ts'
import type { ActualTree, TreeNode } from './tree-model.ts'

export function findNodes(tree: ActualTree, arg: string, options: { cwd: string }): TreeNode[] {
  const nodes = inventoryOrder(tree)
  if (validatePackageName(arg).validForOldPackages) return nodes.filter((node) => node.package.name === arg)
  const location = arg.replaceAll('\\', '/').replace(/(?<!\/)\/+$/, '')
  const byLocation = tree.inventory.get(location)
  if (byLocation !== undefined) return [byLocation]
  const relative = path.relative(tree.root.path, path.resolve(options.cwd, location)).replaceAll('\\', '/').replace(/(?<!\/)\/+$/, '')
  const byPath = tree.inventory.get(relative)
  if (byPath !== undefined) return [byPath]
  return nodesInRange(nodes, arg, options.cwd)
}

function nodesInRange(nodes: readonly TreeNode[], arg: string, cwd: string): TreeNode[] {
  try {
    const spec = parseSpecArg(arg, cwd)
    if ((spec.type !== 'version' && spec.type !== 'range') || spec.name === undefined) return []
    return nodes.filter((node) => node.package.name === spec.name && semver.satisfies(node.package.version ?? '', spec.rawSpec))
  } catch {
    return []
  }
}

/**
 * The nodes in the order npm's inventory mostly holds them: breadth first, a link's folder
 * after the link (before it when read from the hidden lockfile).
 */
export function inventoryOrder(tree: ActualTree): TreeNode[] {
  const ordered: TreeNode[] = []
  const listed = new Set<TreeNode>()
  const queue: TreeNode[] = [tree.root]
  const list = (node: TreeNode) => {
    if (listed.has(node)) return
    listed.add(node)
    ordered.push(node)
    queue.push(node)
  }
  listed.add(tree.root)
  ordered.push(tree.root)
  for (let node = queue.shift(); node !== undefined; node = queue.shift()) {
    const children = [...node.children.values()].sort((a, b) => compare(a.location, b.location))
    for (const child of children) {
      const folder = child.isLink && child.target.parent === undefined ? child.target : undefined
      if (folder !== undefined && tree.source === 'hidden lockfile') list(folder)
      list(child)
      if (folder !== undefined) list(folder)
    }
  }
  for (const node of tree.inventory.values()) list(node)
  return ordered
}

const compare = new Intl.Collator('en').compare
