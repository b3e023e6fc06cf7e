/**
 * node_modules/.package-lock.json, npm's record of what is installed. It has the lockfile's
 * format (always lockfileVersion 3) without the root "" entry, and lists only what is on disk
 * (omitted dev/optional/platform packages are absent). npm trusts it instead of reading
 * every package.json only if (Shrinkwrap's assertNoNewer):
 *  - every folder under node_modules (recursively, through nested node_modules and scope
 *    folders, following symlinks to their targets; dot-folders such as .bin skipped) is
 *    listed in it, and none was modified after it (its mtime + 10 ms of jitter);
 *  - every location it lists was found on that walk.
 * Written last in an install, it makes a second install with nothing changed a no-op.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { JsonFormat } from './detect-format.ts'
import { findChangedPackages } from './changed-packages.ts'
import { isInNodeModules, linkTarget } from './location.ts'
import { isMissingFile } from './read-package-json.ts'
import { hiddenLockfilePath } from './read-lockfile.ts'
import { serializeLockfile } from './serialize-lockfile.ts'
import type { LockEntry, Lockfile } from './types.ts'
import { writeLockfileAtomic } from './write-lockfile.ts'

const MTIME_JITTER_MS = 10

/**
 * The hidden lockfile for an install of `lock` that put exactly `installedLocations` on disk.
 * The target of an installed link is included with it, as npm's walk reaches it.
 */
export function buildHiddenLockfile(lock: Lockfile, installedLocations: Iterable<string>): Lockfile {
  const projectDir = lock.kind === 'hidden' ? path.dirname(path.dirname(lock.file)) : path.dirname(lock.file)
  const packages = new Map<string, LockEntry>()
  const add = (location: string) => {
    const entry = lock.packages.get(location)
    if (location === '' || entry === undefined || packages.has(location)) return
    packages.set(location, entry)
    const target = linkTarget(lock.packages, location)
    if (target !== undefined) add(target)
  }
  for (const location of installedLocations) add(location)
  return {
    file: hiddenLockfilePath(projectDir),
    kind: 'hidden',
    lockfileVersion: 3,
    ...(lock.name !== undefined && { name: lock.name }),
    ...(lock.version !== undefined && { version: lock.version }),
    packages,
  }
}

/**
 * Writes the hidden lockfile atomically, then stamps its mtime with node_modules' own: the
 * rename itself touches node_modules after the file was written, and npm rejects the file if
 * any folder is newer than it. The stamp is the kernel's time, not `Date.now()`, which can run
 * a few milliseconds ahead of the file times the kernel gives later changes: a file deleted
 * just after an install must still look newer than the hidden lockfile. With `keepIfSame` (the
 * install made and removed nothing) a file that already holds the same text is left as it is.
 */
export async function writeHiddenLockfile(projectDir: string, hidden: Lockfile, format: JsonFormat, options: { keepIfSame?: boolean } = {}): Promise<void> {
  const file = hiddenLockfilePath(projectDir)
  // an install that made nothing (every package optional and for another platform) has no
  // node_modules to put it in, and npm makes none for it
  if (statOrUndefined(path.dirname(file)) === undefined) return
  const text = serializeLockfile(hidden, format)
  if (options.keepIfSame === true && (await fs.promises.readFile(file, 'utf8').catch(() => undefined)) === text) return
  await writeLockfileAtomic(file, text)
  // a microsecond later, as seconds in a double round the nanoseconds
  const renamed = ((await fs.promises.stat(path.dirname(file))).mtimeMs + 0.001) / 1000
  await fs.promises.utimes(file, renamed, renamed)
}

/** Whether node_modules is exactly what `hidden` lists, and unchanged since it was written. */
export async function isHiddenLockfileCurrent(projectDir: string, hidden: Lockfile): Promise<boolean> {
  return findHiddenLockfileMismatch(projectDir, hidden) === undefined
}

/**
 * What an install may keep of node_modules: `undefined` when the hidden lockfile cannot be
 * trusted (a package folder added, removed or missing: the tree is made again), else the
 * packages it lists and those of them whose files changed since it was written
 * (changed-packages.ts), which are made again alone. Unlike npm's reading, a package folder
 * newer than the lockfile is one changed package, not a reason to distrust the whole tree.
 */
export function readTrustedTree(
  projectDir: string,
  hidden: Lockfile,
  options: { nativeIo?: boolean; compiled?: boolean } = {},
): { packages: ReadonlyMap<string, LockEntry>; changed: Set<string> } | undefined {
  const lockStat = bigintStatOrUndefined(hiddenLockfilePath(projectDir))
  if (lockStat === undefined || findHiddenLockfileMismatch(projectDir, hidden, { packageChanges: true }) !== undefined) return undefined
  // no jitter here, as every file of every package was written before the hidden lockfile
  return { packages: hidden.packages, changed: findChangedPackages(projectDir, hidden.packages, changesAfterNs(lockStat.mtimeNs), options) }
}

const NS_PER_MS = 1_000_000n

/**
 * The time past which a file counts as changed since the hidden lockfile was stamped: the stamp
 * itself when it is the kernel's (below a millisecond, as writeHiddenLockfile gives it); the end
 * of its millisecond when it was stamped from a Date (whole milliseconds, as an older install or
 * another tool gives it), which can fall before files written in that same millisecond.
 */
function changesAfterNs(stampNs: bigint): bigint {
  return stampNs % NS_PER_MS === 0n ? stampNs + NS_PER_MS : stampNs
}

function hiddenLockTimeMs(projectDir: string): number | undefined {
  const lockStat = statOrUndefined(hiddenLockfilePath(projectDir))
  return lockStat === undefined ? undefined : Math.trunc(lockStat.mtimeMs) + MTIME_JITTER_MS
}

/**
 * Why the hidden lockfile cannot be trusted, or undefined if it can. With `packageChanges`, a
 * package folder newer than the lockfile is left to findChangedPackages.
 */
export function findHiddenLockfileMismatch(projectDir: string, hidden: Lockfile, options: { packageChanges?: boolean } = {}): string | undefined {
  const lockTimeMs = hiddenLockTimeMs(projectDir)
  if (lockTimeMs === undefined) return 'no hidden lockfile'
  const walk = new HiddenLockWalk(projectDir, hidden.packages, lockTimeMs, options.packageChanges === true)
  try {
    walk.visit(path.join(projectDir, 'node_modules'))
    for (const folder of foldersOutsideNodeModules(hidden.packages)) walk.visit(path.join(projectDir, folder))
  } catch (error) {
    if (error instanceof Mismatch) return error.reason
    throw error
  }
  for (const location of hidden.packages.keys()) {
    if (!walk.seen.has(location)) return `missing from node_modules: ${location}`
  }
  return undefined
}

class Mismatch {
  constructor(readonly reason: string) {}
}

class HiddenLockWalk {
  readonly seen = new Set<string>([''])

  constructor(
    private readonly projectDir: string,
    private readonly packages: ReadonlyMap<string, LockEntry>,
    private readonly lockTimeMs: number,
    private readonly packageChanges: boolean,
  ) {}

  visit(dir: string): void {
    const location = this.location(dir)
    const base = path.basename(dir)
    const isContainer = base === 'node_modules' || base.startsWith('@')
    this.seen.add(location)
    const stats = statOrUndefined(dir)
    if (stats === undefined) return
    if (Math.trunc(stats.mtimeMs) > this.lockTimeMs && (isContainer || !this.packageChanges)) throw new Mismatch(`out of date, updated: ${location}`)
    if (!isContainer && !this.packages.has(location)) throw new Mismatch(`missing from lockfile: ${location}`)
    const listed = isContainer ? dir : path.join(dir, 'node_modules')
    for (const dirent of readDirents(listed)) {
      const child = path.join(listed, dirent.name)
      if (dirent.isDirectory()) {
        if (!dirent.name.startsWith('.')) this.visit(child)
      } else if (dirent.isSymbolicLink()) {
        this.visitLink(child)
      }
    }
  }

  private visitLink(link: string): void {
    this.seen.add(this.location(link))
    const target = path.resolve(path.dirname(link), fs.readlinkSync(link))
    if (statOrUndefined(target)?.isDirectory() === true && !this.seen.has(this.location(target))) this.visit(target)
  }

  private location(dir: string): string {
    return path.relative(this.projectDir, dir).split(path.sep).join('/')
  }
}

/**
 * Folders a walk of node_modules cannot reach: workspaces that no link points at, as npm
 * adds them to its walk.
 */
function foldersOutsideNodeModules(packages: ReadonlyMap<string, LockEntry>): string[] {
  const linkTargets = new Set<string>()
  for (const location of packages.keys()) {
    const target = linkTarget(packages, location)
    if (target !== undefined) linkTargets.add(target)
  }
  const folders = new Set<string>()
  for (const location of packages.keys()) {
    const nested = location.indexOf('/node_modules/')
    const folder = nested === -1 ? location : location.slice(0, nested)
    if (folder !== '' && !isInNodeModules(folder) && !linkTargets.has(folder)) folders.add(folder)
  }
  return [...folders]
}

function bigintStatOrUndefined(file: string): fs.BigIntStats | undefined {
  return unlessMissing(() => fs.statSync(file, { bigint: true }), undefined)
}

function statOrUndefined(file: string): fs.Stats | undefined {
  return unlessMissing(() => fs.statSync(file), undefined)
}

function readDirents(dir: string): fs.Dirent[] {
  return unlessMissing(() => fs.readdirSync(dir, { withFileTypes: true }), [])
}

/** What `read` gives, or `missing` when the file (or a folder on its path) is not there. */
function unlessMissing<T, M>(read: () => T, missing: M): T | M {
  try {
    return read()
  } catch (error) {
    if (isMissingFile(error)) return missing
    throw error
  }
}
