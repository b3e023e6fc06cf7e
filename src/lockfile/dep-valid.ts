/**
 * Whether the package a lockfile places for a dependency satisfies the spec that wants it,
 * by arborist's dep-valid rules:
 *  - a range or version: the installed version satisfies it (loose); '*' and '' accept anything;
 *  - an alias `npm:name@range`: the range, and (stricter than npm, which installs the wrong
 *    package in that case) the installed package must be `name`;
 *  - a tag: the entry is a registry package (npm cannot check a tag offline either);
 *  - a folder (`file:../x`): the entry is a link to that folder;
 *  - a tarball file: the entry was resolved from that file; a URL: from that URL;
 *  - git: same repository; a full commit must match, a `semver:` range must be satisfied,
 *    and a named ref must be the one the lockfile recorded for this dependency.
 */
import path from 'node:path'
import semver from 'semver'
import { classifySpec, type DepSpec, type HostedRepo } from './classify-spec.ts'
import { nameFromLocation, normalizeLocation } from './location.ts'
import type { LockEntry } from './types.ts'

/** What a dependency resolved to in the lockfile. */
export interface FoundDependency {
  /** where it was found (a link's own location for links) */
  location: string
  /** the entry holding its version: the link target's for links */
  entry: LockEntry
  isLink: boolean
  /** a link's target location */
  linkTarget?: string
}

export interface DepValidContext {
  /** absolute path of the project */
  projectDir: string
  /** the folder relative paths in `file:` specs start from, relative to the project */
  fromFolder: string
  /** the spec the lockfile recorded for this dependency of the requiring package, if any */
  lockedSpec?: string
}

export function isDepValid(found: FoundDependency, rawSpec: string, context: DepValidContext): boolean {
  return specValid(found, classifySpec(rawSpec), context)
}

function specValid(found: FoundDependency, spec: DepSpec, context: DepValidContext): boolean {
  const { entry } = found
  switch (spec.type) {
    case 'range':
    case 'version':
      return spec.range === '*' || (entry.version !== undefined && satisfies(entry.version, spec.range))
    case 'alias':
      return packageName(found) === spec.name && specValid(found, spec.sub, context)
    case 'tag':
      return !found.isLink && entry.version !== undefined
    case 'directory':
      return found.isLink && found.linkTarget === specFolder(context, spec.path)
    case 'file':
      return !found.isLink && typeof entry.resolved === 'string' && entry.resolved.startsWith('file:')
        && normalizeLocation(entry.resolved) === specFolder(context, spec.path)
    case 'remote':
      return !found.isLink && entry.resolved === spec.url
    case 'git':
      return gitValid(entry, spec, context.lockedSpec)
    case 'unsupported':
      return false
  }
}

const satisfied = new Map<string, boolean>()
const SATISFIED_LIMIT = 50_000

/** semver.satisfies (loose), remembered: a lockfile asks the same question thousands of times. */
function satisfies(version: string, range: string): boolean {
  const key = `${version}\0${range}`
  const known = satisfied.get(key)
  if (known !== undefined) return known
  if (satisfied.size >= SATISFIED_LIMIT) satisfied.clear()
  const answer = semver.satisfies(version, range, { loose: true })
  satisfied.set(key, answer)
  return answer
}

function packageName(found: FoundDependency): string {
  return found.entry.name ?? nameFromLocation(found.linkTarget ?? found.location)
}

/** A `file:` path as a location relative to the project, the way the lockfile records it. */
export function specFolder({ projectDir, fromFolder }: Pick<DepValidContext, 'projectDir' | 'fromFolder'>, specPath: string): string {
  return normalizeLocation(path.relative(projectDir, path.resolve(projectDir, fromFolder, specPath)))
}

function gitValid(entry: LockEntry, wanted: Extract<DepSpec, { type: 'git' }>, lockedSpec: string | undefined): boolean {
  if (entry.resolved === undefined) return false
  const resolved = classifySpec(entry.resolved)
  if (resolved.type !== 'git' || !sameRepo(resolved, wanted)) return false
  if (wanted.committish !== undefined && /^[a-fA-F0-9]{40,64}$/.test(wanted.committish)) return resolved.committish === wanted.committish
  if (wanted.semverRange !== undefined) return entry.version !== undefined && satisfies(entry.version, wanted.semverRange)
  const locked = lockedSpec === undefined ? undefined : classifySpec(lockedSpec)
  return locked?.type !== 'git' || (locked.committish ?? '') === (wanted.committish ?? '')
}

function sameRepo(a: Extract<DepSpec, { type: 'git' }>, b: Extract<DepSpec, { type: 'git' }>): boolean {
  if (a.hosted !== undefined && b.hosted !== undefined) return repoKey(a.hosted) === repoKey(b.hosted)
  return a.url.replace(/^git\+/, '') === b.url.replace(/^git\+/, '')
}

function repoKey({ domain, user, project }: HostedRepo): string {
  return `${domain}/${user}/${project}`.toLowerCase()
}
