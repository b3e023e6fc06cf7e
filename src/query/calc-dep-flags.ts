/**
 * The dev / optional / devOptional / peer / extraneous flags of an actual tree, as arborist's
 * calc-dep-flags sets them after loadActual: every flag starts set on every node but the
 * root; the walk from the root clears what a path proves wrong (a path without a dev edge
 * clears dev, without an optional edge clears optional, without a peer edge clears peer, and
 * reaching a node at all clears extraneous, except through an optional peer edge), until
 * nothing changes. devOptional then stays only on nodes that are neither dev nor optional.
 */
import type { DepFlags } from './tree-model.ts'

interface FlagNode extends DepFlags {
  isLink: boolean
  target: FlagNode
  parent: FlagNode | undefined
  fsParent: FlagNode | undefined
  edgesOut: ReadonlyMap<string, { type: string; to: FlagNode | undefined }>
}

export function calcDepFlags(root: FlagNode): void {
  const seen = new Set<FlagNode>()
  const queue: FlagNode[] = [root]
  for (let node = queue.pop(); node !== undefined; node = queue.pop()) {
    seen.add(node)
    if (!node.extraneous) {
      for (let owner = node.parent ?? node.fsParent; owner?.extraneous; owner = owner.parent ?? owner.fsParent) owner.extraneous = false
    }
    if (node.isLink) {
      if (clearFromLink(node) || !seen.has(node.target)) queue.push(node.target)
      continue
    }
    for (const edge of node.edgesOut.values()) {
      if (edge.to !== undefined && clearThroughEdge(node, edge.type, edge.to)) queue.push(edge.to)
    }
  }
  seen.delete(root)
  for (const node of seen) if (node.devOptional && (node.dev || node.optional)) node.devOptional = false
}

function clearFromLink(link: FlagNode): boolean {
  const target = link.target
  let changed = false
  for (const flag of ['dev', 'optional', 'devOptional', 'peer', 'extraneous'] as const) {
    if (target[flag] && !link[flag]) {
      target[flag] = false
      changed = true
    }
  }
  return changed
}

function clearThroughEdge(from: FlagNode, type: string, to: FlagNode): boolean {
  const dev = type === 'dev'
  const optional = type === 'optional' || type === 'peerOptional'
  const peer = type === 'peer' || type === 'peerOptional'
  let changed = false
  if (to.extraneous && !from.extraneous && !(peer && optional)) {
    to.extraneous = false
    changed = true
  }
  if (to.dev && !from.dev && !dev) {
    to.dev = false
    changed = true
  }
  if (to.optional && !from.optional && !optional) {
    to.optional = false
    changed = true
  }
  // devOptional is the overlap of the dev and optional trees: only a path that is neither clears it
  if (to.devOptional && !from.devOptional && !from.dev && !from.optional && !dev && !optional) {
    to.devOptional = false
    changed = true
  }
  if (to.peer && !from.peer && !peer) {
    to.peer = false
    changed = true
  }
  return changed
}
