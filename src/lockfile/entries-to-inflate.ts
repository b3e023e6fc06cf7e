/**
 * Which lockfile entries lack what npm fetches from the registry before installing (the
 * fetching is resolve/inflate-lockfile.ts's):
 *  - every package in node_modules of a lockfile older than version 2 lacks its manifest fields
 *    (npm's "old lockfile" fix-up);
 *  - in any version, a package with neither `resolved` nor `integrity` lacks its tarball's
 *    source, unless it comes inside its bundler's tarball.
 * A lockfile that has everything yields nothing: one look at each entry.
 */
import { comesInBundlerTarball, isInNodeModules } from './location.ts'
import type { Lockfile } from './types.ts'

export interface InflationNeed {
  /** its manifest fields come from the registry (an old lockfile) */
  metadata: boolean
  /** its tarball URL and integrity do (it has neither) */
  source: boolean
}

/** The entries that need their manifest, by location; empty for a lockfile that has everything. */
export function entriesToInflate(lock: Lockfile): Map<string, InflationNeed> {
  const old = lock.kind !== 'hidden' && lock.lockfileVersion < 2
  const needs = new Map<string, InflationNeed>()
  for (const [location, entry] of lock.packages) {
    if (!isInNodeModules(location) || entry.link === true) continue
    const source = entry.resolved === undefined && entry.integrity === undefined && !comesInBundlerTarball(lock.packages, location)
    if (old || source) needs.set(location, { metadata: old, source })
  }
  return needs
}
