/**
 * The packages in node_modules whose files changed after the hidden lockfile was written, so
 * that an install trusting the hidden lockfile still ends with what a clean install makes: a
 * changed package is made again from the store, alone (with what is nested in its folder).
 *
 * Every install writes the hidden lockfile after everything else in node_modules (and stamps
 * its mtime), so a file or folder of a package with a later mtime was changed since: content
 * written in place moves the file's mtime; a file added, removed or renamed moves its folder's.
 * Each package folder is walked (its own nested node_modules aside: those are packages of their
 * own), one lstat per entry (through libc's fstatat relative to the package folder where it
 * is bound, else node:fs). A bundled package (`inBundle`) arrives in its parent's tarball,
 * so a change inside it is a change of the package that bundles it. Not seen: a write that
 * puts the old mtime back (`touch -r`, `cp -p` over a file); what a root `postinstall` changes
 * in node_modules after the install (patch-package) is made again by the next install, and
 * changed again by its `postinstall`, as a clean install would.
 */
import fs from 'node:fs'
import { errnoCode } from '../error/index.ts'
import { openLibc, type Libc } from '../libc/index.ts'
import { isInNodeModules, parentLocation } from './location.ts'
import type { LockEntry } from './types.ts'

/** `lockTimeMs`: the time past which an mtime counts as a change (the hidden lockfile's mtime). */
export function findChangedPackages(
  projectDir: string,
  packages: ReadonlyMap<string, LockEntry>,
  lockTimeMs: number,
  options: { nativeIo?: boolean } = {},
): Set<string> {
  const statAt = options.nativeIo === false ? undefined : openLibc()?.statAt
  const changed = new Set<string>()
  for (const [location, entry] of packages) {
    if (entry.link || !isInNodeModules(location)) continue
    if (!isPackageChanged(`${projectDir}/${location}`, lockTimeMs, statAt)) continue
    changed.add(bundlingPackage(packages, location))
  }
  return changed
}

/** The package whose tarball holds `location`: itself, or the nearest enclosing one that is not bundled. */
function bundlingPackage(packages: ReadonlyMap<string, LockEntry>, location: string): string {
  let current = location
  while (packages.get(current)?.inBundle) {
    const parent = parentLocation(current)
    if (!parent || !packages.has(parent)) break
    current = parent
  }
  return current
}

type StatAt = Libc['statAt']

/** One package folder: the folder itself, then everything in it but its own node_modules. */
function isPackageChanged(packageDir: string, lockTimeMs: number, statAt: StatAt): boolean {
  const stats = lstatOrUndefined(packageDir)
  if (stats === undefined || !stats.isDirectory() || stats.mtimeMs > lockTimeMs) return true
  const walk: Walk = { packageDir, lockTimeMs, statAt, dirFd: statAt ? openFolder(packageDir) : -1 }
  try {
    return isFolderChanged(walk, '')
  } finally {
    if (walk.dirFd >= 0) fs.closeSync(walk.dirFd)
  }
}

interface Walk {
  packageDir: string
  lockTimeMs: number
  statAt: StatAt
  /** the package folder, open, for statAt; -1 without it */
  dirFd: number
}

function isFolderChanged(walk: Walk, folder: string): boolean {
  let names: fs.Dirent[]
  try {
    names = fs.readdirSync(folder === '' ? walk.packageDir : `${walk.packageDir}/${folder}`, { withFileTypes: true })
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return true
    throw error
  }
  for (const dirent of names) {
    if (folder === '' && dirent.name === 'node_modules') continue
    const relative = folder === '' ? dirent.name : `${folder}/${dirent.name}`
    const mtimeMs = mtimeOf(walk, relative)
    if (mtimeMs === undefined || mtimeMs > walk.lockTimeMs) return true
    if (dirent.isDirectory() && isFolderChanged(walk, relative)) return true
  }
  return false
}

function mtimeOf(walk: Walk, relative: string): number | undefined {
  const fast = walk.dirFd >= 0 ? walk.statAt?.(walk.dirFd, relative) : undefined
  return fast ? fast.mtimeMs : lstatOrUndefined(`${walk.packageDir}/${relative}`)?.mtimeMs
}

function openFolder(dir: string): number {
  try {
    return fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY)
  } catch {
    // node:fs then stats each entry, and says what is wrong
    return -1
  }
}

function lstatOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file, { throwIfNoEntry: false })
  } catch (error) {
    if (errnoCode(error) === 'ENOTDIR') return undefined
    throw error
  }
}
