/**
 * What extracting a package tarball wrote, so that the store keeps it beside the package and
 * the linker never walks the store again. Each list is relative paths ("/" separators) joined
 * with "\0", which no path holds ("" is the empty list): one string is stored, parsed, checked
 * and sent to another thread in one step, where 160k path strings would go one by one.
 * `splitPaths` (path-list.ts) gives the paths back.
 */
export interface PackageIndex {
  /** folders, parents before children; the package root ("") is not listed */
  dirs: string
  /** files */
  files: string
  /**
   * the size in bytes of each file of `files`, in the same order, as decimal numbers joined with
   * "," ("" when there are no files): what the store checks a stored file against before it is
   * linked again (store/verify-stored-files.ts)
   */
  sizes: string
}

/** The parts of the tarball's package.json that installing needs. */
export interface PackageManifest {
  name?: string
  version?: string
  /** normalised to name -> relative path, as npm's bin-links sees it */
  bin?: Record<string, string>
  /** only the lifecycle scripts that run at install time: preinstall, install, postinstall, prepare */
  scripts?: Record<string, string>
  gypfile?: boolean
  /** binding.gyp exists at the package root (npm injects `node-gyp rebuild`) */
  hasBindingGyp: boolean
}

export interface ExtractOptions {
  /** package name or name@version, used in error messages */
  pkg: string
  /** refuse a package whose files add up to more than this (default 1 GiB) */
  maxUnpackedBytes?: number
  /** false: write with node:fs only, never through libc (default true) */
  nativeIo?: boolean
  /**
   * each package written in one compiled call (libc/compiled-loops.ts), which each thread
   * compiles once (~15 ms): for big installs
   */
  compiledWrite?: boolean
  /**
   * Checked on the bytes before anything is written: their `algorithm` digest (base64) must be
   * one of `digests`, else EINTEGRITY with the actual digest as `found`.
   */
  expectDigest?: { algorithm: DigestAlgorithm; digests: readonly string[] }
  /** a worker pool may take the bytes' buffer instead of copying it: the caller must not use them afterwards */
  transfer?: boolean
  /** the caller's next steps, done on the extracting thread (ExtractCommit) */
  commit?: ExtractCommit
}

/**
 * What a caller (the store) would do once the files are written, done by the extractor on its
 * own thread so that a worker pool spares the main thread a folder, a file and a rename per
 * package: `destDir` is created first (with its parents; it must not exist yet), then
 * `markerFile` is written as the JSON of `{ ...markerFields, index, manifest }`, then `from` is
 * renamed to `to` (the parent of `to` created when missing). A failed rename is not an error:
 * the result says `published: false` and the caller decides.
 */
export interface ExtractCommit {
  markerFile: string
  markerFields: Readonly<Record<string, string | number>>
  from: string
  to: string
}

export type DigestAlgorithm = 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512'

export interface ExtractResult {
  index: PackageIndex
  manifest: PackageManifest
  /** sum of the sizes of the files written */
  unpackedBytes: number
  /** with `commit`: whether the rename succeeded */
  published?: boolean
}

/** Anything that can extract a tarball: the in-thread `extractTarball` or a worker pool. */
export interface Extractor {
  extract(bytes: Uint8Array, destDir: string, opts: ExtractOptions): Promise<ExtractResult>
}
