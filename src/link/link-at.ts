/**
 * linkat(2) and mkdirat(2) relative to open folders, through bun:ffi. node:fs takes absolute
 * paths, so the kernel walks the whole store path and the whole node_modules path for every
 * file; relative to a package's folders it walks only the path inside the package. Measured on
 * antd's 130k files linked by one thread on tmpfs: user 100 -> 35 ms, system 650-810 -> 560-630 ms.
 *
 * Linux only. When libc cannot be loaded `openLinkAt` returns undefined and callers use node:fs.
 * A call that fails returns false: the caller repeats it with node:fs, which then throws the
 * error with its code and path (or succeeds, if the cause has gone).
 */
import { dlopen, FFIType, ptr } from 'bun:ffi'

export interface LinkAt {
  /** links `dirFd`-relative `path` of the source folder to the same relative path in the target folder */
  link(srcDirFd: number, dstDirFd: number, path: string): boolean
  mkdir(dirFd: number, path: string): boolean
}

const LIBC_NAMES = ['libc.so.6', 'libc.so', `libc.musl-${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}.so.1`]
const MAX_PATH_BYTES = 16 * 1024
const DIR_MODE = 0o777

let opened: LinkAt | null | undefined

export function openLinkAt(): LinkAt | undefined {
  if (opened === undefined) opened = process.platform === 'linux' ? loadLibc() : null
  return opened ?? undefined
}

function loadLibc(): LinkAt | null {
  for (const name of LIBC_NAMES) {
    try {
      return bind(name)
    } catch {
      // not this name: try the next
    }
  }
  return null
}

function bind(name: string): LinkAt {
  const { symbols } = dlopen(name, {
    linkat: { args: [FFIType.i32, FFIType.ptr, FFIType.i32, FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
    mkdirat: { args: [FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
  })
  // one NUL-terminated UTF-8 path at a time, in a buffer allocated once (its address is stable)
  const buffer = new Uint8Array(MAX_PATH_BYTES)
  const room = buffer.subarray(0, MAX_PATH_BYTES - 1)
  const address = ptr(buffer)
  const encoder = new TextEncoder()
  const encode = (path: string): boolean => {
    const { read, written } = encoder.encodeInto(path, room)
    if (read !== path.length) return false
    buffer[written] = 0
    return true
  }
  return {
    link: (srcDirFd, dstDirFd, path) => encode(path) && symbols.linkat(srcDirFd, address, dstDirFd, address, 0) === 0,
    mkdir: (dirFd, path) => encode(path) && symbols.mkdirat(dirFd, address, DIR_MODE) === 0,
  }
}
