/**
 * The packages in node_modules whose files changed after the hidden lockfile was written, so
 * that an install trusting the hidden lockfile still ends with what a clean install makes: a
 * changed package is made again from the store, alone (with what is nested in its folder).
 *
 * Every install writes the hidden lockfile after everything else in node_modules (and stamps
 * its mtime), so a file or folder of a package with a later mtime was changed since: content
 * written in place moves the file's mtime; a file added, removed or renamed moves its folder's.
 * Each package folder is walked (its own nested node_modules aside: those are packages of their
 * own), one lstat per entry: in one compiled call per package for a tree big enough to pay for
 * compiling it (libc/compiled-loops.ts; antd's 160k files: ~0.1 s of user CPU instead of ~0.7),
 * else through libc's fstatat relative to the package folder where it is bound, else node:fs.
 * A bundled package (`inBundle`) arrives in its parent's tarball,
 * so a change inside it is a change of the package that bundles it. Not seen: a write that
 * puts the old mtime back (`touch -r`, `cp -p` over a file); what a root `postinstall` changes
 * in node_modules after the install (patch-package) is made again by the next install, and
 * changed again by its `postinstall`, as a clean install would.
 */
import fs from 'node:fs'
import { errnoCode } from '../error/index.ts'
import { openCompiledLoops, openLibc, type CompiledLoops, type Libc } from '../libc/index.ts'
import { isInNodeModules, parentLocation } from './location.ts'
import type { LockEntry } from './types.ts'

/** Below this many packages the compiled walk costs more to compile (~15 ms) than it saves. */
const COMPILED_WALK_MIN = 100

/** `afterNs`: the time past which an mtime counts as a change (from the hidden lockfile's mtime). */
export function findChangedPackages(
  projectDir: string,
  packages: ReadonlyMap<string, LockEntry>,
  afterNs: bigint,
  /** compiled: the compiled walk where it loads (default: for trees of COMPILED_WALK_MIN packages and more) */
  options: { nativeIo?: boolean; compiled?: boolean } = {},
): Set<string> {
  const native = options.nativeIo !== false
  const statAt = native ? openLibc()?.statAt : undefined
  const compiled = native && (options.compiled ?? packages.size >= COMPILED_WALK_MIN) ? openCompiledLoops() : undefined
  const projectFd = compiled ? openFolder(projectDir) : -1
  const lockTimeMs = Number(afterNs) / 1e6
  const changed = new Set<string>()
  try {
    for (const [location, entry] of packages) {
      if (entry.link || !isInNodeModules(location)) continue
      const fast = projectFd >= 0 ? (compiled as CompiledLoops).packageChanged(projectFd, location, afterNs) : undefined
      if (!(fast ?? isPackageChanged(`${projectDir}/${location}`, lockTimeMs, statAt))) continue
      changed.add(bundlingPackage(packages, location))
    }
  } finally {
    if (projectFd >= 0) fs.closeSync(projectFd)
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
