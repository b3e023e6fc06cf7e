/**
 * Lists the entries of an uncompressed tar stream, reading headers the way node-tar (npm's
 * reader) does, so that both see the same names and sizes:
 * - ustar: the `prefix` field is used only with the POSIX magic "ustar\0" + "00"; when byte 475
 *   is 0 the prefix is 130 bytes long (node-tar keeps atime/ctime after it), else 155.
 * - pax `x` (per entry) and `g` (global) records: path, linkpath and size (node-tar ignores a
 *   pax mode, so does this). A global header
 *   never sets a path. GNU `L`/`N` (long path) and `K` (long link target) set the next entry's
 *   path / link target. These only apply to real entries, never to another meta header.
 * - numbers are octal text or base-256 (first byte 0x80 / 0xff), sizes of a directory are 0,
 *   a file type whose name ends in "/" is a directory.
 * - two zero blocks end the archive; anything after them is ignored.
 * Unlike node-tar, which warns and skips, a corrupt header (checksum, size field, an entry
 * that runs past the end of the stream) refuses the whole tarball: EBADTARBALL.
 */
import { SkiffError } from '../error/index.ts'

export type EntryKind = 'file' | 'directory' | 'link' | 'special' | 'ignored'

export interface TarEntry {
  /** the path the archive gives, top folder included */
  path: string
  kind: EntryKind
  /** the type flag ("0", "7", "5", ...; an old-style "\0" reads as "0") */
  typeflag: string
  /** permission bits from the header; 0 when absent */
  mode: number
  /** where the entry's data starts in the tar stream, and its length */
  offset: number
  size: number
}

export interface TarListing {
  entries: TarEntry[]
  /** the archive ended with its two zero blocks (a stream cut short on a block boundary does not) */
  sawEndMarker: boolean
}

interface Extended {
  path?: string
  linkpath?: string
  size?: number
}

const BLOCK = 512
/** node-tar ignores meta entries (pax, long names) larger than this */
const MAX_META_BYTES = 1024 * 1024
const utf8 = new TextDecoder()

export function parseTar(tar: Uint8Array, pkg: string): TarListing {
  const entries: TarEntry[] = []
  let ex: Extended | undefined
  let gex: Extended | undefined
  let sawZeroBlock = false
  let sawHeader = false
  let position = 0
  while (position + BLOCK <= tar.length) {
    if (isZeroBlock(tar, position)) {
      if (sawZeroBlock) return { entries, sawEndMarker: true }
      sawZeroBlock = true
      position += BLOCK
      continue
    }
    sawZeroBlock = false
    sawHeader = true
    const header = readHeader(tar, position, ex, gex, pkg)
    const offset = position + BLOCK
    position = offset + Math.ceil(header.size / BLOCK) * BLOCK
    if (META_TYPES.has(header.typeflag)) {
      if (header.size <= MAX_META_BYTES) {
        const data = tar.subarray(offset, offset + header.size)
        if (header.typeflag === 'g') gex = { ...gex, ...parsePax(data, true) }
        else ex = applyMeta(header.typeflag, data, ex)
      }
      continue
    }
    if (header.kind !== 'ignored') entries.push({ ...header, offset })
    ex = undefined
  }
  if (!sawHeader) throw new SkiffError('EBADTARBALL', `${pkg}: tarball has no entries`, { pkg })
  return { entries, sawEndMarker: false }
}

/** One header block, with the pending pax / GNU values applied; checks that its data is there. */
function readHeader(tar: Uint8Array, at: number, ex: Extended | undefined, gex: Extended | undefined, pkg: string): Omit<TarEntry, 'offset'> {
  checkHeaderChecksum(tar, at, pkg)
  // node-tar reads an old-style file ("\0") as a plain file ("0")
  const typeflag = tar[at + 156] === 0 ? '0' : String.fromCharCode(tar[at + 156] ?? 0)
  const isReal = REAL_TYPES.has(typeflag)
  const headerSize = readNumber(tar, at + 124, 12)
  if (headerSize === undefined || headerSize < 0) throw badHeader(pkg, tar, at, 'has an unreadable size field')
  const path = isReal ? (ex?.path ?? readHeaderPath(tar, at)) : readString(tar, at, 100)
  const kind = typeflag === '0' && path.endsWith('/') ? 'directory' : kindOf(typeflag)
  const size = typeflag === '5' || (typeflag === '0' && kind === 'directory') ? 0 : ((isReal ? (ex?.size ?? gex?.size) : undefined) ?? headerSize)
  if (at + BLOCK + size > tar.length) {
    throw new SkiffError('EBADTARBALL', `${pkg}: tarball is truncated: entry "${path}" needs ${size} bytes, ${tar.length - at - BLOCK} remain`, { pkg, path })
  }
  if (isReal && path === '') throw badHeader(pkg, tar, at, 'has no path')
  if (kind === 'file' && tar[at + 157] !== 0) throw badHeader(pkg, tar, at, `("${path}") is a file that names a link target`)
  const mode = readNumber(tar, at + 100, 8) ?? 0
  return { path, kind: isReal ? kind : 'ignored', typeflag, mode: mode > 0 ? mode & 0o7777 : 0, size }
}

/** Types that are file system entries (and so take pending pax / long-name values). */
const REAL_TYPES = new Set(['0', '1', '2', '3', '4', '5', '6', '7', 'D'])
const META_TYPES = new Set(['x', 'X', 'g', 'L', 'N', 'K'])

function kindOf(typeflag: string): EntryKind {
  switch (typeflag) {
    case '0':
    case '7':
      return 'file'
    case '5':
    case 'D':
      return 'directory'
    case '1':
    case '2':
      return 'link'
    case '3':
    case '4':
    case '6':
      return 'special'
    default:
      return 'ignored'
  }
}

function applyMeta(typeflag: string, data: Uint8Array, ex: Extended | undefined): Extended {
  if (typeflag === 'x' || typeflag === 'X') return { ...ex, ...parsePax(data, false) }
  const value = decodeUntilNul(data)
  return typeflag === 'K' ? { ...ex, linkpath: value } : { ...ex, path: value }
}

/**
 * pax records are "<length> <key>=<value>\n", the length counting the whole record in bytes.
 * Parsing stops at a record whose length does not fit; a value holding a newline is skipped
 * (node-tar reads records line by line and cannot see it either).
 */
export function parsePax(data: Uint8Array, global: boolean): Extended {
  const result: Extended = {}
  let at = 0
  while (at < data.length) {
    let length = 0
    let i = at
    while (i < data.length && (data[i] ?? 0) >= 0x30 && (data[i] ?? 0) <= 0x39) length = length * 10 + (data[i++] ?? 0) - 0x30
    const recordEnd = at + length
    if (i === at || data[i] !== 0x20 || recordEnd <= i + 1 || recordEnd > data.length || data[recordEnd - 1] !== 0x0a) break
    const record = utf8.decode(data.subarray(i + 1, recordEnd - 1))
    at = recordEnd
    const equals = record.indexOf('=')
    if (equals <= 0 || record.includes('\n')) continue
    applyPaxRecord(result, record.slice(0, equals), record.slice(equals + 1).replace(/\0.*/s, ''), global)
  }
  return result
}

function applyPaxRecord(result: Extended, key: string, value: string, global: boolean): void {
  switch (key) {
    case 'path':
      if (!global) result.path = value
      return
    case 'linkpath':
      if (!global) result.linkpath = value
      return
    case 'size':
      if (/^\d+$/.test(value) && Number.isSafeInteger(Number(value))) result.size = Number(value)
  }
}

function readHeaderPath(tar: Uint8Array, at: number): string {
  const name = readString(tar, at, 100)
  if (!isPosixUstar(tar, at)) return name
  const prefix = tar[at + 475] !== 0 ? readString(tar, at + 345, 155) : readString(tar, at + 345, 130)
  return prefix === '' ? name : `${prefix}/${name}`
}

function isPosixUstar(tar: Uint8Array, at: number): boolean {
  // "ustar\0" followed by the version "00"; GNU's "ustar  \0" has no prefix field
  return (
    tar[at + 257] === 0x75 && tar[at + 258] === 0x73 && tar[at + 259] === 0x74 && tar[at + 260] === 0x61 &&
    tar[at + 261] === 0x72 && tar[at + 262] === 0 && tar[at + 263] === 0x30 && tar[at + 264] === 0x30
  )
}

function readString(tar: Uint8Array, at: number, length: number): string {
  let end = at
  const limit = at + length
  let ascii = true
  while (end < limit && tar[end] !== 0) {
    if ((tar[end] ?? 0) > 0x7f) ascii = false
    end++
  }
  if (!ascii) return utf8.decode(tar.subarray(at, end))
  let text = ''
  for (let i = at; i < end; i++) text += String.fromCharCode(tar[i] ?? 0)
  return text
}

function decodeUntilNul(data: Uint8Array): string {
  const nul = data.indexOf(0)
  return utf8.decode(nul < 0 ? data : data.subarray(0, nul))
}

/** An octal text field (up to the first NUL, spaces trimmed) or a base-256 number. */
export function readNumber(tar: Uint8Array, at: number, length: number): number | undefined {
  const first = tar[at] ?? 0
  if (first & 0x80) return readBase256(tar, at, length)
  let i = at
  const end = at + length
  while (i < end && (tar[i] === 0x20 || tar[i] === 0x09)) i++
  let value = 0
  let digits = 0
  while (i < end) {
    const byte = tar[i] ?? 0
    if (byte < 0x30 || byte > 0x37) break
    value = value * 8 + (byte - 0x30)
    digits++
    i++
  }
  if (digits === 0) return isBlank(tar, i, end) ? 0 : undefined
  return value
}

function isBlank(tar: Uint8Array, from: number, end: number): boolean {
  for (let i = from; i < end; i++) {
    const byte = tar[i]
    if (byte === 0) return true
    if (byte !== 0x20) return false
  }
  return true
}

function readBase256(tar: Uint8Array, at: number, length: number): number | undefined {
  const first = tar[at]
  if (first !== 0x80 && first !== 0xff) return undefined
  if (first === 0xff) return -1
  let value = 0
  for (let i = at + 1; i < at + length; i++) value = value * 256 + (tar[i] ?? 0)
  return Number.isSafeInteger(value) ? value : undefined
}

function isZeroBlock(tar: Uint8Array, at: number): boolean {
  for (let i = at; i < at + BLOCK; i++) if (tar[i] !== 0) return false
  return true
}

function checkHeaderChecksum(tar: Uint8Array, at: number, pkg: string): void {
  let sum = 8 * 0x20
  for (let i = at; i < at + 148; i++) sum += tar[i] ?? 0
  for (let i = at + 156; i < at + BLOCK; i++) sum += tar[i] ?? 0
  if (readNumber(tar, at + 148, 8) !== sum) throw badHeader(pkg, tar, at, 'fails its checksum (corrupt tarball)')
}

function badHeader(pkg: string, tar: Uint8Array, at: number, fact: string): SkiffError {
  const name = readString(tar, at, 100)
  return new SkiffError('EBADTARBALL', `${pkg}: tar header at byte ${at}${name ? ` ("${name}")` : ''} ${fact}`, {
    pkg,
    path: name,
  })
}
