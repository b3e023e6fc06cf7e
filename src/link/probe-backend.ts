/**
 * Chooses how packages get from the store into node_modules, once per install, by trying it
 * on one scratch file: a clone (macOS clonefile, Linux FICLONE) shares data blocks and stays
 * private to the target; a hardlink shares the inode (fastest where clones are not
 * available); a copy always works. Hardlinks need the store and node_modules on one
 * filesystem: across filesystems link(2) fails with EXDEV and the install copies, with a
 * one-line notice for the UI.
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
  /** the project root; the probe runs in its node_modules when that exists (it may be a mount) */
  projectDir: string
  /** --backend */
  requested?: 'clone' | 'hardlink' | 'copy'
}

export function probeBackend(options: ProbeOptions): Backend {
  if (options.requested === 'copy') return { kind: 'copy' }
  const placeDir = probeDir(options.projectDir)
  mkdirSync(options.storeDir, { recursive: true })
  const scratch = `.skiff-probe-${crypto.randomUUID().slice(0, 13)}`
  const storeFile = path.join(options.storeDir, scratch)
  const placeFile = path.join(placeDir, scratch)
  try {
    writeFileSync(storeFile, 'probe')
    return chooseBackend(options, storeFile, placeFile)
  } finally {
    rmSync(storeFile, { force: true })
    rmSync(placeFile, { force: true })
  }
}

function chooseBackend(options: ProbeOptions, storeFile: string, placeFile: string): Backend {
  const cloneKind: BackendKind = process.platform === 'darwin' ? 'clonefile' : 'reflink'
  if (options.requested !== 'hardlink') {
    if (attempt(() => copyFileSync(storeFile, placeFile, constants.COPYFILE_FICLONE_FORCE)) === undefined) {
      return { kind: cloneKind }
    }
    rmSync(placeFile, { force: true })
  }
  const linkError = attempt(() => linkSync(storeFile, placeFile))
  const where = `the cache (${options.storeDir}) and ${options.projectDir}`
  if (linkError === undefined) {
    if (options.requested !== 'clone') return { kind: 'hardlink' }
    return { kind: 'hardlink', notice: `${where} cannot share clones; hardlinking files instead` }
  }
  if (linkError === 'EXDEV') {
    return { kind: 'copy', notice: `${where} are on different filesystems; copying files (slower) instead of hardlinking` }
  }
  return { kind: 'copy', notice: `hardlinks between ${where} failed (${linkError}); copying files instead` }
}

function probeDir(projectDir: string): string {
  const nodeModules = path.join(projectDir, 'node_modules')
  if (existsSync(nodeModules)) return nodeModules
  mkdirSync(projectDir, { recursive: true })
  return projectDir
}

/** The errno code the call failed with, or undefined when it worked. */
function attempt(call: () => void): string | undefined {
  try {
    call()
    return undefined
  } catch (error) {
    return errnoCode(error) ?? 'EUNKNOWN'
  }
}
