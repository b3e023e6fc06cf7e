/**
 * The packument as text: what the install's metadata cache keeps for a package instead of the
 * registry's document, and what its worker threads hand to the resolver. Made from the
 * registry's bytes without parsing a single version (packument-filter.ts cuts each down to
 * the fields the resolver reads), and read back lazily: a version is parsed and checked the
 * first time it is asked for, so a package with 3,000 versions costs the resolver the few it
 * looks at. A version entry that is not one fails (EBADPACKUMENT) when it is asked for.
 *
 * Lines (none of the JSON texts holds a raw line break):
 *   1. the head: { format, name, distTags, modified?, stagedVersions?, full }, checked
 *   2. the version keys, in the document's order
 *   3. `time`, checked (null when the document has none)
 *   4… one line per version: its entry, cut down
 *
 * The first line names the format, so a text of another format (an older skiff's cache) is
 * refused, never misread; PACKUMENT_TEXT_FORMAT changes whenever the lines do.
 */
import { SkiffError } from '../error/index.ts'
import { filterPackument, splitPackument } from './packument-filter.ts'
import { extrasFromEntry, notAnObject, packumentHead, type Manifest, type Packument, type PackumentHead, versionFromEntry, versionsKind } from './pick-packument.ts'
import type { ManifestExtras } from './types.ts'

export const PACKUMENT_TEXT_FORMAT = 'skiff-packument-3'

type Head = Omit<PackumentHead, 'time'> & { format: string }

const decoder = new TextDecoder()

/** The registry's body (JSON bytes) as text; a SyntaxError when it is not JSON, EBADPACKUMENT when it is no packument. */
export function packumentText(body: Uint8Array, name: string): string {
  const parts = splitPackument(body)
  if (parts === undefined) return textOfDocument(JSON.parse(filterPackument(body)), name)
  const members: Record<string, unknown> = {}
  for (const [member, text] of Object.entries(parts.members)) members[member] = JSON.parse(text)
  const docName = typeof members.name === 'string' ? members.name : name
  const versions = parts.versions
  if (versions !== undefined && 'other' in versions) {
    if (versionsKind(JSON.parse(versions.other), docName) === 'none') return lines(packumentHead(members, name, 'none'), '[]', [])
  }
  if (versions === undefined || !('keys' in versions)) return lines(packumentHead(members, name, 'none'), '[]', [])
  const keys = versions.keys
  return lines(packumentHead(members, name, 'object'), keys, keys === '[]' ? [] : [versions.lines])
}

/** The same text from a parsed (cut-down) document: for documents splitPackument leaves alone. */
function textOfDocument(json: unknown, name: string): string {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw notAnObject(name)
  const document = json as Record<string, unknown>
  const docName = typeof document.name === 'string' ? document.name : name
  if (versionsKind(document.versions, docName) === 'none') return lines(packumentHead(document, name, 'none'), '[]', [])
  const versions = document.versions as Record<string, unknown>
  const keys = Object.keys(versions)
  return lines(packumentHead(document, name, 'object'), JSON.stringify(keys), keys.map((key) => JSON.stringify(versions[key])))
}

function lines(head: PackumentHead, keys: string, entries: string[]): string {
  const { time, ...rest } = head
  const first: Head = { format: PACKUMENT_TEXT_FORMAT, ...rest }
  return [JSON.stringify(first), keys, JSON.stringify(time ?? null), ...entries].join('\n')
}

/** A text packumentText made, as a Packument (EBADPACKUMENT for anything else: another format, a damaged file). */
export function packumentFromText(text: string, name: string): Packument {
  const headEnd = text.indexOf('\n')
  const keysEnd = headEnd < 0 ? -1 : text.indexOf('\n', headEnd + 1)
  if (headEnd < 0 || keysEnd < 0) throw unreadable(name)
  const timeEnd = text.indexOf('\n', keysEnd + 1)
  const head = parse(text.slice(0, headEnd), name)
  const keys = parse(text.slice(headEnd + 1, keysEnd), name)
  if (!isHead(head) || !Array.isArray(keys) || !keys.every((key) => typeof key === 'string')) throw unreadable(name)
  // where each version's line starts, and one more entry for the end of the text
  const starts = new Int32Array(keys.length + 1)
  let at = timeEnd < 0 ? text.length : timeEnd
  for (let index = 0; index < keys.length; index++) {
    if (at >= text.length) throw unreadable(name)
    starts[index] = at + 1
    const end = text.indexOf('\n', at + 1)
    at = end < 0 ? text.length : end
  }
  starts[keys.length] = at + 1
  if (at !== text.length) throw unreadable(name)
  return new TextPackument(text, head, keys, starts, [keysEnd + 1, timeEnd < 0 ? text.length : timeEnd])
}

/** A Packument whose versions, their extras and the times are parsed from the text when first asked for. */
class TextPackument implements Packument {
  readonly name: string
  readonly distTags: ReadonlyMap<string, string>
  readonly versions: ReadonlyMap<string, Manifest>
  readonly modified?: string
  readonly stagedVersions?: ReadonlyMap<string, Manifest>
  readonly extras?: ReadonlyMap<string, ManifestExtras>
  readonly #text: string
  readonly #timeSpan: [number, number]
  #time: ReadonlyMap<string, string> | null | undefined

  constructor(text: string, head: Head, keys: string[], starts: Int32Array, timeSpan: [number, number]) {
    this.#text = text
    this.#timeSpan = timeSpan
    this.name = head.name
    this.distTags = new Map(Object.entries(head.distTags))
    if (head.modified !== undefined) this.modified = head.modified
    if (head.stagedVersions !== undefined) this.stagedVersions = new Map(Object.entries(head.stagedVersions))
    // in the order JSON.parse gives an object's keys (array indexes first, ascending); a key
    // listed twice takes its last entry
    const lineOf = new Map<string, number>()
    for (const index of keyOrder(keys)) lineOf.set(keys[index] as string, index)
    for (let index = 0; index < keys.length; index++) lineOf.set(keys[index] as string, index)
    const entries = new Map<number, unknown>()
    const entry = (line: number, key: string): unknown => {
      if (entries.has(line)) return entries.get(line)
      let value: unknown
      try {
        value = JSON.parse(text.slice(starts[line], (starts[line + 1] as number) - 1))
      } catch (error) {
        throw new SkiffError('EBADPACKUMENT', `malformed registry document for ${head.name}@${key}: the version entry is not JSON`, { pkg: `${head.name}@${key}`, cause: error })
      }
      entries.set(line, value)
      return value
    }
    const manifests = new Map<number, Manifest>()
    this.versions = new LazyMap(lineOf, (line, key) => {
      let manifest = manifests.get(line)
      if (manifest === undefined) {
        manifest = versionFromEntry(entry(line, key), head.name, key)
        manifests.set(line, manifest)
      }
      return manifest
    })
    if (head.full) this.extras = new LazyMap(lineOf, (line, key) => extrasFromEntry(entry(line, key)))
  }

  get time(): ReadonlyMap<string, string> | undefined {
    if (this.#time === undefined) {
      const [start, end] = this.#timeSpan
      const value: unknown = JSON.parse(this.#text.slice(start, end))
      this.#time = value === null || typeof value !== 'object' ? null : new Map(Object.entries(value as Record<string, string>))
    }
    return this.#time ?? undefined
  }
}

/** A read-only Map over the version keys whose values are made on first use. */
class LazyMap<V> implements ReadonlyMap<string, V> {
  readonly #lines: ReadonlyMap<string, number>
  readonly #value: (line: number, key: string) => V | undefined

  constructor(lines: ReadonlyMap<string, number>, value: (line: number, key: string) => V | undefined) {
    this.#lines = lines
    this.#value = value
  }

  get size(): number {
    return this.#lines.size
  }

  get(key: string): V | undefined {
    const line = this.#lines.get(key)
    return line === undefined ? undefined : this.#value(line, key)
  }

  has(key: string): boolean {
    return this.#lines.has(key)
  }

  keys(): MapIterator<string> {
    return this.#lines.keys()
  }

  *entries(): MapIterator<[string, V]> {
    for (const [key, line] of this.#lines) {
      const value = this.#value(line, key)
      if (value !== undefined) yield [key, value]
    }
  }

  *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries()
  }

  forEach(callback: (value: V, key: string, map: ReadonlyMap<string, V>) => void): void {
    for (const [key, value] of this.entries()) callback(value, key, this)
  }
}

/** The positions of the keys that are array indexes ("0", "12"), in ascending order: JavaScript lists those first. */
function keyOrder(keys: string[]): number[] {
  const indexes: number[] = []
  keys.forEach((key, position) => {
    if (/^(?:0|[1-9]\d{0,9})$/.test(key) && Number(key) < 4294967295) indexes.push(position)
  })
  return indexes.sort((a, b) => Number(keys[a]) - Number(keys[b]))
}

function parse(text: string, name: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw unreadable(name, error)
  }
}

function isHead(value: unknown): value is Head {
  if (typeof value !== 'object' || value === null) return false
  const fields = value as Record<string, unknown>
  return fields.format === PACKUMENT_TEXT_FORMAT && typeof fields.name === 'string' && isRecord(fields.distTags) && typeof fields.full === 'boolean'
}

function isRecord(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function unreadable(name: string, cause?: unknown): SkiffError {
  return new SkiffError('EBADPACKUMENT', `${name}: the cached metadata is not in skiff's ${PACKUMENT_TEXT_FORMAT} form`, {
    pkg: name,
    ...(cause === undefined ? {} : { cause }),
    hint: 'it is fetched again from the registry',
  })
}
