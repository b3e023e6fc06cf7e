/**
 * The packument as text: what the install's metadata cache keeps for a package instead of the
 * registry's document, and what its worker threads hand to the resolver. Made from the
 * registry's bytes without parsing a single version (packument-filter.ts cuts each down to
 * the fields the resolver reads) and without decoding them: the text is bytes until the
 * resolver reads it, once. It is read back lazily: a version is parsed and checked the first
 * time it is asked for, so a package with 3,000 versions costs the resolver the few it looks
 * at, and its versions come sorted, so the resolver parses no version to order them. A version
 * entry that is not one fails (EBADPACKUMENT) when it is asked for, and so does a `time` that
 * is not JSON when the times are.
 *
 * Lines (none of the JSON texts holds a raw line break):
 *   1. the head: { format, name, distTags, modified?, stagedVersions?, full }, checked
 *   2. the version keys, in the document's order
 *   3. `time` as the document has it (null when it has none)
 *   4. the lines (0-based, among the version lines) of the versions semver can read, highest
 *      first, equal ones in the order the versions are listed (spec/version-order.ts)
 *   5… one line per version: its entry, cut down
 *
 * The first line names the format, so a text of another format (an older skiff's cache) is
 * refused, never misread; PACKUMENT_TEXT_FORMAT changes whenever the lines do.
 */
import { SkiffError } from '../error/index.ts'
import { sortVersions } from '../spec/index.ts'
import { filterPackument, splitPackument } from './packument-filter.ts'
import { extrasFromEntry, notAnObject, packumentHead, stringRecord, type Manifest, type Packument, type PackumentHead, versionFromEntry, versionsKind } from './pick-packument.ts'
import type { ManifestExtras } from './types.ts'

export const PACKUMENT_TEXT_FORMAT = 'skiff-packument-4'

type Head = Omit<PackumentHead, 'time'> & { format: string }

const decoder = new TextDecoder()
const encoder = new TextEncoder()
const NEWLINE = 0x0a
const OPEN_BRACE = 0x7b

/** The registry's body (JSON bytes) as the text's bytes; a SyntaxError when it is not JSON, EBADPACKUMENT when it is no packument. */
export function packumentBytes(body: Uint8Array, name: string): Uint8Array {
  const parts = splitPackument(body)
  if (parts === undefined) return bytesOfDocument(JSON.parse(filterPackument(body)), name)
  const members: Record<string, unknown> = {}
  for (const [member, text] of Object.entries(parts.members)) {
    // `time` is kept as it is, and parsed only when the times are asked for
    if (member !== 'time') members[member] = JSON.parse(decoder.decode(text))
  }
  const time = parts.members.time
  const timeIsObject = time !== undefined && time[0] === OPEN_BRACE
  // packumentHead tells a full document by its `time` object
  if (timeIsObject) members.time = {}
  const docName = typeof members.name === 'string' ? members.name : name
  const versions = parts.versions
  const timeLine = timeIsObject ? time : null
  if (versions !== undefined && 'other' in versions) {
    if (versionsKind(JSON.parse(decoder.decode(versions.other)), docName) === 'none') return lines(packumentHead(members, name, 'none'), '[]', timeLine, [], [])
  }
  if (versions === undefined || !('keys' in versions)) return lines(packumentHead(members, name, 'none'), '[]', timeLine, [], [])
  const keys = JSON.parse(decoder.decode(versions.keys)) as string[]
  const head = packumentHead(members, name, 'object')
  return lines(head, versions.keys, timeLine, orderOf(keys), keys.length === 0 ? [] : [versions.lines])
}

/** The same text from a parsed (cut-down) document: for documents splitPackument leaves alone. */
function bytesOfDocument(json: unknown, name: string): Uint8Array {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw notAnObject(name)
  const document = json as Record<string, unknown>
  const docName = typeof document.name === 'string' ? document.name : name
  const time = isRecord(document.time) ? JSON.stringify(document.time) : null
  if (versionsKind(document.versions, docName) === 'none') return lines(packumentHead(document, name, 'none'), '[]', time, [], [])
  const versions = document.versions as Record<string, unknown>
  const keys = Object.keys(versions)
  return lines(packumentHead(document, name, 'object'), JSON.stringify(keys), time, orderOf(keys), keys.map((key) => JSON.stringify(versions[key])))
}

/**
 * The order line: the version lines sorted, for the keys as listed (JSON.parse's order of an
 * object's keys: array indexes first, ascending; a key listed twice is read from its last line).
 */
function orderOf(keys: readonly string[]): number[] {
  const lineOf = versionLines(keys)
  return sortVersions([...lineOf.keys()], [...lineOf.values()])
}

function lines(head: PackumentHead, keys: string | Uint8Array, time: string | Uint8Array | null, order: readonly number[], entries: Array<string | Uint8Array>): Uint8Array {
  const { time: _time, ...rest } = head
  const first: Head = { format: PACKUMENT_TEXT_FORMAT, ...rest }
  const parts = [JSON.stringify(first), keys, time ?? 'null', JSON.stringify(order), ...entries].map((part) => (typeof part === 'string' ? encoder.encode(part) : part))
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, parts.length - 1))
  let at = 0
  for (const part of parts) {
    if (at > 0) out[at++] = NEWLINE
    out.set(part, at)
    at += part.length
  }
  return out
}

/**
 * The text as the metadata cache keeps it: compressed (zstd, its fastest level), a quarter of
 * the bytes to write and read back (antd: 91 MB of text, 23 MB kept; writing it took half
 * the CPU). packumentFromBytes reads it as it reads the text.
 */
export function packumentForCache(bytes: Uint8Array): Uint8Array {
  return Bun.zstdCompressSync(bytes, { level: 1 })
}

/** zstd's frame magic number: no text starts with it (a text starts with `{`) */
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd]

/** A text packumentBytes made, or packumentForCache kept, as a Packument (EBADPACKUMENT for anything else: another format, a damaged file). */
export function packumentFromBytes(stored: Uint8Array, name: string): Packument {
  const bytes = ZSTD_MAGIC.every((byte, index) => stored[index] === byte) ? decompress(stored, name) : stored
  const headEnd = bytes.indexOf(NEWLINE)
  const keysEnd = headEnd < 0 ? -1 : bytes.indexOf(NEWLINE, headEnd + 1)
  const timeEnd = keysEnd < 0 ? -1 : bytes.indexOf(NEWLINE, keysEnd + 1)
  if (timeEnd < 0) throw unreadable(name)
  const orderEnd = bytes.indexOf(NEWLINE, timeEnd + 1)
  const head = parse(textOf(bytes, 0, headEnd), name)
  const keys = parse(textOf(bytes, headEnd + 1, keysEnd), name)
  const order = parse(textOf(bytes, timeEnd + 1, orderEnd < 0 ? bytes.length : orderEnd), name)
  if (!isHead(head) || !Array.isArray(keys) || !keys.every((key) => typeof key === 'string')) throw unreadable(name)
  if (!Array.isArray(order) || !order.every((line) => Number.isInteger(line) && line >= 0 && line < keys.length)) throw unreadable(name)
  // where each version's line starts, and one more entry for the end of the text
  const starts = new Int32Array(keys.length + 1)
  let at = orderEnd < 0 ? bytes.length : orderEnd
  for (let index = 0; index < keys.length; index++) {
    if (at >= bytes.length) throw unreadable(name)
    starts[index] = at + 1
    const end = bytes.indexOf(NEWLINE, at + 1)
    at = end < 0 ? bytes.length : end
  }
  starts[keys.length] = at + 1
  if (at !== bytes.length) throw unreadable(name)
  return new TextPackument(bytes, head, keys, starts, [keysEnd + 1, timeEnd], order as number[])
}

function decompress(stored: Uint8Array, name: string): Uint8Array {
  try {
    return Bun.zstdDecompressSync(stored)
  } catch (error) {
    throw unreadable(name, error)
  }
}

/** The text of bytes[start, end): only what is read is decoded. */
function textOf(bytes: Uint8Array, start: number, end: number): string {
  return decoder.decode(bytes.subarray(start, end))
}

/** A Packument whose versions, their extras and the times are decoded and parsed from the text when first asked for. */
class TextPackument implements Packument {
  readonly name: string
  readonly distTags: ReadonlyMap<string, string>
  readonly versions: ReadonlyMap<string, Manifest>
  readonly modified?: string
  readonly stagedVersions?: ReadonlyMap<string, Manifest>
  readonly extras?: ReadonlyMap<string, ManifestExtras>
  readonly #bytes: Uint8Array
  readonly #timeSpan: [number, number]
  #time: ReadonlyMap<string, string> | null | undefined
  readonly #keys: readonly string[]
  readonly #order: readonly number[]
  #sorted: readonly string[] | undefined

  constructor(bytes: Uint8Array, head: Head, keys: string[], starts: Int32Array, timeSpan: [number, number], order: number[]) {
    this.#bytes = bytes
    this.#timeSpan = timeSpan
    this.#keys = keys
    this.#order = order
    this.name = head.name
    this.distTags = new Map(Object.entries(head.distTags))
    if (head.modified !== undefined) this.modified = head.modified
    if (head.stagedVersions !== undefined) this.stagedVersions = new Map(Object.entries(head.stagedVersions))
    const lineOf = versionLines(keys)
    const entries = new Map<number, unknown>()
    const entry = (line: number, key: string): unknown => {
      if (entries.has(line)) return entries.get(line)
      let value: unknown
      try {
        value = JSON.parse(textOf(bytes, starts[line] as number, (starts[line + 1] as number) - 1))
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
      let value: unknown
      try {
        value = JSON.parse(textOf(this.#bytes, start, end))
      } catch (error) {
        throw new SkiffError('EBADPACKUMENT', `malformed registry document for ${this.name}: "time" is not JSON`, { pkg: this.name, cause: error })
      }
      const times = isRecord(value) ? stringRecord(value) : undefined
      this.#time = times === undefined ? null : new Map(Object.entries(times))
    }
    return this.#time ?? undefined
  }

  get order(): readonly string[] {
    this.#sorted ??= this.#order.map((line) => this.#keys[line] as string)
    return this.#sorted
  }
}

/**
 * Each version key's line, in the order JSON.parse gives an object's keys (array indexes first,
 * ascending); a key listed twice takes its last line.
 */
function versionLines(keys: readonly string[]): Map<string, number> {
  const lineOf = new Map<string, number>()
  for (const index of keyOrder(keys)) lineOf.set(keys[index] as string, index)
  for (let index = 0; index < keys.length; index++) lineOf.set(keys[index] as string, index)
  return lineOf
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
function keyOrder(keys: readonly string[]): number[] {
  const indexes: number[] = []
  keys.forEach((key, position) => {
    // a version key has a dot: most are ruled out by that alone
    if (key.includes('.')) return
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
