/**
 * Gunzip into a buffer the calling thread reuses from one tarball to the next. A fresh output
 * buffer per tarball costs a page fault per 4 KiB written (on antd's 1.85 GB of tar, more
 * system time than the decoding itself); a reused one is faulted in once.
 *
 * node:zlib's Gunzip object decodes into a caller's buffer through its handle's `writeSync`, the
 * call its own streams make. That is an internal interface: it is checked before use, and any
 * surprise (missing, throwing, reporting an error) returns `undefined` so that the caller takes
 * its usual path, which also words the error. Only a clean result is returned: all the input
 * consumed by one call and exactly the size the gzip trailer claims, so a stream of several
 * members or a trailer that lies goes the usual, bounded way.
 *
 * The result is a view of the shared buffer: it is valid until the next call on this thread.
 */
import { nodeZlib } from './node-zlib.ts'

/**
 * Outputs larger than this get a buffer of their own instead of growing the shared one: the
 * few big packages pay their page faults, and each worker does not keep a buffer the size of the
 * biggest one for the rest of the install (64 MiB before: cold medium install, A/B 6 pairs,
 * peak RSS 162 -> 149 MB at the same time and CPU).
 */
const MAX_REUSED_BYTES = 8 * 1024 * 1024

interface GunzipHandle {
  writeSync(flush: number, input: Uint8Array, inOffset: number, inLength: number, output: Uint8Array, outOffset: number, outLength: number): void
  onerror: (message: string, errno: number) => void
}

interface Decoder {
  reset: () => void
  handle: GunzipHandle
  /** [bytes of output space left, bytes of input left] after a writeSync */
  state: Uint32Array
}

let decoder: Decoder | undefined
let unavailable = false
let scratch = new Uint8Array(0)

export function inflateReusing(bytes: Uint8Array, size: number): Uint8Array | undefined {
  const current = decoder ?? openDecoder()
  if (!current) return undefined
  const capacity = size + 1
  const out = capacity <= MAX_REUSED_BYTES ? scratchOf(capacity) : new Uint8Array(capacity)
  let failed = false
  current.handle.onerror = () => {
    failed = true
  }
  try {
    current.reset()
    current.handle.writeSync(nodeZlib().constants.Z_FINISH, bytes, 0, bytes.length, out, 0, capacity)
  } catch {
    failed = true
  }
  if (failed) {
    // a handle that reported an error stays in that state: the next call gets a new one
    decoder = undefined
    return undefined
  }
  const [outLeft, inLeft] = current.state
  if (inLeft !== 0 || outLeft === undefined || capacity - outLeft !== size) return undefined
  return out.subarray(0, size)
}

function openDecoder(): Decoder | undefined {
  if (unavailable) return undefined
  const stream: unknown = nodeZlib().createGunzip()
  const handle = field(stream, '_handle')
  const state = field(stream, '_writeState')
  const reset = field(stream, 'reset')
  if (typeof field(handle, 'writeSync') !== 'function' || !(state instanceof Uint32Array) || typeof reset !== 'function') {
    unavailable = true
    return undefined
  }
  decoder = { reset: () => reset.call(stream), handle: handle as GunzipHandle, state }
  return decoder
}

function scratchOf(capacity: number): Uint8Array {
  if (scratch.length < capacity) scratch = new Uint8Array(Math.min(MAX_REUSED_BYTES, Math.max(capacity, scratch.length * 2)))
  return scratch
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined
}
