/**
 * Whether a package satisfies a dependency spec (arborist's dep-valid), for every tree skiff
 * reads: the resolver's nodes, the lockfile's entries (ci's sync check) and the installed
 * tree (ls, why, outdated) each give their package as a DepNode, so the three agree:
 *   - a range or version: the package's version satisfies it (loose); `*` and '' accept anything;
 *   - an alias `npm:real@range`: the package is `real`, and its version is in the range;
 *   - a tag: the package came from a registry tarball (npm cannot check a tag offline);
 *   - a folder: the package is a link to that folder;
 *   - a tarball file: the package was resolved from that file; a URL: from that URL;
 *   - git: the same repository; the commit when the spec names a full one, a version in the
 *     range of a `#semver:` spec, and, where the lockfile recorded this dependency with a named
 *     ref (a branch, a tag), that same ref: a changed ref is resolved again.
 * Relative `file:` specs are read from the requestor's `fromPath`. A spec that cannot be read
 * satisfies nothing (the requestor is told, as arborist records it on the node).
 */
import path from 'node:path'
import { parseSpec } from './parse-spec.ts'
import type { GitSpec, Spec } from './types.ts'
import { satisfiesRange } from './version-order.ts'

/** What dep-valid reads of a package. */
export interface DepNode {
  /** its folder name in node_modules (an alias's name): the name the spec is read for */
  readonly name: string
  /** its version ('' or undefined: none) */
  readonly version: string | undefined
  /** the name in its package.json, which an alias must point at */
  readonly packageName: string | null | undefined
  /** where it came from: a registry tarball URL, `file:<absolute path>`, `<git URL>#<sha>`; null or undefined when unknown */
  readonly resolved: string | null | undefined
  readonly isLink: boolean
  /** the folder it is (for a link, its target's), absolute */
  readonly realpath: string
}

/** What dep-valid reads of the package that wants it. */
export interface DepRequestor {
  /** the folder its relative `file:` specs start from, absolute (arborist's fromPath) */
  readonly fromPath: string
  /** the spec the lockfile recorded for its dependency `name`, where one is known */
  readonly lockedSpec?: (name: string) => string | undefined
  /** told of a spec that cannot be read */
  readonly onBadSpec?: (error: unknown) => void
}

/** The package satisfies `requested`, or `accept` (an `acceptDependencies` entry) when there is one. */
export function isDepValid(child: DepNode, requested: string, accept: string | undefined, requestor: DepRequestor): boolean {
  return specValid(child, requested, requestor) || (accept !== undefined && specValid(child, accept, requestor))
}

function specValid(child: DepNode, requested: string, requestor: DepRequestor): boolean {
  let spec: Spec
  try {
    spec = parsedSpec(child.name, requested || '*', requestor.fromPath)
  } catch (error) {
    requestor.onBadSpec?.(error)
    return false
  }
  return satisfiesSpec(child, spec, requestor)
}

function satisfiesSpec(child: DepNode, spec: Spec, requestor: DepRequestor): boolean {
  switch (spec.type) {
    case 'range':
      if (spec.fetchSpec === '*' || spec.fetchSpec === '') return true
      return satisfies(child.version, spec.fetchSpec)
    case 'version':
      return satisfies(child.version, spec.fetchSpec)
    case 'alias':
      return child.packageName === spec.subSpec.name && satisfiesSpec(child, spec.subSpec, requestor)
    case 'tag':
      return typeof child.resolved === 'string' && /^https?:\/\//i.test(child.resolved)
    case 'remote':
      return child.resolved === spec.url
    case 'directory':
      return child.isLink && path.relative(child.realpath, spec.path) === ''
    case 'file':
      return !child.isLink && typeof child.resolved === 'string' && child.resolved.replaceAll('\\', '/') === `file:${spec.path.replaceAll('\\', '/')}`
    case 'git':
      return gitValid(child, spec, requestor)
  }
}

function gitValid(child: DepNode, wanted: GitSpec, requestor: DepRequestor): boolean {
  const resolved = gitSpecOf(child.name, child.resolved ?? '')
  if (resolved === undefined || repoKey(resolved) !== repoKey(wanted)) return false
  const committish = wanted.committish ?? ''
  if (/^[a-fA-F0-9]{40,64}$/.test(committish)) return resolved.committish === committish
  if (wanted.semverRange !== undefined) return child.version !== undefined && satisfies(child.version, wanted.semverRange)
  // a named ref cannot be checked against the commit offline: one the lockfile recorded otherwise is resolved again
  const lockedSpec = requestor.lockedSpec?.(child.name)
  const locked = lockedSpec === undefined ? undefined : gitSpecOf(child.name, lockedSpec)
  return locked === undefined || (locked.committish ?? '') === committish
}

function gitSpecOf(name: string, raw: string): GitSpec | undefined {
  try {
    const spec = parseSpec(name, raw, '/')
    return spec.type === 'git' ? spec : undefined
  } catch {
    return undefined
  }
}

/** The repository, whatever URL form names it. */
function repoKey(spec: GitSpec): string {
  const { hosted } = spec
  if (hosted !== undefined) return `${hosted.host}/${hosted.user ?? ''}/${hosted.project}`.toLowerCase()
  return spec.url.replace(/^git\+/, '')
}

const specs = new Map<string, Spec>()
const SPEC_CACHE_LIMIT = 100_000

/** parseSpec, remembered: the same few thousand specs are checked over and over. */
export function parsedSpec(name: string, rawSpec: string, where: string): Spec {
  const mayBePath = /[/:\\~]|^\./.test(rawSpec) && !rawSpec.startsWith('npm:')
  const key = `${name}\0${rawSpec}\0${mayBePath ? where : ''}`
  const known = specs.get(key)
  if (known !== undefined) return known
  if (specs.size >= SPEC_CACHE_LIMIT) specs.clear()
  const spec = parseSpec(name, rawSpec, where)
  specs.set(key, spec)
  return spec
}

/** semver.satisfies (loose), through the cached range; no version satisfies anything. */
function satisfies(version: string | undefined, range: string): boolean {
  return version !== undefined && version !== '' && satisfiesRange(version, range)
}
