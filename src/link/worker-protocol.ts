/**
 * Messages between the linker (main thread) and its workers. Path lists travel as one
 * NUL-joined string per job: one string is copied in a single step, where an array of
 * 160k strings would be cloned one by one on the main thread.
 */

/** How one package is materialised: what the backend and the job's privateCopy resolve to. */
export type LinkMode = 'hardlink' | 'copy' | 'reflink' | 'clonefile'

export type WireJob =
  | {
      kind: 'link'
      id: number
      mode: LinkMode
      srcDir: string
      targetDir: string
      /** index.dirs joined with "\0", parents before children */
      dirs: string
      /** index.files paths joined with "\0" */
      files: string
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
}

/** Sent once per batch, after every job in it has ended; jobs not listed succeeded. */
export interface BatchReport {
  batchId: number
  failures: JobFailure[]
}

export const PATH_SEPARATOR = '\0'

export function joinPaths(paths: readonly string[]): string {
  return paths.join(PATH_SEPARATOR)
}

export function splitPaths(joined: string): string[] {
  return joined === '' ? [] : joined.split(PATH_SEPARATOR)
}
