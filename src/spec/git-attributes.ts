/**
 * The part of a git spec after `#`, with npm-package-arg's grammar: items separated by `::`;
 * an item without `:` is a committish, `semver:<range>` picks the highest matching tag,
 * `path:<dir>` names a subfolder, other keys are ignored. At most one of each, and a
 * committish and a semver range exclude each other.
 */
import { stripUrlCredentials } from '../config/index.ts'
import { SkiffError } from '../error/index.ts'

export interface GitAttributes {
  committish: string | undefined
  semverRange: string | undefined
  subdir: string | undefined
}

export function parseGitAttributes(fragment: string | undefined, raw: string): GitAttributes {
  const attributes: GitAttributes = { committish: undefined, semverRange: undefined, subdir: undefined }
  if (fragment === undefined || fragment === '') return attributes
  for (const item of fragment.split('::')) {
    const colon = item.indexOf(':')
    if (colon === -1) {
      if (attributes.semverRange) throw conflict(raw, 'a committish and a semver range')
      if (attributes.committish) throw conflict(raw, 'two committishes')
      attributes.committish = item
      continue
    }
    const key = item.slice(0, colon)
    const value = item.slice(colon + 1).split(':')[0] ?? ''
    if (key === 'semver') {
      if (attributes.committish) throw conflict(raw, 'a committish and a semver range')
      if (attributes.semverRange) throw conflict(raw, 'two semver ranges')
      attributes.semverRange = decodeFragment(value, raw)
    } else if (key === 'path') {
      if (attributes.subdir !== undefined) throw conflict(raw, 'two paths')
      attributes.subdir = `/${value}`
    }
  }
  return {
    committish: attributes.committish || undefined,
    semverRange: attributes.semverRange || undefined,
    subdir: attributes.subdir,
  }
}

function conflict(raw: string, what: string): SkiffError {
  return new SkiffError('EBADSPEC', `git spec "${stripUrlCredentials(raw)}" names ${what}`, {
    hint: 'after "#" give one committish or one semver:<range>, and at most one path:<dir>, separated by "::"',
  })
}

function decodeFragment(value: string, raw: string): string {
  try {
    return decodeURIComponent(value)
  } catch (error) {
    throw new SkiffError('EBADSPEC', `git spec "${stripUrlCredentials(raw)}" has a malformed %-escape after "#"`, { cause: error })
  }
}
