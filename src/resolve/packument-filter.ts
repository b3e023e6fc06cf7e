/**
 * A registry document cut down, as bytes, to the fields the resolver reads, before any of it
 * is parsed: a full packument is mostly readmes, descriptions, maintainers, repository and
 * signature data (antd's 2,851 documents: 309 MB, of which 90 MB are kept), and JSON.parse
 * would build objects for all of it. What is kept of a member is the same JSON text, so
 * parsing it gives the same values the whole document would:
 *
 *   - the root object keeps name, dist-tags, time, modified and stagedVersions as they are,
 *     and `versions`, whose every entry keeps the manifest fields, `dist` (tarball, integrity,
 *     shasum) and `scripts` (the install ones);
 *   - a member whose key has an escape is kept whole (its name is only known once parsed);
 *   - a member listed twice is kept twice (JSON.parse then takes the last, as it would);
 *   - anything other than an object where one is expected is kept whole, for the reader to
 *     judge, and a document that is not an object is returned as is.
 *
 * filterPackument gives the cut-down document; splitPackument gives its parts as bytes (the
 * root members, the version keys, one line per version), for packument-text.ts to store without
 * decoding or parsing the versions at all. Left-out values are only walked over (strings, brackets), not
 * checked as JSON. Brackets out of place around a kept member, a missing colon or comma, or
 * the end of the document inside a value throw a SyntaxError.
 */

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const COLON = 0x3a
const COMMA = 0x2c

/** the object being filtered: the document, `versions`, one version, its `dist`, its `scripts` */
type Level = 'root' | 'versions' | 'version' | 'dist' | 'scripts'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** the keys kept at one level, by their byte length */
function keySet(keys: readonly string[]): Uint8Array[][] {
  const byLength: Uint8Array[][] = []
  for (const key of keys) {
    const bytes = encoder.encode(key)
    ;(byLength[bytes.length] ??= []).push(bytes)
  }
  return byLength
}

const ROOT_KEYS = keySet(['name', 'dist-tags', 'time', 'modified', 'stagedVersions'])
const VERSION_KEYS = keySet([
  'name', 'version', 'dependencies', 'optionalDependencies', 'peerDependencies', 'peerDependenciesMeta',
  'acceptDependencies', 'bundleDependencies', 'bundledDependencies', 'bin', 'engines', 'os', 'cpu', 'libc',
  'deprecated', 'hasInstallScript', '_hasShrinkwrap', 'license', 'funding', 'workspaces',
])
const DIST_KEYS = keySet(['tarball', 'integrity', 'shasum'])
const SCRIPT_KEYS = keySet(['preinstall', 'install', 'postinstall'])
const VERSIONS = encoder.encode('versions')
const DIST = encoder.encode('dist')
const SCRIPTS = encoder.encode('scripts')

const ROOT_MEMBERS = ['name', 'dist-tags', 'time', 'modified', 'stagedVersions'] as const
type RootMember = (typeof ROOT_MEMBERS)[number]
const ROOT_MEMBER_BYTES = ROOT_MEMBERS.map((member) => [member, encoder.encode(member)] as const)

/** Reused between documents (one thread filters one document at a time). */
let scratch = new Uint8Array(1 << 20)
let keyScratch = new Uint8Array(1 << 16)

function scratchFor(length: number): Uint8Array {
  if (scratch.length < length) scratch = new Uint8Array(Math.ceil(length * 1.25))
  return scratch
}

/** The document with only what the resolver reads, as text. */
export function filterPackument(bytes: Uint8Array): string {
  const start = skipSpace(bytes, 0)
  if (bytes[start] !== OPEN_BRACE) return decoder.decode(bytes)
  const filter = new Filter(bytes, scratchFor(bytes.length))
  const end = skipSpace(bytes, filter.object(start, 'root'))
  if (end !== bytes.length) throw new SyntaxError(`unexpected data at byte ${end} of the document`)
  return decoder.decode(filter.output.subarray(0, filter.written))
}

/**
 * A document's parts, as the bytes of JSON texts: what each is, is for the reader to check.
 * They are views of the document and of this thread's scratch buffers: read them before the
 * next call.
 */
export interface PackumentParts {
  /** the root members the resolver reads (the last one written, as JSON.parse would take) */
  members: Partial<Record<RootMember, Uint8Array>>
  /** the `versions` member, when there is one: an object's keys and entries, or the text of anything else */
  versions?: { keys: Uint8Array; lines: Uint8Array } | { other: Uint8Array }
}

/**
 * The parts of a document, or undefined when it cannot be split into lines: not an object, or
 * a line break somewhere in it (pretty-printed JSON; filterPackument reads those).
 * `keys` is a JSON array of the version keys in the document's order, `lines` the entries cut
 * down as filterPackument cuts them, one a line, in the same order.
 */
export function splitPackument(bytes: Uint8Array): PackumentParts | undefined {
  let end = bytes.length
  while (end > 0 && isSpace(bytes[end - 1])) end--
  const start = skipSpace(bytes, 0)
  if (bytes[start] !== OPEN_BRACE || bytes[end - 1] !== CLOSE_BRACE) return undefined
  const newline = bytes.indexOf(0x0a, start)
  const carriageReturn = bytes.indexOf(0x0d, start)
  if ((newline >= 0 && newline < end) || (carriageReturn >= 0 && carriageReturn < end)) return undefined
  const input = bytes.subarray(0, end)
  const parts: PackumentParts = { members: {} }
  const close = eachMember(input, start, (keyStart, keyEnd, valueStart) => {
    const member = rootMember(input, keyStart, keyEnd)
    if (member === 'versions' && input[valueStart] === OPEN_BRACE) {
      const versions = splitVersions(input, valueStart)
      parts.versions = { keys: versions.keys, lines: versions.lines }
      return versions.end
    }
    const at = endOfValue(input, valueStart)
    if (member === 'versions') parts.versions = { other: input.subarray(valueStart, at) }
    else if (member !== undefined) parts.members[member] = input.subarray(valueStart, at)
    return at
  })
  if (close !== input.length) throw new SyntaxError(`unexpected data at byte ${close} of the document`)
  return parts
}

/** Which root member the key input[start, end) (quotes included) names, if one the resolver reads. */
function rootMember(input: Uint8Array, start: number, end: number): RootMember | 'versions' | undefined {
  const key = input.subarray(start + 1, end - 1)
  if (sameBytes(key, VERSIONS)) return 'versions'
  for (const [member, bytes] of ROOT_MEMBER_BYTES) if (sameBytes(key, bytes)) return member
  if (!key.includes(BACKSLASH)) return undefined
  const decoded: unknown = JSON.parse(decoder.decode(input.subarray(start, end)))
  return decoded === 'versions' || ROOT_MEMBERS.includes(decoded as RootMember) ? (decoded as RootMember | 'versions') : undefined
}

/** The `versions` object at `start`: its keys as a JSON array, each entry cut down on a line of its own. */
function splitVersions(input: Uint8Array, start: number): { keys: Uint8Array; lines: Uint8Array; end: number } {
  const filter = new Filter(input, scratchFor(input.length))
  if (keyScratch.length < input.length) keyScratch = new Uint8Array(Math.ceil(input.length * 1.25))
  const keys = new Filter(input, keyScratch)
  keys.put(OPEN_BRACKET)
  const end = eachMember(input, start, (keyStart, keyEnd, valueStart) => {
    if (keys.written > 1) {
      keys.put(COMMA)
      filter.put(0x0a)
    }
    keys.copy(keyStart, keyEnd)
    if (input[valueStart] === OPEN_BRACE) return filter.object(valueStart, 'version')
    const at = endOfValue(input, valueStart)
    filter.copy(valueStart, at)
    return at
  })
  keys.put(CLOSE_BRACKET)
  return { keys: keys.output.subarray(0, keys.written), lines: filter.output.subarray(0, filter.written), end }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false
  return true
}

function isSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09
}

class Filter {
  written = 0

  constructor(
    readonly input: Uint8Array,
    readonly output: Uint8Array,
  ) {}

  /** Filters the object at `start` into the output; returns where it ends. */
  object(start: number, level: Level): number {
    const input = this.input
    this.put(OPEN_BRACE)
    let first = true
    const end = eachMember(input, start, (keyStart, keyEnd, valueStart) => {
      const next = this.nextLevel(keyStart + 1, keyEnd - 1, level, input[valueStart] === OPEN_BRACE)
      if (next === undefined) return endOfValue(input, valueStart)
      if (!first) this.put(COMMA)
      first = false
      this.copy(keyStart, keyEnd)
      this.put(COLON)
      if (next !== 'keep') return this.object(valueStart, next)
      const at = endOfValue(input, valueStart)
      this.copy(valueStart, at)
      return at
    })
    this.put(CLOSE_BRACE)
    return end
  }

  /** What happens to the member whose key is input[start, end): left out, kept, or filtered at a level. */
  nextLevel(start: number, end: number, level: Level, isObject: boolean): Level | 'keep' | undefined {
    switch (level) {
      case 'root':
        if (this.is(start, end, VERSIONS)) return isObject ? 'versions' : 'keep'
        return this.wanted(start, end, ROOT_KEYS)
      case 'versions':
        return isObject ? 'version' : 'keep'
      case 'version':
        if (this.is(start, end, DIST)) return isObject ? 'dist' : 'keep'
        if (this.is(start, end, SCRIPTS)) return isObject ? 'scripts' : 'keep'
        return this.wanted(start, end, VERSION_KEYS)
      case 'dist':
        return this.wanted(start, end, DIST_KEYS)
      case 'scripts':
        return this.wanted(start, end, SCRIPT_KEYS)
    }
  }

  /** 'keep' for a listed key, and for any key with an escape in it (it may be a listed one, written otherwise). */
  wanted(start: number, end: number, keys: Uint8Array[][]): 'keep' | undefined {
    const candidates = keys[end - start]
    if (candidates !== undefined) for (const key of candidates) if (this.is(start, end, key)) return 'keep'
    const input = this.input
    for (let at = start; at < end; at++) if (input[at] === BACKSLASH) return 'keep'
    return undefined
  }

  is(start: number, end: number, key: Uint8Array): boolean {
    if (end - start !== key.length) return false
    const input = this.input
    for (let index = 0; index < key.length; index++) if (input[start + index] !== key[index]) return false
    return true
  }

  copy(start: number, end: number): void {
    const { input, output } = this
    let written = this.written
    if (end - start > 64) {
      output.set(input.subarray(start, end), written)
      this.written = written + end - start
      return
    }
    for (let at = start; at < end; at++) output[written++] = input[at] as number
    this.written = written
  }

  put(byte: number): void {
    this.output[this.written++] = byte
  }
}

/**
 * Walks the members of the object at `start` (its opening brace): `visit` gets each member's
 * key (quotes included) and where its value starts, and returns where the value ends. Returns
 * where the object ends (after its closing brace).
 */
function eachMember(input: Uint8Array, start: number, visit: (keyStart: number, keyEnd: number, valueStart: number) => number): number {
  let at = skipSpace(input, start + 1)
  if (input[at] === CLOSE_BRACE) return at + 1
  for (;;) {
    if (input[at] !== QUOTE) throw unexpected(at)
    const keyStart = at
    const keyEnd = endOfString(input, at)
    at = skipSpace(input, keyEnd)
    if (input[at] !== COLON) throw unexpected(at)
    at = skipSpace(input, visit(keyStart, keyEnd, skipSpace(input, at + 1)))
    if (input[at] === CLOSE_BRACE) return at + 1
    if (input[at] !== COMMA) throw unexpected(at)
    at = skipSpace(input, at + 1)
  }
}

function skipSpace(input: Uint8Array, at: number): number {
  let byte = input[at]
  while (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) byte = input[++at]
  return at
}

/** The index after the string opening at `start`: short strings byte by byte, long ones by indexOf. */
function endOfString(input: Uint8Array, start: number): number {
  const length = input.length
  let at = start + 1
  const stop = at + 64 < length ? at + 64 : length
  while (at < stop) {
    const byte = input[at] as number
    if (byte === QUOTE) return at + 1
    at += byte === BACKSLASH ? 2 : 1
  }
  for (;;) {
    const quote = input.indexOf(QUOTE, at)
    if (quote < 0) throw new SyntaxError('the document ends inside a string')
    let before = quote - 1
    while (before >= at && input[before] === BACKSLASH) before--
    if ((quote - 1 - before) % 2 === 0) return quote + 1
    at = quote + 1
  }
}

/** The index after the value starting at `start` (string, object, array, number or literal). */
function endOfValue(input: Uint8Array, start: number): number {
  const length = input.length
  const first = input[start]
  if (first === QUOTE) return endOfString(input, start)
  let at = start
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0
    while (at < length) {
      const byte = input[at] as number
      if (byte === QUOTE) {
        at = endOfString(input, at)
        continue
      }
      if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++
      else if ((byte === CLOSE_BRACE || byte === CLOSE_BRACKET) && --depth === 0) return at + 1
      at++
    }
    throw new SyntaxError('the document ends inside a value')
  }
  while (at < length) {
    const byte = input[at]
    if (byte === COMMA || byte === CLOSE_BRACE || byte === CLOSE_BRACKET || byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) {
      if (at === start) throw unexpected(at)
      return at
    }
    at++
  }
  throw new SyntaxError('the document ends inside a value')
}

function unexpected(at: number): SyntaxError {
  return new SyntaxError(`unexpected character at byte ${at} of the document`)
}
