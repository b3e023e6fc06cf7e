/**
 * Writes a planned package into an empty folder with plain sync calls (the fastest way on one
 * thread; parallelism comes from running several extractions in workers).
 * Safety does not depend on the plan being clever: the folder must be empty, every folder is
 * created here with a non-recursive mkdir, and every file with O_CREAT|O_EXCL|O_NOFOLLOW, so no
 * call can follow a symlink or overwrite something that was already there.
 * Modes are exact whatever the process umask: bits the umask removed are put back with chmod.
 */
import fs from 'node:fs'
import { SkiffError, errnoCode } from '../error/index.ts'
import type { ExtractionPlan } from './plan-extraction.ts'

export interface WriteJob {
  destDir: string
  pkg: string
  tar: Uint8Array
  plan: ExtractionPlan
  /** files whose bytes differ from the tar stream (bins with a fixed shebang) */
  rewrites: ReadonlyMap<string, Uint8Array>
  /** the process umask (read-umask.ts), to put back the bits it removes */
  umask: number
}

const DIR_MODE = 0o755
const CREATE_NEW = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW

function writeAll(fd: number, bytes: Uint8Array, offset: number, length: number): void {
  let written = 0
  while (written < length) written += fs.writeSync(fd, bytes, offset + written, length - written)
}

export function writePackage(job: WriteJob): void {
  const { destDir, tar, plan, rewrites, umask } = job
  let existing: string[]
  try {
    existing = fs.readdirSync(destDir)
  } catch (error) {
    throw writeFailure(job.pkg, destDir, error)
  }
  if (existing.length !== 0) {
    throw new SkiffError('EINTERNAL', `${job.pkg}: extraction folder ${destDir} is not empty`, { pkg: job.pkg, path: destDir })
  }
  let current = ''
  try {
    for (const dir of plan.dirs) {
      current = dir
      const target = `${destDir}/${dir}`
      fs.mkdirSync(target, DIR_MODE)
      if (DIR_MODE & umask) fs.chmodSync(target, DIR_MODE)
    }
    for (const file of plan.files.values()) {
      current = file.path
      const target = `${destDir}/${file.path}`
      const rewritten = rewrites.get(file.path)
      // open/write/close: writeFileSync would add an ftruncate a file, needless on a new file
      const fd = fs.openSync(target, CREATE_NEW, file.mode)
      try {
        if (rewritten) writeAll(fd, rewritten, 0, rewritten.length)
        else writeAll(fd, tar, file.offset, file.size)
        if (file.mode & umask) fs.fchmodSync(fd, file.mode)
      } finally {
        fs.closeSync(fd)
      }
    }
  } catch (error) {
    throw writeFailure(job.pkg, current, error)
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
