/**
 * Locations are the keys of a lockfile's `packages`: '' is the project root,
 * 'node_modules/a', 'node_modules/@s/a/node_modules/b' are installed packages, and paths
 * without a node_modules segment ('packages/x', '../lib') are folders on disk (workspaces,
 * `file:` link targets). All use '/' separators and are relative to the project root.
 */
import path from 'node:path'
import type { LockEntry } from './types.ts'

const NODE_MODULES = 'node_modules/'

/** Index of the last `node_modules/` path segment, or -1. */
function lastNodeModules(location: string): number {
  const index = location.lastIndexOf(`/${NODE_MODULES}`)
  if (index !== -1) return index + 1
  return location.startsWith(NODE_MODULES) ? 0 : -1
}

/** The package name a location installs: 'node_modules/@s/a/node_modules/b' → 'b'. */
export function nameFromLocation(location: string): string {
  const index = lastNodeModules(location)
  if (index !== -1) return location.slice(index + NODE_MODULES.length)
  // a folder outside node_modules is named after its folder, with its scope folder if any
  const base = path.posix.basename(location)
  const scope = path.posix.basename(path.posix.dirname(location))
  return scope.startsWith('@') ? `${scope}/${base}` : base
}

/**
 * The location of the package whose node_modules holds this one: '' for a top-level
 * package and for folders inside the project; undefined for the root and for folders outside
 * the project, which have no enclosing package.
 */
export function parentLocation(location: string): string | undefined {
  if (location === '') return undefined
  const index = lastNodeModules(location)
  if (index !== -1) return index === 0 ? '' : location.slice(0, index - 1)
  return isOutsideProject(location) ? undefined : ''
}

/**
 * The location of the package whose tarball brings a bundled entry (`inBundle`): the nearest
 * enclosing package not itself in a bundle, as arborist's Node#getBundler finds it. '' when it is
 * the root project; a folder (workspace, link target) or the root is no tarball, so what it
 * bundles has to be fetched like any other package.
 */
export function bundlerLocation(packages: ReadonlyMap<string, LockEntry>, location: string): string | undefined {
  let parent = parentLocation(location)
  while (parent !== undefined && parent !== '' && packages.get(parent)?.inBundle === true) parent = parentLocation(parent)
  return parent
}

/** A bundled entry whose bundler is a package: it arrives inside that package's tarball, nothing fetches it. */
export function comesInBundlerTarball(packages: ReadonlyMap<string, LockEntry>, location: string): boolean {
  if (packages.get(location)?.inBundle !== true) return false
  const bundler = bundlerLocation(packages, location)
  return bundler !== undefined && isInNodeModules(bundler) && packages.get(bundler)?.link !== true
}

/** How many node_modules folders deep a location is: 0 for the root and other folders, 1 for top-level packages. */
export function depth(location: string): number {
  let count = 0
  for (const segment of location.split('/')) if (segment === 'node_modules') count++
  return count
}

export function isInNodeModules(location: string): boolean {
  return lastNodeModules(location) !== -1
}

export function isOutsideProject(location: string): boolean {
  return location === '..' || location.startsWith('../') || path.posix.isAbsolute(location)
}

/**
 * Where `name` is looked up from `fromLocation`, nearest first: the package's own
 * node_modules, then each enclosing package's, up to the root. A folder outside
 * node_modules ('packages/x') continues in the nearest folder above it that has an entry,
 * else the root; a folder outside the project has only its own node_modules. This is
 * arborist's Node.resolve (parent, else fsParent) and Node's module lookup.
 */
export function resolutionChain(packages: ReadonlyMap<string, LockEntry>, fromLocation: string): string[] {
  const chain: string[] = []
  let current: string | undefined = linkTarget(packages, fromLocation) ?? fromLocation
  while (current !== undefined) {
    chain.push(current)
    current = enclosingLocation(packages, current)
  }
  return chain
}

function enclosingLocation(packages: ReadonlyMap<string, LockEntry>, location: string): string | undefined {
  if (location === '' || isInNodeModules(location)) return parentLocation(location)
  if (isOutsideProject(location)) return undefined
  for (let dir = path.posix.dirname(location); dir !== '.' && dir !== '/'; dir = path.posix.dirname(dir)) {
    if (packages.has(dir)) return dir
  }
  return ''
}

/** The location `<container>/node_modules/<name>`. */
export function childLocation(container: string, name: string): string {
  return container === '' ? `${NODE_MODULES}${name}` : `${container}/${NODE_MODULES}${name}`
}

/** The target location of a link entry (`link: true`, `resolved` = target), normalised. */
export function linkTarget(packages: ReadonlyMap<string, LockEntry>, location: string): string | undefined {
  const entry = packages.get(location)
  if (entry?.link !== true || typeof entry.resolved !== 'string') return undefined
  return normalizeLocation(entry.resolved)
}

/** A relative path in lockfile form: '/' separators, no './', no trailing '/', '' for the root. */
export function normalizeLocation(relative: string): string {
  const normalized = path.posix.normalize(relative.replaceAll('\\', '/').replace(/^file:/, ''))
  const trimmed = normalized.replace(/\/+$/, '')
  return trimmed === '.' ? '' : trimmed
}

/**
 * The location Node's module resolution (and arborist's edge resolution) finds for `name`
 * required from `fromLocation`, with link entries followed to their target; undefined if
 * nothing on the way up provides it.
 */
export function resolveDependency(
  packages: ReadonlyMap<string, LockEntry>,
  fromLocation: string,
  name: string,
): string | undefined {
  const found = findDependency(packages, fromLocation, name)
  if (found === undefined) return undefined
  return linkTarget(packages, found) ?? found
}

/** Like resolveDependency, but returns the location found before following a link. */
export function findDependency(
  packages: ReadonlyMap<string, LockEntry>,
  fromLocation: string,
  name: string,
): string | undefined {
  let container: string | undefined = linkTarget(packages, fromLocation) ?? fromLocation
  while (container !== undefined) {
    const candidate = childLocation(container, name)
    if (packages.has(candidate)) return candidate
    container = enclosingLocation(packages, container)
  }
  return undefined
}
