/**
 * What an install has to change in an existing node_modules, given what the hidden lockfile
 * says is there (and it was checked to match the disk). Pure.
 *
 * A package whose entry is unchanged stays; a changed one, or one whose files changed on disk
 * (`changedOnDisk`), is replaced together with every
 * package nested in its folder (replacing the folder removes them); a package no longer
 * wanted is removed, unless an enclosing folder is removed or replaced anyway. Folders outside
 * node_modules that the hidden lockfile lists (workspaces, `file:` targets, as link targets)
 * are the project's own sources: never removed.
 */
import { isInNodeModules, type LockEntry } from '../lockfile/index.ts'
import { enclosingPackage } from './plan.ts'

export interface TreeDiff {
  /** locations to (re)create */
  create: Set<string>
  /** locations to remove before anything is created */
  remove: string[]
  /** locations whose package is replaced by another (npm's CHANGE) */
  replaced: Set<string>
  /** every location no longer wanted, nested ones included (npm's REMOVE) */
  gone: string[]
  unchanged: number
}

export function diffTrees(
  current: ReadonlyMap<string, LockEntry>,
  wanted: ReadonlyMap<string, LockEntry>,
  changedOnDisk: ReadonlySet<string> = new Set(),
): TreeDiff {
  const create = new Set<string>()
  const replaced = new Set<string>()
  for (const [location, entry] of wanted) {
    const before = current.get(location)
    if (before === undefined) {
      create.add(location)
      continue
    }
    if (!sameInstall(before, entry) || changedOnDisk.has(location)) {
      create.add(location)
      replaced.add(location)
    }
  }
  // a replaced folder takes its nested packages with it: they must be created again
  for (const location of wanted.keys()) {
    if (!create.has(location) && hasAncestorIn(location, replaced)) create.add(location)
  }
  const gone = [...current.keys()].filter((location) => isInNodeModules(location) && !wanted.has(location))
  const removedRoots = new Set([...gone, ...replaced])
  const remove = [...gone, ...replaced].filter((location) => !hasAncestorIn(location, removedRoots))
  return { create, remove, replaced, gone, unchanged: wanted.size - create.size }
}

/** Whether the package installed as `a` is the one `b` wants: it stays as it is. */
export function sameInstall(a: LockEntry, b: LockEntry): boolean {
  if (Boolean(a.link) !== Boolean(b.link)) return false
  if (a.link) return a.resolved === b.resolved
  // a lockfile may leave `resolved` out (omit-lockfile-registry-resolved): the URL is then the
  // registry's, which the hidden lockfile spells out; the integrity still tells the contents
  const sameSource = a.resolved === b.resolved || ((a.resolved === undefined || b.resolved === undefined) && a.integrity !== undefined)
  return a.version === b.version && a.integrity === b.integrity && sameSource && a.name === b.name
}

function hasAncestorIn(location: string, set: ReadonlySet<string>): boolean {
  for (let parent = enclosingPackage(location); parent !== undefined; parent = enclosingPackage(parent)) {
    if (set.has(parent)) return true
  }
  return false
}
