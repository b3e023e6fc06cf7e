/**
 * The dev / optional / devOptional / peer / extraneous flags, as arborist's calc-dep-flags:
 * every flag starts set, the walk from the root unsets what a path proves wrong (a prod path
 * clears dev, a non-optional path clears optional, a non-peer path clears peer, reaching a
 * node at all clears extraneous, except through optional peer edges), until nothing changes.
 * devOptional then stays only on nodes that are neither dev nor optional.
 */
import { clearDepFlags, type DepFlags } from '../lockfile/index.ts'
import type { Node } from './node.ts'

export function resetDepFlags(tree: Node): void {
  for (const node of tree.index?.inventory.values() ?? []) {
    node.extraneous = true
    node.dev = true
    node.optional = true
    node.devOptional = true
    node.peer = true
  }
}

export function calcDepFlags(tree: Node, resetRoot = true): void {
  if (resetRoot) unsetDepFlags(tree)
  clearDepFlags(tree, (node) => node.resolveParent)
}

function unsetDepFlags(node: Node): void {
  node.extraneous = false
  node.dev = false
  node.optional = false
  node.devOptional = false
  node.peer = false
}
