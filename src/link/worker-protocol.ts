/**
 * Messages between the linker (main thread) and its workers. Path lists travel as the store
 * keeps them, one NUL-joined string per job (PackageIndex): one string is copied in a single
 * step, where an array of 160k strings would be cloned one by one on the main thread.
 */

/** How one package is materialised: what the backend and the job's privateCopy resolve to. */
export type LinkMode = 'hardlink' | 'copy' | 'reflink' | 'clonefile'

export type WireJob =
  | {
      kind: 'link'
      id: number
      mode: LinkMode
      /** link through libc where it loads (else node:fs) */
      nativeIo: boolean
      /** a hardlink job's whole loop in one compiled call, where it compiles (libc/compiled-link.ts) */
      compiled: boolean
      srcDir: string
      targetDir: string
      /** PackageIndex.dirs: NUL-joined, parents before children */
      dirs: string
      /** PackageIndex.files: NUL-joined */
      files: string
      /** PackageIndex.sizes: what the stored files are checked against */
      sizes: string
      /** check the stored files before linking them (the store entry was not checked yet in this install) */
      verify: boolean
    }
  | { kind: 'remove'; id: number; targetDir: string }

export interface BatchRequest {
  batchId: number
  jobs: WireJob[]
}

export interface JobFailure {
  id: number
  message: string
  /** errno-style code of the system error (EACCES, ENOSPC, ...) */
  errno?: string
  /** the file or folder the failing call was about */
  path?: string
  /** the store entry failed its check (or a file went missing while linking): nothing was linked; what is wrong */
  damaged?: string
}

/** Sent once per batch, after every job in it has ended; jobs not listed succeeded. */
export interface BatchReport {
  batchId: number
  failures: JobFailure[]
  /** hardlink jobs whose package was copied instead: linking a store file was not permitted (EPERM) */
  copied?: number[]
}

/** PackageIndex's encoding, split here so that the worker's bundle needs nothing of tarball/. */
export const PATH_SEPARATOR = '\0'

export function splitPaths(joined: string): string[] {
  return joined === '' ? [] : joined.split(PATH_SEPARATOR)
}
