/**
 * The two ways version choice finds nothing. ETARGET: versions exist, none fits the spec
 * (npm's "No matching version found for name@range."). ENOVERSIONS: the package has no
 * version at all (unpublished), or none published before `before`. Both say who asked and
 * show what the registry does have.
 */
import semver from 'semver'
import { SkiffError } from '../error/index.ts'
import type { Packument } from './pick-packument.ts'

const SHOWN_MAJORS = 5

interface AskContext {
  before?: Date
  requiredBy?: string
}

export function noMatchingVersion(packument: Packument, wanted: string, context: AskContext): SkiffError {
  const { name } = packument
  return new SkiffError('ETARGET', `No matching version found for ${name}@${wanted}${beforeText(context)}${askedBy(context)}.`, {
    pkg: name,
    wanted,
    lines: availableVersions(packument, wanted.includes('-')),
    hint: `check the spelling of "${wanted}" and that this version of ${name} was published; \`skiff view ${name} versions\` lists them all`,
  })
}

export function noVersions(packument: Packument, context: AskContext): SkiffError {
  const { name } = packument
  const published = packument.versions.size > 0
  return new SkiffError('ENOVERSIONS', `No versions available for ${name}${beforeText(context)}${askedBy(context)}.`, {
    pkg: name,
    lines: availableVersions(packument, true),
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

/**
 * The newest version of each of the last few majors (releases only, unless the range asked
 * for a prerelease), latest marked, and how many versions there are: a short line where npm
 * prints none, and no wall of canaries and nightlies.
 */
function availableVersions(packument: Packument, prereleases: boolean): string[] {
  const versions = [...packument.versions.keys()].filter((version) => semver.valid(version, true) !== null)
  if (versions.length === 0) return ['the registry lists no versions']
  const releases = versions.filter((version) => semver.prerelease(version, true) === null)
  const candidates = (prereleases || releases.length === 0 ? versions : releases).sort((a, b) => semver.rcompare(a, b, true))
  const newestOfMajor = new Map<number, string>()
  for (const version of candidates) {
    const major = semver.major(version, true)
    if (!newestOfMajor.has(major)) newestOfMajor.set(major, version)
  }
  const latest = packument.distTags.get('latest')
  const shown = [...newestOfMajor.values()].slice(0, SHOWN_MAJORS).map((version) => (version === latest ? `${version} (latest)` : version))
  const count = versions.length
  return [`newest of each major: ${shown.join(', ')}, of ${count} version${count === 1 ? '' : 's'}`]
}
