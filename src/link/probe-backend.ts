/**
 * Chooses how packages get from the store into node_modules, once per install, by trying it
 * on one file: a clone (macOS clonefile, Linux FICLONE) shares data blocks and stays
 * private to the target; a hardlink shares the inode (fastest where clones are not
 * available); a copy always works. Hardlinks need the store and node_modules on one
 * filesystem: across filesystems link(2) fails with EXDEV and the install copies, with a
 * one-line notice for the UI; so it does where linking a file of the store is not permitted
 * (EPERM: a cache shared with other users, whose files it may not link under
 * fs.protected_hardlinks).
 *
 * The file tried is one the store already holds (`sampleFile`), so that a read-only cache
 * serves installs and the probe meets the store's real owner and permissions; only an empty
 * store gets a scratch file of its own (it is about to be written anyway). A fault of the
 * project folder itself (read-only, not writable, full) is thrown: no backend can help it.
 * Cleaning up never hides the error that came first.
 */
import { constants, copyFileSync, existsSync, linkSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { errnoCode } from '../error/index.ts'

export type BackendKind = 'clonefile' | 'reflink' | 'hardlink' | 'copy'

export interface Backend {
  kind: BackendKind
  /** one line for the UI when the backend is not the one asked for or expected */
  notice?: string
}

export interface ProbeOptions {
  storeDir: string
  /** a file the store holds, tried without writing into the store; without one a scratch file is written there */
  sampleFile?: string
  /** the project root; the probe runs in its node_modules when that exists (it may be a mount) */
  projectDir: string
  /** --backend */
  requested?: 'clone' | 'hardlink' | 'copy'
}

/** Link errors that copying works around; any other one is a fault of the project folder, thrown. */
const COPY_INSTEAD = new Set(['EXDEV', 'EPERM', 'EMLINK', 'ENOTSUP', 'EOPNOTSUPP'])

export function probeBackend(options: ProbeOptions): Backend {
  if (options.requested === 'copy') return { kind: 'copy' }
  const placeFile = path.join(probeDir(options.projectDir), `.skiff-probe-${crypto.randomUUID().slice(0, 13)}`)
  const scratch = options.sampleFile === undefined ? writeScratch(options.storeDir) : undefined
  const storeFile = options.sampleFile ?? scratch
  // an empty store that cannot be written: nothing can be stored, and adding will say why
  if (storeFile === undefined) return { kind: 'copy' }
  try {
    return chooseBackend(options, storeFile, placeFile)
  } catch (error) {
    // the sample went away (another install replaced its entry): probe with a file of our own
    if (errnoCode(error) === 'ENOENT' && scratch === undefined && existsSync(path.dirname(placeFile))) return probeBackend({ ...options, sampleFile: undefined })
    throw error
  } finally {
    removeQuietly(placeFile)
    if (scratch !== undefined) removeQuietly(scratch)
  }
}

function writeScratch(storeDir: string): string | undefined {
  const scratch = path.join(storeDir, `.skiff-probe-${crypto.randomUUID().slice(0, 13)}`)
  try {
    mkdirSync(storeDir, { recursive: true })
    writeFileSync(scratch, 'probe')
    return scratch
  } catch {
    return undefined
  }
}

function chooseBackend(options: ProbeOptions, storeFile: string, placeFile: string): Backend {
  const cloneKind: BackendKind = process.platform === 'darwin' ? 'clonefile' : 'reflink'
  if (options.requested !== 'hardlink') {
    if (attempt(() => copyFileSync(storeFile, placeFile, constants.COPYFILE_FICLONE_FORCE)) === undefined) {
      return { kind: cloneKind }
    }
    removeQuietly(placeFile)
  }
  const linkError = attempt(() => linkSync(storeFile, placeFile))
  const where = `the cache (${options.storeDir}) and ${options.projectDir}`
  if (linkError === undefined) {
    if (options.requested !== 'clone') return { kind: 'hardlink' }
    return { kind: 'hardlink', notice: `${where} cannot share clones; hardlinking files instead` }
  }
  if (!COPY_INSTEAD.has(errnoCode(linkError) ?? '')) throw linkError
  if (errnoCode(linkError) === 'EXDEV') {
    return { kind: 'copy', notice: `${where} are on different filesystems or mounts; copying files (slower) instead of hardlinking` }
  }
  if (errnoCode(linkError) === 'EPERM') {
    return { kind: 'copy', notice: `hardlinking the cache's files into ${options.projectDir} is not permitted (they belong to another user, and fs.protected_hardlinks is on); copying files instead` }
  }
  return { kind: 'copy', notice: `hardlinks between ${where} failed (${errnoCode(linkError)}); copying files instead` }
}

function probeDir(projectDir: string): string {
  const nodeModules = path.join(projectDir, 'node_modules')
  if (existsSync(nodeModules)) return nodeModules
  mkdirSync(projectDir, { recursive: true })
  return projectDir
}

/** The error the call failed with, or undefined when it worked. */
function attempt(call: () => void): unknown {
  try {
    call()
    return undefined
  } catch (error) {
    return error
  }
}

/** Cleanup that must not replace the error (or result) that came first. */
function removeQuietly(file: string): void {
  try {
    rmSync(file, { force: true })
  } catch {
    // a probe file left behind is a dot-file; the next install's node_modules replaces it
  }
}
