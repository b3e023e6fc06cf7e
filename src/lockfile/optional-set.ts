/**
 * What leaves a lockfile tree with an optional package that cannot be installed (built for
 * another platform, or its install script failed), as npm removes it (arborist optional-set.js):
 * its "optional set".
 *
 *   1. The package, and what depends on it through required edges, up to the first optional
 *      edge (a package that cannot work without it goes with it).
 *   2. Then every optional entry that nothing left needs any more (nor the root, nor a
 *      workspace), and everything nested inside a removed folder, until nothing changes.
 *
 * Pure: lockfile locations in, locations out. An optional entry is one the lockfile reaches
 * only through optional edges, so step 2 never takes a package the rest of the tree needs.
 */
import { isInNodeModules, parentLocation, resolveDependency } from './location.ts'
import type { LockEntry } from './types.ts'

/**
 * The optional set of `failed` (one location, or several at once: the union of their sets, as
 * removing them one after the other leaves) within the `present` locations of the tree
 * `packages` (the whole lockfile: the projects' entries say what the root and workspaces need).
 * Includes `failed`. Each optional entry's required dependencies are resolved once, so the
 * cost does not grow with the number of packages failed (antd: 313 optional packages for other
 * platforms, one at a time 18 s, together a fraction of a second).
 */
export function optionalSetOf(packages: ReadonlyMap<string, LockEntry>, present: Iterable<string>, failed: string | readonly string[]): string[] {
  const kept = new Map<string, LockEntry>()
  for (const location of present) {
    const entry = packages.get(location)
    if (entry !== undefined) kept.set(location, entry)
  }
  const dropped = new Set(typeof failed === 'string' ? [failed] : failed)
  for (const location of dropped) kept.delete(location)
  // optional packages by what they cannot do without: a dependency that goes takes them along
  const requiredBy = new Map<string, string[]>()
  for (const [location, entry] of kept) {
    if (!entry.optional) continue
    for (const name of requiredNames(entry)) {
      const target = resolveDependency(packages, location, name)
      if (target === undefined) continue
      const dependents = requiredBy.get(target)
      if (dependents) dependents.push(location)
      else requiredBy.set(target, [location])
    }
  }
  for (const member of dropped) {
    for (const dependent of requiredBy.get(member) ?? []) {
      if (kept.delete(dependent)) dropped.add(dependent)
    }
  }
  return [...dropped, ...dropOptionalOrphans(packages, kept, dropped)]
}

/**
 * Step 2 over a tree being built: moves from `kept` to `dropped` every optional entry no kept
 * package or project needs, and what is nested in a dropped folder; returns those locations.
 */
export function dropOptionalOrphans(packages: ReadonlyMap<string, LockEntry>, kept: Map<string, LockEntry>, dropped: Set<string>): string[] {
  // what each project and kept package needs does not change (resolution reads the whole
  // lockfile), so it is resolved once; a round only updates how many still need each location
  const needs = new Map<string, string[]>()
  const users = new Map<string, number>()
  for (const [location, entry] of packages) {
    if (kept.has(location) || !isInNodeModules(location)) needs.set(location, neededBy(packages, location, entry))
  }
  for (const targets of needs.values()) for (const target of targets) users.set(target, (users.get(target) ?? 0) + 1)
  const removed: string[] = []
  for (;;) {
    const round: string[] = []
    for (const [location, entry] of kept) {
      const orphan = entry.optional === true && (users.get(location) ?? 0) === 0
      if (!orphan && !isInsideAny(location, dropped)) continue
      kept.delete(location)
      dropped.add(location)
      round.push(location)
    }
    if (round.length === 0) return removed
    removed.push(...round)
    for (const location of round) {
      for (const target of needs.get(location) ?? []) users.set(target, (users.get(target) ?? 0) - 1)
    }
  }
}

/** True when a package folder that encloses `location` is in `folders`. */
export function isInsideAny(location: string, folders: ReadonlySet<string>): boolean {
  for (let parent = parentLocation(location); parent; parent = parentLocation(parent)) {
    if (folders.has(parent)) return true
  }
  return false
}

/** The locations a project or package needs: its dependencies as resolved in the lockfile, and a link's target. */
function neededBy(packages: ReadonlyMap<string, LockEntry>, location: string, entry: LockEntry): string[] {
  const needed: string[] = []
  if (entry.link && entry.resolved !== undefined) needed.push(entry.resolved)
  const names = isInNodeModules(location) ? dependencyNames(entry) : [...dependencyNames(entry), ...Object.keys(entry.devDependencies ?? {})]
  for (const name of names) {
    const found = resolveDependency(packages, location, name)
    if (found !== undefined) needed.push(found)
  }
  return needed
}

function dependencyNames(entry: LockEntry): string[] {
  return [
    ...Object.keys(entry.dependencies ?? {}),
    ...Object.keys(entry.optionalDependencies ?? {}),
    ...Object.keys(entry.peerDependencies ?? {}),
  ]
}

/** Dependencies a package cannot do without: regular ones and peers not marked optional. */
function requiredNames(entry: LockEntry): string[] {
  const peers = Object.keys(entry.peerDependencies ?? {}).filter((name) => entry.peerDependenciesMeta?.[name]?.optional !== true)
  return [...Object.keys(entry.dependencies ?? {}), ...peers]
}
