/**
 * Which installed nodes `npm explain <arg>` is about, tried in npm's order: a package name
 * (every node of that package, aliases by their real name), a location (`node_modules/a`),
 * a folder path (relative to the current folder), then `name@range` (every node of that
 * package whose version satisfies it), each in the order npm's inventory lists them.
 */
import path from 'node:path'
import semver from 'semver'
import { parseSpecArg, validatePackageName } from '../spec/index.ts'
import type { ActualTree, TreeNode } from './tree-model.ts'

export function findNodes(tree: ActualTree, arg: string, options: { cwd: string }): TreeNode[] {
  // the inventory holds nodes in the order npm adds them to its tree
  const nodes = [...tree.inventory.values()]
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

