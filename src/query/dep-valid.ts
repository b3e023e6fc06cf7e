/**
 * isDepValid: whether an installed node satisfies a dependency spec, with arborist's
 * dep-valid rules: a range or version by semver (loose, `*` and '' accept anything), a folder
 * when the node is a link to that folder, a tarball when it was installed from that file, a
 * dist-tag when the node came from a registry URL, a URL when it was installed from it, a git
 * spec when it came from the same repository (and commit, or semver range, when the spec names
 * one). A spec npm cannot read satisfies nothing.
 */
import semver from 'semver'
import { parseSpec, type GitSpec, type Spec } from '../spec/index.ts'
import type { TreeNode } from './tree-model.ts'

type Candidate = Pick<TreeNode, 'name' | 'isLink' | 'realpath' | 'resolved' | 'package'>

export function isDepValid(child: Candidate, requested: string, requestor: Pick<TreeNode, 'realpath'>): boolean {
  let spec: Spec
  try {
    spec = parseSpec(child.name, requested || '*', requestor.realpath)
  } catch {
    return false
  }
  return satisfies(child, spec)
}

function satisfies(child: Candidate, spec: Spec): boolean {
  switch (spec.type) {
    case 'range':
      if (spec.fetchSpec === '*') return true
      return semver.satisfies(child.package.version ?? '', spec.fetchSpec, true)
    case 'version':
      return semver.satisfies(child.package.version ?? '', spec.fetchSpec, true)
    case 'directory':
      return child.isLink && child.realpath === spec.path
    case 'file':
      return !child.isLink && child.resolved === `file:${spec.path}`
    case 'alias':
      return satisfies(child, spec.subSpec)
    case 'tag':
      return child.resolved !== undefined && /^https?:\/\//i.test(child.resolved)
    case 'remote':
      return child.resolved === spec.url
    case 'git':
      return gitSatisfies(child, spec)
  }
}

function gitSatisfies(child: Candidate, requested: GitSpec): boolean {
  let resolved: Spec
  try {
    resolved = parseSpec(undefined, child.resolved ?? '')
  } catch {
    return false
  }
  if (resolved.type !== 'git' || resolved.url !== requested.url) return false
  if (requested.semverRange !== undefined) return semver.satisfies(child.package.version ?? '', requested.semverRange, { loose: true })
  const pinned = /^[a-fA-F0-9]{40,64}$/.test(requested.committish ?? '')
  return !pinned || resolved.committish === requested.committish
}
