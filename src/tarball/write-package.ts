/**
 * Writes a planned package into an empty folder with plain sync calls (the fastest way on one
 * thread; parallelism comes from running several extractions in workers). On Linux the calls go
 * to libc relative to the open folder (libc/): a node:fs call costs ~15 µs of JavaScript and
 * binding work a file, which on antd's 152k files was seconds of CPU; a call that fails there is
 * made again with node:fs, which throws the error with its code.
 * Safety does not depend on the plan being clever: the folder must be empty, every folder is
 * created here with a non-recursive mkdir, and every file with O_CREAT|O_EXCL|O_NOFOLLOW, so no
 * call can follow a symlink or overwrite something that was already there.
 * Modes are exact whatever the process umask: bits the umask removed are put back with chmod.
 */
import fs from 'node:fs'
import { SkiffError, errnoCode } from '../error/index.ts'
import type { CompiledLoops, Libc } from '../libc/index.ts'
import { joinPaths } from './path-list.ts'
import type { ExtractionPlan, PlannedFile } from './plan-extraction.ts'

export interface WriteJob {
  destDir: string
  pkg: string
  tar: Uint8Array
  plan: ExtractionPlan
  /** files whose bytes differ from the tar stream (bins with a fixed shebang) */
  rewrites: ReadonlyMap<string, Uint8Array>
  /** the process umask (read-umask.ts), to put back the bits it removes */
  umask: number
  /** libc where it loaded (and is wanted): the writes go through it; else node:fs */
  libc: Libc | undefined
  /** with libc: the whole package in one compiled call, where it compiled (libc/compiled-loops.ts) */
  compiled?: CompiledLoops | undefined
}

const DIR_MODE = 0o755
const CREATE_NEW = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW

function writeAll(fd: number, bytes: Uint8Array, offset: number, length: number): void {
  let written = 0
  while (written < length) written += fs.writeSync(fd, bytes, offset + written, length - written)
}

export function writePackage(job: WriteJob): void {
  const { destDir, plan, umask } = job
  let existing: string[]
  try {
    existing = fs.readdirSync(destDir)
  } catch (error) {
    throw writeFailure(job.pkg, destDir, error)
  }
  if (existing.length !== 0) {
    throw new SkiffError('EINTERNAL', `${job.pkg}: extraction folder ${destDir} is not empty`, { pkg: job.pkg, path: destDir })
  }
  if (job.compiled && writeCompiled(job.compiled, job)) return
  if (job.libc) return writeAt(job.libc, job)
  let current = ''
  try {
    for (const dir of plan.dirs) {
      current = dir
      makeDir(`${destDir}/${dir}`, umask)
    }
    for (const file of plan.files.values()) {
      current = file.path
      writeOne(`${destDir}/${file.path}`, file, umask, contentOf(file, job))
    }
  } catch (error) {
    throw writeFailure(job.pkg, current, error)
  }
}

/**
 * The whole package in one compiled call; false when a call in it failed, the folder then
 * emptied again for the file-by-file way, which says exactly what went wrong.
 */
function writeCompiled(compiled: CompiledLoops, job: WriteJob): boolean {
  const { destDir, plan } = job
  let written = false
  try {
    const dirFd = fs.openSync(destDir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY)
    try {
      written = compiled.writePackage(dirFd, joinPaths(plan.dirs), [...plan.files.values()], job.tar, job.rewrites, job.umask)
    } finally {
      fs.closeSync(dirFd)
    }
  } catch (error) {
    throw writeFailure(job.pkg, destDir, error)
  }
  if (!written) {
    for (const name of fs.readdirSync(destDir)) fs.rmSync(`${destDir}/${name}`, { recursive: true, force: true })
  }
  return written
}

/** The same writes relative to the open folder; a libc call that fails is made again with node:fs. */
function writeAt(libc: Libc, job: WriteJob): void {
  const { destDir, plan, umask } = job
  let current = destDir
  let dirFd = -1
  try {
    dirFd = fs.openSync(destDir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY)
    for (const dir of plan.dirs) {
      current = dir
      if (!libc.mkdirat(dirFd, dir, DIR_MODE) || DIR_MODE & umask) makeDir(`${destDir}/${dir}`, umask)
    }
    for (const file of plan.files.values()) {
      current = file.path
      const content = contentOf(file, job)
      const fd = libc.createFile(dirFd, file.path, file.mode)
      if (fd < 0) {
        writeOne(`${destDir}/${file.path}`, file, umask, content)
        continue
      }
      let written = false
      try {
        written = libc.writeAll(fd, content.bytes, content.offset, content.length) && (!(file.mode & umask) || libc.fchmod(fd, file.mode))
      } finally {
        libc.close(fd)
      }
      if (written) continue
      fs.rmSync(`${destDir}/${file.path}`, { force: true })
      writeOne(`${destDir}/${file.path}`, file, umask, content)
    }
  } catch (error) {
    throw writeFailure(job.pkg, current, error)
  } finally {
    if (dirFd >= 0) fs.closeSync(dirFd)
  }
}

interface Content {
  bytes: Uint8Array
  offset: number
  length: number
}

/** A file's bytes: from the tar stream, or the rewritten ones (a bin whose shebang was fixed). */
function contentOf(file: PlannedFile, job: WriteJob): Content {
  const rewritten = job.rewrites.get(file.path)
  return rewritten ? { bytes: rewritten, offset: 0, length: rewritten.length } : { bytes: job.tar, offset: file.offset, length: file.size }
}

/** A folder with mode 0o755 whatever the umask (an existing one, made by a libc call, gets its mode). */
function makeDir(target: string, umask: number): void {
  try {
    fs.mkdirSync(target, DIR_MODE)
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST' || !fs.lstatSync(target).isDirectory()) throw error
  }
  if (DIR_MODE & umask) fs.chmodSync(target, DIR_MODE)
}

/** One new file with node:fs (open/write/close: writeFileSync would add a needless ftruncate). */
function writeOne(target: string, file: PlannedFile, umask: number, content: Content): void {
  const fd = fs.openSync(target, CREATE_NEW, file.mode)
  try {
    writeAll(fd, content.bytes, content.offset, content.length)
    if (file.mode & umask) fs.fchmodSync(fd, file.mode)
  } finally {
    fs.closeSync(fd)
  }
}

function writeFailure(pkg: string, path: string, error: unknown): SkiffError {
  const errno = errnoCode(error)
  const reason = error instanceof Error ? error.message : String(error)
  if (errno === 'ENAMETOOLONG') {
    return new SkiffError('EBADTARBALL', `${pkg}: tarball entry "${path}" has a name too long for this file system`, { pkg, path, cause: error })
  }
  return new SkiffError('ESTORE', `${pkg}: cannot write "${path}" while extracting: ${reason}`, {
    pkg,
    path,
    cause: error,
    hint: errno === 'ENOSPC' ? 'the disk is full' : undefined,
  })
}
