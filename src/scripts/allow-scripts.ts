/**
 * The `allowScripts` policy: which dependencies may run their install scripts (npm 11's
 * script-allowed.js rules, RFC npm/rfcs#868).
 *
 * A policy maps keys to true (allow) or false (deny). Keys are package specs:
 *   - `name`, `name@*`: every version of a registry package;
 *   - `name@1.2.3`, `name@1.2.3 || 2.0.0`: those exact versions (ranges and dist-tags are
 *     rejected by validatePolicy, and never match);
 *   - `github:user/repo[#sha-prefix]`, git URLs: that repository (and commit);
 *   - `file:...`, tarball URLs: that exact resolved source.
 * A registry package's identity is read from its lockfile `resolved` URL, never from its own
 * package.json (a tarball can claim any name). Deny wins over allow; no match is "unreviewed".
 */
import path from 'node:path'
import semver from 'semver'
import { SkiffError } from '../error/index.ts'
import { parseSpecArg, type Spec } from '../spec/index.ts'

export type Policy = Readonly<Record<string, boolean>>

/** An installed package as the policy sees it. */
export interface PolicyNode {
  /** the name it is installed under (its folder in node_modules) */
  name: string
  /** the version the lockfile records */
  version?: string
  /** the lockfile's `resolved` */
  resolved?: string
  /** the lockfile's `name`, present when it differs from the folder (aliases) */
  lockedName?: string
  inBundle?: boolean
}

export type Verdict = true | false | null

export interface Identity {
  name: string
  /** null when no trusted source gives one (no `resolved` URL) */
  version: string | null
}

const REGISTRY_TARBALL = /^https?:\/\/[^/]+\/.+\/-\/[^/]+-\d/

/** Allowed (true), denied (false) or not covered (null). Bundled packages are never covered. */
export function scriptVerdict(node: PolicyNode, policy: Policy | null, projectDir: string): Verdict {
  if (node.inBundle || policy === null) return null
  let allow = false
  for (const [key, value] of Object.entries(policy)) {
    // a deny fails closed on an unverifiable version; an allow does not
    if (!matchesKey(node, key, value === false, projectDir)) continue
    if (value === false) return false
    if (value === true) allow = true
  }
  return allow ? true : null
}

/** Whether a policy key names this package (whatever its value). */
export function matchesKey(node: PolicyNode, key: string, failClosed: boolean, projectDir: string): boolean {
  const spec = parseKey(key, projectDir)
  if (spec === undefined) return false
  switch (spec.type) {
    case 'version':
    case 'range':
    case 'tag':
      return matchesRegistry(node, spec, failClosed)
    case 'git':
      return matchesGit(node, spec, projectDir)
    case 'file':
    case 'directory':
      return resolvedSources(node, projectDir).some((source) => source === spec.saveSpec || source === spec.path)
    case 'remote':
      return resolvedSources(node, projectDir).includes(spec.url)
    case 'alias':
      return false
  }
}

export function parseKey(key: string, projectDir: string): Spec | undefined {
  try {
    return parseSpecArg(key, projectDir)
  } catch {
    return undefined
  }
}

function matchesRegistry(node: PolicyNode, spec: Extract<Spec, { type: 'version' | 'range' | 'tag' }>, failClosed: boolean): boolean {
  if (!isRegistryNode(node)) return false
  const trusted = trustedIdentity(node)
  if (trusted === null || trusted.name !== spec.name || spec.type === 'tag') return false
  if (spec.type === 'range') {
    if (isNameOnly(spec)) return true
    if (!isExactVersionDisjunction(spec.fetchSpec)) return false
    if (trusted.version === null) return failClosed
    return semver.satisfies(trusted.version, spec.fetchSpec, { loose: true })
  }
  if (trusted.version === null) return failClosed
  return trusted.version === spec.fetchSpec
}

function matchesGit(node: PolicyNode, spec: Extract<Spec, { type: 'git' }>, projectDir: string): boolean {
  if (node.resolved === undefined || !node.resolved.startsWith('git')) return false
  const resolved = parseKey(node.resolved, projectDir)
  if (resolved?.type !== 'git') return false
  const sameRepo = spec.hosted && resolved.hosted
    ? repoOf(spec) === repoOf(resolved)
    : spec.cloneUrl === resolved.cloneUrl
  if (!sameRepo) return false
  if (spec.committish === undefined) return true
  // the lockfile holds full SHAs, users write short ones: the full one must start with the key's
  return resolved.committish !== undefined && resolved.committish.startsWith(spec.committish)
}

function repoOf(spec: Extract<Spec, { type: 'git' }>): string {
  const hosted = spec.hosted
  return hosted ? `${hosted.host}:${hosted.user ?? ''}/${hosted.project}` : spec.cloneUrl
}

function resolvedSources(node: PolicyNode, projectDir: string): string[] {
  if (node.resolved === undefined) return []
  const sources = [node.resolved]
  if (node.resolved.startsWith('file:')) sources.push(path.resolve(projectDir, node.resolved.slice('file:'.length)))
  return sources
}

export function isNameOnly(spec: { type: string; fetchSpec?: string; rawSpec: string }): boolean {
  return spec.type === 'range' && (spec.fetchSpec === '*' || spec.rawSpec === '' || spec.rawSpec === '*')
}

/** A registry tarball URL (`<host>/<name>/-/<file>-<digit>...`), or no URL and a version. */
export function isRegistryNode(node: PolicyNode): boolean {
  if (node.resolved === undefined) return node.version !== undefined
  return REGISTRY_TARBALL.test(node.resolved)
}

/**
 * Name and version from the registry tarball URL; without a URL (omit-lockfile-registry-
 * resolved), the installed name without a version. An alias with no URL has no trusted name.
 */
export function trustedIdentity(node: PolicyNode): Identity | null {
  if (node.resolved !== undefined) {
    const fromUrl = identityFromTarballUrl(node.resolved)
    if (fromUrl !== null) return fromUrl
  }
  if (node.lockedName !== undefined && node.lockedName !== node.name) return null
  return node.resolved === undefined ? { name: node.name, version: null } : null
}

/** `https://r/@s/x/-/x-1.2.3.tgz` → { @s/x, 1.2.3 }; a registry may be mounted below the root. */
export function identityFromTarballUrl(resolved: string): { name: string; version: string } | null {
  if (!/^https?:\//.test(resolved)) return null
  let pathname: string
  try {
    pathname = new URL(resolved).pathname
  } catch {
    return null
  }
  const base = pathname.slice(pathname.lastIndexOf('/') + 1)
  if (!base.endsWith('.tgz')) return null
  const parts = pathname.slice(1).split('/-/')
  if (parts.length < 2 || parts.at(-1) !== base) return null
  const before = (parts.at(-2) ?? '').split(/\/|%2f/i)
  const project = before.pop() ?? ''
  const scope = before.pop()
  if (!base.startsWith(`${project}-`)) return null
  const parsed = semver.parse(base.slice(project.length + 1, -'.tgz'.length))
  if (parsed === null) return null
  return { name: scope?.startsWith('@') ? `${scope}/${project}` : project, version: parsed.version }
}

/** One or more exact versions joined by `||`. */
export function isExactVersionDisjunction(range: string): boolean {
  if (range.trim() === '') return false
  return range.split('||').every((part) => part.trim() !== '' && semver.valid(part.trim()) !== null)
}

/** `a,b` / ['a', 'b,c'] → ['a', 'b', 'c'], trimmed, empty parts dropped. */
export function parseAllowScriptsList(raw: string | readonly string[]): string[] {
  const entries = typeof raw === 'string' ? [raw] : raw
  return entries.flatMap((entry) => entry.split(',')).map((part) => part.trim()).filter((part) => part !== '')
}

/** Keys npm refuses (ranges, dist-tags, unparseable) are dropped with a warning. */
export function validatePolicy(policy: Record<string, unknown> | null, sourceLabel: string, projectDir: string): { policy: Policy | null; warnings: string[] } {
  if (policy === null) return { policy: null, warnings: [] }
  const cleaned: Record<string, boolean> = {}
  const warnings: string[] = []
  for (const [key, value] of Object.entries(policy)) {
    if (typeof value !== 'boolean') {
      warnings.push(`${sourceLabel}: ignoring "${key}": the value must be true or false`)
      continue
    }
    const spec = parseKey(key, projectDir)
    if (spec === undefined) {
      warnings.push(`${sourceLabel}: ignoring unparseable entry "${key}"`)
      continue
    }
    if (spec.type === 'tag') {
      warnings.push(`${sourceLabel}: ignoring "${key}": dist-tags are not allowed; use exact versions joined by "||", or the bare package name`)
      continue
    }
    if (spec.type === 'range' && !isNameOnly(spec) && !isExactVersionDisjunction(spec.fetchSpec)) {
      warnings.push(`${sourceLabel}: ignoring "${key}": semver ranges (^, ~, >=, <) are not allowed; use exact versions joined by "||"`)
      continue
    }
    cleaned[key] = value
  }
  return { policy: Object.keys(cleaned).length > 0 ? cleaned : null, warnings }
}

export interface PolicySources {
  /** `--allow-scripts` and `npm_config_allow_scripts` */
  cli?: readonly string[]
  /** `allow-scripts` from .npmrc files */
  npmrc?: readonly string[]
  /** the root package.json's `allowScripts` field */
  packageJson?: unknown
  /** false for exec / npx, which read no project policy and accept the flag */
  projectScoped: boolean
  projectDir: string
}

export interface ResolvedPolicy {
  policy: Policy | null
  source: 'cli' | 'package.json' | '.npmrc' | null
  warnings: string[]
}

/**
 * npm's precedence: the command line (and env) first, then package.json, then .npmrc; the
 * first source with entries wins whole. The flag is refused in a project install, where the
 * policy belongs in package.json or .npmrc.
 */
export function resolvePolicy(sources: PolicySources): ResolvedPolicy {
  const fromList = (list: readonly string[] | undefined): Record<string, boolean> | null =>
    list && list.length > 0 ? Object.fromEntries(list.map((name) => [name, true])) : null
  const cliPolicy = fromList(sources.cli)
  if (cliPolicy && sources.projectScoped) {
    throw new SkiffError('EALLOWSCRIPTS', '--allow-scripts is not allowed in project-scoped installs', {
      hint: 'add the entries to the "allowScripts" field in package.json (`skiff install-scripts approve <pkg>`), or to .npmrc',
    })
  }
  const field = sources.packageJson
  const pkgPolicy = sources.projectScoped && typeof field === 'object' && field !== null && !Array.isArray(field) && Object.keys(field).length > 0
    ? (field as Record<string, unknown>)
    : null
  const cli = validatePolicy(cliPolicy, 'command line', sources.projectDir)
  const pkg = validatePolicy(pkgPolicy, 'package.json allowScripts', sources.projectDir)
  const rc = validatePolicy(fromList(sources.npmrc), '.npmrc allow-scripts', sources.projectDir)
  const warnings = [...cli.warnings, ...pkg.warnings, ...rc.warnings]
  if (cli.policy) {
    if (rc.policy) warnings.push('.npmrc allow-scripts is ignored because --allow-scripts was given')
    return { policy: cli.policy, source: 'cli', warnings }
  }
  if (pkg.policy) {
    if (rc.policy) warnings.push('.npmrc allow-scripts is ignored because package.json has an allowScripts field')
    return { policy: pkg.policy, source: 'package.json', warnings }
  }
  if (rc.policy) return { policy: rc.policy, source: '.npmrc', warnings }
  return { policy: null, source: null, warnings }
}
