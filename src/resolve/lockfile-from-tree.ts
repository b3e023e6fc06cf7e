/**
 * The package-lock.json model of a built tree, entry by entry as arborist's
 * Shrinkwrap.metaFromNode writes them:
 *   - a link: only `resolved` (the target folder, relative) and `link: true`;
 *   - otherwise the manifest fields npm locks (manifestLockFields), `name` when the package is
 *     not named like its folder (aliases, workspaces) and always for the root,
 *     `devDependencies` for tops (the root, workspaces, linked folders), `integrity`,
 *     `inBundle`, `hasShrinkwrap`, `hasInstallScript`, `resolved` (a registry tarball URL,
 *     left out with omitLockfileRegistryResolved; a relative `file:` path for local
 *     tarballs), then `extraneous`, or `peer`, `dev`, `optional` and `devOptional`.
 * Optional packages that failed to load are left out; folders outside node_modules that
 * nothing needs any more are too.
 */
import path from 'node:path'
import { LOCKED_MANIFEST_KEYS, type LockEntry, type Lockfile, manifestLockFields } from '../lockfile/index.ts'
import { parsedSpec } from '../spec/index.ts'
import type { IdealTree } from './build-ideal-tree.ts'
import type { Node } from './node.ts'
import { folderPackage } from './node-factory.ts'
import type { PackageData } from './package-data.ts'

export interface LockfileOptions {
  omitLockfileRegistryResolved: boolean
  /** where the lockfile will be written (default: the baseline's file, else package-lock.json in the project) */
  file?: string
}

export function lockfileFromTree(tree: IdealTree, rootManifest: Record<string, unknown>, options: LockfileOptions): Lockfile {
  const { root, projectDir } = tree
  const rootPackage = folderPackage(rootManifest)
  const packages = new Map<string, LockEntry>()
  const rootEntry = entryOf(root, rootPackage, projectDir, options)
  if (Object.keys(rootEntry).length > 0) packages.set('', rootEntry)
  for (const node of root.index?.inventory.values() ?? []) {
    if (node === root || node.location === '') continue
    const location = relativePath(projectDir, node.path)
    if (node.extraneous && !isInNodeModules(location) && (node.fsParent === null || node.fsParent.isRoot)) continue
    if (node.inert && !node.package.version) continue
    packages.set(location, entryOf(node, node.package, projectDir, options))
  }
  const written = tree.baseline?.kind === 'hidden' ? undefined : tree.baseline
  const name = rootPackage.name || root.name
  const version = rootPackage.version
  return {
    file: options.file ?? written?.file ?? path.join(projectDir, 'package-lock.json'),
    kind: written?.kind === 'npm-shrinkwrap.json' ? 'npm-shrinkwrap.json' : 'package-lock.json',
    // npm keeps writing a lockfile in the version it read it in (1 is converted to 3)
    lockfileVersion: written?.lockfileVersion === 2 ? 2 : 3,
    ...(name ? { name } : {}),
    ...(version ? { version } : {}),
    packages,
  }
}

function entryOf(node: Node, pkg: PackageData, projectDir: string, options: LockfileOptions): LockEntry {
  if (node.isLink) return { resolved: relativePath(projectDir, node.realpath), link: true }
  const entry: LockEntry = packageFields(pkg, node.isTop && !node.globalTop)
  const packageName = pkg.name || null
  if (packageName && (node.isRoot || packageName !== node.name || nameFromFolder(node.realpath) !== packageName)) entry.name = packageName
  if (node.integrity) entry.integrity = node.integrity
  if (node.inBundle) entry.inBundle = true
  if (node.hasShrinkwrap) entry.hasShrinkwrap = true
  const resolved = lockedResolved(node, projectDir)
  if (resolved !== undefined && !(options.omitLockfileRegistryResolved && isRegistryDependency(node))) entry.resolved = resolved
  if (node.extraneous) {
    entry.extraneous = true
    return entry
  }
  if (node.peer) entry.peer = true
  if (node.dev) entry.dev = true
  if (node.optional) entry.optional = true
  if (node.devOptional && !node.dev && !node.optional) entry.devOptional = true
  return entry
}

/** The fields an entry takes from its package: npm's locked manifest fields, devDependencies of a top folder, hasInstallScript. */
export function packageFields(pkg: PackageData, isTop: boolean): LockEntry {
  const entry: LockEntry = manifestLockFields(pkg)
  if (isTop && pkg.devDependencies !== undefined) entry.devDependencies = pkg.devDependencies
  if (hasInstallScript(pkg)) entry.hasInstallScript = true
  return entry
}

/**
 * The project's own folders (the root, and each folder outside node_modules given with its
 * package.json: workspaces, `file:` folders)
 * whose lockfile entries no longer hold what their package.json says. npm writes these entries
 * from package.json on every install, so an edit that leaves every dependency satisfied (one
 * taken out, a range widened, a bin or license changed) still changes the lockfile.
 */
export function staleFolderEntries(lock: Lockfile, rootManifest: Record<string, unknown>, folders: ReadonlyMap<string, Record<string, unknown>>): string[] {
  const stale: string[] = []
  for (const [location, manifest] of [['', rootManifest] as const, ...folders]) {
    const pkg = folderPackage(manifest)
    const wanted = packageFields(pkg, true)
    if (location === '' && pkg.name) wanted.name = pkg.name
    const locked = lock.packages.get(location)
    // a folder the lockfile lacks is the sync check's to report
    if (locked === undefined) continue
    const fields = new Set([...Object.keys(wanted), ...FOLDER_FIELDS.filter((field) => field in locked)])
    // equal as JSON values, whatever the order of object keys
    if ([...fields].some((field) => !Bun.deepEquals(wanted[field], locked[field], true))) stale.push(location)
  }
  return stale
}

/** What a folder's entry holds only because its package.json says so: the manifest fields npm locks (not the `_` ones a registry adds) and devDependencies. */
const FOLDER_FIELDS: readonly string[] = [...LOCKED_MANIFEST_KEYS.filter((key) => !key.startsWith('_')), 'devDependencies']

function hasInstallScript(pkg: PackageData): boolean {
  const scripts = pkg.scripts ?? {}
  return !!(pkg.hasInstallScript || scripts.install || scripts.preinstall || scripts.postinstall)
}

/** `resolved` as the lockfile records it: URLs as they are, local paths relative to the project. */
function lockedResolved(node: Node, projectDir: string): string | undefined {
  const resolved = node.resolved
  if (!resolved) return undefined
  if (resolved.startsWith('file:')) return `file:${relativePath(projectDir, path.resolve(projectDir, resolved.slice(5)))}`
  return resolved
}

/** Every edge into the node asks the registry (so its tarball URL can be derived again). */
function isRegistryDependency(node: Node): boolean {
  if (node.edgesIn.size === 0) return false
  for (const edge of node.edgesIn) {
    try {
      const type = parsedSpec(edge.name, edge.spec || '*', '/').type
      if (type !== 'version' && type !== 'range' && type !== 'tag' && type !== 'alias') return false
    } catch {
      return false
    }
  }
  return true
}

function isInNodeModules(location: string): boolean {
  return location === 'node_modules' || location.startsWith('node_modules/') || location.includes('/node_modules/')
}

/** The package name a folder implies: its name, with its scope folder if it has one. */
function nameFromFolder(folder: string): string {
  const base = path.basename(folder)
  const scope = path.basename(path.dirname(folder))
  return scope.startsWith('@') ? `${scope}/${base}` : base
}

function relativePath(from: string, to: string): string {
  return path.relative(from, to).replaceAll('\\', '/')
}
