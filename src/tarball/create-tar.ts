/**
 * A small ustar writer, with npm pack's constant fields (mtime 1985-10-26T08:15:00Z, uid/gid 0,
 * no user names), uncompressed: what a git dependency's packed files become before they go to
 * the store (the extractor reads plain tar as node-tar does), and the fixtures' tarballs.
 * Entries are written exactly as given, so tests can build hostile archives on purpose.
 */
import { SkiffError } from '../error/index.ts'

export interface TarEntry {
  /** the path stored in the archive, used verbatim */
  path: string
  type?: 'file' | 'directory' | 'symlink' | 'hardlink'
  content?: string | Uint8Array
  /** default 0o644 for files, 0o755 for directories, 0o777 for symlinks */
  mode?: number
  /** target of a symlink or hardlink */
  linkname?: string
}

/** npm packs every file with this mtime (1985-10-26T08:15:00Z). */
const NPM_PACK_MTIME = 499162500
const BLOCK = 512
const TYPE_FLAGS = { file: '0', hardlink: '1', symlink: '2', directory: '5' } as const
const encoder = new TextEncoder()

export function createTar(entries: readonly TarEntry[]): Uint8Array<ArrayBuffer> {
  const blocks: Uint8Array[] = []
  for (const entry of entries) {
    const type = entry.type ?? 'file'
    const body = type === 'file' ? toBytes(entry.content ?? '') : new Uint8Array(0)
    blocks.push(header(entry, type, body.length))
    if (body.length > 0) {
      const padded = new Uint8Array(Math.ceil(body.length / BLOCK) * BLOCK)
      padded.set(body)
      blocks.push(padded)
    }
  }
  blocks.push(new Uint8Array(BLOCK * 2))
  return concat(blocks)
}

function header(entry: TarEntry, type: keyof typeof TYPE_FLAGS, size: number): Uint8Array {
  const block = new Uint8Array(BLOCK)
  const defaultMode = type === 'directory' ? 0o755 : type === 'symlink' ? 0o777 : 0o644
  const [prefix, name] = splitName(entry.path)
  writeText(block, 0, 100, name)
  writeOctal(block, 100, 8, entry.mode ?? defaultMode)
  writeOctal(block, 108, 8, 0)
  writeOctal(block, 116, 8, 0)
  writeOctal(block, 124, 12, size)
  writeOctal(block, 136, 12, NPM_PACK_MTIME)
  block.fill(0x20, 148, 156)
  writeText(block, 156, 1, TYPE_FLAGS[type])
  writeText(block, 157, 100, entry.linkname ?? '')
  writeText(block, 257, 6, 'ustar\0')
  writeText(block, 263, 2, '00')
  writeText(block, 345, 155, prefix)
  const checksum = block.reduce((sum, byte) => sum + byte, 0)
  writeText(block, 148, 8, `${checksum.toString(8).padStart(6, '0')}\0 `)
  return block
}

/** ustar keeps up to 100 bytes of name and 155 of prefix, split at a `/`. */
function splitName(path: string): [string, string] {
  if (encoder.encode(path).length <= 100) return ['', path]
  for (let cut = path.indexOf('/'); cut !== -1; cut = path.indexOf('/', cut + 1)) {
    const prefix = path.slice(0, cut)
    const name = path.slice(cut + 1)
    if (encoder.encode(prefix).length <= 155 && encoder.encode(name).length <= 100) return [prefix, name]
  }
  throw new SkiffError('EBADTARBALL', `path too long for a ustar archive: ${path}`)
}

function writeText(block: Uint8Array, offset: number, length: number, text: string): void {
  const bytes = encoder.encode(text)
  if (bytes.length > length) throw new SkiffError('EBADTARBALL', `tar header field too long: ${text}`)
  block.set(bytes, offset)
}

function writeOctal(block: Uint8Array, offset: number, length: number, value: number): void {
  writeText(block, offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`)
}

function toBytes(content: string | Uint8Array): Uint8Array {
  return typeof content === 'string' ? encoder.encode(content) : content
}

function concat(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}
