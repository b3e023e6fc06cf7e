/**
 * Fields of `npm view`, as npm's Queryable reads them and its view command prints them:
 *   - a field is a path: `dist.tarball`, `versions[0]`, `time[1.0.0]` (brackets for keys with
 *     dots); a name after an array reaches into every item (`maintainers.email` gives
 *     `maintainers[0].email`, `maintainers[1].email`, ...);
 *   - in text output an array of at most one item stands for that item;
 *   - a person object (`{ name, email, url }`) prints as `name <email> (url)`;
 *   - one string field of one version prints raw; otherwise each value is printed as
 *     util.inspect shows it, after `field = ` when there are several fields and after
 *     `name@version ` when there are several versions; --json prints the values as JSON,
 *     one version's fields as an object, a single field as its value.
 */
import { inspect } from 'node:util'
import { isJsonObject } from './package-info.ts'

type Json = Record<string, unknown>

/** `{ [field]: value }` (or, through an array, one key per item), undefined when absent. */
export function queryField(data: Json, field: string, unwrapSingleItemArrays: boolean): Json | undefined {
  let current: unknown = data
  let label = ''
  for (const key of parseFieldPath(field)) {
    if (Array.isArray(current) && !Number.isInteger(Number(key))) {
      const spread: Json = {}
      current.forEach((item: unknown, index) => {
        spread[`${label}[${index}].${key}`] = isJsonObject(item) || Array.isArray(item) ? (item as Json)[key] : undefined
      })
      return spread
    }
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined
    current = (current as Json)[key]
    label += key
  }
  if (unwrapSingleItemArrays && Array.isArray(current) && current.length <= 1) current = current[0]
  return { [field]: current }
}

/** `a.b[c.d].e` → ['a', 'b', 'c.d', 'e']; `list[0]` → ['list', '0']. */
export function parseFieldPath(field: string): string[] {
  const keys: string[] = []
  const bracketed = /^(.+)\[([^\]]+)\]\.?(.*)$/.exec(field.trim())
  if (bracketed === null) return field.trim().split('.')
  const [, before = '', inside = '', after = ''] = bracketed
  keys.push(...parseFieldPath(before), inside)
  if (after !== '') keys.push(...parseFieldPath(after))
  return keys
}

/** npm's view cleanup: person objects as `name <email> (url)`, arrays item by item. */
export function cleanupPeople(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cleanupPeople)
  if (!isJsonObject(value)) return value
  const keys = Object.keys(value)
  const isPerson = keys.length <= 3 && Boolean(value.name) && (
    keys.length === 1 ||
    (keys.length === 3 && Boolean(value.email) && Boolean(value.url)) ||
    (keys.length === 2 && (Boolean(value.email) || Boolean(value.url))) ||
    Boolean(value.trustedPublisher)
  )
  return isPerson ? formatPerson(value) : value
}

export function formatPerson(person: Json): string {
  return `${String(person.name)}${person.email ? ` <${String(person.email)}>` : ''}${person.url ? ` (${String(person.url)})` : ''}`
}

export interface FieldOutputOptions {
  json: boolean
  /** the package name shown before each version when several are shown */
  id: string
  colors: boolean
}

/**
 * The selected fields of each version: the text npm prints (undefined when there is
 * nothing), or with --json the value it prints as JSON.
 */
export function renderViewFields(versions: ReadonlyMap<string, Json>, options: FieldOutputOptions): { text?: string; json?: unknown } {
  const includeVersions = versions.size > 1
  let includeFields = false
  const lines: string[] = []
  const documents: Json[] = []
  for (const [version, fields] of versions) {
    const entries = Object.entries(fields)
    includeFields ||= entries.length > 1
    const document: Json = {}
    for (const [field, value] of entries) {
      const cleaned = cleanupPeople(value)
      if (options.json) {
        document[field] = cleaned
        continue
      }
      const shown = includeVersions || includeFields || typeof cleaned !== 'string'
        ? inspect(cleaned, { showHidden: false, depth: 5, colors: options.colors, maxArrayLength: null })
        : cleaned
      lines.push(`${includeVersions ? `${options.id}@${version} ` : ''}${includeFields ? `${field} = ` : ''}${shown as string}`)
    }
    documents.push(document)
  }
  if (!options.json) {
    const text = lines.join('\n').trim()
    return text === '' ? {} : { text }
  }
  const firstKeys = Object.keys(documents[0] ?? {})
  const values = firstKeys.length === 1 ? documents.map((document) => document[firstKeys[0] as string]) : documents
  if (values.length === 0) return {}
  return { json: values.length === 1 ? values[0] : values }
}
