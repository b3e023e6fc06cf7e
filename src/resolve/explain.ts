/**
 * ERESOLVE: why a peer conflict happened, in npm's words. The explanation objects follow
 * arborist's Node#explain / Edge#explain (who depends on what, up to the project), and the
 * text follows npm's explain-eresolve report: "While resolving", "Found", "Could not resolve
 * dependency", "Conflicting peer dependency", then how to get past it.
 */
import path from 'node:path'
import { SkiffError } from '../error/index.ts'
import type { CanPlaceDep } from './can-place-dep.ts'
import type { Edge } from './edge.ts'
import type { Node } from './node.ts'

export interface NodeExplanation {
  name?: string | null
  version?: string
  location?: string
  isWorkspace?: boolean
  whileInstalling?: { name?: string; version?: string; path: string }
  dependents?: EdgeExplanation[]
  linksIn?: NodeExplanation[]
}

export interface EdgeExplanation {
  type: string
  name: string
  spec: string
  rawSpec?: string
  overridden?: boolean
  bundled?: boolean
  error?: string
  from?: NodeExplanation
}

export interface Explanation {
  edge: EdgeExplanation
  dep?: NodeExplanation
  current?: NodeExplanation | null
  currentEdge?: EdgeExplanation | null
  peerConflict?: { current?: NodeExplanation | null; peer: NodeExplanation } | null
  strictPeerDeps: boolean
  force: boolean
  isMine?: boolean
}

/** What a PlaceDep knows when it gives up or warns. */
export interface PeerConflictContext {
  edge: Edge
  dep: Node
  force: boolean
  isMine: boolean
  strictPeerDeps: boolean
  /** the failing placement is a peer placed along with another dependency */
  isPeerOfPlacement: boolean
  current: Node | null
  currentEdge: Edge
  canPlaceSelf: CanPlaceDep | null
}

/**
 * A node's report, computed once and then reused whatever the edge or the path that asks
 * (arborist caches it the same way, so npm's text depends on which report came first).
 */
export function explainNode(node: Node, edge: Edge | null = null, seen: Node[] = []): NodeExplanation {
  if (node.explanation !== null) return node.explanation as NodeExplanation
  const explanation = computeNodeExplanation(node, edge, seen)
  node.explanation = explanation
  return explanation
}

function computeNodeExplanation(node: Node, edge: Edge | null, seen: Node[]): NodeExplanation {
  if (node.isProjectRoot && node.sourceReference === null) return { location: node.path }
  const why: NodeExplanation = { name: node.isProjectRoot || node.isTop ? node.packageName : node.name, version: node.version }
  if (node.root.sourceReference !== null) {
    const { name, version } = node.root.package
    why.whileInstalling = { ...(name === undefined ? {} : { name }), ...(version === undefined ? {} : { version }), path: node.root.sourceReference.path }
  }
  if (node.sourceReference !== null) return explainNode(node.sourceReference, edge, seen)
  if (seen.includes(node)) return why
  why.location = node.location
  why.isWorkspace = node.isWorkspace
  const nextSeen = [...seen, node]
  const edges = edge !== null ? [edge] : [...node.edgesIn].filter((edgeIn) => edgeIn.valid || edgeIn.from?.isProjectRoot)
  why.dependents = edges.map((edgeIn) => explainEdge(edgeIn, nextSeen))
  // links in other trees (a virtual root's copy, a replaced link) are not links to this node any more
  const linksIn = [...node.linksIn].filter((link) => link.root === node.root && link.target === node)
  if (linksIn.length > 0) why.linksIn = linksIn.map((link) => computeNodeExplanation(link, edge, nextSeen))
  return why
}

export function explainEdge(edge: Edge, seen: Node[] = []): EdgeExplanation {
  if (edge.explanation !== null) return edge.explanation as EdgeExplanation
  const explanation: EdgeExplanation = { type: edge.type, name: edge.name, spec: edge.spec }
  if (edge.rawSpec !== edge.spec) {
    explanation.rawSpec = edge.rawSpec
    explanation.overridden = true
  }
  if (edge.bundled) explanation.bundled = true
  if (edge.error !== null) explanation.error = edge.error
  if (edge.from !== null) explanation.from = explainNode(edge.from, null, seen)
  edge.explanation = explanation
  return explanation
}

/** arborist's PlaceDep#explainPeerConflict. */
export function peerConflictExplanation(context: PeerConflictContext): Explanation {
  const { edge, dep } = context
  const currentNode = edge.from?.resolve(edge.name) ?? null
  const explanation: Explanation = {
    edge: explainEdge(edge),
    dep: explainNode(dep, edge),
    force: context.force,
    isMine: context.isMine,
    strictPeerDeps: context.strictPeerDeps,
  }
  if (context.isPeerOfPlacement) {
    explanation.current = currentNode && explainNode(currentNode, edge)
    explanation.peerConflict = context.current && { peer: explainNode(context.current, context.currentEdge) }
    return explanation
  }
  explanation.current = currentNode && explainNode(currentNode)
  const self = context.canPlaceSelf
  if (self !== null && self.canPlaceSelf !== 'CONFLICT') {
    const peer = self.conflictChildren.find((child) => child.current !== undefined)
    if (peer?.current !== undefined) explanation.peerConflict = { current: explainNode(peer.current), peer: explainNode(peer.dep, peer.edge) }
  } else {
    explanation.peerConflict = { current: context.current && explainNode(context.current), peer: explainNode(dep, edge) }
  }
  return explanation
}

export function explainPeerConflict(context: PeerConflictContext): { explanation: Explanation; error: SkiffError } {
  const explanation = peerConflictExplanation(context)
  return { explanation, error: eresolveError('could not resolve', explanation) }
}

export function eresolveError(message: string, explanation: Explanation): SkiffError {
  return new SkiffError('ERESOLVE', message, { lines: formatExplanation(explanation, 4).split('\n'), hint: fixHint(explanation) })
}

/** npm's explain-eresolve text at a given depth. */
export function formatExplanation(explanation: Explanation, depth: number): string {
  const { edge, dep, current, peerConflict, currentEdge } = explanation
  const out: string[] = []
  const whileInstalling = dep?.whileInstalling ?? current?.whileInstalling ?? edge.from?.whileInstalling
  if (whileInstalling !== undefined) out.push(`While resolving: ${whileInstalling.name}@${whileInstalling.version}`)
  if (current) out.push(`Found: ${formatNode(current, depth, new Set())}`)
  else if (peerConflict?.current) out.push(`Found: ${formatNode(peerConflict.current, depth, new Set())}`)
  else if (currentEdge) out.push(`Found: ${formatEdge(currentEdge, depth, new Set())}`)
  else out.push(`Found: ${formatEdge(edge, depth, new Set())}`)
  out.push(`\nCould not resolve dependency:\n${formatEdge(edge, depth, new Set())}`)
  if (peerConflict) out.push(`\nConflicting peer dependency: ${formatNode(peerConflict.peer, depth, new Set())}`)
  return out.join('\n')
}

export function fixHint(explanation: Pick<Explanation, 'strictPeerDeps'>): string {
  const flags = [...(explanation.strictPeerDeps ? ['--no-strict-peer-deps'] : []), '--force', '--legacy-peer-deps']
  const joined = flags.length <= 2 ? flags.join(' or ') : flags.map((flag, index) => (index + 1 === flags.length ? `or ${flag}` : flag)).join(', ')
  return `Fix the upstream dependency conflict, or retry this command with ${joined} to accept an incorrect (and potentially broken) dependency resolution.`
}

function printNode(node: NodeExplanation): string {
  return `${node.name}@${node.version}${node.location ? `\n${node.location}` : ''}`
}

function formatNode(node: NodeExplanation, depth: number, seen: Set<string>): string {
  return printNode(node) + formatDependents(node, depth, seen) + formatLinksIn(node, depth, seen)
}

function formatLinksIn(node: NodeExplanation, depth: number, seen: Set<string>): string {
  if (!node.linksIn?.length || depth <= 0) return ''
  const text = `\n${node.linksIn.map((link) => formatNode(link, depth - 1, seen)).join('\n')}`
  return text.split('\n').join('\n  ')
}

function formatDependents(node: NodeExplanation, depth: number, seen: Set<string>): string {
  const dependents = node.dependents
  if (!dependents?.length || depth <= 0) return ''
  const max = Math.ceil(depth / 2)
  const messages = dependents.slice(0, max).map((edge) => formatEdge(edge, depth, seen))
  if (dependents.length > max) {
    let length = 0
    const names: string[] = []
    for (let index = max; index < dependents.length; index++) {
      const name = dependents[index]?.from?.name ?? 'the root project'
      length += name.length
      if (length >= 50 && index < dependents.length - 1) {
        names.push('...')
        break
      }
      names.push(name)
    }
    messages.push(`${dependents.length - max} more (${names.join(', ')})`)
  }
  return `\n${messages.join('\n')}`.split('\n').join('\n  ')
}

function formatEdge(edge: EdgeExplanation, depth: number, seen: Set<string>): string {
  const from = edge.from ?? {}
  let dep = edge.type === 'workspace' ? path.relative(from.location ?? '', edge.spec.slice('file:'.length)) : `${edge.name}@"${edge.spec}"`
  if (edge.overridden) dep = `overridden ${dep} (was "${edge.rawSpec}")`
  const type = edge.type === 'prod' ? '' : `${edge.type} `
  return `${type}${edge.bundled ? 'bundled ' : ''}${dep} from ${formatFrom(from, depth, seen)}`
}

function formatFrom(from: NodeExplanation, depth: number, seen: Set<string>): string {
  if (!from.name && !from.version) return 'the root project'
  const id = `${from.name}@${from.version}:${from.location}`
  if (seen.has(id)) return printNode(from)
  seen.add(id)
  const text = printNode(from) + formatDependents(from, depth - 1, seen) + formatLinksIn(from, depth - 1, seen)
  seen.delete(id)
  return text
}
