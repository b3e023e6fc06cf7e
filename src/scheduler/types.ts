/**
 * The vocabulary of the install scheduler: what it is told (events) and what it asks for
 * (commands). The state machine in step.ts maps one to the other and does no I/O.
 */

/** A download key: the package's integrity digest, or a hash of its resolved URL. */
export type Key = string

/** Where a package's bytes come from. */
export interface Source {
  url: string
  integrity?: string
}

/** One package folder to materialise in node_modules. */
export interface TargetSpec {
  /** lock location, e.g. "node_modules/a/node_modules/b"; also the link key */
  location: string
  /** absolute folder the package is linked to */
  dir: string
  /** name@version, for messages */
  pkg: string
  key: Key
  source: Source
  /** location of the enclosing package that must be linked first, when it is part of this install */
  parent?: string
  /** a failure drops the package with a warning instead of failing the install */
  optional: boolean
  /** the package gets its own copy of every file (it has install scripts) */
  privateCopy: boolean
}

export type Lane = 'fetch' | 'extract' | 'link'

export type Job =
  | { lane: 'fetch'; key: Key }
  | { lane: 'extract'; key: Key }
  | { lane: 'link'; location: string }

export type WaiterId = number

export type Event =
  /** a target is wanted; `stored` tells whether its key is already in the store */
  | { type: 'need'; target: TargetSpec; stored: boolean; waiter?: WaiterId }
  /** fetch and store a key without a target yet (resolution streams these) */
  | { type: 'prefetch'; key: Key; pkg: string; source: Source; stored: boolean; waiter?: WaiterId }
  | { type: 'fetched'; key: Key; bytes: Uint8Array }
  | { type: 'extracted'; key: Key }
  | { type: 'linked'; location: string }
  /** the link job found the key's store entry damaged and linked nothing */
  | { type: 'damaged'; location: string; reason: string }
  | { type: 'failed'; job: Job; error: unknown }
  /** every source has ended: no further need or prefetch will come */
  | { type: 'inputEnd' }
  /** stop now (Ctrl-C, or a caller gave up) */
  | { type: 'shutdown'; reason: unknown }

export type Settlement = { ok: true } | { ok: false; error: unknown }

/** What a link job reports when it did not fail: `damaged` when the stored copy failed its check and nothing was linked. */
export interface LinkReport {
  damaged?: string
}

export type Command =
  | { type: 'fetch'; key: Key; pkg: string; source: Source }
  | { type: 'extract'; key: Key; pkg: string; source: Source; bytes: Uint8Array }
  | { type: 'link'; target: TargetSpec }
  | { type: 'settle'; waiter: WaiterId; result: Settlement }
  /** an optional package was dropped; the install goes on */
  | { type: 'dropped'; target: TargetSpec; error: unknown }
  /** stop running jobs: the install is failing or shutting down */
  | { type: 'abort'; reason: unknown }
  /** nothing is left in flight: the scheduler's result */
  | { type: 'finish'; outcome: Outcome }

export interface Failure {
  /** the package (name@version) the error belongs to */
  pkg: string
  /** locations that could not be installed because of it */
  locations: string[]
  error: unknown
}

export interface Outcome {
  ok: boolean
  linked: string[]
  dropped: TargetSpec[]
  failures: Failure[]
  /** keys that were fetched from the network (not already stored) */
  fetchedKeys: number
  fetchedBytes: number
}

export interface Limits {
  /** downloads in flight */
  fetch: number
  /** extractions in flight */
  extract: number
  /** link jobs in flight */
  link: number
  /**
   * downloads in flight plus downloaded tarballs not yet handed to extraction: the bound on
   * tarball bytes held in memory (backpressure from the extract lane to the fetch lane)
   */
  buffered: number
}
