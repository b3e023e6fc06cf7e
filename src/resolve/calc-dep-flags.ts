/**
 * The dev / optional / devOptional / peer / extraneous flags, as arborist's calc-dep-flags:
 * every flag starts set, the walk from the root unsets what a path proves wrong (a prod path
 * clears dev, a non-optional path clears optional, a non-peer path clears peer, reaching a
 * node at all clears extraneous, except through optional peer edges), until nothing changes.
 * devOptional then stays only on nodes that are neither dev nor optional.
 */
import type { DepFlags, Node } from './node.ts'

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

/** What the walk reads of a tree: the resolver's Node, and the installed tree `ls` / `why` build. */
export interface FlagNode<N> extends DepFlags {
  readonly isLink: boolean
  readonly target: N
  readonly edgesOut: ReadonlyMap<string, { readonly type: string; readonly to: N | null | undefined }>
}

/**
 * The walk from the root: clears on every node what a path to it proves wrong, until nothing
 * changes. `owner` is the node whose node_modules (or folder) holds a node: a node reached
 * clears `extraneous` on its owners too.
 */
export function clearDepFlags<N extends FlagNode<N>>(root: N, owner: (node: N) => N | null | undefined): void {
  const seen = new Set<N>()
  const queue: N[] = [root]
  for (let node = queue.pop(); node !== undefined; node = queue.pop()) {
    seen.add(node)
    if (!node.extraneous) {
      for (let parent = owner(node); parent?.extraneous; parent = owner(parent)) parent.extraneous = false
    }
    if (node.isLink) {
      if (unsetFromLink(node) || !seen.has(node.target)) queue.push(node.target)
      continue
    }
    for (const { type, to } of node.edgesOut.values()) {
      if (to === null || to === undefined) continue
      const dev = type === 'dev'
      const optional = type === 'optional' || type === 'peerOptional'
      const peer = type === 'peer' || type === 'peerOptional'
      let changed = false
      if (to.extraneous && !node.extraneous && !(peer && optional)) changed = unset(to, 'extraneous')
      if (to.dev && !node.dev && !dev) changed = unset(to, 'dev')
      if (to.optional && !node.optional && !optional) changed = unset(to, 'optional')
      // devOptional is the overlap of the dev and optional trees: only a path that is neither clears it
      if (to.devOptional && !node.devOptional && !node.dev && !node.optional && !dev && !optional) changed = unset(to, 'devOptional')
      if (to.peer && !node.peer && !peer) changed = unset(to, 'peer')
      if (changed) queue.push(to)
    }
  }
  seen.delete(root)
  for (const node of seen) if (node.devOptional && (node.dev || node.optional)) node.devOptional = false
}

function unsetDepFlags(node: Node): void {
  node.extraneous = false
  node.dev = false
  node.optional = false
  node.devOptional = false
  node.peer = false
}

type Flag = 'dev' | 'optional' | 'devOptional' | 'peer' | 'extraneous'

function unset(node: DepFlags, flag: Flag): true {
  node[flag] = false
  return true
}

/** A link passes on only what it has unset itself. */
function unsetFromLink<N extends FlagNode<N>>(link: N): boolean {
  const target = link.target
  let changed = false
  for (const flag of ['dev', 'optional', 'devOptional', 'peer', 'extraneous'] as const) {
    if (target[flag] && !link[flag]) changed = unset(target, flag)
  }
  return changed
}
