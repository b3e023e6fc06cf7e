/**
 * The dev / optional / devOptional / peer / extraneous flags, as arborist's calc-dep-flags
 * computes them: every flag starts set, the walk from the root unsets what a path proves wrong
 * (a prod path clears dev, a non-optional path clears optional, a non-peer path clears peer,
 * reaching a node at all clears extraneous, except through optional peer edges), until nothing
 * changes; devOptional then stays only on nodes that are neither dev nor optional.
 *
 * npm recomputes these from the tree every time it builds one from a lockfile, so the flags a
 * lockfile records are never trusted: `lockDepFlags` runs the walk over lockfile entries.
 */

import { linkTarget, parentLocation } from './location.ts'
import type { LockEntry } from './types.ts'

export interface DepFlags {
  dev: boolean
  optional: boolean
  devOptional: boolean
  peer: boolean
  extraneous: boolean
}

/** What the walk reads of a tree: the resolver's Node, and the installed tree `ls` / `why` build. */
export interface FlagNode<N> extends DepFlags {
  readonly isLink: boolean
  readonly target: N
  /** a Map (name → edge) or a list of edges */
  readonly edgesOut: { values(): Iterable<{ readonly type: string; readonly to: N | null | undefined }> }
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

/** An edge out of a lockfile entry: its kind and the location it resolves to, valid or not (arborist's edge.to). */
export interface LockEdge {
  name: string
  type: string
  to: string | undefined
}

export interface LockFlagGraph {
  packages: ReadonlyMap<string, LockEntry>
  /** the edges of a location: the root's from package.json, folders' from their package.json */
  edgesOut: (location: string) => readonly LockEdge[]
}

/** Each entry's flags as npm computes them for the tree the lockfile describes (links included). */
export function lockDepFlags(graph: LockFlagGraph): ReadonlyMap<string, DepFlags> {
  const nodes = new Map<string, LockFlagNode>()
  const root = new LockFlagNode('', false, graph, nodes)
  root.dev = root.optional = root.devOptional = root.peer = root.extraneous = false
  nodes.set('', root)
  for (const [location, entry] of graph.packages) {
    if (location !== '') nodes.set(location, new LockFlagNode(location, entry.link === true, graph, nodes))
  }
  clearDepFlags(root, (node) => node.owner)
  nodes.delete('')
  return nodes
}

class LockFlagNode implements FlagNode<LockFlagNode> {
  dev = true
  optional = true
  devOptional = true
  peer = true
  extraneous = true
  private edges: Array<{ type: string; to: LockFlagNode | undefined }> | undefined
  private linked: LockFlagNode | undefined
  private enclosing: LockFlagNode | null | undefined

  constructor(
    readonly location: string,
    readonly isLink: boolean,
    private readonly graph: LockFlagGraph,
    private readonly nodes: ReadonlyMap<string, LockFlagNode>,
  ) {}

  /** a link's target (itself when the lockfile lacks it) */
  get target(): LockFlagNode {
    if (this.linked === undefined) {
      const target = this.isLink ? linkTarget(this.graph.packages, this.location) : undefined
      this.linked = (target === undefined ? undefined : this.nodes.get(target)) ?? this
    }
    return this.linked
  }

  /** the node whose node_modules (or folder) holds this one */
  get owner(): LockFlagNode | null {
    if (this.enclosing === undefined) {
      const location = parentLocation(this.location)
      this.enclosing = (location === undefined ? undefined : this.nodes.get(location)) ?? null
    }
    return this.enclosing
  }

  get edgesOut(): Array<{ type: string; to: LockFlagNode | undefined }> {
    this.edges ??= this.graph.edgesOut(this.location).map((edge) => ({ type: edge.type, to: edge.to === undefined ? undefined : this.nodes.get(edge.to) }))
    return this.edges
  }
}

/** The flags npm writes into a lockfile entry: devOptional only when neither dev nor optional. */
export function sameLockFlags(entry: LockEntry, flags: DepFlags): boolean {
  return (entry.dev === true) === flags.dev
    && (entry.optional === true) === flags.optional
    && (entry.devOptional === true) === (flags.devOptional && !flags.dev && !flags.optional)
    && (entry.peer === true) === flags.peer
}

/** An entry with npm's flags in place of the ones it had. */
export function withLockFlags(entry: LockEntry, flags: DepFlags): LockEntry {
  const { dev: _dev, optional: _optional, devOptional: _devOptional, peer: _peer, extraneous: _extraneous, ...rest } = entry
  return {
    ...rest,
    ...(flags.peer && { peer: true }),
    ...(flags.dev && { dev: true }),
    ...(flags.optional && { optional: true }),
    ...(flags.devOptional && !flags.dev && !flags.optional && { devOptional: true }),
  }
}
