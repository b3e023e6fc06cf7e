/**
 * The installed tree as arborist's loadActual sees it: nodes (the project root, packages in
 * node_modules folders, folders such as workspaces, and links standing for those folders),
 * their dependency edges and what each edge found. Read-only commands walk it; nothing here
 * changes a disk.
 */
import type { DepFlags } from '../resolve/index.ts'
import type { DepNode } from '../spec/index.ts'
import type { PackageInfo } from './package-info.ts'

/** How a dependency was declared: npm's edge types. */
export type EdgeType = 'prod' | 'dev' | 'optional' | 'peer' | 'peerOptional' | 'workspace'

/**
 * Why an edge is not satisfied: nothing found (and the edge is not optional), found but
 * outside the spec, or a peer dependency placed under the package that asks for it.
 */
export type EdgeError = 'MISSING' | 'INVALID' | 'PEER LOCAL'

export interface TreeEdge {
  readonly type: EdgeType
  readonly name: string
  /** what the edge wants: the written spec, or the spec an override gives it */
  readonly spec: string
  /** the spec as the package wrote it */
  readonly rawSpec: string
  /** the package's `acceptDependencies` entry, a second spec that also satisfies the edge */
  readonly accept: string | undefined
  readonly from: TreeNode
  /** what Node's module lookup finds from `from`, a link rather than its target */
  readonly to: TreeNode | undefined
  readonly error: EdgeError | undefined
}

export type { DepFlags }

/** A node of the installed tree; dep-valid reads it as the resolver's nodes (spec's DepNode). */
export interface TreeNode extends DepFlags, DepNode {
  /** the folder name in its node_modules (an alias's name); the project root's folder name */
  readonly name: string
  /** npm's location: '' for the root, 'node_modules/a', 'packages/x' */
  readonly location: string
  readonly path: string
  /** the folder a link points at; `path` for other nodes */
  readonly realpath: string
  /** a link's package is its target's */
  readonly package: PackageInfo
  readonly version: string | undefined
  readonly packageName: string | undefined
  readonly resolved: string | undefined
  readonly isLink: boolean
  /** the node a link stands for; the node itself otherwise */
  readonly target: TreeNode
  /** the node whose node_modules folder holds this one */
  readonly parent: TreeNode | undefined
  /** for folders outside node_modules: the nearest enclosing node */
  readonly fsParent: TreeNode | undefined
  readonly children: ReadonlyMap<string, TreeNode>
  /** one edge a dependency name, in arborist's order: workspaces, peer, peerOptional, prod, optional, dev */
  readonly edgesOut: ReadonlyMap<string, TreeEdge>
  /** the edges that found this node, the root's first, then by the location they come from */
  readonly edgesIn: readonly TreeEdge[]
  readonly linksIn: readonly TreeNode[]
  /** an override set this exact version (arborist's Node.overridden) */
  readonly overridden: boolean
}

export interface ActualTree {
  readonly root: TreeNode
  /** every node by location, links and their targets alike, in the order npm adds them to its tree */
  readonly inventory: ReadonlyMap<string, TreeNode>
  /** where the packages were read: npm lists a link's folder after the link when it walked node_modules, before it from the hidden lockfile */
  readonly source: TreeSource
  /** npm's global tree: the root is `<prefix>/lib`, listed by its path alone */
  readonly global?: boolean
}

export type TreeSource = 'node_modules' | 'hidden lockfile'

export const isOptionalEdge = (edge: TreeEdge): boolean => edge.type === 'optional' || edge.type === 'peerOptional'
export const isPeerEdge = (edge: TreeEdge): boolean => edge.type === 'peer' || edge.type === 'peerOptional'

/** A node with no node_modules parent: the root, a workspace or any other linked folder. */
export const isTop = (node: TreeNode): boolean => node.parent === undefined

/** `name@version`, as arborist's Node.pkgid: the root by its package name, an alias as `alias@npm:real@version`. */
export function pkgid(node: TreeNode, root: TreeNode): string {
  const packageName = node.package.name ?? ''
  const version = node.package.version ?? ''
  if (node === root) return `${packageName || node.name}@${version}`
  const alias = packageName !== '' && packageName !== node.name ? `npm:${packageName}@` : ''
  return `${node.name}@${alias}${version}`
}

/** A workspace of the root: its link in node_modules, or the folder the link points at. */
export function isWorkspace(node: TreeNode, root: TreeNode): boolean | null {
  if (node === root) return false
  const edge = node.package.name === undefined ? undefined : root.edgesOut.get(node.package.name)
  if (edge?.type !== 'workspace') return false
  if (edge.to === undefined) return null
  return edge.to.target === node || edge.to === node
}

/**
 * The package whose bundle ships this node, as arborist's getBundler: a parent that lists it
 * in `bundleDependencies`, or, for a dependency of a bundled package deduped to the bundling
 * level, the same bundler.
 */
export function bundlerOf(node: TreeNode, visited: TreeNode[] = []): TreeNode | undefined {
  if (visited.includes(node)) return undefined
  visited.push(node)
  const parent = node.parent
  if (parent === undefined) return undefined
  const parentBundler = bundlerOf(parent, visited)
  if (parentBundler !== undefined) return parentBundler
  if (parent.package.bundleDependencies.includes(node.name)) return parent
  for (const edge of node.edgesIn) {
    if (bundlerOf(edge.from, visited) === parent) return parent
  }
  return undefined
}

export const isInBundle = (node: TreeNode): boolean => bundlerOf(node) !== undefined
