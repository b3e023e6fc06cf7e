/**
 * What extracting a package tarball produced: the list of what was written, so that the
 * store keeps it beside the package and the linker never walks the store again.
 */
export interface PackageIndex {
  /** relative directory paths, parents before children; the package root ("") is not listed */
  dirs: string[]
  /** relative file paths (with "/" separators) and the mode each was written with */
  files: Array<{ path: string; mode: number; size: number }>
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
}

export interface ExtractResult {
  index: PackageIndex
  manifest: PackageManifest
  /** sum of the sizes of the files written */
  unpackedBytes: number
}

/** Anything that can extract a tarball: the in-thread `extractTarball` or a worker pool. */
export interface Extractor {
  extract(bytes: Uint8Array, destDir: string, opts: ExtractOptions): Promise<ExtractResult>
}
