/**
 * The two ways version choice finds nothing. ETARGET: versions exist, none fits the spec
 * (npm's "No matching version found for name@range."). ENOVERSIONS: the package has no
 * version at all (unpublished), or none published before `before`. Both say who asked and
 * show what the registry does have.
 */
import semver from 'semver'
import { SkiffError } from '../error/index.ts'
import type { Packument } from './pick-packument.ts'

const SHOWN_VERSIONS = 10

interface AskContext {
  before?: Date
  requiredBy?: string
}

export function noMatchingVersion(packument: Packument, wanted: string, context: AskContext): SkiffError {
  const { name } = packument
  return new SkiffError('ETARGET', `No matching version found for ${name}@${wanted}${beforeText(context)}${askedBy(context)}.`, {
    pkg: name,
    wanted,
    lines: [...availableVersions(packument), ...distTags(packument)],
    hint: `check the spelling of "${wanted}" and that this version of ${name} was published`,
  })
}

export function noVersions(packument: Packument, context: AskContext): SkiffError {
  const { name } = packument
  const published = packument.versions.size > 0
  return new SkiffError('ENOVERSIONS', `No versions available for ${name}${beforeText(context)}${askedBy(context)}.`, {
    pkg: name,
    lines: availableVersions(packument),
    hint: published
      ? `every version of ${name} was published after the --before date; choose a later date`
      : `${name} has no published versions (it may have been unpublished)`,
  })
}

function beforeText(context: AskContext): string {
  return context.before === undefined ? '' : ` with a date before ${context.before.toISOString()}`
}

function askedBy(context: AskContext): string {
  return context.requiredBy === undefined ? '' : ` (required by ${context.requiredBy})`
}

/** The highest versions, newest first, and how many older ones there are. */
function availableVersions(packument: Packument): string[] {
  const versions = [...packument.versions.keys()].filter((version) => semver.valid(version, true) !== null)
  if (versions.length === 0) return ['the registry lists no versions']
  const newest = versions.sort((a, b) => semver.rcompare(a, b, true)).slice(0, SHOWN_VERSIONS)
  const older = versions.length - newest.length
  return [`available versions: ${newest.join(', ')}${older > 0 ? ` and ${older} older` : ''}`]
}

function distTags(packument: Packument): string[] {
  if (packument.distTags.size === 0) return []
  const tags = [...packument.distTags].map(([tag, version]) => `${tag}: ${version}`)
  return [`dist-tags: ${tags.join(', ')}`]
}
