/**
 * Edits of the `allowScripts` field for `skiff install-scripts approve | deny | prune`, with
 * npm 11's rules (lib/utils/allow-scripts-writer.js, allow-scripts-prune.js):
 *   - approve writes `name@version: true` for every installed version (pin mode, the
 *     default), drops stale single-version pins and a name-only allow the pins replace; with
 *     pin off it writes `name: true` and folds single-version pins into it. An existing deny
 *     that names an installed version wins: nothing changes, and a warning says why.
 *   - deny always writes `name: false` and drops the package's other entries.
 *   - prune drops entries that match no installed package, or only packages without scripts.
 * Keys come from trusted sources only (the lockfile URL, the git host, the file path). The
 * input object is never mutated; new keys go last, as a JavaScript object orders them.
 */
import semver from 'semver'
import { isNameOnly, matchesKey, parseKey, trustedIdentity, type PolicyNode } from './allow-scripts.ts'

export type AllowScripts = Record<string, unknown>

export type ChangeKind = 'added' | 'removed-stale' | 'removed-pinned-allow' | 'replaced-by-pin'

export interface Change {
  key: string
  change: ChangeKind
}

export interface EditResult {
  allowScripts: AllowScripts
  changes: Change[]
  warning?: string
}

/** The name-only key: the trusted registry name, the git host shortcut, or the file source. */
export function nameKeyFor(node: PolicyNode, projectDir: string): string | null {
  const resolved = node.resolved ?? ''
  if (resolved.startsWith('git')) {
    const spec = parseKey(resolved, projectDir)
    return spec?.type === 'git' && spec.hosted ? hostedShortcut(spec.hosted) : null
  }
  if (resolved.startsWith('file:') || resolved.startsWith('/')) return resolved
  return trustedIdentity(node)?.name ?? null
}

/** The pinned key: `name@version`, `github:u/p#sha`, or the file source. */
export function versionedKeyFor(node: PolicyNode, projectDir: string): string | null {
  const resolved = node.resolved ?? ''
  if (resolved.startsWith('git')) {
    const spec = parseKey(resolved, projectDir)
    if (spec?.type !== 'git' || !spec.hosted) return null
    const base = hostedShortcut(spec.hosted)
    return spec.committish ? `${base}#${spec.committish}` : base
  }
  if (/^https?:\/\//.test(resolved)) {
    const trusted = trustedIdentity(node)
    return trusted?.version ? `${trusted.name}@${trusted.version}` : null
  }
  if (resolved.startsWith('file:') || resolved.startsWith('/')) return resolved
  return null
}

function hostedShortcut(hosted: { host: string; user?: string; project: string }): string {
  return hosted.user === undefined ? `${hosted.host}:${hosted.project}` : `${hosted.host}:${hosted.user}/${hosted.project}`
}

/**
 * Whether a key is about this package at all, whatever version it names (npm's
 * keyTargetsNode): a registry key by the trusted name, others by their source.
 */
export function targetsNode(node: PolicyNode, key: string, projectDir: string): boolean {
  const spec = parseKey(key, projectDir)
  if (spec === undefined) return false
  if (spec.type === 'version' || spec.type === 'range' || spec.type === 'tag') {
    const trusted = trustedIdentity(node)
    return trusted !== null && trusted.name === spec.name
  }
  if (spec.type === 'git') return matchesKey(node, spec.committish === undefined ? key : key.slice(0, key.lastIndexOf('#')), false, projectDir)
  return matchesKey(node, key, false, projectDir)
}

function isSingleVersionPin(key: string, projectDir: string): boolean {
  return parseKey(key, projectDir)?.type === 'version'
}

function denyWarning(key: string, name: string, projectDir: string): string {
  const spec = parseKey(key, projectDir)
  if (spec !== undefined && (spec.type === 'tag' || isNameOnly(spec))) {
    return `${key} is denied; remove the entry from allowScripts to approve ${name}.`
  }
  return `${key} is a versioned deny; run \`skiff install-scripts deny ${name}\` to widen the deny to all versions of ${name}, or remove the entry to approve ${name}.`
}

/** `nodes` are the installed copies of one package (one name key). */
export function applyApproval(existing: AllowScripts, nodes: readonly PolicyNode[], options: { pin: boolean; projectDir: string }): EditResult {
  const { projectDir } = options
  const allowScripts = { ...existing }
  const changes: Change[] = []
  const sample = nodes[0]
  if (sample === undefined) return { allowScripts, changes }
  const name = nameKeyFor(sample, projectDir)
  for (const node of nodes) {
    for (const [key, value] of Object.entries(allowScripts)) {
      if (value === false && targetsNode(node, key, projectDir)) {
        return { allowScripts, changes, warning: denyWarning(key, name ?? 'this package', projectDir) }
      }
    }
  }
  const ownPins = (): string[] =>
    Object.keys(allowScripts).filter((key) =>
      key !== name && allowScripts[key] === true && isSingleVersionPin(key, projectDir) && targetsNode(sample, key, projectDir))

  const versionedKeys = nodes.map((node) => versionedKeyFor(node, projectDir))
  if (!options.pin || (name !== null && versionedKeys.some((key) => key === null))) {
    // name-only: every version, replacing single-version pins (also when a version cannot be
    // pinned because its lockfile entry has no resolved URL)
    for (const key of ownPins()) {
      delete allowScripts[key]
      if (options.pin) changes.push({ key, change: 'removed-pinned-allow' })
    }
    if (name !== null && allowScripts[name] !== true) {
      allowScripts[name] = true
      changes.push({ key: name, change: 'added' })
    }
    const warning = options.pin && changes.length > 0
      ? `${name}: approved by name (all versions) because its package-lock.json entry has no "resolved" URL, so no version can be pinned. Run \`skiff install\` to refresh the lockfile and enable pinning.`
      : undefined
    return warning === undefined ? { allowScripts, changes } : { allowScripts, changes, warning }
  }

  const installedKeys = new Set(versionedKeys.filter((key): key is string => key !== null))
  for (const key of ownPins()) {
    if (installedKeys.has(key)) continue
    delete allowScripts[key]
    changes.push({ key, change: 'removed-stale' })
  }
  for (const key of installedKeys) {
    if (allowScripts[key] === true) continue
    allowScripts[key] = true
    changes.push({ key, change: 'added' })
  }
  if (installedKeys.size > 0 && name !== null && !installedKeys.has(name) && allowScripts[name] === true) {
    delete allowScripts[name]
    changes.push({ key: name, change: 'replaced-by-pin' })
  }
  return { allowScripts, changes }
}

export function applyDeny(existing: AllowScripts, nodes: readonly PolicyNode[], projectDir: string): EditResult {
  const allowScripts = { ...existing }
  const changes: Change[] = []
  const sample = nodes[0]
  const name = sample === undefined ? null : nameKeyFor(sample, projectDir)
  if (sample === undefined || name === null) return { allowScripts, changes }
  for (const key of Object.keys(allowScripts)) {
    if (key === name || !targetsNode(sample, key, projectDir)) continue
    delete allowScripts[key]
    changes.push({ key, change: 'removed-pinned-allow' })
  }
  if (allowScripts[name] !== false) {
    allowScripts[name] = false
    changes.push({ key: name, change: 'added' })
  }
  return { allowScripts, changes }
}

export interface PruneCandidate {
  node: PolicyNode
  hasScripts: boolean
}

export interface Removed {
  key: string
  value: unknown
  reason: 'not-installed' | 'no-scripts'
}

/** Splits the field into entries to keep and unused ones; keys that do not parse are kept. */
export function classifyUnusedEntries(
  allowScripts: AllowScripts,
  candidates: readonly PruneCandidate[],
  projectDir: string,
): { remaining: AllowScripts; removed: Removed[] } {
  const remaining: AllowScripts = {}
  const removed: Removed[] = []
  for (const [key, value] of Object.entries(allowScripts)) {
    if (parseKey(key, projectDir) === undefined) {
      remaining[key] = value
      continue
    }
    const matching = candidates.filter(({ node }) => matchesKey(node, key, false, projectDir))
    if (matching.length === 0) removed.push({ key, value, reason: 'not-installed' })
    else if (!matching.some(({ hasScripts }) => hasScripts)) removed.push({ key, value, reason: 'no-scripts' })
    else remaining[key] = value
  }
  return { remaining, removed }
}

/** A positional argument of approve / deny: a name, optionally narrowed by a version or range. */
export function parsePositional(arg: string, projectDir: string): { name: string; range: string | null } {
  const spec = parseKey(arg, projectDir)
  if (spec === undefined) return { name: arg, range: null }
  const name = spec.name ?? arg
  if ((spec.type === 'version' || spec.type === 'range') && !isNameOnly(spec)) return { name, range: spec.fetchSpec }
  return { name, range: null }
}

/** Whether an installed package is what a positional argument names. */
export function positionalMatches(node: PolicyNode, wanted: { name: string; range: string | null }, projectDir: string): boolean {
  if (node.inBundle) return false
  if ((trustedIdentity(node)?.name ?? node.name) !== wanted.name) return false
  if (wanted.range === null) return true
  const version = trustedIdentity(node)?.version ?? node.version
  return version !== undefined && version !== null && semver.satisfies(version, wanted.range, { loose: true })
}
