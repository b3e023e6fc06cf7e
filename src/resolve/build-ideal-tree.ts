/**
 * buildIdealTree: the tree npm would install for a project, as arborist's buildIdealTree does
 * it for `npm install`:
 *   1. the root from package.json (workspaces linked), and the lockfile's tree if there is one;
 *   2. user requests: added and removed dependencies, names to update;
 *   3. the dependency walk (ideal-tree-builder.ts) from every node with a problem edge;
 *   4. dev / optional / peer flags; with a lockfile, what nothing needs any more is pruned;
 *   5. failed optional dependencies are marked inert (a failed required one is the error);
 *   6. platforms of required packages are checked (EBADPLATFORM), and optional packages for
 *      another platform or engine are marked inert (still locked); the engines of required
 *      packages are the caller's to check on the lockfile made of the tree.
 */
import path from 'node:path'
import { isSkiffError, SkiffError } from '../error/index.ts'
import { isEngineCompatible, isPlatformCompatible, type Platform } from '../link/index.ts'
import type { Lockfile } from '../lockfile/index.ts'
import { addDependencies, type AddRequest, removeDependencies } from './add-remove-deps.ts'
import { calcDepFlags, resetDepFlags } from './calc-dep-flags.ts'
import { optionalSet } from './dep-sets.ts'
import type { Edge } from './edge.ts'
import { IdealTreeBuilder } from './ideal-tree-builder.ts'
import { loadBaseline } from './load-baseline.ts'
import { depValid } from './dep-valid.ts'
import { createManifestSource, type IsSettled, type ManifestSource } from './manifest-source.ts'
import { Node } from './node.ts'
import { folderPackage } from './node-factory.ts'
import { OverrideSet, parsedSpec, type Spec } from '../spec/index.ts'
import { mergeExtras } from './manifest-extras.ts'
import type { PackageData } from './package-data.ts'
import { attachFolder, removeNode } from './tree-mutation.ts'
import type { BuildIdealTreeInput, ManifestExtras, ResolvedPackage } from './types.ts'

export interface IdealTree {
  /** the project; `root.index.inventory` holds every node by location */
  root: Node
  projectDir: string
  /** package.json as given */
  rootManifest: Record<string, unknown>
  /** the user's requests, with the names of unnamed specs (tarballs, folders) filled in from their manifests */
  requests: { add: AddRequest[]; remove: string[] }
  /**
   * Locations npm locks but does not install: optional packages for another platform or
   * engine, and optional sets that failed to resolve.
   */
  inert: ReadonlySet<string>
  /** the lockfile the tree started from: its file, kind and version are kept when it is written again */
  baseline?: Pick<Lockfile, 'file' | 'kind' | 'lockfileVersion'>
}

export async function buildIdealTree(input: BuildIdealTreeInput): Promise<IdealTree> {
  const { options } = input
  const updateAll = input.update?.all === true
  const updateNames = updateAll ? [] : input.update?.names ?? []
  // with a lockfile as the starting tree, only what it cannot give is prefetched (known once it is loaded)
  let isSettled: IsSettled = () => false
  // the manifest source tells of a version when it picks it, placement when it places it: once
  const io: BuildIdealTreeInput = input.onResolved === undefined ? input : { ...input, onResolved: oncePerPackage(input.onResolved) }
  const source = createManifestSource(io, options, (name, rawSpec) => isSettled(name, rawSpec))
  const addRequests = await namedAddRequests(input, source)
  let pkg = folderPackage(input.rootManifest)
  if (input.remove?.length) pkg = removeDependencies(pkg, input.remove)
  if (addRequests.length > 0) pkg = addDependencies(pkg, addRequests)
  const root = createRoot(input, pkg)
  // --update-all starts from nothing, as npm resets the lockfile for it
  const fromLockfile = input.baseline !== undefined && !updateAll
  if (fromLockfile && input.baseline !== undefined) {
    loadBaseline(root, input.baseline, options.legacyPeerDeps)
    isSettled = settledInTree(root, updateNames)
  }
  addWorkspaceFolders(root, input)
  // loadVirtual computes the flags of the tree it loaded (the workspaces' package.json read from disk)
  if (fromLockfile) calcDepFlags(root)
  const explicitRequests = new Set<Edge>()
  for (const { name } of addRequests) {
    const edge = root.edgesOut.get(name)
    if (edge !== undefined) explicitRequests.add(edge)
  }
  assertRootOverrides(root)
  const builder = new IdealTreeBuilder({
    root,
    options,
    io,
    source,
    explicitRequests,
    updateNames,
    signal: input.signal,
  })
  source.prefetchDependencies(root.package, true)
  for (const workspace of root.fsChildren) source.prefetchDependencies(workspace.package, true)
  queueProblems(builder, root, updateNames)
  await builder.run()
  fixDepFlags(root, fromLockfile)
  pruneFailedOptional(builder.loadFailures)
  checkEngineAndPlatform(input, root)
  applyExtras(root, await builder.extras())
  const inert = new Set([...(root.index?.inventory.values() ?? [])].filter((node) => node.inert).map((node) => node.location))
  const started = input.baseline === undefined ? {} : { baseline: { file: input.baseline.file, kind: input.baseline.kind, lockfileVersion: input.baseline.lockfileVersion } }
  return { root, projectDir: input.projectDir, rootManifest: input.rootManifest, requests: { add: addRequests, remove: input.remove ?? [] }, inert, ...started }
}

/** `tell`, called once for each package (by its resolved URL) */
function oncePerPackage(tell: (node: ResolvedPackage) => void): (node: ResolvedPackage) => void {
  const told = new Set<string>()
  return (node) => {
    if (told.has(node.resolved)) return
    told.add(node.resolved)
    tell(node)
  }
}

/**
 * A dependency the tree already holds a satisfying package of (anywhere: where it lands is
 * decided later) is one npm will most likely not fetch; names to update always are.
 */
function settledInTree(root: Node, updateNames: readonly string[]): IsSettled {
  return (name, rawSpec) => {
    if (updateNames.includes(name)) return false
    try {
      parsedSpec(name, rawSpec || '*', root.realpath)
    } catch {
      return false
    }
    for (const node of root.index?.nodesNamed(name) ?? []) if (depValid(node, rawSpec, undefined, root)) return true
    return false
  }
}

function createRoot(input: BuildIdealTreeInput, pkg: PackageData): Node {
  const workspaces = new Map<string, string>()
  for (const [location, manifest] of input.workspaces ?? []) {
    const name = typeof manifest.name === 'string' && manifest.name !== '' ? manifest.name : path.posix.basename(location)
    workspaces.set(name, path.resolve(input.projectDir, location))
  }
  const overrides = typeof pkg.overrides === 'object' && pkg.overrides !== null && Object.keys(pkg.overrides).length > 0
    ? new OverrideSet(pkg.overrides)
    : undefined
  return new Node({
    pkg,
    path: input.projectDir,
    legacyPeerDeps: input.options.legacyPeerDeps,
    loadDevDependencies: true,
    overrides,
    workspaces,
    global: input.options.global === true,
    flags: { dev: false, optional: false, devOptional: false, peer: false, extraneous: false },
  })
}

/**
 * Workspace folders are in the tree from the start, as npm's loadActual puts them there: their
 * edges exist before their links are placed, so a placement that breaks one of them queues
 * the workspace early (npm's order of work depends on it). A folder the lockfile already
 * holds takes its package.json from disk, as npm's loadVirtual reads it for folders outside
 * node_modules: an edited workspace's new dependencies are what gets resolved.
 */
function addWorkspaceFolders(root: Node, input: BuildIdealTreeInput): void {
  for (const [location, manifest] of input.workspaces ?? []) {
    const locked = root.index?.inventory.get(location)
    if (locked !== undefined) {
      locked.package = folderPackage(manifest)
      continue
    }
    const folder = path.resolve(input.projectDir, location)
    const scope = path.basename(path.dirname(folder))
    const name = scope.startsWith('@') ? `${scope}/${path.basename(folder)}` : path.basename(folder)
    const node = new Node({ name, pkg: folderPackage(manifest), path: folder, legacyPeerDeps: input.options.legacyPeerDeps, loadDevDependencies: true })
    attachFolder(node, root)
  }
}

/** Names for requests that lack one (a tarball, a folder) and versions for tags, as npm saves them. */
async function namedAddRequests(input: BuildIdealTreeInput, source: ManifestSource): Promise<AddRequest[]> {
  const requests: AddRequest[] = []
  for (const { spec, saveType } of input.add ?? []) {
    const { name, rawSpec } = await savedAddSpec(input, source, spec)
    requests.push({ name, rawSpec, saveType })
  }
  return requests
}

async function savedAddSpec(input: BuildIdealTreeInput, source: ManifestSource, spec: Spec): Promise<{ name: string; rawSpec: string }> {
  switch (spec.type) {
    case 'directory': {
      const manifest = await input.readFolderManifest?.(spec.path)
      const name = spec.name ?? (typeof manifest?.name === 'string' ? manifest.name : path.basename(spec.path))
      return { name, rawSpec: `file:${path.relative(input.projectDir, spec.path) || '.'}` }
    }
    case 'file': {
      const pkg = spec.name === undefined ? await source.fetchManifest(spec, 'the root project') : undefined
      return { name: spec.name ?? pkg?.name ?? path.basename(spec.path), rawSpec: `file:${path.relative(input.projectDir, spec.path)}` }
    }
    case 'tag': {
      if (spec.rawSpec === '') return { name: spec.name, rawSpec: '*' }
      const pkg = await source.fetchManifest(spec, 'the root project')
      return { name: spec.name, rawSpec: pkg.version ?? spec.rawSpec }
    }
    case 'remote': {
      const pkg = spec.name === undefined ? await source.fetchManifest(spec, 'the root project') : undefined
      return { name: spec.name ?? pkg?.name ?? spec.url, rawSpec: spec.url }
    }
    case 'git':
      return { name: spec.name ?? (await source.fetchManifest(spec, 'the root project')).name ?? spec.raw, rawSpec: spec.saveSpec }
    case 'alias':
      return { name: spec.name ?? spec.subSpec.name, rawSpec: spec.rawSpec }
    case 'version':
    case 'range':
      return { name: spec.name, rawSpec: spec.rawSpec === '' ? '*' : spec.rawSpec }
  }
}

/** arborist's assertRootOverrides: an override may not change the project's own dependency. */
function assertRootOverrides(root: Node): void {
  if (root.overrides === undefined) return
  for (const edge of root.edgesOut.values()) {
    if (edge.spec !== edge.rawSpec && !edge.spec.startsWith('$')) {
      throw new SkiffError('EOVERRIDE', `Override for ${edge.name}@${edge.rawSpec} conflicts with direct dependency`, {
        pkg: edge.name,
        hint: `make the override for ${edge.name} match the version in package.json, or refer to it as "$${edge.name}"`,
      })
    }
  }
}

/** Every node with a missing or invalid edge, the project itself, and the dependents of names to update. */
function queueProblems(builder: IdealTreeBuilder, root: Node, updateNames: readonly string[]): void {
  const seen = new Set<Node>()
  const pending: Node[] = [root]
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (seen.has(node)) continue
    seen.add(node)
    for (const edge of node.edgesOut.values()) {
      if (edge.to === null || !edge.valid) builder.enqueue(node)
      if (edge.to !== null) pending.push(edge.to)
    }
  }
  for (const node of root.index?.inventory.values() ?? []) {
    if (!updateNames.includes(node.name) || node.isTop || node.inDepBundle || node.inShrinkwrap) continue
    for (const edge of node.edgesIn) if (edge.from !== null) builder.enqueue(edge.from)
  }
  builder.enqueue(root)
}

/**
 * The flags of a tree built from a lockfile are computed again, whatever the lockfile said, and
 * what ends up extraneous (nothing reaches it, or only optional peer dependencies) is pruned:
 * npm's buildIdealTree loads the lockfile with its flags suspect every time (loadVirtual with
 * a root), then prunes in fixDepFlags.
 */
function fixDepFlags(root: Node, fromLockfile: boolean): void {
  if (fromLockfile) resetDepFlags(root)
  calcDepFlags(root)
  if (!fromLockfile) return
  for (const node of [...(root.index?.inventory.values() ?? [])]) if (node.extraneous && node !== root) removeNode(node)
}

/** A failed required package is the error; a failed optional one takes its optional set with it. */
function pruneFailedOptional(failures: Set<Node>): void {
  for (const node of failures) {
    if (!node.optional) throw withRequirers(node.errors[0], node)
    for (const member of optionalSet(node)) member.inert = true
  }
}

/** A package that could not be loaded: its error, with the chain of packages that require it. */
function withRequirers(error: unknown, node: Node): unknown {
  const chain = requirerChain(node)
  if (!isSkiffError(error) || chain.length === 0) return error
  return new SkiffError(error.code, error.message, {
    ...error.details,
    lines: [...(error.details.lines ?? []), ...chain],
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    ...(error.cause === undefined ? {} : { cause: error.cause }),
  })
}

/**
 * How the project comes to need `node`, as `npm explain` tells it, nearest first:
 * `ghost@^1.0.0 from needs-ghost@1.0.0`, ..., `top@^1.0.0 from the root project` (the first
 * dependent at each step).
 */
function requirerChain(node: Node): string[] {
  const lines: string[] = []
  const seen = new Set<Node>()
  for (let current: Node | null = node; current !== null && !current.isProjectRoot && !seen.has(current) && lines.length < MAX_CHAIN; ) {
    seen.add(current)
    const edge: Edge | undefined = [...current.edgesIn][0]
    const from: Node | null = edge?.from ?? null
    if (edge === undefined || from === null) break
    const who = from.isProjectRoot ? 'the root project' : `${from.packageName ?? from.name}@${from.version}`
    lines.push(`${edge.name}@${edge.spec} from ${who}`)
    current = from
  }
  return lines
}

const MAX_CHAIN = 20

function checkEngineAndPlatform(input: BuildIdealTreeInput, root: Node): void {
  const { options } = input
  const engines = { nodeVersion: options.nodeVersion, npmVersion: options.npmVersion }
  const platform: Platform | undefined = options.platform === undefined ? undefined : toPlatform(options.platform)
  const omit = new Set(options.omit ?? [])
  for (const node of root.index?.inventory.values() ?? []) {
    const pkg = node.package
    const fitsPlatform = platform === undefined || isPlatformCompatible(platformFields(pkg), platform)
    // the engines of required packages are checked on the lockfile made of this tree (install/check-engines.ts)
    if (!node.optional && !isOmitted(node, omit)) {
      if (!fitsPlatform && !options.force) {
        throw new SkiffError('EBADPLATFORM', `Unsupported platform for ${node.packageName ?? node.name}@${node.version}`, {
          pkg: `${node.packageName ?? node.name}@${node.version}`,
          hint: 'this package is built for another operating system or CPU; it is not optional here',
        })
      }
    } else if (!node.inert && (!fitsPlatform || !isEngineCompatible(engineFields(pkg), engines))) {
      for (const member of optionalSet(node)) member.inert = true
    }
  }
}

/** arborist's Node#shouldOmit: the kinds of path reaching a package of the project are all left out. */
function isOmitted(node: Node, omit: ReadonlySet<string>): boolean {
  if (omit.size === 0) return false
  let top = node
  while (top.parent !== null) top = top.parent
  if (!top.isProjectRoot && !top.isWorkspace) return false
  return (node.peer && omit.has('peer')) || (node.dev && omit.has('dev')) || (node.optional && omit.has('optional'))
    || (node.devOptional && omit.has('optional') && omit.has('dev'))
}

function toPlatform(platform: NonNullable<BuildIdealTreeInput['options']['platform']>): Platform {
  const libc = platform.libc === 'glibc' || platform.libc === 'musl' ? platform.libc : undefined
  return { os: platform.os, cpu: platform.cpu, ...(libc === undefined ? {} : { libc }) }
}

function platformFields(pkg: PackageData): { os?: string | string[]; cpu?: string | string[]; libc?: string | string[] } {
  const pick = (value: unknown) => (typeof value === 'string' || Array.isArray(value) ? (value as string | string[]) : undefined)
  const os = pick(pkg.os)
  const cpu = pick(pkg.cpu)
  const libc = pick(pkg.libc)
  return { ...(os === undefined ? {} : { os }), ...(cpu === undefined ? {} : { cpu }), ...(libc === undefined ? {} : { libc }) }
}

function engineFields(pkg: PackageData): { engines?: Record<string, string> | string[] } {
  const engines = pkg.engines
  if (Array.isArray(engines)) return { engines: engines.filter((item): item is string => typeof item === 'string') }
  if (typeof engines !== 'object' || engines === null) return {}
  return { engines: Object.fromEntries(Object.entries(engines).filter(([, value]) => typeof value === 'string')) as Record<string, string> }
}

/** The full-document fields of packages whose dependencies were never walked (the others have them already). */
function applyExtras(root: Node, extras: Map<string, ManifestExtras>): void {
  if (extras.size === 0) return
  for (const node of root.index?.inventory.values() ?? []) {
    if (node.isLink) continue
    const found = extras.get(`${node.packageName ?? node.name}@${node.version}`)
    if (found !== undefined) mergeExtras(node, found)
  }
}
