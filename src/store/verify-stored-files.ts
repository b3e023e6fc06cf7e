/**
 * Whether a store entry still holds what was stored in it, checked before it is linked again.
 *
 * Store files are hardlinked into node_modules: writing into one there (a root `postinstall`
 * running patch-package, a person editing a file) writes the store's copy, which every project
 * linked later would get. Files can also go missing or be overwritten in the store itself. So
 * each file the marker lists must still be a regular file of the size recorded when it was
 * stored, and not modified after the marker was written: the marker (`index.json`, beside
 * `content/`) is written after every file of the entry, so its mtime bounds theirs, on the
 * clock of the file system that holds them (no clock of ours is compared with a file server's).
 * This is pnpm's verify-store-integrity check (size and mtime) with one time per entry instead
 * of one per file. What it cannot see: a write that keeps the size and puts the old mtime back
 * (`touch -r`, `cp -p` over the file), or one made within the file system's mtime granularity
 * of the marker; a copy of the cache that does not keep mtimes (`cp -r` instead of `cp -a`, tar
 * or rsync -a) makes its entries look modified, and they are downloaded again.
 *
 * One stat per file, nothing else: this runs in the link workers for every package they link
 * from an entry not yet checked in this install, and in `cache verify`. Through libc (fstatat
 * relative to the open content folder) where it can, which halves its cost: on antd's 3,313
 * entries, 153k files, one thread: node:fs lstat 0.3 s user + 0.66 s system, fstatat 0.15 s +
 * 0.39 s. A file fstatat cannot stat is looked at again with node:fs, which says why.
 */
import fs from 'node:fs'
import { errnoCode } from '../error/index.ts'
import { openLibc, type FileStat } from '../libc/index.ts'

/** What is checked: PackageIndex's `files` (NUL-joined) and `sizes` (comma-joined, same order). */
export interface StoredFiles {
  files: string
  sizes: string
}

export interface StoreDamage {
  /** the file inside the package, or `index.json` for the marker */
  path: string
  reason: string
}

const MARKER = 'index.json'
const CONTENT_SUFFIX = '/content'

/**
 * The problems of the entry whose files are in `contentDir` (`<entry>/content`), at most
 * `limit` of them (an empty list when it is sound). The link workers ask for the first only.
 */
export function verifyStoredFiles(contentDir: string, stored: StoredFiles, limit = 1, options: { nativeIo?: boolean } = {}): StoreDamage[] {
  const problems: StoreDamage[] = []
  const statAt = options.nativeIo === false ? undefined : openLibc()?.statAt
  const markerTimeMs = markerMtimeMs(contentDir, problems)
  if (markerTimeMs === undefined) return problems
  const files = stored.files === '' ? [] : stored.files.split('\0')
  const sizes = stored.sizes === '' ? [] : stored.sizes.split(',')
  if (files.length !== sizes.length) {
    return [{ path: MARKER, reason: `lists ${files.length} files and ${sizes.length} sizes` }]
  }
  const dirFd = statAt ? openFolder(contentDir) : -1
  try {
    const base = `${contentDir}/`
    for (let i = 0; i < files.length && problems.length < limit; i++) {
      const file = files[i] as string
      const size = Number(sizes[i])
      const stat = dirFd >= 0 && statAt ? statAt(dirFd, file) : undefined
      const reason = stat ? statProblem(stat, size, markerTimeMs) : fileProblem(base + file, size, markerTimeMs)
      if (reason !== undefined) problems.push({ path: file, reason })
    }
  } finally {
    if (dirFd >= 0) fs.closeSync(dirFd)
  }
  return problems
}

/** A file modified within this much after the marker was written counts as not modified: the two times may come from two ways of reading them. */
const SAME_TIME_MS = 0.001

function statProblem(stat: FileStat, size: number, markerTimeMs: number): string | undefined {
  if (!stat.isFile) return 'is no longer a regular file'
  if (stat.size !== size) return `has ${stat.size} bytes where ${size} were stored`
  if (stat.mtimeMs > markerTimeMs + SAME_TIME_MS) return 'was modified after it was stored'
  return undefined
}

function fileProblem(file: string, size: number, markerTimeMs: number): string | undefined {
  let stat: fs.Stats | undefined
  try {
    stat = fs.lstatSync(file, { throwIfNoEntry: false })
  } catch (error) {
    return `cannot be read (${errnoCode(error) ?? String(error)})`
  }
  if (stat === undefined) return 'is missing'
  return statProblem({ isFile: stat.isFile(), size: stat.size, mtimeMs: stat.mtimeMs }, size, markerTimeMs)
}

function openFolder(dir: string): number {
  try {
    return fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY)
  } catch {
    // the files are then looked at one by one with node:fs, which says what is wrong
    return -1
  }
}

function markerMtimeMs(contentDir: string, problems: StoreDamage[]): number | undefined {
  const entryDir = contentDir.endsWith(CONTENT_SUFFIX) ? contentDir.slice(0, -CONTENT_SUFFIX.length) : `${contentDir}/..`
  const marker = `${entryDir}/${MARKER}`
  try {
    const stat = fs.statSync(marker, { throwIfNoEntry: false })
    if (stat !== undefined) return stat.mtimeMs
    problems.push({ path: MARKER, reason: 'is missing' })
  } catch (error) {
    problems.push({ path: MARKER, reason: `cannot be read (${errnoCode(error) ?? String(error)})` })
  }
  return undefined
}

/** One line for a message: "lodash.js has 17 bytes where 544098 were stored". */
export function describeDamage(damage: StoreDamage): string {
  return `${damage.path} ${damage.reason}`
}
