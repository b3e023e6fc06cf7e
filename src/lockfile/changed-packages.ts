/**
 * The packages in node_modules whose files changed after the hidden lockfile was written, so
 * that an install trusting the hidden lockfile still ends with what a clean install makes: a
 * changed package is made again from the store, alone (with what is nested in its folder).
 *
 * Every install writes the hidden lockfile after everything else in node_modules (and stamps
 * its mtime), so a file or folder of a package with a later mtime was changed since: content
 * written in place moves the file's mtime; a file added, removed or renamed moves its folder's.
 * Each package folder is walked (its own nested node_modules aside: those are packages of their
 * own), one lstat per entry. A bundled package (`inBundle`) arrives in its parent's tarball,
 * so a change inside it is a change of the package that bundles it. Not seen: a write that
 * puts the old mtime back (`touch -r`, `cp -p` over a file); what a root `postinstall` changes
 * in node_modules after the install (patch-package) is made again by the next install, and
 * changed again by its `postinstall`, as a clean install would.
 */
import fs from 'node:fs'
import { errnoCode } from '../error/index.ts'
import { isInNodeModules, parentLocation } from './location.ts'
import type { LockEntry } from './types.ts'

/** `lockTimeMs`: the time past which an mtime counts as a change (the hidden lockfile's mtime). */
export function findChangedPackages(projectDir: string, packages: ReadonlyMap<string, LockEntry>, lockTimeMs: number): Set<string> {
  const changed = new Set<string>()
  for (const [location, entry] of packages) {
    if (entry.link || !isInNodeModules(location)) continue
    if (!isTreeChanged(`${projectDir}/${location}`, lockTimeMs, true)) continue
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

function isTreeChanged(dir: string, lockTimeMs: number, isPackageRoot: boolean): boolean {
  const stats = lstatOrUndefined(dir)
  if (stats === undefined || !stats.isDirectory() || stats.mtimeMs > lockTimeMs) return true
  let names: fs.Dirent[]
  try {
    names = fs.readdirSync(dir, { withFileTypes: true })
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return true
    throw error
  }
  for (const dirent of names) {
    if (isPackageRoot && dirent.name === 'node_modules') continue
    const child = `${dir}/${dirent.name}`
    if (dirent.isDirectory()) {
      if (isTreeChanged(child, lockTimeMs, false)) return true
      continue
    }
    const childStats = lstatOrUndefined(child)
    if (childStats === undefined || childStats.mtimeMs > lockTimeMs) return true
  }
  return false
}

function lstatOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file, { throwIfNoEntry: false })
  } catch (error) {
    if (errnoCode(error) === 'ENOTDIR') return undefined
    throw error
  }
}
