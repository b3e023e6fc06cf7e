/**
 * Trees written as literals for the placement tests: a root with nested `node_modules`
 * children, each a package with its dependencies; and candidates built the way the resolver
 * builds them, in a virtual root beside their peers.
 */
import { Node } from '../../src/resolve/node.ts'
import type { PackageData } from '../../src/resolve/package-data.ts'
import { attachChild } from '../../src/resolve/tree-mutation.ts'

export interface NodeLiteral {
  version?: string
  /** the package name, when it differs from the folder (an alias) */
  name?: string
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  devDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, { optional?: boolean }>
  children?: Record<string, NodeLiteral>
}

const PROJECT = '/project'

function packageOf(name: string, literal: NodeLiteral): PackageData {
  const { children: _children, name: packageName, ...fields } = literal
  return { name: packageName ?? name, ...fields }
}

function integrityOf(name: string, literal: NodeLiteral): string {
  return `sha512-${literal.name ?? name}@${literal.version ?? ''}`
}

export function buildTree(literal: NodeLiteral, options: { legacyPeerDeps?: boolean } = {}): Node {
  const root = new Node({
    pkg: packageOf('root', literal),
    path: PROJECT,
    legacyPeerDeps: options.legacyPeerDeps ?? false,
    loadDevDependencies: true,
    flags: { dev: false, optional: false, devOptional: false, peer: false, extraneous: false },
  })
  addChildren(root, literal.children ?? {}, options.legacyPeerDeps ?? false)
  return root
}

function addChildren(parent: Node, children: Record<string, NodeLiteral>, legacyPeerDeps: boolean): void {
  for (const [name, literal] of Object.entries(children)) {
    const node = new Node({ name, pkg: packageOf(name, literal), integrity: integrityOf(name, literal), legacyPeerDeps })
    attachChild(node, parent)
    addChildren(node, literal.children ?? {}, legacyPeerDeps)
  }
}

/**
 * A candidate for `name` in a virtual root that stands for `source` (the node whose edge wants
 * it), with `peers` placed beside it as the resolver loads a peer set.
 */
export function candidate(source: Node, name: string, literal: NodeLiteral, peers: Record<string, NodeLiteral> = {}): Node {
  const virtualRoot = new Node({ pkg: source.package, path: source.realpath, sourceReference: source, legacyPeerDeps: false, loadDevDependencies: source.isTop })
  const dep = new Node({ name, pkg: packageOf(name, literal), integrity: integrityOf(name, literal), legacyPeerDeps: false })
  attachChild(dep, virtualRoot)
  addChildren(virtualRoot, peers, false)
  return dep
}

/** The node at a location (`node_modules/a/node_modules/b`), which must exist. */
export function at(root: Node, location: string): Node {
  const node = root.index?.inventory.get(location)
  if (node === undefined) throw new Error(`no node at ${location}`)
  return node
}

/** Every package in the tree as `location → version`. */
export function shape(root: Node): Record<string, string> {
  const result: Record<string, string> = {}
  for (const [location, node] of root.index?.inventory ?? []) if (location !== '') result[location] = node.version
  return Object.fromEntries(Object.entries(result).sort(([a], [b]) => (a < b ? -1 : 1)))
}
