/**
 * The content-addressed store of extracted packages (DESIGN section 4).
 *
 * Layout under `<root>/v1/` (a new layout gets a new version folder and never reads this one):
 *   packages/<ab>/<key>/content/     the package's files, nothing else (what the linker clones)
 *   packages/<ab>/<key>/index.json   the marker: index + manifest, written before publishing
 *   tmp/<key>.<host>.<pid>.<random>/ staging folders, on the same file system as packages/
 *
 * add(): 1. extract into tmp/<staging>/content, the extractor checking the integrity of the bytes
 * before it writes anything; 2. write tmp/<staging>/index.json; 3. rename the staging folder to
 * packages/<ab>/<key> in one step. The extractor does all three on its own thread (a worker:
 * hashing, the marker and the rename stay off the main thread) as the store tells it
 * (ExtractCommit); a rename that failed there is retried here, where races are settled. An entry is therefore complete or absent: a crash leaves only
 * staging folders, which get() never looks at and cleanStaging() removes. When two processes add
 * one key, the second rename fails because the folder exists: the loser finds the winner's
 * complete entry, discards its own staging folder and returns the entry. A folder in the final
 * place without a valid marker, or whose files fail their check (verify-stored-files.ts), is
 * damage from outside: it is moved aside and replaced. An entry found
 * or added is remembered for the life of the Store object, so each marker is read at most once;
 * a store whose packages folder did not exist at the first lookup is not searched again (what
 * another process adds meanwhile is added again here, and publish settles that race).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { SkiffError, errnoCode, findEnvironmentFault, isSkiffError } from '../error/index.ts'
import type { ExtractOptions, Extractor, PackageIndex, PackageManifest } from '../tarball/index.ts'
import { hexDigest, integrityError, parseIntegrity, strongestHashes } from './integrity.ts'
import { MARKER_VERSION, parseMarker, type Marker } from './read-marker.ts'
import { hostTag, isLeftover, stagingName, type StagingOwner } from './staging-name.ts'
import { isStoreKey, keyPath, storeKeyFor } from './store-key.ts'
import { verifyStoredFiles, type StoreDamage } from './verify-stored-files.ts'

export interface StoredPackage {
  key: string
  /** name@version, as the marker names it */
  pkg: string
  /** the package's own folder: its files and nothing else */
  dir: string
  index: PackageIndex
  manifest: PackageManifest
}

export interface Store {
  readonly root: string
  keyFor(entry: { integrity?: string; resolved?: string }): string
  /** A complete, marked entry, or `undefined`. At most one read of the marker per Store. */
  get(key: string): StoredPackage | undefined
  /** The bytes are handed over: a worker extractor may take their buffer, so the caller must not use them afterwards. */
  add(key: string, bytes: Uint8Array, meta: { pkg: string; integrity?: string }): Promise<StoredPackage>
  /** Removes staging folders of crashed or finished runs; returns how many were removed. */
  cleanStaging(olderThanMs: number): Promise<number>
  /**
   * A new empty folder among the staging folders, for work that ends in an `add` under `key`
   * (a git checkout to pack). The caller removes it; if its process dies first, cleanStaging does.
   */
  makeTempDir(key: string): Promise<string>
  /** Checks every file of the entry against its marker (`cache verify`); reads the disk, not what `get` remembers. */
  verify(key: string): EntryCheck
  /** The keys of the entry folders the store holds, complete or not (what `cache verify` walks). */
  keys(): string[]
  /**
   * Takes an entry out: its folder is renamed into tmp/ in one step (no install meets half of
   * it), then deleted. Only while no install holds the store (store-use.ts).
   */
  remove(key: string): Promise<void>
  /**
   * A file the store holds (an entry's marker), or `undefined` when it holds none: what the
   * link backend is probed with, so that the probe writes nothing into the store.
   */
  sampleFile(): string | undefined
}

/** What `verify` found: `problems` lists every file that differs from what was stored. */
export type EntryCheck = { status: 'ok'; pkg: string } | { status: 'damaged'; pkg?: string; problems: StoreDamage[] } | { status: 'absent' }

const LAYOUT = 'v1'
const MARKER = 'index.json'
const CONTENT = 'content'
/** rename(2) of a folder onto an existing non-empty folder (or a file) */
const TAKEN = new Set(['ENOTEMPTY', 'EEXIST', 'ENOTDIR'])
const PUBLISH_ATTEMPTS = 3

export function createStore(root: string, extractor: Extractor): Store {
  const packagesDir = path.join(root, LAYOUT, 'packages')
  const tmpDir = path.join(root, LAYOUT, 'tmp')
  const self: StagingOwner = { host: hostTag(os.hostname()), pid: process.pid }
  const known = new Map<string, StoredPackage>()
  // a store with no packages folder at the first lookup (a cold cache) answers from `known`
  // alone: thousands of markers are not looked for one by one
  let startedEmpty: boolean | undefined

  function get(key: string): StoredPackage | undefined {
    const found = known.get(key)
    if (found) return found
    startedEmpty ??= !fs.existsSync(packagesDir)
    return startedEmpty ? undefined : readEntry(key)
  }

  function readEntry(key: string): StoredPackage | undefined {
    const entryDir = path.join(packagesDir, keyPath(key))
    let text: string
    try {
      text = fs.readFileSync(path.join(entryDir, MARKER), 'utf8')
    } catch (error) {
      if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return undefined
      throw storeError(`cannot read the store entry ${entryDir}`, error)
    }
    const marker = parseMarker(text, key)
    return marker && remember(storedPackage(entryDir, marker))
  }

  function remember(stored: StoredPackage): StoredPackage {
    known.set(stored.key, stored)
    return stored
  }

  async function add(key: string, bytes: Uint8Array, meta: { pkg: string; integrity?: string }): Promise<StoredPackage> {
    const entryDir = path.join(packagesDir, keyPath(key))
    const expectDigest = meta.integrity === undefined ? undefined : digestToExpect(key, meta.pkg, meta.integrity)
    const staging = path.join(tmpDir, stagingName(key, self))
    const markerFields = { version: MARKER_VERSION as typeof MARKER_VERSION, key, pkg: meta.pkg, ...(meta.integrity ? { integrity: meta.integrity } : {}) }
    // the extractor makes the staging folder, writes the marker and renames the folder into
    // place on its own thread; only a rename that failed (a race, damage) comes back to publish()
    const commit = { markerFile: path.join(staging, MARKER), markerFields, from: staging, to: entryDir }
    try {
      const extracted = await extractor
        .extract(bytes, path.join(staging, CONTENT), { pkg: meta.pkg, expectDigest, transfer: true, commit })
        .catch((error: unknown) => {
          throw meta.integrity && expectDigest ? asIntegrityError(error, meta.pkg, meta.integrity, expectDigest) : error
        })
      const marker: Marker = { ...markerFields, index: extracted.index, manifest: extracted.manifest }
      if (extracted.published) return remember(storedPackage(entryDir, marker))
      // an extractor that did not take the commit leaves the marker to the store
      if (extracted.published === undefined) fs.writeFileSync(commit.markerFile, JSON.stringify(marker))
      return remember(publish(staging, entryDir, marker))
    } catch (error) {
      removeQuietly(staging)
      throw withStagingPath(error, staging, meta.pkg)
    }
  }

  /** Renames the staging folder into place, or yields to an entry another process completed. */
  function publish(staging: string, entryDir: string, marker: Marker): StoredPackage {
    makeDir(path.dirname(entryDir))
    for (let attempt = 0; attempt < PUBLISH_ATTEMPTS; attempt++) {
      try {
        fs.renameSync(staging, entryDir)
        return storedPackage(entryDir, marker)
      } catch (error) {
        if (!TAKEN.has(errnoCode(error) ?? '')) throw storeError(`cannot publish ${entryDir}`, error)
      }
      // the entry in the way is another process's fresh one (a race), or damage being replaced
      const winner = readEntry(marker.key)
      if (winner && verifyStoredFiles(winner.dir, winner.index).length === 0) {
        fs.rmSync(staging, { recursive: true, force: true })
        return winner
      }
      moveAside(entryDir, marker.key)
    }
    throw new SkiffError('ESTORE', `${marker.pkg}: cannot publish ${entryDir}: a damaged entry keeps coming back`, { pkg: marker.pkg })
  }

  /** A folder in the final place without a valid marker is damage: out of the way, then gone. */
  function moveAside(entryDir: string, key: string): void {
    const aside = path.join(tmpDir, stagingName(key, self))
    try {
      fs.renameSync(entryDir, aside)
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw storeError(`cannot remove the store entry ${entryDir}`, error)
      return
    }
    fs.rmSync(aside, { recursive: true, force: true })
  }

  async function cleanStaging(olderThanMs: number): Promise<number> {
    let names: string[]
    try {
      names = fs.readdirSync(tmpDir)
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return 0
      throw storeError(`cannot list ${tmpDir}`, error)
    }
    const now = Date.now()
    let removed = 0
    for (const name of names) {
      const full = path.join(tmpDir, name)
      let ageMs: number
      try {
        ageMs = now - fs.lstatSync(full).mtimeMs
      } catch {
        continue
      }
      if (!isLeftover(name, { ageMs, olderThanMs, self, isAlive })) continue
      await fs.promises.rm(full, { recursive: true, force: true })
      removed++
    }
    return removed
  }

  async function makeTempDir(key: string): Promise<string> {
    const dir = path.join(tmpDir, stagingName(key, self))
    try {
      await fs.promises.mkdir(dir, { recursive: true })
    } catch (error) {
      throw storeError(`cannot create ${dir}`, error)
    }
    return dir
  }

  function verify(key: string): EntryCheck {
    const entryDir = path.join(packagesDir, keyPath(key))
    if (!fs.existsSync(entryDir)) return { status: 'absent' }
    const entry = readEntry(key)
    if (!entry) return { status: 'damaged', problems: [{ path: MARKER, reason: 'is missing or not a marker of this entry' }] }
    const problems = verifyStoredFiles(entry.dir, entry.index, Number.POSITIVE_INFINITY)
    return problems.length === 0 ? { status: 'ok', pkg: entry.pkg } : { status: 'damaged', pkg: entry.pkg, problems }
  }

  function sampleFile(): string | undefined {
    for (const fan of readNames(packagesDir)) {
      for (const key of readNames(path.join(packagesDir, fan))) {
        const marker = path.join(packagesDir, fan, key, MARKER)
        if (fs.existsSync(marker)) return marker
      }
    }
    return undefined
  }

  function keys(): string[] {
    return readNames(packagesDir).flatMap((fan) => readNames(path.join(packagesDir, fan)).filter(isStoreKey))
  }

  async function remove(key: string): Promise<void> {
    known.delete(key)
    makeDir(tmpDir)
    moveAside(path.join(packagesDir, keyPath(key)), key)
  }

  return { root, keyFor: storeKeyFor, get, add, cleanStaging, makeTempDir, verify, keys, remove, sampleFile }
}

type ExpectDigest = NonNullable<ExtractOptions['expectDigest']>

/** What the extractor must find in the bytes: the digests of the integrity's strongest algorithm. */
function digestToExpect(key: string, pkg: string, integrity: string): ExpectDigest {
  const candidates = strongestHashes(parseIntegrity(integrity))
  const algorithm = candidates[0]?.algorithm
  if (!algorithm) throw integrityError(pkg, integrity, { ok: false, reason: 'no-usable-hash' }, ' (nothing was stored)')
  // the integrity's key (storeKeyFor): the first of these hashes that is a real digest
  if (candidates.map(hexDigest).find((hex) => hex !== undefined) !== key) {
    throw new SkiffError('ESTORE', `${pkg}: store key ${key} is not the key of integrity ${integrity}`, { pkg })
  }
  return { algorithm, digests: candidates.map((hash) => hash.digest) }
}

/** The extractor's digest mismatch, worded as the store words it (both digests, nothing stored). */
function asIntegrityError(error: unknown, pkg: string, integrity: string, expected: ExpectDigest): unknown {
  const found = isSkiffError(error) && error.code === 'EINTEGRITY' ? error.details.found : undefined
  if (found === undefined) return error
  const wanted = expected.digests.map((digest) => `${expected.algorithm}-${digest}`).join(' ')
  return integrityError(pkg, integrity, { ok: false, reason: 'mismatch', algorithm: expected.algorithm, expected: wanted, actual: found }, ' (nothing was stored)')
}

function storedPackage(entryDir: string, marker: Marker): StoredPackage {
  return { key: marker.key, pkg: marker.pkg, dir: path.join(entryDir, CONTENT), index: marker.index, manifest: marker.manifest }
}

/**
 * A fault of the machine (full disk, read-only cache) met while adding is told with the folder
 * it happened in: the staging folder, when the system error itself names no path (a failed
 * write(2) does not).
 */
function withStagingPath(error: unknown, staging: string, pkg: string): unknown {
  const fault = findEnvironmentFault(error)
  if (!fault || fault.path !== undefined) return error
  return new SkiffError('ESTORE', isSkiffError(error) ? error.message : `${pkg}: ${String(error)}`, { pkg, path: staging, cause: error })
}

/** Cleanup on a failure path: it must not replace the error that came first (a read-only cache fails both). */
function removeQuietly(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true })
  } catch {
    // cleanStaging removes it later, where it can
  }
}

function readNames(dir: string): string[] {
  try {
    return fs.readdirSync(dir)
  } catch {
    return []
  }
}

function makeDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true })
  } catch (error) {
    throw storeError(`cannot create ${dir}`, error)
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else
    return errnoCode(error) === 'EPERM'
  }
}

function storeError(fact: string, cause: unknown): SkiffError {
  const errno = errnoCode(cause)
  const reason = cause instanceof Error ? cause.message : String(cause)
  return new SkiffError('ESTORE', `${fact}: ${reason}`, {
    cause,
    hint:
      errno === 'ENOSPC'
        ? 'the disk holding the cache is full; free space or move the cache with --cache'
        : 'check that the cache folder is writable, or move it with --cache / SKIFF_CACHE_DIR',
  })
}
