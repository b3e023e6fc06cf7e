/**
 * buildActualTree: the installed packages of a project (read from the hidden lockfile or from
 * node_modules) as arborist's loadActual makes them into a tree, in these steps:
 *   1. one node per location; a link gets the node at its target location as target;
 *   2. nodes join the tree in the order npm loads them (the hidden lockfile's order with links
 *      last, or a walk of node_modules level by level, a link's folder right after the link),
 *      each in its owner's node_modules or under the folder enclosing it (tree-growth.ts);
 *   3. each gets its edges in arborist's order (peer, peerOptional, prod, optional, and dev for
 *      tops only), resolved as Node's module lookup would; once the tree is whole the root's
 *      edges are made anew with its workspaces, then every edge is checked (dep-valid.ts);
 *   4. the root's overrides (override-rules.ts) change what edges want, and mark the nodes
 *      they set to an exact version;
 *   5. flags by the resolver's walk (resolve/calc-dep-flags.ts): whatever no edge reaches from the root stays extraneous.
 */
import path from 'node:path'
import { clearDepFlags } from '../resolve/index.ts'
import { isDepValid } from '../spec/index.ts'
import { createNode, folderName, type MutableEdge, type MutableNode } from './mutable-tree.ts'
import { readOverrideRules, type OverrideRules } from './override-rules.ts'
import type { PackageInfo } from './package-info.ts'
import { createTreeGrowth, ownerLocation } from './tree-growth.ts'
import { isInBundle, type ActualTree, type EdgeError, type EdgeType, type TreeNode, type TreeSource } from './tree-model.ts'

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
  /** every installed location but the root ('' is ignored), in the order they were read */
  entries: ReadonlyMap<string, InstalledEntry>
  /** the root's workspaces: package name → location */
  workspaces: ReadonlyMap<string, string>
  source: TreeSource
  /** leave peer dependencies out, as npm 4-6 did (npm ls ignores the setting, explain and outdated follow it) */
  legacyPeerDeps?: boolean
}

const compareLocations = new Intl.Collator('en').compare

export function buildActualTree(input: ActualTreeInput): ActualTree {
  const { projectDir } = input
  const root = createNode({ name: path.basename(projectDir), location: '', path: projectDir, info: input.rootPackage })
  const nodes = createNodes(input)
  const growth = createTreeGrowth(root)
  const context: EdgeContext = { root, workspaces: new Map(), projectDir, rules: readOverrideRules(input.rootPackage), legacyPeerDeps: input.legacyPeerDeps === true }
  growth.attachEdges(root, loadEdges(root, context))
  for (const node of loadOrder(input.source, nodes)) {
    if (growth.add(node) && !node.isLink) growth.attachEdges(node, loadEdges(node, context))
  }
  if (input.workspaces.size > 0) {
    growth.detachEdges(root)
    growth.attachEdges(root, loadEdges(root, { ...context, workspaces: input.workspaces }))
  }
  for (const node of growth.placed.values()) {
    for (const edge of node.edgesOut.values()) edge.error = edgeError(edge)
    node.overridden = node.edgesIn.some((edge) => edge.rule !== undefined && edge.rule.value === node.package.version)
  }
  // every flag starts set on every node but the root (arborist's loadActual)
  clearDepFlags(root, (node) => node.parent ?? node.fsParent)
  return { root, inventory: growth.placed, source: input.source }
}

/** A node per entry, in the entries' order; a link gets its target (made for it when not listed). */
function createNodes(input: ActualTreeInput): Map<string, MutableNode> {
  const nodes = new Map<string, MutableNode>()
  const at = (location: string) => path.join(input.projectDir, location)
  for (const [location, entry] of input.entries) {
    if (location === '' || entry.linkTarget !== undefined) continue
    nodes.set(location, createNode({ name: folderName(location), location, path: at(location), info: entry.package, resolved: entry.resolved }))
  }
  for (const [location, entry] of input.entries) {
    if (location === '' || entry.linkTarget === undefined) continue
    const target = nodes.get(entry.linkTarget) ?? createNode({ name: folderName(entry.linkTarget), location: entry.linkTarget, path: at(entry.linkTarget), info: entry.package })
    if (!nodes.has(target.location)) nodes.set(target.location, target)
    const link = createNode({ name: folderName(location), location, path: at(location), info: target.package, target })
    target.linksIn.push(link)
    nodes.set(location, link)
  }
  return nodes
}

/**
 * The order npm adds nodes to its tree: from the hidden lockfile, its entries as listed,
 * links after every package; from node_modules, level by level (each folder's packages by
 * name; npm's own order there is that of parallel reads), a link's folder right after the
 * link, folders nothing links to last.
 */
function loadOrder(source: TreeSource, nodes: ReadonlyMap<string, MutableNode>): MutableNode[] {
  const all = [...nodes.values()]
  if (source === 'hidden lockfile') return [...all.filter((node) => !node.isLink), ...all.filter((node) => node.isLink)]
  const held = new Map<string, MutableNode[]>()
  for (const node of all) {
    const owner = ownerLocation(node.location)
    if (owner !== undefined) held.set(owner, [...(held.get(owner) ?? []), node])
  }
  const ordered: MutableNode[] = []
  const listed = new Set<MutableNode>()
  const queue: string[] = ['']
  const list = (node: MutableNode) => {
    if (listed.has(node)) return
    listed.add(node)
    ordered.push(node)
    queue.push(node.location)
  }
  for (let owner = queue.shift(); owner !== undefined; owner = queue.shift()) {
    for (const node of (held.get(owner) ?? []).sort((a, b) => compareLocations(a.location, b.location))) {
      list(node)
      if (node.isLink && ownerLocation(node.target.location) === undefined) list(node.target)
    }
  }
  for (const node of all.sort((a, b) => compareLocations(a.location, b.location))) list(node)
  return ordered
}

interface EdgeContext {
  root: MutableNode
  workspaces: ReadonlyMap<string, string>
  projectDir: string
  rules: OverrideRules
  legacyPeerDeps: boolean
}

/** A node's edges in arborist's order: the root's workspaces, peer, peerOptional, prod, optional, and dev for tops; a later kind replaces an earlier one of the same name. */
function loadEdges(node: MutableNode, context: EdgeContext): MutableEdge[] {
  const info = node.package
  const edges = new Map<string, MutableEdge>()
  const add = (type: EdgeType, deps: Readonly<Record<string, string>>) => {
    for (const [name, rawSpec] of Object.entries(deps)) {
      if (edges.get(name)?.type === 'workspace') continue
      const rule = type === 'workspace' ? undefined : context.rules(name, rawSpec)
      const spec = rule !== undefined && rule.value !== '*' ? rule.value : rawSpec
      edges.delete(name)
      edges.set(name, { type, name, spec, rawSpec, rule, accept: acceptOf(info, name), from: node, to: undefined, error: undefined })
    }
  }
  if (node === context.root) {
    add('workspace', Object.fromEntries([...context.workspaces].map(([name, location]) => [name, `file:${path.join(context.projectDir, location)}`])))
  }
  if (!context.legacyPeerDeps) {
    const peers: Record<string, string> = {}
    const optionalPeers: Record<string, string> = {}
    for (const [name, spec] of Object.entries(info.peerDependencies)) {
      if (info.peerDependenciesMeta[name]?.optional) optionalPeers[name] = spec
      else peers[name] = spec
    }
    add('peer', peers)
    add('peerOptional', optionalPeers)
  }
  add('prod', info.dependencies)
  add('optional', info.optionalDependencies)
  if (node.parent === undefined) add('dev', info.devDependencies)
  return [...edges.values()]
}

function acceptOf(info: PackageInfo, name: string): string | undefined {
  return Object.hasOwn(info.acceptDependencies, name) ? info.acceptDependencies[name] : undefined
}

function edgeError(edge: MutableEdge): EdgeError | undefined {
  const to = edge.to
  if (to === undefined) return edge.type === 'optional' || edge.type === 'peerOptional' ? undefined : 'MISSING'
  const peer = edge.type === 'peer' || edge.type === 'peerOptional'
  if (peer && edge.from === to.parent && edge.from.parent !== undefined) return 'PEER LOCAL'
  return isSatisfied(edge, to) ? undefined : 'INVALID'
}

/**
 * Edge.satisfiedBy: the spec (or the accepted one); under an override, also the written spec
 * when the rule's range does not cover the version. Bundled packages keep their written spec.
 */
function isSatisfied(edge: MutableEdge, to: MutableNode): boolean {
  const valid = (spec: string) => isDepValid(to, spec, edge.accept, { fromPath: edge.from.realpath })
  if (edge.rule === undefined) return valid(edge.spec)
  if (isInBundle(to as TreeNode)) return valid(edge.rawSpec)
  if (valid(edge.spec)) return true
  return valid(edge.rawSpec) && !valid(edge.rule.keySpec)
}
