/**
 * Extracts an npm package tarball into an empty folder, leaving what npm 11 leaves on disk
 * (pacote's extraction, then bin-links' fix of the bins). Steps:
 * 0. when asked, check the bytes' digest (EINTEGRITY, nothing written, on a mismatch);
 * 1. gunzip into memory, bounded (gunzip-tarball.ts);
 * 2. list the tar entries (parse-tar.ts); refuse a corrupt stream;
 * 3. plan the files, folders and modes with npm's rules, refusing hostile names and totals
 *    above the limit (plan-extraction.ts) — nothing is written before the whole plan stands;
 * 4. read package.json from the plan, make each bin target 0o755 and fix a CRLF shebang
 *    (bin-links chmods bins to 0o777 & ~umask whatever their mode was);
 * 5. write everything (write-package.ts);
 * 6. with `commit`, the caller's marker and rename (types.ts, ExtractCommit).
 * The work is synchronous: run it in a worker (create-extractor.ts) to keep the main thread free.
 */
import fs from 'node:fs'
import path from 'node:path'
import { SkiffError } from '../error/index.ts'
import { fixShebang } from './fix-shebang.ts'
import { gunzipTarball } from './gunzip-tarball.ts'
import { parseTar, type TarListing } from './parse-tar.ts'
import { planExtraction, type ExtractionPlan } from './plan-extraction.ts'
import { readManifest } from './read-manifest.ts'
import { joinPaths } from './path-list.ts'
import { openCompiledLoops, openLibc } from '../libc/index.ts'
import { readUmask } from './read-umask.ts'
import type { ExtractCommit, ExtractOptions, ExtractResult, PackageIndex, PackageManifest } from './types.ts'
import { writePackage } from './write-package.ts'

export const DEFAULT_MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
const BIN_MODE = 0o755

/** `umask` comes from read-umask.ts, read on the main thread (never call process.umask() in a worker). */
export function extractTarballSync(bytes: Uint8Array, destDir: string, opts: ExtractOptions, umask: number): ExtractResult {
  const { pkg } = opts
  const maxUnpackedBytes = opts.maxUnpackedBytes ?? DEFAULT_MAX_UNPACKED_BYTES
  if (opts.expectDigest) checkDigest(bytes, opts.expectDigest, pkg)
  const { tar, listing } = readArchive(bytes, pkg, maxUnpackedBytes)
  const plan = planExtraction(listing.entries, pkg, maxUnpackedBytes)
  const manifest = manifestOf(plan, tar)
  const rewrites = fixBins(plan, tar, manifest)
  if (opts.commit) makeDestDir(destDir, pkg)
  const libc = opts.nativeIo === false ? undefined : openLibc()
  const compiled = libc && opts.compiledWrite ? openCompiledLoops() : undefined
  writePackage({ destDir, pkg, tar, plan, rewrites, umask, libc, compiled })
  let unpackedBytes = 0
  const sizes: number[] = []
  for (const file of plan.files.values()) {
    const size = rewrites.get(file.path)?.length ?? file.size
    sizes.push(size)
    unpackedBytes += size
  }
  const index = { dirs: joinPaths(plan.dirs), files: joinPaths([...plan.files.keys()]), sizes: sizes.join(',') }
  if (!opts.commit) return { index, manifest, unpackedBytes }
  return { index, manifest, unpackedBytes, published: commit(opts.commit, index, manifest, pkg) }
}

function makeDestDir(destDir: string, pkg: string): void {
  try {
    fs.mkdirSync(destDir, { recursive: true })
  } catch (error) {
    throw new SkiffError('ESTORE', `${pkg}: cannot create the extraction folder ${destDir}: ${errorText(error)}`, { pkg, path: destDir, cause: error })
  }
}

/** ExtractCommit's marker and rename; true when the rename succeeded. */
function commit(step: ExtractCommit, index: PackageIndex, manifest: PackageManifest, pkg: string): boolean {
  try {
    fs.writeFileSync(step.markerFile, JSON.stringify({ ...step.markerFields, index, manifest }))
  } catch (error) {
    throw new SkiffError('ESTORE', `${pkg}: cannot write ${step.markerFile}: ${errorText(error)}`, { pkg, path: step.markerFile, cause: error })
  }
  try {
    fs.mkdirSync(path.dirname(step.to), { recursive: true })
    fs.renameSync(step.from, step.to)
    return true
  } catch {
    return false
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function checkDigest(bytes: Uint8Array, expected: NonNullable<ExtractOptions['expectDigest']>, pkg: string): void {
  const actual = new Bun.CryptoHasher(expected.algorithm).update(bytes).digest('base64')
  if (expected.digests.includes(actual)) return
  throw new SkiffError('EINTEGRITY', `${pkg}: tarball ${expected.algorithm} ${actual} is not the expected digest`, {
    pkg,
    found: `${expected.algorithm}-${actual}`,
  })
}

/** The same work behind a promise, on the calling (main) thread. */
export async function extractTarball(bytes: Uint8Array, destDir: string, opts: ExtractOptions): Promise<ExtractResult> {
  return extractTarballSync(bytes, destDir, opts, readUmask())
}

/**
 * The tar stream may hold headers and padding besides the files; twice the file limit (plus a
 * little for tiny limits) bounds memory while never refusing a package under the limit.
 */
function maxTarBytesFor(maxUnpackedBytes: number): number {
  return 2 * maxUnpackedBytes + 1024 * 1024
}

function readArchive(bytes: Uint8Array, pkg: string, maxUnpackedBytes: number): { tar: Uint8Array; listing: TarListing } {
  const maxTarBytes = maxTarBytesFor(maxUnpackedBytes)
  const tar = gunzipTarball(bytes, pkg, maxTarBytes, { reuse: true })
  const listing = parseTar(tar, pkg)
  if (listing.sawEndMarker || tar === bytes) return { tar, listing }
  // no end marker: either a tar written without one, or a gzip of several members of which
  // the fast decoder read only the first; node:zlib reads them all
  const whole = gunzipTarball(bytes, pkg, maxTarBytes, { allMembers: true })
  return whole.length === tar.length ? { tar, listing } : { tar: whole, listing: parseTar(whole, pkg) }
}

function manifestOf(plan: ExtractionPlan, tar: Uint8Array): PackageManifest {
  const packageJson = plan.files.get('package.json')
  return readManifest({
    packageJson: packageJson && tar.subarray(packageJson.offset, packageJson.offset + packageJson.size),
    listPaths: () => [...plan.dirs, ...plan.files.keys()],
    hasBindingGyp: plan.files.has('binding.gyp'),
  })
}

function fixBins(plan: ExtractionPlan, tar: Uint8Array, manifest: PackageManifest): Map<string, Uint8Array> {
  const rewrites = new Map<string, Uint8Array>()
  for (const target of new Set(Object.values(manifest.bin ?? {}))) {
    const file = plan.files.get(target)
    if (!file) continue
    file.mode = BIN_MODE
    const fixed = fixShebang(tar.subarray(file.offset, file.offset + file.size))
    if (fixed) rewrites.set(target, fixed)
  }
  return rewrites
}
