/**
 * From a lockfile to the list of package folders to materialise — the part of `npm ci` that
 * decides what goes where, with no I/O.
 *
 * Rules matched (arborist reify): entries flagged dev / optional / devOptional / peer leave the
 * tree when omitted; bundled entries (`inBundle`) arrive inside their bundler's tarball, unless
 * the bundler is the project, a workspace or a linked folder (arborist's inDepBundle); link
 * entries become symlinks; an optional package built for another os / cpu / libc, or whose
 * engines exclude the running node or npm, is skipped with its optional set (what requires it
 * up to the first optional edge, and what only they need), whatever --force and engine-strict
 * say; a required one for another platform is an EBADPLATFORM error unless forced (the engines
 * of required packages are check-engines.ts's).
 */
import { SkiffError } from '../error/index.ts'
import { comesInBundlerTarball, isInNodeModules, optionalSetOf, isInsideAny, nameFromLocation, parentLocation, type LockEntry, type Lockfile } from '../lockfile/index.ts'
import type { Source, TargetSpec } from '../scheduler/index.ts'
import { isEngineCompatible } from '../link/index.ts'
import type { EngineSettings } from './check-engines.ts'

export type Omit = ReadonlySet<'dev' | 'optional' | 'peer'>

export interface PlanOptions {
  projectDir: string
  omit: Omit
  /** os / cpu / libc fit this machine */
  isCompatible: (entry: LockEntry) => boolean
  /** the node and npm versions `engines` are checked against; force installs a required package for another platform */
  engines: EngineSettings
  keyFor: (entry: Pick<LockEntry, 'integrity' | 'resolved'>) => string
  tarballUrl: (name: string, entry: LockEntry) => string
  /** packages with install scripts get private copies */
  privateCopies: boolean
}

export interface PlannedLink {
  location: string
  /** the location (or relative path) the symlink points at */
  resolved: string
}

export interface Plan {
  /** registry / tarball packages, in lockfile order (parents before their nested packages) */
  targets: TargetSpec[]
  links: PlannedLink[]
  /** locations left out and why */
  skipped: Array<{ location: string; reason: 'omitted' | 'platform' | 'engine' | 'bundled' }>
  /** every location that ends up in node_modules, with its lock entry (for the hidden lockfile and bins) */
  installed: Map<string, LockEntry>
  /** the lockfile's entries, projects included: what an optional set is computed over */
  packages: ReadonlyMap<string, LockEntry>
}

/**
 * `sources`, by name@version: where the tarballs of packages locked without `resolved` come
 * from, when known (an entry with neither resolved nor integrity: its registry manifest,
 * supplement-lock.ts; a URL omit-lockfile-registry-resolved just left out: that URL).
 */
export function planFromLock(lock: Lockfile, options: PlanOptions, sources: ReadonlyMap<string, Source> = new Map()): Plan {
  const skipped: Plan['skipped'] = []
  const dropped = new Set<string>()
  const kept = new Map<string, LockEntry>()
  const badPlatform: string[] = []
  const unfit: Array<{ location: string; reason: 'platform' | 'engine' }> = []

  for (const [location, entry] of lock.packages) {
    if (location === '' || !isInNodeModules(location)) continue
    if (isOmitted(entry, options.omit) || isInsideAny(location, dropped)) {
      skipped.push({ location, reason: 'omitted' })
      dropped.add(location)
      continue
    }
    kept.set(location, entry)
    if (entry.link) continue
    // npm ignores --force and engine-strict for optional packages: one that does not fit is left out
    if (entry.optional && !options.isCompatible(entry)) unfit.push({ location, reason: 'platform' })
    else if (entry.optional && !isEngineCompatible(entry, options.engines)) unfit.push({ location, reason: 'engine' })
    else if (!options.isCompatible(entry) && !options.engines.force) badPlatform.push(describePlatform(location, entry))
  }
  if (badPlatform.length > 0) {
    throw new SkiffError('EBADPLATFORM', 'a required package does not support this platform', {
      lines: badPlatform,
      hint: 'a package that is not optional lists os / cpu / libc values that exclude this machine (--force installs it anyway)',
    })
  }
  // each goes with its optional set: what requires it up to the first optional edge, and what
  // only they need; all of one reason at once (one at a time cost antd 18 s)
  for (const reason of ['platform', 'engine'] as const) {
    const roots = unfit.filter((item) => item.reason === reason && kept.has(item.location)).map((item) => item.location)
    if (roots.length === 0) continue
    for (const member of optionalSetOf(lock.packages, kept.keys(), roots)) {
      if (kept.delete(member)) skipped.push({ location: member, reason })
    }
  }

  const targets: TargetSpec[] = []
  const links: PlannedLink[] = []
  const installed = new Map<string, LockEntry>()
  for (const [location, entry] of kept) {
    installed.set(location, entry)
    if (entry.link) {
      links.push({ location, resolved: entry.resolved ?? '' })
      continue
    }
    if (comesInBundlerTarball(lock.packages, location)) {
      skipped.push({ location, reason: 'bundled' })
      continue
    }
    targets.push(targetFor(location, entry, kept, options, sources))
  }
  return { targets, links, skipped, installed, packages: lock.packages }
}

function targetFor(location: string, entry: LockEntry, kept: Map<string, LockEntry>, options: PlanOptions, sources: ReadonlyMap<string, Source>): TargetSpec {
  const name = entry.name ?? nameFromLocation(location)
  const version = entry.version ?? '0.0.0'
  const parent = enclosingPackage(location)
  const parentEntry = parent === undefined ? undefined : kept.get(parent)
  const known = entry.resolved === undefined ? sources.get(`${name}@${version}`) : undefined
  // a package locked with neither resolved nor integrity whose source was not looked up (it stays
  // as installed) would come from the registry's usual URL
  const fetched = known === undefined ? undefined : { url: known.url, integrity: known.integrity ?? entry.integrity }
  const source = fetched ?? { url: options.tarballUrl(name, entry), integrity: entry.integrity }
  return {
    location,
    dir: `${options.projectDir}/${location}`,
    pkg: `${name}@${version}`,
    key: options.keyFor(fetched !== undefined ? { integrity: fetched.integrity, resolved: fetched.url } : entry.resolved === undefined && entry.integrity === undefined ? { resolved: source.url } : entry),
    source,
    parent: parentEntry && !parentEntry.link ? parent : undefined,
    optional: entry.optional === true,
    privateCopy: options.privateCopies && entry.hasInstallScript === true,
  }
}

export function isOmitted(entry: LockEntry, omit: Omit): boolean {
  if (entry.dev && omit.has('dev')) return true
  if (entry.optional && omit.has('optional')) return true
  if (entry.devOptional && omit.has('dev') && omit.has('optional')) return true
  if (entry.peer && omit.has('peer')) return true
  return false
}

/** "node_modules/a/node_modules/@s/b" -> "node_modules/a"; top-level packages have none. */
export function enclosingPackage(location: string): string | undefined {
  return parentLocation(location) || undefined
}


function describePlatform(location: string, entry: LockEntry): string {
  const wants = (['os', 'cpu', 'libc'] as const)
    .filter((field) => entry[field] !== undefined)
    .map((field) => `${field}: ${(entry[field] ?? []).join(',')}`)
  return `${entry.name ?? nameFromLocation(location)}@${entry.version ?? '?'} (${location}) wants ${wants.join('; ')}`
}
