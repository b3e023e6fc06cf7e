/**
 * The summary `npm view <pkg>` prints for one version (npm's prettyView): a blank line, then
 * `name@version | license | deps: N | versions: N`, the description, the homepage, a
 * deprecation notice, keywords and bins, the dist block (.tarball, .shasum, .integrity,
 * .unpackedSize), up to 24 dependencies, the maintainers, up to 5 dist-tags (latest first,
 * then the most recently published) and when it was published, by whom.
 */
import { isJsonObject } from './package-info.ts'
import type { Paint } from './paint.ts'
import { formatBytes, relativeDate } from './relative-date.ts'
import { formatPerson } from './view-fields.ts'

type Json = Record<string, unknown>

const MAX_DEPENDENCIES = 24
const MAX_TAGS = 5

export interface SummaryOptions {
  paint: Paint
  unicode: boolean
  now: Date
}

/** `packument` has `versions` as the list of version numbers; `view` is the document overlaid with the version's fields. */
export function renderViewSummary(packument: Json, view: Json, options: SummaryOptions): string {
  const { paint } = options
  const dependencies = Object.entries(isJsonObject(view.dependencies) ? view.dependencies : {}).map(([name, spec]) => `${paint.blue(name)}: ${String(spec)}`)
  const time = isJsonObject(packument.time) ? packument.time : {}
  const tags = distTagsInOrder(isJsonObject(packument['dist-tags']) ? packument['dist-tags'] : {}, time).map(([tag, version]) => `${paint.blue(tag)}: ${String(version)}`)
  const homepage = isJsonObject(view.homepage) && view.homepage.url ? view.homepage.url : view.homepage
  const bins = Object.keys(isJsonObject(view.bin) ? view.bin : {})
  const license = licenseName(view.license)
  const versionCount = Array.isArray(packument.versions) ? packument.versions.length : 0
  const dist = isJsonObject(view.dist) ? view.dist : {}

  const lines: string[] = ['']
  lines.push([
    paint.underline(paint.cyan(`${String(view.name)}@${String(view.version)}`)),
    license.toLowerCase().trim() === 'proprietary' ? paint.red(license) : paint.green(license),
    `deps: ${paint.cyan(dependencies.length > 0 ? String(dependencies.length) : 'none')}`,
    `versions: ${paint.cyan(String(versionCount))}`,
  ].join(' | '))
  if (view.description) lines.push(String(view.description))
  if (homepage) lines.push(paint.blue(String(homepage)))
  if (view.deprecated) lines.push(`\n${paint.redBright('DEPRECATED')}${options.unicode ? ' ⚠️ ' : '!!'} - ${String(view.deprecated)}`)
  const keywords = Array.isArray(packument.keywords) ? packument.keywords : []
  if (keywords.length > 0) lines.push(`\nkeywords: ${keywords.map((keyword) => paint.cyan(String(keyword))).join(', ')}`)
  if (bins.length > 0) lines.push(`\nbin: ${paint.cyan(bins.join(', '))}`)
  lines.push('\ndist')
  lines.push(`.tarball: ${paint.blue(String(dist.tarball))}`)
  lines.push(`.shasum: ${paint.green(String(dist.shasum))}`)
  if (dist.integrity) lines.push(`.integrity: ${paint.green(String(dist.integrity))}`)
  if (typeof dist.unpackedSize === 'number' && dist.unpackedSize) lines.push(`.unpackedSize: ${paint.blue(formatBytes(dist.unpackedSize))}`)
  if (dependencies.length > 0) {
    lines.push('\ndependencies:')
    lines.push(dependencies.slice(0, MAX_DEPENDENCIES).join(', '))
    if (dependencies.length > MAX_DEPENDENCIES) lines.push(paint.dim(`(...and ${dependencies.length - MAX_DEPENDENCIES} more.)`))
  }
  const maintainers = Array.isArray(packument.maintainers) ? packument.maintainers : []
  if (maintainers.length > 0) {
    lines.push('\nmaintainers:')
    for (const maintainer of maintainers) lines.push(`- ${personLine(isJsonObject(maintainer) ? maintainer : {}, paint)}`)
  }
  lines.push('\ndist-tags:')
  lines.push(tags.slice(0, MAX_TAGS).join('\n'))
  if (tags.length > MAX_TAGS) lines.push(paint.dim(`(...and ${tags.length - MAX_TAGS} more.)`))
  const publisher = isJsonObject(view._npmUser) ? personLine(view._npmUser, paint) : undefined
  if (publisher !== undefined || isJsonObject(packument.time)) {
    let published = 'published'
    const at = time[String(view.version)]
    if (typeof at === 'string') published += ` ${paint.cyan(relativeDate(new Date(at), options.now))}`
    if (publisher !== undefined) published += ` by ${publisher}`
    lines.push('')
    lines.push(published)
  }
  return lines.join('\n')
}

function licenseName(field: unknown): string {
  const license = field || 'Proprietary'
  if (typeof license === 'string') return license
  return isJsonObject(license) && typeof license.type === 'string' && license.type !== '' ? license.type : 'Proprietary'
}

/** npm's person line; as in npm, a maintainer without an email shows `<undefined>`. */
function personLine(person: Json, paint: Paint): string {
  return formatPerson({ name: paint.blue(String(person.name)), email: paint.dim(String(person.email)) })
}

/**
 * Latest first, then by publish time of the tagged version, newest first; equal times by tag
 * name, descending. A version without a recorded time counts as published on 2000-01-01
 * (local), as V8 reads npm's `Date.parse(0)`.
 */
function distTagsInOrder(tags: Json, time: Json): Array<[string, unknown]> {
  const unknownTime = new Date(2000, 0, 1).getTime()
  const timeOf = (tag: string, version: unknown): number => {
    if (tag === 'latest') return Infinity
    const at = time[String(version)]
    return typeof at === 'string' && at !== '' ? Date.parse(at) : unknownTime
  }
  return Object.entries(tags).sort(([aTag, aVersion], [bTag, bVersion]) => {
    const aTime = timeOf(aTag, aVersion)
    const bTime = timeOf(bTag, bVersion)
    if (aTime === bTime) return aTag > bTag ? -1 : aTag < bTag ? 1 : 0
    return aTime > bTime ? -1 : 1
  })
}
