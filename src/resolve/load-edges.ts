/**
 * A node's dependency edges, built in arborist's order (Node#loadDeps): the project's
 * workspaces first, then peer and optional peer (unless legacyPeerDeps), prod, optional and,
 * for tops, dev. A later kind replaces an earlier edge of the same name; a workspace edge is
 * never replaced.
 */
import { Edge, type EdgeType } from './edge.ts'
import type { Node } from './node.ts'

export function loadEdges(node: Node): void {
  for (const [name, folder] of node.workspaces ?? []) new Edge({ from: node, name, type: 'workspace', spec: `file:${folder}` })
  const pkg = node.package
  const accepts = pkg.acceptDependencies ?? {}
  if (pkg.peerDependencies !== undefined && !node.legacyPeerDeps) {
    const meta = pkg.peerDependenciesMeta ?? {}
    const peers = Object.entries(pkg.peerDependencies)
    loadType(node, peers.filter(([name]) => meta[name]?.optional !== true), 'peer', accepts)
    loadType(node, peers.filter(([name]) => meta[name]?.optional === true), 'peerOptional', accepts)
  }
  loadType(node, Object.entries(pkg.dependencies ?? {}), 'prod', accepts)
  loadType(node, Object.entries(pkg.optionalDependencies ?? {}), 'optional', accepts)
  if (node.loadDevDependencies) loadType(node, Object.entries(pkg.devDependencies ?? {}), 'dev', accepts)
}

function loadType(node: Node, deps: Array<[string, string]>, type: EdgeType, accepts: Record<string, string>): void {
  for (const [name, spec] of deps) {
    if (node.edgesOut.get(name)?.type === 'workspace') continue
    new Edge({ from: node, name, type, spec, accept: accepts[name] })
  }
}
