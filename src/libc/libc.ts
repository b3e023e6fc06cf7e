/**
 * The few libc calls the per-file loops of extraction and linking make, through bun:ffi, each
 * relative to an open folder. node:fs takes absolute paths, so the kernel walks the whole
 * store path and the whole node_modules path for every file, and each node:fs call costs
 * microseconds of JavaScript and binding work besides; a package's loop makes thousands.
 * Measured: antd's 130k files linked by one thread on tmpfs, user 100 -> 35 ms, system
 * 650-810 -> 560-630 ms; medium's 6,009 files written by one thread, user 88 -> 53 ms.
 *
 * Linux only. When libc cannot be loaded `openLibc` returns undefined and callers use node:fs.
 * A call that fails returns false (or -1): the caller repeats it with node:fs, which then throws
 * the error with its code and path (or succeeds, if the cause has gone).
 */
import { dlopen, FFIType, ptr } from 'bun:ffi'

export interface Libc {
  /** links `dirFd`-relative `path` of the source folder to the same relative path in the target folder */
  linkat(srcDirFd: number, dstDirFd: number, path: string): boolean
  mkdirat(dirFd: number, path: string, mode: number): boolean
  /** a new file (O_CREAT | O_EXCL | O_NOFOLLOW, write only): its descriptor, or -1 */
  createFile(dirFd: number, path: string, mode: number): number
  /** writes bytes[offset, offset + length) in full */
  writeAll(fd: number, bytes: Uint8Array, offset: number, length: number): boolean
  fchmod(fd: number, mode: number): boolean
  close(fd: number): void
  /**
   * lstat(2) of `dirFd`-relative `path` (fstatat, AT_SYMLINK_NOFOLLOW): the same object for
   * every call, valid until the next; undefined when the call fails.
   * Absent where libc has no `fstatat` symbol (glibc before 2.33) or the struct's layout is not
   * known here (only x86_64 and aarch64): the store's check then uses node:fs.
   */
  statAt?: (dirFd: number, path: string) => FileStat | undefined
}

export interface FileStat {
  isFile: boolean
  size: number
  mtimeMs: number
}

const LIBC_NAMES = ['libc.so.6', 'libc.so', `libc.musl-${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}.so.1`]
const MAX_PATH_BYTES = 16 * 1024
// Linux's open(2) flags: the same on x86_64 and aarch64 but O_NOFOLLOW (0o400000 on x86_64,
// 0o100000 on aarch64, where 0o400000 is O_LARGEFILE)
const O_WRONLY = 0o1
const O_CREAT = 0o100
const O_EXCL = 0o200
const O_NOFOLLOW = process.arch === 'arm64' ? 0o100000 : 0o400000
const O_CLOEXEC = 0o2000000
const CREATE_NEW = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC

let opened: Libc | null | undefined

export function openLibc(): Libc | undefined {
  if (opened === undefined) opened = process.platform === 'linux' ? loadLibc() : null
  return opened ?? undefined
}

function loadLibc(): Libc | null {
  for (const name of LIBC_NAMES) {
    try {
      return bind(name)
    } catch {
      // not this name: try the next
    }
  }
  return null
}

function bind(name: string): Libc {
  const { symbols } = dlopen(name, {
    linkat: { args: [FFIType.i32, FFIType.ptr, FFIType.i32, FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
    mkdirat: { args: [FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
    openat: { args: [FFIType.i32, FFIType.ptr, FFIType.i32, FFIType.u32], returns: FFIType.i32 },
    write: { args: [FFIType.i32, FFIType.ptr, FFIType.u64_fast], returns: FFIType.i64_fast },
    fchmod: { args: [FFIType.i32, FFIType.u32], returns: FFIType.i32 },
    close: { args: [FFIType.i32], returns: FFIType.i32 },
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
    linkat: (srcDirFd, dstDirFd, path) => encode(path) && symbols.linkat(srcDirFd, address, dstDirFd, address, 0) === 0,
    mkdirat: (dirFd, path, mode) => encode(path) && symbols.mkdirat(dirFd, address, mode) === 0,
    createFile: (dirFd, path, mode) => (encode(path) ? symbols.openat(dirFd, address, CREATE_NEW, mode) : -1),
    writeAll(fd, bytes, offset, length) {
      if (length === 0) return true
      const base = ptr(bytes)
      let written = 0
      while (written < length) {
        const count = Number(symbols.write(fd, base + offset + written, length - written))
        if (count <= 0) return false
        written += count
      }
      return true
    },
    fchmod: (fd, mode) => symbols.fchmod(fd, mode) === 0,
    close: (fd) => {
      symbols.close(fd)
    },
    ...bindStatAt(name, encode, address),
  }
}

// struct stat on Linux x86_64 and aarch64 (asm-generic): st_size at 48, st_mtim at 88 (seconds)
// and 96 (nanoseconds); st_mode at 24 on x86_64 (after an 8-byte st_nlink), at 16 on aarch64
const STAT_MODE_OFFSET: Partial<Record<string, number>> = { x64: 24, arm64: 16 }
const AT_SYMLINK_NOFOLLOW = 0x100
const S_IFMT = 0o170000
const S_IFREG = 0o100000

/** A binding of its own: a libc without fstatat keeps every other call. */
function bindStatAt(name: string, encode: (path: string) => boolean, pathAddress: number): Pick<Libc, 'statAt'> {
  const modeOffset = STAT_MODE_OFFSET[process.arch]
  if (modeOffset === undefined) return {}
  let fstatat: (dirFd: number, path: number, buffer: number, flags: number) => number
  try {
    fstatat = dlopen(name, { fstatat: { args: [FFIType.i32, FFIType.ptr, FFIType.ptr, FFIType.i32], returns: FFIType.i32 } }).symbols.fstatat
  } catch {
    return {}
  }
  // large enough to be allocated outside the garbage collector's moving heap: its address stays valid
  const buffer = new Uint8Array(4096)
  const view = new DataView(buffer.buffer)
  const address = ptr(buffer)
  const result: FileStat = { isFile: false, size: 0, mtimeMs: 0 }
  const u64 = (offset: number) => view.getUint32(offset, true) + view.getUint32(offset + 4, true) * 2 ** 32
  return {
    statAt(dirFd, path) {
      if (!encode(path) || fstatat(dirFd, pathAddress, address, AT_SYMLINK_NOFOLLOW) !== 0) return undefined
      result.isFile = (view.getUint32(modeOffset, true) & S_IFMT) === S_IFREG
      result.size = u64(48)
      result.mtimeMs = u64(88) * 1000 + view.getUint32(96, true) / 1e6
      return result
    },
  }
}
