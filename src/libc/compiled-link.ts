/**
 * A whole package's link loop in one native call: its folders made with mkdirat, then each file
 * checked against what the store recorded (fstatat: a regular file, the stored size, not
 * modified after the marker) and hardlinked with linkat, all relative to the two open folders.
 * Done from JavaScript, a file costs two bun:ffi calls, the path's encoding and the size's
 * parsing: ~3.6 µs of user CPU, half a second over antd's 150k files; in C it is the syscalls.
 *
 * The C source is compiled at run time by bun:ffi's built-in TinyCC, which works inside the
 * compiled executable with no toolchain or headers on the machine: the few libc prototypes are
 * declared here. It reads its source from a file, so the source is written to the temporary
 * folder first. Compiling takes ~15 ms per thread, so only big installs ask for it. Linux on
 * x86_64 and aarch64 only (the offsets in struct stat); anywhere else, or when TinyCC or the
 * temporary folder fails, `openCompiledLink` returns undefined and the caller links file by
 * file.
 *
 * The call never throws and never guesses: it says which step failed and how, and the caller
 * does that package again its own way, which words the error (or finds the damage) exactly.
 */
import { cc, FFIType, ptr } from 'bun:ffi'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export type CompiledLinkResult =
  | { ok: true }
  /** a stored file is missing, not a regular file, of another size or modified after the marker */
  | { ok: false; damaged: true }
  /** a mkdirat or linkat failed with this errno */
  | { ok: false; damaged: false; errno: number }

export interface CompiledLink {
  /**
   * Makes `dirs` (NUL-joined, parents first) under the target folder, then links `files`
   * (NUL-joined) from the source folder; with `sizes` (the store's comma-joined sizes of
   * `files`), each file is checked first against it and against the mtime of `../index.json`
   * beside the source folder.
   */
  linkPackage(srcDirFd: number, dstDirFd: number, dirs: string, files: string, sizes: string | undefined): CompiledLinkResult
}

// struct stat on Linux (x86_64 and aarch64's asm-generic layout): st_mode at 24 / 16, st_size
// at 48, st_mtim at 88 (seconds) and 96 (nanoseconds)
const SOURCE = `
int mkdirat(int dirfd, const char *path, unsigned int mode);
int linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags);
int fstatat(int dirfd, const char *path, void *buf, int flags);
int *__errno_location(void);

#if defined(__x86_64__)
#define MODE_AT 24
#else
#define MODE_AT 16
#endif
#define SYMLINK_NOFOLLOW 0x100

static long long at64(unsigned char *s, int offset) { return *(long long *)(s + offset); }

/* returns 0, or 1 for damage, or 2 with the errno in *err */
int link_package(int src, int dst, const char *paths, int ndirs, int nfiles, const char *sizes, int *err) {
  unsigned char st[256];
  long long marker_ns = 0;
  const char *p = paths;
  const char *s = sizes;
  int i;
  if (sizes) {
    if (fstatat(src, "../index.json", st, SYMLINK_NOFOLLOW) != 0) return 1;
    marker_ns = at64(st, 88) * 1000000000LL + at64(st, 96);
  }
  for (i = 0; i < ndirs + nfiles; i++) {
    if (i < ndirs) {
      if (mkdirat(dst, p, 0777) != 0) { *err = *__errno_location(); return 2; }
    } else {
      if (sizes) {
        long long want = 0;
        if (*s < '0' || *s > '9') return 1;
        while (*s >= '0' && *s <= '9') { want = want * 10 + (*s - '0'); s++; }
        if (*s == ',') s++;
        if (fstatat(src, p, st, SYMLINK_NOFOLLOW) != 0) return 1;
        if ((*(unsigned int *)(st + MODE_AT) & 0170000) != 0100000) return 1;
        if (at64(st, 48) != want) return 1;
        /* the JavaScript check allows a microsecond between the two clocks */
        if (at64(st, 88) * 1000000000LL + at64(st, 96) > marker_ns + 1000) return 1;
      }
      if (linkat(src, p, dst, p, 0) != 0) { *err = *__errno_location(); return 2; }
    }
    while (*p) p++;
    p++;
  }
  return 0;
}
`

type LinkPackageSymbol = (src: number, dst: number, paths: number, ndirs: number, nfiles: number, sizes: number | null, err: number) => number

let compiled: CompiledLink | null | undefined

export function openCompiledLink(): CompiledLink | undefined {
  if (compiled === undefined) compiled = compile()
  return compiled ?? undefined
}

function compile(): CompiledLink | null {
  if (process.platform !== 'linux' || (process.arch !== 'x64' && process.arch !== 'arm64')) return null
  let symbol: LinkPackageSymbol
  const sourceFile = path.join(os.tmpdir(), `skiff-link-${process.pid}-${crypto.randomUUID()}.c`)
  try {
    fs.writeFileSync(sourceFile, SOURCE)
    const { symbols } = cc({
      source: sourceFile,
      symbols: {
        link_package: {
          args: [FFIType.i32, FFIType.i32, FFIType.ptr, FFIType.i32, FFIType.i32, FFIType.ptr, FFIType.ptr],
          returns: FFIType.i32,
        },
      },
    })
    symbol = symbols.link_package as LinkPackageSymbol
  } catch {
    return null
  } finally {
    fs.rmSync(sourceFile, { force: true })
  }
  const encoder = new TextEncoder()
  // grown as packages need; each holds NUL-terminated text the C loop walks
  let pathBuffer: Uint8Array = new Uint8Array(64 * 1024)
  let sizeBuffer: Uint8Array = new Uint8Array(16 * 1024)
  const errno = new Int32Array(1)
  const errnoAddress = ptr(errno)
  const fill = (buffer: Uint8Array, text: string): Uint8Array => {
    let target = buffer
    // UTF-8 takes at most 3 bytes a UTF-16 unit, and a NUL ends the text
    if (target.length < text.length * 3 + 1) target = new Uint8Array(text.length * 3 + 1)
    const { written } = encoder.encodeInto(text, target)
    target[written] = 0
    return target
  }
  return {
    linkPackage(srcDirFd, dstDirFd, dirs, files, sizes) {
      const ndirs = count(dirs)
      const nfiles = count(files)
      pathBuffer = fill(pathBuffer, dirs === '' ? files : files === '' ? dirs : `${dirs}\0${files}`)
      let sizesAddress: number | null = null
      if (sizes !== undefined) {
        sizeBuffer = fill(sizeBuffer, sizes)
        sizesAddress = ptr(sizeBuffer)
      }
      const outcome = symbol(srcDirFd, dstDirFd, ptr(pathBuffer), ndirs, nfiles, sizesAddress, errnoAddress)
      if (outcome === 0) return { ok: true }
      if (outcome === 1) return { ok: false, damaged: true }
      return { ok: false, damaged: false, errno: errno[0] ?? 0 }
    },
  }
}

/** How many paths a NUL-joined list holds. */
function count(joined: string): number {
  if (joined === '') return 0
  let paths = 1
  for (let at = joined.indexOf('\0'); at !== -1; at = joined.indexOf('\0', at + 1)) paths++
  return paths
}
