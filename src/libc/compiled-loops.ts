/**
 * A whole package's per-file loop in one native call, relative to open folders:
 * - link: its folders made with mkdirat, then each file checked against what the store recorded
 *   (fstatat: a regular file, the stored size, not modified after the marker) and hardlinked
 *   with linkat. Done from JavaScript, a file costs two bun:ffi calls, the path's encoding and
 *   the size's parsing: ~3.6 µs of user CPU, half a second over antd's 150k files.
 * - write (extraction): its folders made, then each file created (O_EXCL, O_NOFOLLOW) with its
 *   mode, written from the tar stream in memory, its mode put back if the umask took bits, closed.
 * - change check (an install trusting node_modules): the package folder walked (getdents64,
 *   then fstatat per entry) until an entry modified after the hidden lockfile is found.
 * In C a file costs its syscalls and nothing else.
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

/** A file for the compiled write loop: its bytes are `tar[offset, offset + size)`, unless rewritten. */
export interface WriteFile {
  path: string
  mode: number
  offset: number
  size: number
}

export interface CompiledLoops {
  /**
   * Makes `dirs` (NUL-joined, parents first) under the target folder, then links `files`
   * (NUL-joined) from the source folder; with `sizes` (the store's comma-joined sizes of
   * `files`), each file is checked first against it and against the mtime of `../index.json`
   * beside the source folder.
   */
  linkPackage(srcDirFd: number, dstDirFd: number, dirs: string, files: string, sizes: string | undefined): CompiledLinkResult
  /**
   * Makes `dirs` (NUL-joined, parents first, mode 0o755) under the open folder, then each file,
   * its bytes from `tar` or, for a path in `rewrites`, those; false when a call failed (whatever
   * was made stays: the caller empties the folder and does it its own way).
   */
  writePackage(dirFd: number, dirs: string, files: readonly WriteFile[], tar: Uint8Array, rewrites: ReadonlyMap<string, Uint8Array>, umask: number): boolean
  /**
   * Whether the package folder at `path` (relative to the open folder `baseFd`), or anything in
   * it but its own node_modules, was modified after `afterNs` (or is missing); undefined when a
   * call failed (the caller walks it its own way, which words the error).
   */
  packageChanged(baseFd: number, path: string, afterNs: bigint): boolean | undefined
}

// struct stat on Linux (x86_64 and aarch64's asm-generic layout): st_mode at 24 / 16, st_size
// at 48, st_mtim at 88 (seconds) and 96 (nanoseconds)
const SOURCE = `
int mkdirat(int dirfd, const char *path, unsigned int mode);
int openat(int dirfd, const char *path, int flags, ...);
long write(int fd, const void *buf, unsigned long count);
int fchmod(int fd, unsigned int mode);
int fchmodat(int dirfd, const char *path, unsigned int mode, int flags);
int close(int fd);
int linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags);
int fstatat(int dirfd, const char *path, void *buf, int flags);
int *__errno_location(void);
long syscall(long number, ...);
int strcmp(const char *a, const char *b);

#if defined(__x86_64__)
#define MODE_AT 24
#define SYS_GETDENTS64 217
#define OPEN_DIRECTORY 0200000
#define OPEN_NOFOLLOW 0400000
#else
#define MODE_AT 16
#define SYS_GETDENTS64 61
#define OPEN_DIRECTORY 040000
#define OPEN_NOFOLLOW 0100000
#endif
#define SYMLINK_NOFOLLOW 0x100
#define OPEN_CLOEXEC 02000000
#define OPEN_FOLDER (OPEN_DIRECTORY | OPEN_NOFOLLOW | OPEN_CLOEXEC)
#define NO_ENTRY 2
#define NOT_FOLDER 20

static long long at64(unsigned char *s, int offset) { return *(long long *)(s + offset); }
static long long mtime_ns(unsigned char *st) { return at64(st, 88) * 1000000000LL + at64(st, 96); }
static int is_folder(unsigned char *st) { return (*(unsigned int *)(st + MODE_AT) & 0170000) == 0040000; }

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

#define CREATE_NEW (01 | 0100 | 0200 | OPEN_NOFOLLOW | OPEN_CLOEXEC)
#define FROM_EXTRA 0x40000000

/* returns 0, or 2 with the errno in *err */
int write_package(int dir, const char *paths, int ndirs, int nfiles, const unsigned char *tar, const unsigned char *extra,
                  const double *offsets, const double *sizes, const int *modes, int umask, int *err) {
  const char *p = paths;
  int i;
  for (i = 0; i < ndirs + nfiles; i++) {
    if (i < ndirs) {
      if (mkdirat(dir, p, 0755) != 0) { *err = *__errno_location(); return 2; }
      if ((0755 & umask) && fchmodat(dir, p, 0755, 0) != 0) { *err = *__errno_location(); return 2; }
    } else {
      int f = i - ndirs;
      int mode = modes[f] & 07777;
      const unsigned char *from = (modes[f] & FROM_EXTRA) ? extra : tar;
      long long at = (long long)offsets[f];
      long long left = (long long)sizes[f];
      int fd = openat(dir, p, CREATE_NEW, mode);
      if (fd < 0) { *err = *__errno_location(); return 2; }
      while (left > 0) {
        long n = write(fd, from + at, (unsigned long)left);
        if (n <= 0) { *err = n < 0 ? *__errno_location() : 5; close(fd); return 2; }
        at += n;
        left -= n;
      }
      if ((mode & umask) && fchmod(fd, mode) != 0) { *err = *__errno_location(); close(fd); return 2; }
      close(fd);
    }
    while (*p) p++;
    p++;
  }
  return 0;
}

/* a missing entry is a change; another failure is 2, with the errno in *err */
static int failed_call(int *err) {
  int e = *__errno_location();
  if (e == NO_ENTRY || e == NOT_FOLDER) return 1;
  *err = e;
  return 2;
}

/* 0: nothing in the open folder (recursively; at the top, its node_modules aside) was modified
   after "after"; 1: something was, or went missing; 2: a call failed (errno in *err, or 0 for
   a folder nested too deep to walk here) */
static int folder_changed(int dir, int depth, long long after, int *err) {
  char entries[4096];
  unsigned char st[256];
  if (depth > 64) { *err = 0; return 2; }
  for (;;) {
    long n = syscall(SYS_GETDENTS64, dir, entries, sizeof entries);
    long at = 0;
    if (n < 0) { *err = *__errno_location(); return 2; }
    if (n == 0) return 0;
    while (at < n) {
      char *name = entries + at + 19;
      at += *(unsigned short *)(entries + at + 16);
      if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
      if (depth == 0 && strcmp(name, "node_modules") == 0) continue;
      if (fstatat(dir, name, st, SYMLINK_NOFOLLOW) != 0) return failed_call(err);
      if (mtime_ns(st) > after) return 1;
      if (is_folder(st)) {
        int changed;
        int sub = openat(dir, name, OPEN_FOLDER);
        if (sub < 0) return failed_call(err);
        changed = folder_changed(sub, depth + 1, after, err);
        close(sub);
        if (changed) return changed;
      }
    }
  }
}

/* the package folder at path (relative to the open folder base), then everything in it */
int package_changed(int base, const char *path, long long after_sec, long long after_nsec, int *err) {
  unsigned char st[256];
  long long after = after_sec * 1000000000LL + after_nsec;
  int dir, changed;
  if (fstatat(base, path, st, SYMLINK_NOFOLLOW) != 0) return failed_call(err);
  if (!is_folder(st) || mtime_ns(st) > after) return 1;
  dir = openat(base, path, OPEN_FOLDER);
  if (dir < 0) return failed_call(err);
  changed = folder_changed(dir, 0, after, err);
  close(dir);
  return changed;
}
`

type LinkPackageSymbol = (src: number, dst: number, paths: number, ndirs: number, nfiles: number, sizes: number | null, err: number) => number
type PackageChangedSymbol = (base: number, path: number, afterSec: number, afterNsec: number, err: number) => number
type WritePackageSymbol = (
  dir: number, paths: number, ndirs: number, nfiles: number, tar: number, extra: number | null,
  offsets: number, sizes: number, modes: number, umask: number, err: number,
) => number

let compiled: CompiledLoops | null | undefined

export function openCompiledLoops(): CompiledLoops | undefined {
  if (compiled === undefined) compiled = compile()
  return compiled ?? undefined
}

function compile(): CompiledLoops | null {
  if (process.platform !== 'linux' || (process.arch !== 'x64' && process.arch !== 'arm64')) return null
  let linkSymbol: LinkPackageSymbol
  let writeSymbol: WritePackageSymbol
  let changedSymbol: PackageChangedSymbol
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
        write_package: {
          args: [
            FFIType.i32, FFIType.ptr, FFIType.i32, FFIType.i32, FFIType.ptr, FFIType.ptr,
            FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.i32, FFIType.ptr,
          ],
          returns: FFIType.i32,
        },
        package_changed: {
          args: [FFIType.i32, FFIType.ptr, FFIType.i64, FFIType.i64, FFIType.ptr],
          returns: FFIType.i32,
        },
      },
    })
    linkSymbol = symbols.link_package as LinkPackageSymbol
    writeSymbol = symbols.write_package as WritePackageSymbol
    changedSymbol = symbols.package_changed as PackageChangedSymbol
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
  // a file's offset, size and mode for the write loop, grown as packages need
  let offsets = new Float64Array(1024)
  let sizes = new Float64Array(1024)
  let modes = new Int32Array(1024)
  // never handed over empty: the loop reads no byte of a source it has no file from
  const noBytes = new Uint8Array(1)
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
      const outcome = linkSymbol(srcDirFd, dstDirFd, ptr(pathBuffer), ndirs, nfiles, sizesAddress, errnoAddress)
      if (outcome === 0) return { ok: true }
      if (outcome === 1) return { ok: false, damaged: true }
      return { ok: false, damaged: false, errno: errno[0] ?? 0 }
    },
    writePackage(dirFd, dirs, files, tar, rewrites, umask) {
      const nfiles = files.length
      if (offsets.length < nfiles) {
        offsets = new Float64Array(nfiles)
        sizes = new Float64Array(nfiles)
        modes = new Int32Array(nfiles)
      }
      // the rewritten files' bytes one after another in one buffer, each file pointing into it
      const extra = rewrites.size > 0 ? Buffer.concat([...rewrites.values()]) : undefined
      const extraAt = new Map<string, number>()
      let at = 0
      for (const [path, bytes] of rewrites) {
        extraAt.set(path, at)
        at += bytes.length
      }
      let paths = ''
      for (let i = 0; i < nfiles; i++) {
        const file = files[i] as WriteFile
        const rewritten = rewrites.get(file.path)
        offsets[i] = rewritten ? (extraAt.get(file.path) ?? 0) : file.offset
        sizes[i] = rewritten ? rewritten.length : file.size
        modes[i] = rewritten ? file.mode | FROM_EXTRA : file.mode
        paths = i === 0 ? file.path : `${paths}\0${file.path}`
      }
      pathBuffer = fill(pathBuffer, dirs === '' ? paths : nfiles === 0 ? dirs : `${dirs}\0${paths}`)
      const tarAddress = ptr(tar.length > 0 ? tar : noBytes)
      const extraAddress = extra && extra.length > 0 ? ptr(extra) : null
      return writeSymbol(dirFd, ptr(pathBuffer), count(dirs), nfiles, tarAddress, extraAddress, ptr(offsets), ptr(sizes), ptr(modes), umask, errnoAddress) === 0
    },
    packageChanged(baseFd, path, afterNs) {
      pathBuffer = fill(pathBuffer, path)
      const outcome = changedSymbol(baseFd, ptr(pathBuffer), Number(afterNs / NS_PER_S), Number(afterNs % NS_PER_S), errnoAddress)
      return outcome === 2 ? undefined : outcome === 1
    },
  }
}

const NS_PER_S = 1_000_000_000n

/** Marks a file whose bytes come from the extra buffer (a bit no file mode uses). */
const FROM_EXTRA = 0x40000000

/** How many paths a NUL-joined list holds. */
function count(joined: string): number {
  if (joined === '') return 0
  let paths = 1
  for (let at = joined.indexOf('\0'); at !== -1; at = joined.indexOf('\0', at + 1)) paths++
  return paths
}
