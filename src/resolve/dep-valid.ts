/**
 * Whether a node satisfies a spec wanted by another node (arborist's dep-valid), or the
 * `acceptDependencies` spec when there is one:
 *   - a range or version: the node's version satisfies it (loose); `*` and '' accept anything;
 *   - an alias: its target spec;
 *   - a tag: the node came from a registry tarball (npm cannot check a tag offline);
 *   - a folder: the node is a link to that folder;
 *   - a tarball file: the node was resolved from that file; a URL: from that URL;
 *   - git: same repository, the same commit when one is named, a `semver:` range satisfied.
 * Relative `file:` specs are read from where the requiring package came from (fromPath).
 * A spec that cannot be parsed is never satisfied; the error is kept on the requiring node.
 */
import path from 'node:path'
import semver from 'semver'
import { parseSpec, type Spec } from '../spec/index.ts'
import type { Node } from './node.ts'

export function depValid(child: Node, requested: string, accept: string | undefined, requestor: Node): boolean {
  return specValid(child, requested, requestor) || (accept !== undefined && specValid(child, accept, requestor))
}

function specValid(child: Node, requested: string, requestor: Node): boolean {
  let spec: Spec
  try {
    spec = parsedSpec(child.name, requested || '*', fromPath(requestor, child.name))
  } catch (error) {
    requestor.errors.push(error)
    return false
  }
  return satisfiesSpec(child, spec)
}

function satisfiesSpec(child: Node, spec: Spec): boolean {
  switch (spec.type) {
    case 'range':
      if (spec.fetchSpec === '*' || spec.fetchSpec === '') return true
      return satisfies(child.version, spec.fetchSpec)
    case 'version':
      return satisfies(child.version, spec.fetchSpec)
    case 'alias':
      return satisfiesSpec(child, spec.subSpec)
    case 'tag':
      return child.resolved !== null && /^https?:/.test(child.resolved)
    case 'remote':
      return child.resolved === spec.url
    case 'directory':
      return child.isLink && path.relative(child.realpath, spec.path) === ''
    case 'file':
      return !child.isLink && child.resolved === `file:${spec.path}`
    case 'git':
      return gitValid(child, spec)
  }
}

function gitValid(child: Node, wanted: Extract<Spec, { type: 'git' }>): boolean {
  if (child.resolved === null) return false
  let resolved: Spec
  try {
    resolved = parseSpec(child.name, child.resolved, '/')
  } catch {
    return false
  }
  if (resolved.type !== 'git') return false
  if (repoKey(resolved) !== repoKey(wanted)) return false
  const committish = wanted.committish ?? ''
  if (/^[a-fA-F0-9]{40,64}$/.test(committish) && resolved.committish !== committish) return false
  if (wanted.semverRange === undefined) return true
  return semver.satisfies(child.version, wanted.semverRange, { loose: true })
}

function repoKey(spec: Extract<Spec, { type: 'git' }>): string {
  const { hosted } = spec
  if (hosted !== undefined) return `${hosted.host}/${hosted.user ?? ''}/${hosted.project}`.toLowerCase()
  return spec.url.replace(/^git\+/, '')
}

/**
 * Where a node's relative `file:` specs start: the folder of the tarball it came from, or
 * its own folder; with an override of the edge, the project root (arborist's fromPath).
 */
export function fromPath(node: Node, name: string): string {
  const rule = node.edgesOut.get(name)?.overrides
  if (rule !== undefined && rule.name === name && rule.value) {
    return node.sourceReference ? node.sourceReference.root.realpath : node.root.realpath
  }
  if (node.resolved?.startsWith('file:') && /[.](?:tgz|tar\.gz|tar)$/i.test(node.resolved)) {
    return path.dirname(path.resolve(node.root.realpath, node.resolved.slice(5)))
  }
  return node.realpath
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

const satisfied = new Map<string, boolean>()

function satisfies(version: string, range: string): boolean {
  const key = `${version}\0${range}`
  const known = satisfied.get(key)
  if (known !== undefined) return known
  if (satisfied.size >= SPEC_CACHE_LIMIT) satisfied.clear()
  const answer = semver.satisfies(version, range, { loose: true })
  satisfied.set(key, answer)
  return answer
}
