/**
 * What kind of dependency spec a package.json or lockfile string is, by npm-package-arg's
 * rules, reduced to what the lockfile needs: comparing a locked entry with a wanted spec
 * and migrating lockfile v1 `version` fields.
 */
import semver from 'semver'
import { rangeTest } from '../spec/index.ts'

export interface HostedRepo {
  domain: string
  user: string
  project: string
}

export type DepSpec =
  | { type: 'range'; range: string }
  | { type: 'version'; range: string }
  | { type: 'tag'; tag: string }
  | { type: 'alias'; name: string; sub: DepSpec }
  | { type: 'directory'; path: string }
  | { type: 'file'; path: string }
  | { type: 'remote'; url: string }
  | { type: 'git'; url: string; hosted?: HostedRepo; committish?: string; semverRange?: string }
  | { type: 'unsupported'; raw: string }

const HOSTS: Record<string, string> = { github: 'github.com', gitlab: 'gitlab.com', bitbucket: 'bitbucket.org' }
const TARBALL = /\.(?:tgz|tar\.gz|tar)$/i
const PATH_LIKE = /^(?:\.|~\/|\/|\\|[a-zA-Z]:)/
const GITHUB_SHORTHAND = /^[^@%/\s.-][^:@%/\s]*\/[^@\s/%]+(?:#.*)?$/

/** Specs repeat across a lockfile (thousands of "^1.0.0"); parsing one costs semver a throw and a catch. */
const cache = new Map<string, DepSpec>()
const CACHE_LIMIT = 20_000

export function classifySpec(raw: string): DepSpec {
  const cached = cache.get(raw)
  if (cached !== undefined) return cached
  if (cache.size >= CACHE_LIMIT) cache.clear()
  const spec = parseSpec(raw)
  cache.set(raw, spec)
  return spec
}

function parseSpec(raw: string): DepSpec {
  const spec = raw.trim()
  if (spec.startsWith('npm:')) return classifyAlias(spec.slice(4))
  const git = classifyGit(spec)
  if (git !== undefined) return git
  if (spec.startsWith('file:')) return classifyPath(spec.slice(5))
  if (PATH_LIKE.test(spec)) return classifyPath(spec)
  if (/^https?:\/\//i.test(spec)) return { type: 'remote', url: spec }
  if (TARBALL.test(spec) && rangeTest(spec) === undefined) return { type: 'file', path: spec }
  if (spec === '' || spec === '*') return { type: 'range', range: '*' }
  if (semver.valid(spec, true) !== null) return { type: 'version', range: spec }
  if (rangeTest(spec) !== undefined) return { type: 'range', range: spec }
  if (/^[a-z][a-z0-9+.-]*:/i.test(spec)) return { type: 'unsupported', raw }
  if (encodeURIComponent(spec) === spec) return { type: 'tag', tag: spec }
  return { type: 'unsupported', raw }
}

function classifyAlias(rest: string): DepSpec {
  const at = rest.indexOf('@', 1)
  const name = at === -1 ? rest : rest.slice(0, at)
  const sub = classifySpec(at === -1 ? '' : rest.slice(at + 1))
  if (sub.type !== 'range' && sub.type !== 'version' && sub.type !== 'tag') return { type: 'unsupported', raw: `npm:${rest}` }
  return { type: 'alias', name, sub }
}

function classifyPath(rawPath: string): DepSpec {
  return TARBALL.test(rawPath) ? { type: 'file', path: rawPath } : { type: 'directory', path: rawPath }
}

function classifyGit(spec: string): DepSpec | undefined {
  const hashAt = spec.indexOf('#')
  const base = hashAt === -1 ? spec : spec.slice(0, hashAt)
  const fragment = hashAt === -1 ? undefined : spec.slice(hashAt + 1)
  const hosted = hostedFromShorthand(base) ?? hostedFromUrl(base)
  const isGitUrl = /^git(?:\+[a-z]+)?:/i.test(base)
  if (hosted === undefined && !isGitUrl) return undefined
  const semverRange = fragment?.startsWith('semver:') === true ? fragment.slice('semver:'.length) : undefined
  const committish = fragment === undefined || fragment === '' || semverRange !== undefined ? undefined : fragment
  return { type: 'git', url: base, ...(hosted && { hosted }), ...(committish !== undefined && { committish }), ...(semverRange !== undefined && { semverRange }) }
}

function hostedFromShorthand(base: string): HostedRepo | undefined {
  const prefixed = /^(github|gitlab|bitbucket):([^/]+)\/([^/]+?)(?:\.git)?$/.exec(base)
  if (prefixed !== null) return { domain: HOSTS[prefixed[1] as string] as string, user: prefixed[2] as string, project: prefixed[3] as string }
  if (!GITHUB_SHORTHAND.test(base) || PATH_LIKE.test(base) || TARBALL.test(base)) return undefined
  const [user, project] = base.split('/') as [string, string]
  return { domain: 'github.com', user, project: project.replace(/\.git$/, '') }
}

function hostedFromUrl(base: string): HostedRepo | undefined {
  const match = /^(?:git\+)?(?:https?|ssh|git):\/\/(?:[^@/]+@)?([^/:]+)[/:]([^/]+)\/([^/]+?)(?:\.git)?\/?$/i.exec(base)
    ?? /^(?:git\+ssh:\/\/)?git@([^/:]+)[:/]([^/]+)\/([^/]+?)(?:\.git)?$/i.exec(base)
  if (match === null) return undefined
  const domain = (match[1] as string).toLowerCase()
  if (!Object.values(HOSTS).includes(domain)) return undefined
  if (/^https?:/i.test(base) && TARBALL.test(base)) return undefined
  return { domain, user: match[2] as string, project: match[3] as string }
}

/** npm's canonical `resolved` for a git dependency: the ssh URL for hosted repos, else the URL as given. */
export function gitResolved(spec: Extract<DepSpec, { type: 'git' }>): string {
  const suffix = spec.committish === undefined ? '' : `#${spec.committish}`
  if (spec.hosted === undefined) return `${spec.url}${suffix}`
  const { domain, user, project } = spec.hosted
  return `git+ssh://git@${domain}/${user}/${project}.git${suffix}`
}

export function isRegistrySpec(spec: DepSpec): boolean {
  return spec.type === 'range' || spec.type === 'version' || spec.type === 'tag' || spec.type === 'alias'
}
