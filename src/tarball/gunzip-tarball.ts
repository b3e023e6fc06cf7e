/**
 * Decompresses a package tarball into memory without ever holding more than `maxTarBytes`.
 * - The gzip trailer's ISIZE is the output size modulo 2^32, so it is never above the real size:
 *   an ISIZE over the limit refuses the tarball before any work, and so does one above what the
 *   input could unpack to (1032 × its length), before a buffer of that size is allocated.
 * - Deflate cannot expand more than 1032 to 1, so when `1032 × input` fits the limit the fast
 *   decoder (libdeflate) cannot overshoot; otherwise node:zlib decodes with `maxOutputLength`,
 *   which stops as soon as the limit is passed (a gzip bomb never lands in memory or on disk).
 * - Bun's decoder reads only the first gzip member. `decodeAllMembers` uses node:zlib, which
 *   reads them all; the caller retries with it when the tar stream looks cut short.
 * - Input that is not gzip (no 1f 8b magic) is taken as a plain tar, as node-tar does.
 * - `reuse`: first try decoding into a buffer this thread reuses (inflate-reusing.ts); the result
 *   is then only valid until the next such call on the thread.
 */
import { nodeZlib } from './node-zlib.ts'
import { SkiffError, errnoCode } from '../error/index.ts'
import { inflateReusing } from './inflate-reusing.ts'

const MAX_DEFLATE_RATIO = 1032
const MIN_CHUNK_BYTES = 64 * 1024

export interface GunzipOptions {
  /** read every gzip member (node:zlib), not just the first */
  allMembers?: boolean
  /** decode into this thread's reused buffer when the stream allows it */
  reuse?: boolean
}

export function gunzipTarball(bytes: Uint8Array, pkg: string, maxTarBytes: number, options: GunzipOptions = {}): Uint8Array {
  const decodeAllMembers = options.allMembers === true
  if (!isGzip(bytes)) {
    if (bytes.length > maxTarBytes) throw tooLarge(pkg, maxTarBytes)
    return bytes
  }
  if (bytes.length < 18) throw corrupt(pkg, new Error('shorter than a gzip header and trailer'))
  const claimedSize = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, true)
  if (claimedSize > maxTarBytes) throw tooLarge(pkg, maxTarBytes)
  // a trailer claiming more than deflate can produce lies; nothing is sized by it
  if (claimedSize > bytes.length * MAX_DEFLATE_RATIO) {
    throw corrupt(pkg, new Error(`its gzip trailer claims ${claimedSize} bytes, more than ${bytes.length} bytes can unpack to`))
  }
  if (options.reuse && !decodeAllMembers) {
    const tar = inflateReusing(bytes, claimedSize)
    if (tar) return tar
  }
  try {
    if (!decodeAllMembers && bytes.length * MAX_DEFLATE_RATIO <= maxTarBytes) {
      return Bun.gunzipSync(bytes as Uint8Array<ArrayBuffer>, { library: 'libdeflate' })
    }
    // one output chunk of the claimed size (node:zlib's 16 KiB chunks, concatenated at the end, cost twice the time)
    const chunkSize = Math.max(MIN_CHUNK_BYTES, Math.min(maxTarBytes, claimedSize + 1))
    return nodeZlib().gunzipSync(bytes, { maxOutputLength: maxTarBytes, chunkSize })
  } catch (error) {
    if (errnoCode(error) === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(pkg, maxTarBytes)
    if (decodeAllMembers) throw corrupt(pkg, error)
    // libdeflate refuses a stream whose ISIZE is wrong, even when zlib would explain why
    return gunzipTarball(bytes, pkg, maxTarBytes, { allMembers: true })
  }
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b
}

function tooLarge(pkg: string, maxTarBytes: number): SkiffError {
  return new SkiffError('EBADTARBALL', `${pkg}: tarball unpacks to more than ${maxTarBytes} bytes`, {
    pkg,
    hint: 'a package this large is likely hostile (a decompression bomb); nothing was written',
  })
}

function corrupt(pkg: string, cause: unknown): SkiffError {
  const reason = cause instanceof Error ? cause.message : String(cause)
  return new SkiffError('EBADTARBALL', `${pkg}: tarball is not a valid gzip stream (truncated or corrupt: ${reason})`, {
    pkg,
    cause,
    hint: 'the download was cut short or altered; retry, and check the registry or proxy if it persists',
  })
}
