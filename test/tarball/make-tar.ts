/**
 * A raw tar writer for extraction tests: every header field is written as given, so tarballs
 * that no honest tool would produce (climbing names, pax overrides, wrong sizes, bad checksums)
 * can be built on purpose.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export interface RawEntry {
  /** the 100-byte name field */
  name: string
  /** type flag; default "0" */
  type?: string
  data?: string | Uint8Array
  mode?: number
  /** declared size when it must differ from the data's */
  size?: number
  /** write the size as a base-256 number */
  base256Size?: boolean
  linkname?: string
  /** the ustar prefix field (155 bytes) */
  prefix?: string
  /** "gnu" writes GNU's "ustar  \0" magic, which has no prefix field */
  magic?: 'posix' | 'gnu'
  corruptChecksum?: boolean
}

const BLOCK = 512
const encoder = new TextEncoder()

export function bytesOf(data: string | Uint8Array | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0)
  return typeof data === 'string' ? encoder.encode(data) : data
}

export function header(entry: RawEntry): Uint8Array {
  const block = new Uint8Array(BLOCK)
  const size = entry.size ?? bytesOf(entry.data).length
  writeText(block, 0, 100, entry.name)
  writeText(block, 100, 8, octal(entry.mode ?? 0o644, 8))
  writeText(block, 108, 8, octal(0, 8))
  writeText(block, 116, 8, octal(0, 8))
  if (entry.base256Size) writeBase256(block, 124, 12, size)
  else writeText(block, 124, 12, octal(size, 12))
  writeText(block, 136, 12, octal(499162500, 12))
  writeText(block, 156, 1, entry.type ?? '0')
  writeText(block, 157, 100, entry.linkname ?? '')
  if (entry.magic === 'gnu') writeText(block, 257, 8, 'ustar  \0')
  else writeText(block, 257, 8, 'ustar\u000000')
  writeText(block, 345, 155, entry.prefix ?? '')
  block.fill(0x20, 148, 156)
  const checksum = block.reduce((sum, byte) => sum + byte, 0) + (entry.corruptChecksum ? 1 : 0)
  writeText(block, 148, 8, `${checksum.toString(8).padStart(6, '0')}\0 `)
  return block
}

/** Headers and padded data in order, then the two zero blocks unless `end` is false. */
export function makeTar(entries: readonly RawEntry[], options: { end?: boolean } = {}): Uint8Array {
  const parts: Uint8Array[] = []
  for (const entry of entries) {
    parts.push(header(entry))
    const data = bytesOf(entry.data)
    const padded = new Uint8Array(Math.ceil(data.length / BLOCK) * BLOCK)
    padded.set(data)
    parts.push(padded)
  }
  if (options.end !== false) parts.push(new Uint8Array(2 * BLOCK))
  return concat(parts)
}

export function makeTgz(entries: readonly RawEntry[], options: { end?: boolean } = {}): Uint8Array {
  return Bun.gzipSync(makeTar(entries, options) as Uint8Array<ArrayBuffer>)
}

/** A pax extended header ("x", or "g" for global) carrying the given records. */
export function pax(records: Record<string, string>, type: 'x' | 'g' = 'x'): RawEntry {
  let body = ''
  for (const [key, value] of Object.entries(records)) {
    const rest = ` ${key}=${value}\n`
    let length = encoder.encode(rest).length
    length += String(length + String(length).length).length
    body += `${length}${rest}`
  }
  return { name: 'PaxHeader', type, data: body }
}

/** A GNU long-name ("L") or long-link ("K") header for the next entry. */
export function gnuLong(value: string, type: 'L' | 'K' = 'L'): RawEntry {
  return { name: '././@LongLink', type, data: `${value}\0` }
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

function octal(value: number, field: number): string {
  return `${value.toString(8).padStart(field - 1, '0')}\0`
}

function writeText(block: Uint8Array, at: number, length: number, text: string): void {
  const bytes = encoder.encode(text)
  if (bytes.length > length) throw new Error(`"${text}" does not fit in ${length} bytes`)
  block.set(bytes, at)
}

function writeBase256(block: Uint8Array, at: number, length: number, value: number): void {
  block[at] = 0x80
  let rest = value
  for (let i = at + length - 1; i > at; i--) {
    block[i] = rest % 256
    rest = Math.floor(rest / 256)
  }
}

/** A temp folder with an empty `stage/dest` inside, removed by `using`. */
export function tempStage(): { root: string; dest: string; [Symbol.dispose](): void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-'))
  const dest = path.join(root, 'stage', 'dest')
  fs.mkdirSync(dest, { recursive: true })
  return { root, dest, [Symbol.dispose]: () => fs.rmSync(root, { recursive: true, force: true }) }
}

/** Every path below `dir` (files, folders, links), relative, sorted; links marked with " -> ". */
export function listTree(dir: string): string[] {
  const out: string[] = []
  for (const dirent of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const full = path.join(dirent.parentPath, dirent.name)
    const rel = path.relative(dir, full)
    out.push(dirent.isSymbolicLink() ? `${rel} -> ${fs.readlinkSync(full)}` : dirent.isDirectory() ? `${rel}/` : rel)
  }
  return out.sort()
}

export function modeOf(file: string): number {
  return fs.lstatSync(file).mode & 0o7777
}
