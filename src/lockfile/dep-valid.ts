/**
 * Whether the package a lockfile places for a dependency satisfies the spec that wants it: the
 * entry read as a package (spec's DepNode) and asked of the one dep-valid the resolver and the
 * installed tree ask too (spec/dep-valid.ts), with what the lockfile knows of the requiring
 * package: where its relative `file:` specs start, and the spec it recorded for this
 * dependency (a named git ref that changed is resolved again).
 *
 * One thing is the lockfile's own: a registry entry without `resolved` (written under
 * omit-lockfile-registry-resolved) satisfies a dist-tag, as one with its URL does. npm ci
 * fetches the tag again and installs the locked version when the tag still points at it;
 * offline, skiff takes it that it does.
 */
import path from 'node:path'
import { isDepValid as specIsDepValid, type DepNode } from '../spec/index.ts'
import { classifySpec } from './classify-spec.ts'
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
  if (isTagWithoutUrl(found, rawSpec)) return true
  return specIsDepValid(depNodeOf(found, context.projectDir), rawSpec, undefined, {
    fromPath: path.resolve(context.projectDir, context.fromFolder),
    lockedSpec: () => context.lockedSpec,
  })
}

/** A lockfile entry as a package: its own location's name, its target's package for a link, `file:` paths made absolute. */
function depNodeOf(found: FoundDependency, projectDir: string): DepNode {
  const { entry } = found
  const resolved = typeof entry.resolved === 'string' && entry.resolved.startsWith('file:')
    ? `file:${path.resolve(projectDir, entry.resolved.slice('file:'.length))}`
    : entry.resolved
  return {
    name: nameFromLocation(found.location),
    version: entry.version,
    packageName: entry.name ?? nameFromLocation(found.linkTarget ?? found.location),
    resolved,
    isLink: found.isLink,
    realpath: path.resolve(projectDir, found.linkTarget ?? found.location),
  }
}

/** A dist-tag (through an alias too) wanted of a registry entry whose URL the lockfile left out. */
function isTagWithoutUrl(found: FoundDependency, rawSpec: string): boolean {
  if (found.isLink || found.entry.resolved !== undefined || found.entry.version === undefined) return false
  let spec = classifySpec(rawSpec)
  if (spec.type === 'alias') {
    if ((found.entry.name ?? nameFromLocation(found.location)) !== spec.name) return false
    spec = spec.sub
  }
  return spec.type === 'tag'
}

/** A `file:` path as a location relative to the project, the way the lockfile records it. */
export function specFolder({ projectDir, fromFolder }: Pick<DepValidContext, 'projectDir' | 'fromFolder'>, specPath: string): string {
  return normalizeLocation(path.relative(projectDir, path.resolve(projectDir, fromFolder, specPath)))
}
