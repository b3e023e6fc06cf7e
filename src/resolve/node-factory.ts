/**
 * Making nodes from specs (arborist's #nodeFromSpec and #failureNode), and what follows once a
 * node is placed in the real tree: the install may start fetching it, its dependencies are
 * prefetched, the lockfile-only fields are requested, and a package that bundles
 * dependencies gets them from its tarball.
 *
 * A folder spec becomes a link to a target node at that folder; a workspace name that the
 * workspace satisfies becomes a link to the workspace; anything else is fetched (a failure
 * becomes a node that carries the error, dropped later if it is optional).
 */
import path from 'node:path'
import { SkiffError } from '../error/index.ts'
import { parsedSpec, type Spec } from '../spec/index.ts'
import type { Edge } from './edge.ts'
import type { BuilderContext } from './ideal-tree-builder.ts'
import { parseLockfile } from '../lockfile/index.ts'
import { loadLockedTree } from './load-baseline.ts'
import { mergeExtras } from './manifest-extras.ts'
import { Node } from './node.ts'
import { normalizePackage, type PackageData } from './package-data.ts'
import { attachChild, attachFolder } from './tree-mutation.ts'
import type { ManifestExtras } from './types.ts'

export interface NodeFactory {
  /** a node for `name@rawSpec`, attached under `parent` (a virtual root) */
  nodeFromSpec(name: string, rawSpec: string, where: string, parent: Node, edge: Edge): Promise<Node>
  /** a node was placed in the real tree */
  placed(node: Node): void
  /**
   * Before a placed package's dependencies are walked: merge what its full document adds
   * (its bundle list may be there only), then put its bundled dependencies, or the tree its
   * npm-shrinkwrap.json locks, under it.
   */
  prepare(node: Node): Promise<void>
  /** the lockfile-only fields of every placed registry package, once all are in */
  extras(): Promise<Map<string, ManifestExtras>>
}

/** Who asks for an edge's package, as errors name it: the package (or the virtual root's original) it goes out of. */
export function requiredByOf(edge: Edge): string {
  const from = edge.from?.sourceReference ?? edge.from
  return from === null || from === undefined || from.isProjectRoot ? 'the root project' : `${from.packageName ?? from.name}@${from.version}`
}

export function createNodeFactory(context: BuilderContext, loadFailures: Set<Node>, linkNodes: Set<Node>): NodeFactory {
  const { io, options, source, root } = context
  const resolvedSeen = new Set<string>()
  const extras = new Map<string, Promise<ManifestExtras | undefined>>()
  const opened = new Set<Node>()

  function newNode(name: string, pkg: PackageData, parent: Node, error?: unknown): Node {
    const node = new Node({
      name,
      pkg,
      resolved: typeof pkg._resolved === 'string' ? pkg._resolved : null,
      legacyPeerDeps: options.legacyPeerDeps,
      ...(error === undefined ? {} : { error }),
    })
    attachChild(node, parent)
    return node
  }

  function failureNode(name: string, parent: Node, error: unknown): Node {
    const node = newNode(name, {}, parent, error)
    loadFailures.add(node)
    return node
  }

  async function linkNode(name: string, folder: string, parent: Node): Promise<Node> {
    const manifest = io.readFolderManifest === undefined ? {} : await io.readFolderManifest(folder).catch(() => ({}))
    const pkg = folderPackage(manifest)
    const target = new Node({ name, pkg, path: folder, legacyPeerDeps: options.legacyPeerDeps, loadDevDependencies: true })
    attachFolder(target, parent.root)
    const link = new Node({ name, pkg, target, legacyPeerDeps: options.legacyPeerDeps })
    attachChild(link, parent)
    linkNodes.add(link)
    return link
  }

  async function nodeFromSpec(name: string, rawSpec: string, where: string, parent: Node, edge: Edge): Promise<Node> {
    let spec: Spec
    try {
      spec = parsedSpec(name, rawSpec, where)
    } catch (error) {
      return failureNode(name, parent, error)
    }
    if (spec.type === 'directory') return linkNode(name, spec.path, parent)
    const workspace = root.workspaces?.has(name) ? root.edgesOut.get(name)?.to : undefined
    if (workspace?.isWorkspace && workspace.satisfies(edge)) {
      const link = new Node({ name, pkg: workspace.package, target: workspace.target, legacyPeerDeps: options.legacyPeerDeps })
      attachChild(link, parent)
      return link
    }
    try {
      const pkg = await source.fetchManifest(spec, requiredByOf(edge))
      if (!pkg.version && isRegistry(spec)) {
        return failureNode(name, parent, new SkiffError('EBADPACKUMENT', `incomplete manifest for ${name}: no version`, { pkg: name }))
      }
      return newNode(name, pkg, parent)
    } catch (error) {
      return failureNode(name, parent, error)
    }
  }

  function placed(node: Node): void {
    if (node.isLink || node.errors.length > 0) return
    const { resolved } = node
    const name = node.packageName ?? node.name
    if (resolved === null || resolvedSeen.has(resolved)) return
    resolvedSeen.add(resolved)
    source.prefetchDependencies(node.package, false)
    io.onResolved?.({ name, version: node.version, resolved, integrity: node.integrity })
    const key = `${name}@${node.version}`
    if (io.getManifestExtras !== undefined && /^https?:/.test(resolved) && !extras.has(key)) {
      extras.set(key, io.getManifestExtras(name, node.version).catch(() => undefined))
    }
  }

  async function prepare(node: Node): Promise<void> {
    const pending = extras.get(`${node.packageName ?? node.name}@${node.version}`)
    const found = pending === undefined ? undefined : await pending
    if (found !== undefined) mergeExtras(node, found)
    await openTarball(node)
  }

  /** A package's tarball, opened when it bundles dependencies or ships a shrinkwrap (npm's --package-lock-only "crack open"). */
  async function openTarball(node: Node): Promise<void> {
    const bundle = node.package.bundleDependencies
    const hasBundle = !node.isProjectRoot && !node.isWorkspace && (bundle?.length ?? 0) > 0
    if (!hasBundle && !node.hasShrinkwrap) return
    if (node.isProjectRoot || node.resolved === null || node.inert || opened.has(node) || io.readTarball === undefined) return
    opened.add(node)
    // a git dependency's packed files are read from its `resolved` URL too (the store has them)
    const fromUrl = /^(?:https?|git(?:\+[a-z]+)?):/i.test(node.resolved)
    const id = `${node.packageName ?? node.name}@${node.version}`
    const contents = await io.readTarball({
      ...(fromUrl ? { url: node.resolved } : { file: path.resolve(root.path, node.resolved.replace(/^file:/, '')) }),
      ...(node.integrity === null ? {} : { integrity: node.integrity }),
      pkg: id,
    })
    if (node.hasShrinkwrap && contents.shrinkwrap !== undefined) {
      const shrinkwrap = parseLockfile(contents.shrinkwrap, { file: `${id}/npm-shrinkwrap.json`, kind: 'npm-shrinkwrap.json', rootManifest: node.package })
      loadLockedTree(node, shrinkwrap.packages, { legacyPeerDeps: options.legacyPeerDeps })
    }
    if (!hasBundle) return
    const byDepth = [...contents.bundled].sort((a, b) => a.path.split('/node_modules/').length - b.path.split('/node_modules/').length)
    for (const { path: location, manifest } of byDepth) addBundled(node, location, manifest)
  }

  function addBundled(bundler: Node, location: string, manifest: Record<string, unknown>): void {
    const segments = location.split(/(?:^|\/)node_modules\//).filter((segment) => segment !== '')
    let parent = bundler
    for (const segment of segments.slice(0, -1)) {
      const next = parent.children.get(segment)
      if (next === undefined) return
      parent = next
    }
    const name = segments.at(-1)
    if (name === undefined) return
    attachChild(new Node({ name, pkg: folderPackage(manifest), legacyPeerDeps: options.legacyPeerDeps }), parent)
  }

  async function allExtras(): Promise<Map<string, ManifestExtras>> {
    const result = new Map<string, ManifestExtras>()
    for (const [key, promise] of extras) {
      const value = await promise
      if (value !== undefined) result.set(key, value)
    }
    return result
  }

  return { nodeFromSpec, placed, prepare, extras: allExtras }
}

/** A package.json read from disk, as npm reads it: normalised, without `_` fields. */
export function folderPackage(manifest: Record<string, unknown>): PackageData {
  const own = Object.fromEntries(Object.entries(manifest).filter(([key]) => !key.startsWith('_')))
  return normalizePackage(own)
}

function isRegistry(spec: Spec): boolean {
  return spec.type === 'version' || spec.type === 'range' || spec.type === 'tag' || spec.type === 'alias'
}
