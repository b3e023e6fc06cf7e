/**
 * What `npm view <pkg>[@spec] [fields]` shows of a package's full registry document, chosen
 * as npm 11.19's view command chooses it:
 *   - the spec (or the default tag when there is none or it is `*`) is looked up as a
 *     dist-tag first; every version that satisfies the result is shown, in the document's
 *     order (a range can match several);
 *   - each version is seen as the document's fields overlaid with that version's fields,
 *     `versions` being the sorted list of valid version numbers and `readme` left out unless
 *     asked for;
 *   - with fields, each is looked up in that view (view-fields.ts); without, the whole view.
 * A spec no version satisfies is E404 "No match found for version ...", as in npm.
 */
import semver from 'semver'
import { SkiffError } from '../error/index.ts'
import { isJsonObject } from './package-info.ts'
import { queryField } from './view-fields.ts'

type Json = Record<string, unknown>

export interface ViewRequest {
  /** the spec as written after the name (`*` when none) */
  rawSpec: string
  /** the default tag (`tag` setting) */
  defaultTag: string
  fields: readonly string[]
  json: boolean
}

export interface ViewData {
  /** the document's `_id` (the package name) */
  id: string
  /** the document, `versions` as the sorted list */
  packument: Json
  /** each shown version: the whole view, or the fields found */
  versions: Map<string, Json>
}

export function selectViewData(document: unknown, request: ViewRequest): ViewData {
  if (!isJsonObject(document)) throw new SkiffError('EBADPACKUMENT', 'the registry document is not a JSON object')
  const packument: Json = { ...document }
  const id = String(packument._id ?? packument.name ?? '')
  let wanted = request.rawSpec !== '*' ? request.rawSpec : request.defaultTag
  const tags = isJsonObject(packument['dist-tags']) ? packument['dist-tags'] : {}
  const tagged = tags[wanted]
  if (typeof tagged === 'string') wanted = tagged
  const time = isJsonObject(packument.time) ? packument.time : {}
  if (isJsonObject(time.unpublished)) {
    throw new SkiffError('E404', `Unpublished on ${String(time.unpublished.time)}`, { pkg: id, hint: `${id} was unpublished; no version of it can be viewed` })
  }
  const manifests = isJsonObject(packument.versions) ? packument.versions : {}
  packument.versions = Object.keys(manifests).filter((version) => semver.valid(version) !== null).sort(semver.compareLoose)
  const wantsReadme = request.fields.includes('readme')
  if (!wantsReadme) delete packument.readme
  const versions = new Map<string, Json>()
  let matched = 0
  for (const [version, value] of Object.entries(manifests)) {
    if (!semver.satisfies(version, wanted, true)) continue
    matched++
    const manifest: Json = isJsonObject(value) ? { ...value } : {}
    if (wantsReadme) delete manifest.readme
    const view: Json = { ...packument, ...manifest }
    const key = String(manifest.version)
    if (request.fields.length === 0) {
      versions.set(key, view)
      continue
    }
    for (const field of request.fields) {
      const found = queryField(view, field, !request.json)
      if (found !== undefined) versions.set(key, { ...versions.get(key), ...found })
    }
  }
  if (matched === 0 && wanted !== 'latest') {
    throw new SkiffError('E404', `No match found for version ${wanted}`, {
      pkg: `${id}@${wanted}`,
      hint: `\`skiff view ${id} versions\` lists the published versions`,
    })
  }
  return { id, packument, versions }
}
