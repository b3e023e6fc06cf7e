/**
 * Creates one package's `node_modules/.bin` links, as npm's bin-links does for a local
 * (non-global) install, where it runs in force mode: each link is a relative symlink; a link
 * that already points at the same file is left alone; anything else at that name (another
 * package's link, a file) is replaced. A target missing from the package is skipped silently,
 * as npm does. Which package owns a name when several declare it is planBinLinks' decision;
 * pass only the names this package won.
 *
 * Targets are made executable (0o777 & ~umask, npm's fix-bin) only when they are not yet:
 * the file is usually a hardlink into the shared store, where the extractor already set the
 * mode and fixed CRLF shebangs.
 *
 * The calls are synchronous: a handful of cheap syscalls per bin, where a thread-pool round trip
 * each cost more than the call (antd's 250 bins: about 40 ms awaited one by one).
 */
import { chmodSync, lstatSync, mkdirSync, readlinkSync, rmSync, statSync, symlinkSync, type Stats } from 'node:fs'
import path from 'node:path'
import { errnoCode, SkiffError } from '../error/index.ts'
import { normalizeBin } from './normalize-bin.ts'

export interface LinkBinsOptions {
  /** the installed package folder */
  packageDir: string
  /** the `.bin` folder of the node_modules holding the package */
  binDir: string
  bin: Readonly<Record<string, string>>
  /** name@version, for error messages */
  pkg: string
  /**
   * The process umask, read once on the main thread. Without it process.umask() is called,
   * which sets the mask to 0 for an instant: safe only while no worker is creating files.
   */
  umask?: number
}

/** Returns the names whose links point into this package afterwards. */
export async function linkBins(options: LinkBinsOptions): Promise<string[]> {
  const execMode = 0o777 & ~(options.umask ?? process.umask())
  return Object.entries(normalizeBin(options.bin)).flatMap(([name, target]) => (linkBin(options, name, target, execMode) ? [name] : []))
}

function linkBin(options: LinkBinsOptions, name: string, target: string, execMode: number): boolean {
  const linkPath = path.join(options.binDir, name)
  const targetPath = path.join(options.packageDir, target)
  const linkText = path.relative(options.binDir, targetPath)
  try {
    if (!lstatOrUndefined(targetPath)) return false
    const existing = lstatOrUndefined(linkPath)
    if (existing?.isSymbolicLink() && readlinkSync(linkPath) === linkText) return true
    if (existing) rmSync(linkPath, { recursive: true, force: true })
    else mkdirSync(options.binDir, { recursive: true })
    createSymlink(linkText, linkPath)
    makeExecutable(targetPath, execMode)
    return true
  } catch (error) {
    throw new SkiffError('ELINK', `${options.pkg}: could not link bin "${name}" at ${linkPath}: ${(error as Error).message}`, {
      pkg: options.pkg,
      path: linkPath,
      cause: error,
    })
  }
}

function createSymlink(linkText: string, linkPath: string): void {
  try {
    symlinkSync(linkText, linkPath, 'file')
  } catch (error) {
    // another link appeared since the check (npm's force mode replaces it too)
    if (errnoCode(error) !== 'EEXIST') throw error
    rmSync(linkPath, { recursive: true, force: true })
    symlinkSync(linkText, linkPath, 'file')
  }
}

function makeExecutable(targetPath: string, execMode: number): void {
  const { mode } = statSync(targetPath)
  if ((mode & execMode) !== execMode) chmodSync(targetPath, execMode)
}

function lstatOrUndefined(file: string): Stats | undefined {
  try {
    return lstatSync(file)
  } catch (error) {
    // npm skips a target it may not read (EACCES) as if it were missing
    const code = errnoCode(error)
    if (code === 'ENOENT' || code === 'EACCES') return undefined
    throw error
  }
}
