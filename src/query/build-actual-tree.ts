/**
 * buildActualTree: the installed packages of a project (read from the hidden lockfile or from
 * node_modules) as arborist's loadActual makes them into a tree, in these steps:
 *   1. one node per location; a link gets the node at its target location as target;
 *   2. a package in a node_modules folder is the child of the package owning that folder; a
 *      folder outside node_modules (a workspace) hangs under the nearest enclosing node;
 *   3. edges in arborist's order (the root's workspaces, then peer, peerOptional, prod,
 *      optional, and dev for tops only), each resolved as Node's module lookup would, checked
 *      against its spec (dep-valid.ts); a node lists the edges reaching it by the location
 *      they come from, the root's first (last when the root has workspaces);
 *   4. flags by calc-dep-flags.ts: whatever no edge reaches from the root stays extraneous.
 */
import path from 'node:path'
import { calcDepFlags } from './calc-dep-flags.ts'
import { isDepValid } from './dep-valid.ts'
import type { PackageInfo } from './package-info.ts'
import type { ActualTree, EdgeError, EdgeType, TreeNode, TreeSource } from './tree-model.ts'

export interface InstalledEntry {
  package: PackageInfo
  /** a symlink: the location of the folder it points at */
  linkTarget?: string
  /** where it came from, as the hidden lockfile records it */
  resolved?: string
}

export interface ActualTreeInput {
  projectDir: string
  rootPackage: PackageInfo
  /** every installed location but the root ('' is ignored) */
  entries: ReadonlyMap<string, InstalledEntry>
  /** the root's workspaces: package name → location */
  workspaces: ReadonlyMap<string, string>
  source: TreeSource
}

interface MutableEdge {
  type: EdgeType
  name: string
  spec: string
  accept: string | undefined
  from: MutableNode
  to: MutableNode | undefined
  error: EdgeError | undefined
}

interface MutableNode {
  name: string
  location: string
  path: string
  realpath: string
  package: PackageInfo
  resolved: string | undefined
  isLink: boolean
  target: MutableNode
  parent: MutableNode | undefined
  fsParent: MutableNode | undefined
  children: Map<string, MutableNode>
  edgesOut: Map<string, MutableEdge>
  edgesIn: MutableEdge[]
  linksIn: MutableNode[]
  dev: boolean
  optional: boolean
  devOptional: boolean
  peer: boolean
  extraneous: boolean
}

const compareLocations = new Intl.Collator('en').compare

export function buildActualTree(input: ActualTreeInput): ActualTree {
  const { projectDir } = input
  const root = createNode({ name: path.basename(projectDir), location: '', path: projectDir, info: input.rootPackage })
  const inventory = new Map<string, MutableNode>([['', root]])
  const locations = [...input.entries.keys()].filter((location) => location !== '').sort(compareLocations)
  for (const location of locations) {
    const entry = input.entries.get(location) as InstalledEntry
    if (entry.linkTarget !== undefined) continue
    inventory.set(location, createNode({ name: folderName(location), location, path: path.join(projectDir, location), info: entry.package, resolved: entry.resolved }))
  }
  for (const location of locations) {
    const entry = input.entries.get(location) as InstalledEntry
    if (entry.linkTarget === undefined) continue
    const target = inventory.get(entry.linkTarget) ?? createNode({
      name: folderName(entry.linkTarget),
      location: entry.linkTarget,
      path: path.join(projectDir, entry.linkTarget),
      info: entry.package,
    })
    inventory.set(target.location, target)
    const link = createNode({ name: folderName(location), location, path: path.join(projectDir, location), info: target.package, target })
    target.linksIn.push(link)
    inventory.set(location, link)
  }
  const placed = placeNodes(inventory)
  for (const node of placed) if (!node.isLink) loadEdges(node, root, input.workspaces, projectDir)
  // npm sets a root's workspaces once the tree is loaded, which makes all of the root's edges
  // anew: with workspaces, the root comes last among the edges that reach a node
  const resolveOrder = input.workspaces.size > 0 ? [...placed.slice(1), root] : placed
  for (const node of resolveOrder) for (const edge of node.edgesOut.values()) resolveEdge(edge)
  calcDepFlags(root)
  return { root, inventory: new Map(placed.map((node) => [node.location, node])), source: input.source }
}

function createNode(options: { name: string; location: string; path: string; info: PackageInfo; resolved?: string | undefined; target?: MutableNode }): MutableNode {
  const node: MutableNode = {
    name: options.name,
    location: options.location,
    path: options.path,
    realpath: options.target?.path ?? options.path,
    package: options.info,
    resolved: options.target === undefined ? options.resolved : linkResolved(options.path, options.target.path),
    isLink: options.target !== undefined,
    target: options.target as MutableNode,
    parent: undefined,
    fsParent: undefined,
    children: new Map(),
    edgesOut: new Map(),
    edgesIn: [],
    linksIn: [],
    dev: options.location !== '',
    optional: options.location !== '',
    devOptional: options.location !== '',
    peer: options.location !== '',
    extraneous: options.location !== '',
  }
  if (options.target === undefined) node.target = node
  return node
}

/** A link always resolves to the relative path of its target, from the folder holding it. */
function linkResolved(linkPath: string, targetPath: string): string {
  return `file:${path.relative(path.dirname(linkPath), targetPath).replaceAll('\\', '/')}`
}

function folderName(location: string): string {
  const index = location.lastIndexOf('node_modules/')
  if (index !== -1) return location.slice(index + 'node_modules/'.length)
  const base = path.posix.basename(location)
  const scope = path.posix.basename(path.posix.dirname(location))
  return scope.startsWith('@') ? `${scope}/${base}` : base
}

/**
 * Parents and fsParents; a package whose node_modules owner is missing or is a link is left
 * out, as npm's walk could not have reached it. Owners come before what they hold in the
 * inventory's order. Returns the nodes kept, the root first.
 */
function placeNodes(inventory: Map<string, MutableNode>): MutableNode[] {
  const placed: MutableNode[] = []
  const isPlaced = new Set<MutableNode>()
  for (const node of inventory.values()) {
    const owner = node.location === '' ? undefined : ownerLocation(node.location)
    if (owner !== undefined) {
      const parent = inventory.get(owner)
      if (parent === undefined || parent.isLink || !isPlaced.has(parent)) continue
      node.parent = parent
      parent.children.set(node.name, node)
    } else if (node.location !== '') {
      node.fsParent = enclosingNode(node.location, inventory)
    }
    placed.push(node)
    isPlaced.add(node)
  }
  return placed
}

/** The location whose node_modules folder holds `location`, or undefined for folders outside node_modules. */
function ownerLocation(location: string): string | undefined {
  const index = location.lastIndexOf('node_modules/')
  if (index === -1) return undefined
  return index === 0 ? '' : location.slice(0, index - 1)
}

function enclosingNode(location: string, inventory: Map<string, MutableNode>): MutableNode | undefined {
  if (location === '..' || location.startsWith('../') || path.posix.isAbsolute(location)) return undefined
  for (let dir = path.posix.dirname(location); dir !== '.' && dir !== '/'; dir = path.posix.dirname(dir)) {
    const found = inventory.get(dir)
    if (found !== undefined && !found.isLink) return found
  }
  return inventory.get('')
}

function loadEdges(node: MutableNode, root: MutableNode, workspaces: ReadonlyMap<string, string>, projectDir: string): void {
  const info = node.package
  const add = (type: EdgeType, deps: Readonly<Record<string, string>>) => {
    for (const [name, spec] of Object.entries(deps)) {
      if (node.edgesOut.get(name)?.type === 'workspace') continue
      node.edgesOut.delete(name)
      node.edgesOut.set(name, { type, name, spec, accept: acceptOf(info, name), from: node, to: undefined, error: undefined })
    }
  }
  if (node === root) {
    add('workspace', Object.fromEntries([...workspaces].map(([name, location]) => [name, `file:${path.join(projectDir, location)}`])))
  }
  const peers: Record<string, string> = {}
  const optionalPeers: Record<string, string> = {}
  for (const [name, spec] of Object.entries(info.peerDependencies)) {
    if (info.peerDependenciesMeta[name]?.optional) optionalPeers[name] = spec
    else peers[name] = spec
  }
  add('peer', peers)
  add('peerOptional', optionalPeers)
  add('prod', info.dependencies)
  add('optional', info.optionalDependencies)
  if (node.parent === undefined) add('dev', info.devDependencies)
}

function acceptOf(info: PackageInfo, name: string): string | undefined {
  return Object.hasOwn(info.acceptDependencies, name) ? info.acceptDependencies[name] : undefined
}

function resolveEdge(edge: MutableEdge): void {
  let to: MutableNode | undefined
  for (let scope: MutableNode | undefined = edge.from; scope !== undefined && to === undefined; scope = scope.parent ?? scope.fsParent) {
    to = scope.children.get(edge.name)
  }
  edge.to = to
  edge.error = edgeError(edge, to)
  to?.edgesIn.push(edge)
}

function edgeError(edge: MutableEdge, to: MutableNode | undefined): EdgeError | undefined {
  if (to === undefined) return edge.type === 'optional' || edge.type === 'peerOptional' ? undefined : 'MISSING'
  const peer = edge.type === 'peer' || edge.type === 'peerOptional'
  if (peer && edge.from === to.parent && edge.from.parent !== undefined) return 'PEER LOCAL'
  if (!isDepValid(to as TreeNode, edge.spec, edge.from as TreeNode)) {
    if (edge.accept === undefined || !isDepValid(to as TreeNode, edge.accept || '*', edge.from as TreeNode)) return 'INVALID'
  }
  return undefined
}
