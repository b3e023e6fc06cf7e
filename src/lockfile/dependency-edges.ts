/**
 * A package's dependency edges, one a name, built in arborist's order (Node#loadDeps): a
 * project root's workspaces first (never replaced), then peer and optional peer (unless
 * legacyPeerDeps), prod, optional and, for top packages (root, workspaces, folders), dev; a
 * later kind replaces an earlier one of the same name.
 */
import { dependencyMap } from './manifest.ts'
import { isObject } from './parse-lock-entry.ts'

export type EdgeType = 'prod' | 'dev' | 'optional' | 'peer' | 'peerOptional' | 'workspace'

export interface Edge {
  name: string
  rawSpec: string
  type: EdgeType
  /** acceptDependencies: a second spec the installed package may satisfy instead */
  accept?: string
}

export interface EdgeOptions {
  top: boolean
  legacyPeerDeps: boolean
  /** workspace name → folder, for the project root */
  workspaces?: ReadonlyMap<string, string>
}

export function dependencyEdges(manifest: Record<string, unknown>, { top, legacyPeerDeps, workspaces }: EdgeOptions): Map<string, Edge> {
  const edges = new Map<string, Edge>()
  for (const [name, folder] of workspaces ?? []) edges.set(name, { name, rawSpec: `file:${folder}`, type: 'workspace' })
  const accepts = dependencyMap(manifest, 'acceptDependencies')
  const add = (deps: [string, string][], type: EdgeType) => {
    for (const [name, rawSpec] of deps) {
      if (edges.get(name)?.type === 'workspace') continue
      const accept = accepts[name]
      edges.set(name, { name, rawSpec, type, ...(accept !== undefined && { accept }) })
    }
  }
  if (!legacyPeerDeps) {
    const meta = isObject(manifest.peerDependenciesMeta) ? manifest.peerDependenciesMeta : {}
    const peers = Object.entries(dependencyMap(manifest, 'peerDependencies'))
    const isOptional = ([name]: [string, string]) => isObject(meta[name]) && meta[name].optional === true
    add(peers.filter((peer) => !isOptional(peer)), 'peer')
    add(peers.filter(isOptional), 'peerOptional')
  }
  add(Object.entries(dependencyMap(manifest, 'dependencies')), 'prod')
  add(Object.entries(dependencyMap(manifest, 'optionalDependencies')), 'optional')
  if (top) add(Object.entries(dependencyMap(manifest, 'devDependencies')), 'dev')
  return edges
}

export function isPeerEdge(edge: Edge): boolean {
  return edge.type === 'peer' || edge.type === 'peerOptional'
}
