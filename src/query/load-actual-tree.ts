/**
 * loadActualTree: what is installed in a project, read as npm's loadActual reads it, then
 * built into a tree (build-actual-tree.ts).
 *   - The root is always its package.json (none: an empty package).
 *   - When node_modules/.package-lock.json is current (nothing on disk changed since it was
 *     written), its entries are the packages; bundled packages are recognised by `inBundle`;
 *     folders that links point at are read from their package.json all the same.
 *   - Otherwise node_modules is walked: every folder with its package.json, nested
 *     node_modules and scope folders included, dot-folders skipped; a symlink is a link whose
 *     target folder (a workspace, a `file:` folder) is read and walked too. Where each
 *     package came from (`resolved`) is taken from the project lockfile, as npm does.
 *   - Workspaces matched by the root's `workspaces` patterns are read even when no link
 *     points at them.
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import { errnoCode } from '../error/index.ts'
import {
  findWorkspaces,
  isHiddenLockfileCurrent,
  readHiddenLockfile,
  readLockfile,
  readPackageJson,
  workspacePatterns,
  type LockEntry,
} from '../lockfile/index.ts'
import { buildActualTree, type InstalledEntry } from './build-actual-tree.ts'
import { normalizeManifest, readPackageInfo } from './package-info.ts'
import type { ActualTree } from './tree-model.ts'

export async function loadActualTree(projectDir: string, options: { legacyPeerDeps?: boolean; global?: boolean } = {}): Promise<ActualTree> {
  const legacyPeerDeps = options.legacyPeerDeps === true
  if (options.global) return loadGlobalTree(projectDir, legacyPeerDeps)
  const rootJson = await readManifest(projectDir)
  const workspaces = await findWorkspaceFolders(projectDir, rootJson ?? {})
  const hidden = await readHiddenLockfile(projectDir)
  const rootPackage = readPackageInfo(rootJson === undefined ? {} : normalizeManifest(rootJson))
  if (hidden !== undefined && (await isHiddenLockfileCurrent(projectDir, hidden))) {
    const entries = await withFolderManifests(projectDir, entriesFromLockfile(projectDir, hidden.packages))
    return buildActualTree({ projectDir, rootPackage, entries, workspaces, source: 'hidden lockfile', legacyPeerDeps })
  }
  const entries = await entriesFromDisk(projectDir, [...workspaces.values()])
  const lock = await readLockfile(projectDir).catch(() => undefined)
  if (lock !== undefined) addLockedResolved(projectDir, entries, lock.packages)
  return buildActualTree({ projectDir, rootPackage, entries, workspaces, source: 'node_modules', legacyPeerDeps })
}

/**
 * npm's global tree (loadActual in global mode): `<prefix>/lib` has no package.json and no
 * lockfile; it depends on every package in its node_modules (`*`, or `file:<folder>` for a
 * link), so none of them is extraneous.
 */
async function loadGlobalTree(libDir: string, legacyPeerDeps: boolean): Promise<ActualTree> {
  const entries = await entriesFromDisk(libDir, [])
  const dependencies: Record<string, string> = {}
  for (const [location, entry] of entries) {
    const name = location.slice('node_modules/'.length)
    if (!location.startsWith('node_modules/') || name.includes('/node_modules/')) continue
    dependencies[name] = entry.linkTarget === undefined ? '*' : `file:${path.resolve(libDir, entry.linkTarget)}`
  }
  const tree = buildActualTree({ projectDir: libDir, rootPackage: readPackageInfo({ dependencies }), entries, workspaces: new Map(), source: 'node_modules', legacyPeerDeps })
  return { ...tree, global: true }
}

async function readManifest(dir: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await readPackageJson(dir)).data
  } catch (error) {
    if (isMissing(error)) return undefined
    throw error
  }
}

/** Workspace name → location, as npm's map-workspaces globs `<pattern>/package.json`. */
async function findWorkspaceFolders(projectDir: string, rootJson: Record<string, unknown>): Promise<Map<string, string>> {
  const manifests = new Map<string, Record<string, unknown>>()
  for (const pattern of workspacePatterns(rootJson)) {
    if (pattern.startsWith('!')) continue
    for await (const file of new Bun.Glob(`${pattern}/package.json`).scan({ cwd: projectDir, onlyFiles: true })) {
      const folder = path.dirname(file).split(path.sep).join('/')
      if (folder.split('/').includes('node_modules') || manifests.has(folder)) continue
      const manifest = await readManifest(path.join(projectDir, folder))
      if (manifest !== undefined) manifests.set(folder, manifest)
    }
  }
  return findWorkspaces(rootJson, manifests.keys(), (location) => manifests.get(location) ?? {})
}

/** The hidden lockfile's entries, read as arborist's loadVirtual reads them. */
export function entriesFromLockfile(projectDir: string, packages: ReadonlyMap<string, LockEntry>): Map<string, InstalledEntry> {
  const entries = new Map<string, InstalledEntry>()
  const bundles = bundledNames(packages)
  for (const [location, entry] of packages) {
    if (location === '') continue
    if (entry.link === true && typeof entry.resolved === 'string') {
      entries.set(location, { package: readPackageInfo({}), linkTarget: normalizeLocation(entry.resolved) })
      continue
    }
    const info = readPackageInfo({ ...entry, name: entry.name ?? folderName(location) })
    const bundled = bundles.get(location)
    const installed: InstalledEntry = { package: bundled === undefined ? info : { ...info, bundleDependencies: bundled } }
    const resolved = consistentResolved(projectDir, entry.resolved)
    if (resolved !== undefined) installed.resolved = resolved
    entries.set(location, installed)
  }
  return entries
}

/** Folders that links point at can be edited at any time: npm reads their package.json even when the lockfile lists them. */
async function withFolderManifests(projectDir: string, entries: Map<string, InstalledEntry>): Promise<Map<string, InstalledEntry>> {
  for (const entry of entries.values()) {
    const target = entry.linkTarget === undefined ? undefined : entries.get(entry.linkTarget)
    if (target === undefined || entry.linkTarget === undefined || entry.linkTarget.includes('node_modules/')) continue
    const manifest = await readManifest(path.join(projectDir, entry.linkTarget)).catch(() => undefined)
    if (manifest !== undefined) target.package = readPackageInfo(normalizeManifest(manifest))
  }
  return entries
}

/**
 * A lockfile records `inBundle` on bundled packages, not the bundler's list: a package that
 * is in a bundle, under one that is not, and that its parent depends on, is in the parent's
 * bundle (arborist's loadVirtual does the same).
 */
function bundledNames(packages: ReadonlyMap<string, LockEntry>): Map<string, string[]> {
  const bundles = new Map<string, string[]>()
  for (const [location, entry] of packages) {
    const index = location.lastIndexOf('/node_modules/')
    if (entry.inBundle !== true || index === -1) continue
    const parentLocation = location.slice(0, index)
    const parent = packages.get(parentLocation)
    const name = folderName(location)
    if (parent === undefined || parent.inBundle === true || !declares(parent, name)) continue
    bundles.set(parentLocation, [...(bundles.get(parentLocation) ?? []), name])
  }
  return bundles
}

function declares(entry: LockEntry, name: string): boolean {
  return [entry.dependencies, entry.optionalDependencies, entry.peerDependencies].some((deps) => deps !== undefined && Object.hasOwn(deps, name))
}

/**
 * Where packages found on disk came from: the project lockfile's `resolved` at the same
 * location, when the entry agrees on the version (arborist's Shrinkwrap.add).
 */
function addLockedResolved(projectDir: string, entries: Map<string, InstalledEntry>, packages: ReadonlyMap<string, LockEntry>): void {
  for (const [location, entry] of entries) {
    const locked = packages.get(location)
    if (entry.linkTarget !== undefined || locked === undefined || locked.link === true) continue
    if (locked.resolved === undefined && locked.integrity === undefined && locked.version === undefined) continue
    const version = entry.package.version
    if (locked.version !== undefined && version !== undefined && version !== '' && locked.version !== version) continue
    const resolved = consistentResolved(projectDir, locked.resolved)
    if (resolved !== undefined) entry.resolved = resolved
  }
}

/** A locked `file:` path is relative to the project; the tree keeps it absolute, as arborist does. */
function consistentResolved(projectDir: string, resolved: string | undefined): string | undefined {
  if (resolved === undefined || !resolved.startsWith('file:')) return resolved
  return `file:${path.resolve(projectDir, resolved.slice(5))}`
}

function normalizeLocation(relative: string): string {
  const normalized = path.posix.normalize(relative.replace(/^file:/, '')).replace(/\/+$/, '')
  return normalized === '.' ? '' : normalized
}

function folderName(location: string): string {
  const index = location.lastIndexOf('node_modules/')
  return index === -1 ? path.posix.basename(location) : location.slice(index + 'node_modules/'.length)
}

/** node_modules as it is on disk, and the workspace folders. */
async function entriesFromDisk(projectDir: string, workspaceLocations: readonly string[]): Promise<Map<string, InstalledEntry>> {
  const entries = new Map<string, InstalledEntry>()
  const locationOf = (dir: string) => path.relative(projectDir, dir).split(path.sep).join('/')

  const readFolder = async (dir: string): Promise<void> => {
    const location = locationOf(dir)
    if (entries.has(location)) return
    const manifest = await readManifest(dir).catch(() => undefined)
    entries.set(location, { package: readPackageInfo(manifest === undefined ? {} : normalizeManifest(manifest)) })
    await readNodeModules(path.join(dir, 'node_modules'))
  }

  const readNodeModules = async (folder: string): Promise<void> => {
    for (const name of await packageFolderNames(folder)) {
      const dir = path.join(folder, name)
      const stats = await fs.lstat(dir).catch(() => undefined)
      if (stats?.isSymbolicLink()) await readLink(dir)
      else if (stats?.isDirectory()) await readFolder(dir)
    }
  }

  const readLink = async (dir: string): Promise<void> => {
    const real = await fs.realpath(dir).catch(() => undefined)
    if (real === undefined) return
    const targetLocation = locationOf(real)
    entries.set(locationOf(dir), { package: readPackageInfo({}), linkTarget: targetLocation })
    if (targetLocation !== '') await readFolder(real)
  }

  await readNodeModules(path.join(projectDir, 'node_modules'))
  for (const location of workspaceLocations) await readFolder(path.join(projectDir, location))
  return entries
}

/** Package folder names in a node_modules folder: `a`, `@scope/b`; dot-folders left out. */
async function packageFolderNames(folder: string): Promise<string[]> {
  const names: string[] = []
  for (const name of await readDirNames(folder)) {
    if (name.startsWith('.')) continue
    if (!name.startsWith('@')) {
      names.push(name)
      continue
    }
    for (const scoped of await readDirNames(path.join(folder, name))) if (!scoped.startsWith('.')) names.push(`${name}/${scoped}`)
  }
  return names
}

async function readDirNames(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir)
  } catch (error) {
    if (isMissing(error)) return []
    throw error
  }
}

function isMissing(error: unknown): boolean {
  const code = errnoCode(error)
  return code === 'ENOENT' || code === 'ENOTDIR'
}

