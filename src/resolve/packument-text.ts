/**
 * The compact packument as text: what the install's metadata cache keeps for a package instead
 * of the registry's document, and what its worker threads hand to the resolver. Made once from
 * the registry's bytes (cut down by packument-filter.ts, parsed, checked and reduced, off the
 * main thread), and read back lazily: a version's manifest is parsed the first time it is asked
 * for, so a package with 3,000 versions costs the resolver the few it looks at.
 *
 * Lines (JSON never holds a raw newline):
 *   1. { format, name, distTags, modified?, stagedVersions?, full }  (`full`: the document was
 *      a full one, so every version's lockfile-only fields are in its line)
 *   2. the version keys, in the document's order
 *   3. `time` (null when the document had none)
 *   4… one line per version: its manifest, or [manifest, extras] when it has extras
 *
 * The first line names the format, so a text of another format (an older skiff's cache) is
 * refused, never misread; PACKUMENT_TEXT_FORMAT changes whenever the lines do.
 */
import { SkiffError } from '../error/index.ts'
import { filterPackument } from './packument-filter.ts'
import { compactPackument, type Manifest, type Packument } from './pick-packument.ts'
import type { ManifestExtras } from './types.ts'

export const PACKUMENT_TEXT_FORMAT = 'skiff-packument-2'

interface Header {
  format: string
  name: string
  distTags: Record<string, string>
  modified?: string
  stagedVersions?: Record<string, Manifest>
  full: boolean
}

/** The registry's body (JSON bytes) as compact text; a SyntaxError when it is not JSON, EBADPACKUMENT when it is no packument. */
export function packumentText(body: Uint8Array, name: string): string {
  const compact = compactPackument(JSON.parse(filterPackument(body)), name)
  const header: Header = { format: PACKUMENT_TEXT_FORMAT, name: compact.name, distTags: compact.distTags, full: compact.extras !== undefined }
  if (compact.modified !== undefined) header.modified = compact.modified
  if (compact.stagedVersions !== undefined) header.stagedVersions = compact.stagedVersions
  const versions = Object.keys(compact.versions)
  const lines = [JSON.stringify(header), JSON.stringify(versions), JSON.stringify(compact.time ?? null)]
  for (const version of versions) {
    const extras = compact.extras?.[version]
    lines.push(JSON.stringify(extras === undefined ? compact.versions[version] : [compact.versions[version], extras]))
  }
  return lines.join('\n')
}

/** A text packumentText made, as a Packument (EBADPACKUMENT for anything else: another format, a damaged file). */
export function packumentFromText(text: string, name: string): Packument {
  const headerEnd = text.indexOf('\n')
  const versionsEnd = headerEnd < 0 ? -1 : text.indexOf('\n', headerEnd + 1)
  const timeEnd = versionsEnd < 0 ? -1 : text.indexOf('\n', versionsEnd + 1)
  if (headerEnd < 0 || versionsEnd < 0) throw unreadable(name)
  const header = parse(text.slice(0, headerEnd), name)
  const versions = parse(text.slice(headerEnd + 1, versionsEnd), name)
  if (!isHeader(header) || !Array.isArray(versions) || !versions.every((version) => typeof version === 'string')) throw unreadable(name)
  // where each version's line starts; one more entry for the end of the text
  const starts = new Int32Array(versions.length + 1)
  let at = timeEnd < 0 ? text.length : timeEnd
  for (let index = 0; index < versions.length; index++) {
    if (at >= text.length) throw unreadable(name)
    starts[index] = at + 1
    const end = text.indexOf('\n', at + 1)
    at = end < 0 ? text.length : end
  }
  starts[versions.length] = at + 1
  if (at !== text.length) throw unreadable(name)
  return new TextPackument(text, header, versions, starts, timeEnd < 0 ? text.length : timeEnd, versionsEnd)
}

/** A Packument whose versions, extras and times are parsed from the text when first asked for. */
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

  constructor(text: string, header: Header, keys: string[], starts: Int32Array, timeEnd: number, versionsEnd: number) {
    this.#text = text
    this.#timeSpan = [versionsEnd + 1, timeEnd]
    this.name = header.name
    this.distTags = new Map(Object.entries(header.distTags))
    if (header.modified !== undefined) this.modified = header.modified
    if (header.stagedVersions !== undefined) this.stagedVersions = new Map(Object.entries(header.stagedVersions))
    const lines = new Map<string, number>()
    keys.forEach((key, index) => lines.set(key, index))
    const parsed = new Map<number, [Manifest, ManifestExtras | undefined]>()
    const line = (index: number): [Manifest, ManifestExtras | undefined] => {
      const known = parsed.get(index)
      if (known !== undefined) return known
      const value: unknown = JSON.parse(text.slice(starts[index], (starts[index + 1] as number) - 1))
      const entry: [Manifest, ManifestExtras | undefined] = Array.isArray(value) ? [value[0] as Manifest, value[1] as ManifestExtras] : [value as Manifest, undefined]
      parsed.set(index, entry)
      return entry
    }
    this.versions = new LazyMap(lines, (index) => line(index)[0])
    if (header.full) this.extras = new LazyMap(lines, (index) => line(index)[1])
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
  readonly #value: (line: number) => V | undefined

  constructor(lines: ReadonlyMap<string, number>, value: (line: number) => V | undefined) {
    this.#lines = lines
    this.#value = value
  }

  get size(): number {
    return this.#lines.size
  }

  get(key: string): V | undefined {
    const line = this.#lines.get(key)
    return line === undefined ? undefined : this.#value(line)
  }

  has(key: string): boolean {
    return this.#lines.has(key)
  }

  keys(): MapIterator<string> {
    return this.#lines.keys()
  }

  *entries(): MapIterator<[string, V]> {
    for (const [key, line] of this.#lines) {
      const value = this.#value(line)
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

function parse(text: string, name: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw unreadable(name, error)
  }
}

function isHeader(value: unknown): value is Header {
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
