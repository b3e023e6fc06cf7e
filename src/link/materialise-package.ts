/**
 * Builds one package folder from the store, synchronously (it runs inside a link worker).
 *
 * The folder is built in a hidden sibling of the target and renamed into place (see
 * replace-target.ts): folders first, parents before children, then every file from the
 * store's index, so the store is never walked. Hardlink shares the store's inode; copy and
 * reflink give the target its own inode (copyFile keeps the mode, and tries FICLONE first, so
 * it shares extents where the filesystem can); clonefile clones the whole folder in one call
 * (macOS: fs.cpSync with no other option does one clonefile(2)). On Linux a hardlinked package
 * of some size is made with linkat/mkdirat relative to its two folders (libc/).
 */
import { closeSync, constants, copyFileSync, cpSync, linkSync, mkdirSync, openSync, rmSync } from 'node:fs'
import path from 'node:path'
import { errnoCode } from '../error/index.ts'
import { openCompiledLoops, openLibc, type CompiledLinkResult, type Libc } from '../libc/index.ts'
import { hiddenSibling, moveIntoPlace } from './replace-target.ts'
import { splitPaths, type LinkMode } from './worker-protocol.ts'

export interface MaterialiseJob {
  mode: LinkMode
  nativeIo: boolean
  /** a hardlink job's whole loop in one compiled call (libc/compiled-loops.ts), where it compiles */
  compiled?: boolean
  /** with `compiled`: the stored sizes the files are checked against in that call (the job asked to verify) */
  verifySizes?: string
  srcDir: string
  targetDir: string
  dirs: string
  files: string
}

/**
 * Thrown when the compiled loop stopped: a stored file was not what the store recorded, or a
 * call failed. The caller looks for the damage, then does the package the file-by-file way,
 * which words the error exactly.
 */
export class CompiledLinkFailed extends Error {}

export function materialisePackage(job: MaterialiseJob): void {
  const buildDir = hiddenSibling(job.targetDir, 'tmp')
  try {
    if (job.mode === 'clonefile') {
      cloneTree(job.srcDir, buildDir)
    } else {
      makeBuildDir(buildDir)
      fillTree(job, buildDir)
    }
    moveIntoPlace(buildDir, job.targetDir)
  } catch (error) {
    rmSync(buildDir, { recursive: true, force: true })
    throw error
  }
}

/** Folders this thread made sure exist: packages share them (antd: 5,056 locations in 854 folders). */
const knownParents = new Set<string>()

function makeBuildDir(buildDir: string): void {
  const parent = path.dirname(buildDir)
  if (!knownParents.has(parent)) {
    mkdirSync(parent, { recursive: true })
    knownParents.add(parent)
  }
  try {
    mkdirSync(buildDir)
  } catch (error) {
    // a parent removed since (a replaced package took its nested node_modules along)
    if (errnoCode(error) !== 'ENOENT') throw error
    mkdirSync(parent, { recursive: true })
    mkdirSync(buildDir)
  }
}

/** Below this many files, opening the two folders costs more than the shorter path walks save. */
const LINK_AT_MIN_FILES = 8
const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY
/** as mkdir(2) is asked by node:fs: the umask decides */
const DIR_MODE = 0o777

/** The hardlink fill relative to the two open folders (libc/); a failed call is repeated with node:fs, which throws. */
function linkTreeAt(libc: Libc, srcDir: string, buildDir: string, dirs: readonly string[], files: readonly string[]): void {
  const srcFd = openSync(srcDir, DIR_FLAGS)
  try {
    const dstFd = openSync(buildDir, DIR_FLAGS)
    try {
      for (const dir of dirs) if (!libc.mkdirat(dstFd, dir, DIR_MODE)) mkdirSync(`${buildDir}/${dir}`)
      for (const file of files) if (!libc.linkat(srcFd, dstFd, file)) linkSync(`${srcDir}/${file}`, `${buildDir}/${file}`)
    } finally {
      closeSync(dstFd)
    }
  } finally {
    closeSync(srcFd)
  }
}

function cloneTree(srcDir: string, buildDir: string): void {
  mkdirSync(path.dirname(buildDir), { recursive: true })
  cpSync(srcDir, buildDir, { recursive: true })
}

/** The hardlink fill in one compiled call; false when it did not compile here. */
function linkTreeCompiled(job: MaterialiseJob, buildDir: string): boolean {
  const compiled = openCompiledLoops()
  if (!compiled) return false
  const srcFd = openSync(job.srcDir, DIR_FLAGS)
  let result: CompiledLinkResult
  try {
    const dstFd = openSync(buildDir, DIR_FLAGS)
    try {
      result = compiled.linkPackage(srcFd, dstFd, job.dirs, job.files, job.verifySizes)
    } finally {
      closeSync(dstFd)
    }
  } finally {
    closeSync(srcFd)
  }
  if (result.ok) return true
  const what = result.damaged ? 'a stored file is not what the store recorded' : `a call failed (errno ${result.errno})`
  throw new CompiledLinkFailed(`${job.srcDir}: ${what}`)
}

// Plain string concatenation: "/" works on every platform and this loop runs 160k times.
function fillTree(job: MaterialiseJob, buildDir: string): void {
  const src = job.srcDir + '/'
  const dst = buildDir + '/'
  const dirs = splitPaths(job.dirs)
  const files = splitPaths(job.files)
  if (job.mode === 'hardlink') {
    if (job.compiled && job.nativeIo && linkTreeCompiled(job, buildDir)) return
    const libc = job.nativeIo && files.length >= LINK_AT_MIN_FILES ? openLibc() : undefined
    if (libc) return linkTreeAt(libc, job.srcDir, buildDir, dirs, files)
    for (const dir of dirs) mkdirSync(dst + dir)
    for (const file of files) linkSync(src + file, dst + file)
    return
  }
  for (const dir of dirs) mkdirSync(dst + dir)
  // COPYFILE_FICLONE: reflink when the filesystem can, a byte copy otherwise
  const flags = job.mode === 'reflink' ? constants.COPYFILE_FICLONE : 0
  for (const file of files) copyFileSync(src + file, dst + file, flags)
}
