/**
 * The linker: a pool of link workers, created once per install, fed from one queue.
 *
 * Jobs wait in a FIFO on the main thread. Each worker holds at most two batches (one running,
 * one ready), so it never waits for the main thread; a batch takes jobs from the head of the
 * queue until it reaches a cost budget (about a few ms of syscalls), so message passing stays
 * a small share of the work and a slow package does not leave other workers idle for long.
 * Workers take whole packages and create that package's folders themselves: folders cost far
 * more than file links, and spreading both over threads is what matches bun (notes/link-probe.md).
 * Every job's promise settles: with the batch's report, with the worker's crash, or with
 * EABORT when the linker is disposed before the job started.
 */
import { isEnvironmentCode, SkiffError } from '../error/index.ts'
import { countPaths, type PackageIndex } from '../tarball/index.ts'
import type { Backend } from './probe-backend.ts'
import { askThreadCpu, workerEntryUrl, type CpuTime } from '../scheduler/index.ts'
import { runBatch } from './run-batch.ts'
import {
  type BatchReport,
  type BatchRequest,
  type JobFailure,
  type LinkMode,
  type WireJob,
} from './worker-protocol.ts'

export interface LinkJob {
  srcDir: string
  index: PackageIndex
  targetDir: string
  /** the package gets files of its own (it has install scripts that could write through a hardlink) */
  privateCopy: boolean
  /** check the stored files against `index.sizes` and the marker before linking (store's verifyStoredFiles) */
  verify?: boolean
  /** name@version, for error messages */
  pkg?: string
}

/** How a link job ended, when it did not fail: `damaged` says what is wrong with the stored copy (nothing was linked). */
export interface LinkResult {
  damaged?: string
  /** hardlinking was not permitted for this package's files (another user's, under fs.protected_hardlinks): it was copied */
  copied?: boolean
}

export interface Linker extends AsyncDisposable {
  /** Materialises a stored package at targetDir, replacing what is there, unless its stored copy is damaged. */
  link(job: LinkJob): Promise<LinkResult>
  /** Removes package folders (or links) that should no longer be in node_modules. */
  removeTargets(dirs: readonly string[]): Promise<void>
  /** the CPU its worker threads used (ask when nothing is being linked); null where it cannot be read */
  threadCpu(): Promise<CpuTime | null>
  readonly workers: number
}

export interface LinkerOptions {
  backend: Backend
  /** worker threads (DEFAULT_LINK_WORKERS); 0 links on the calling thread */
  workers?: number
  /** false: link with node:fs only, never through libc (default true) */
  nativeIo?: boolean
  /**
   * each hardlinked package in one compiled call (libc/compiled-link.ts): each worker compiles it
   * once (~15 ms), which only a big install pays back
   */
  compiledLink?: boolean
}

/**
 * 2 on this kind of machine (2 cores): against 3, a warm medium install took 7% less CPU and 5%
 * less time, antd the same time (A/B, 12 and 6 pairs); each worker is a JavaScript runtime of
 * its own to start, and the link loop of a big install is one compiled call a package.
 */
export const DEFAULT_LINK_WORKERS = 2

const LINKED: LinkResult = Object.freeze({})
const COPIED: LinkResult = Object.freeze({ copied: true })

// A job's cost in units of one file link: a folder costs several links (notes/link-probe.md,
// finding 4), and each package pays a mkdir and a rename.
const DIR_COST = 4
const PACKAGE_COST = 8
const BATCH_COST = 1500
const BATCHES_PER_WORKER = 2

interface Pending {
  wire: WireJob
  cost: number
  pkg: string | undefined
  resolve: (result: LinkResult) => void
  reject: (error: SkiffError) => void
}

/** A worker thread, or the linker's own thread when it has no workers. */
type Runner = Pick<Worker, 'postMessage' | 'ref' | 'unref' | 'terminate'>

interface Slot {
  worker: Runner
  /** the thread, when the slot is one */
  thread?: Worker
  batches: Map<number, Pending[]>
  alive: boolean
}

export function createLinker(options: LinkerOptions): Linker {
  const queue: Pending[] = []
  let queueHead = 0
  let nextId = 0
  let pumpScheduled = false
  let closed = false
  let drained: (() => void) | undefined
  const slots: Slot[] = []
  const workers = options.workers ?? DEFAULT_LINK_WORKERS
  if (workers === 0) slots.push(inlineSlot())
  for (let i = 0; i < workers; i++) slots.push(startSlot())

  function startSlot(): Slot {
    // smol: a link worker's work is in the kernel, its heap holds little; the small heap cut a
    // warm antd install's peak RSS from 149-155 MB to 129-132 MB (3 workers) at the same speed
    const worker = new Worker(workerEntryUrl(new URL('./link-worker.ts', import.meta.url)), { smol: true })
    worker.unref()
    const slot: Slot = { worker, thread: worker, batches: new Map(), alive: true }
    worker.onmessage = (event: MessageEvent<BatchReport>) => settleBatch(slot, event.data)
    worker.onerror = (event: ErrorEvent) => stopSlot(slot, event.message)
    return slot
  }

  /** No thread: each batch runs here, a turn of the event loop after it was sent. */
  function inlineSlot(): Slot {
    const slot: Slot = {
      worker: {
        postMessage: (request: BatchRequest) => setImmediate(() => settleBatch(slot, runBatch(request))),
        ref() {},
        unref() {},
        terminate() {},
      },
      batches: new Map(),
      alive: true,
    }
    return slot
  }

  function enqueue(wire: WireJob, cost: number, pkg: string | undefined): Promise<LinkResult> {
    if (closed) return Promise.reject(abortError(wire.targetDir, pkg))
    return new Promise((resolve, reject) => {
      queue.push({ wire, cost, pkg, resolve, reject })
      if (pumpScheduled) return
      pumpScheduled = true
      // jobs submitted before the next turn of the event loop travel together: the scheduler
      // hands out links one event at a time, with awaits between, so a microtask would send
      // batches of one
      setImmediate(pump)
    })
  }

  function pump(): void {
    pumpScheduled = false
    for (const slot of slots) {
      while (slot.alive && slot.batches.size < BATCHES_PER_WORKER && queueHead < queue.length) {
        sendBatch(slot, takeBatch())
      }
    }
    // drop what has been sent, so the queue does not keep finished jobs' path lists alive
    if (queueHead > 0) {
      queue.splice(0, queueHead)
      queueHead = 0
    }
  }

  function takeBatch(): Pending[] {
    const batch: Pending[] = []
    let cost = 0
    while (queueHead < queue.length && (batch.length === 0 || cost < BATCH_COST)) {
      const pending = queue[queueHead++] as Pending
      batch.push(pending)
      cost += pending.cost
    }
    return batch
  }

  function sendBatch(slot: Slot, batch: Pending[]): void {
    const batchId = nextId++
    if (slot.batches.size === 0) slot.worker.ref()
    slot.batches.set(batchId, batch)
    const request: BatchRequest = { batchId, jobs: batch.map((pending) => pending.wire) }
    slot.worker.postMessage(request)
  }

  function settleBatch(slot: Slot, report: BatchReport): void {
    const batch = slot.batches.get(report.batchId)
    if (!batch) return
    slot.batches.delete(report.batchId)
    if (slot.batches.size === 0) slot.worker.unref()
    const failures = new Map(report.failures.map((failure) => [failure.id, failure]))
    const copied = new Set(report.copied)
    for (const pending of batch) {
      const failure = failures.get(pending.wire.id)
      if (failure?.damaged !== undefined) pending.resolve({ damaged: failure.damaged })
      else if (failure) pending.reject(jobError(pending, failure))
      else pending.resolve(copied.has(pending.wire.id) ? COPIED : LINKED)
    }
    afterProgress()
  }

  function stopSlot(slot: Slot, reason: string): void {
    if (!slot.alive) return
    slot.alive = false
    slot.worker.terminate()
    for (const batch of slot.batches.values()) {
      for (const pending of batch) pending.reject(jobError(pending, { id: pending.wire.id, message: `link worker stopped: ${reason}` }))
    }
    slot.batches.clear()
    if (!slots.some((other) => other.alive)) failQueued(() => new SkiffError('ELINK', `every link worker stopped: ${reason}`))
    afterProgress()
  }

  function afterProgress(): void {
    if (closed) {
      if (drained && slots.every((slot) => slot.batches.size === 0)) drained()
      return
    }
    pump()
  }

  function failQueued(makeError: (pending: Pending) => SkiffError): void {
    const waiting = queue.slice(queueHead)
    queue.length = 0
    queueHead = 0
    for (const pending of waiting) pending.reject(makeError(pending))
  }

  function nextJobId(): number {
    return nextId++
  }

  return {
    link(job) {
      const wire: WireJob = {
        kind: 'link',
        id: nextJobId(),
        mode: linkModeFor(options.backend, job.privateCopy),
        nativeIo: options.nativeIo !== false,
        compiled: options.compiledLink === true,
        srcDir: job.srcDir,
        targetDir: job.targetDir,
        dirs: job.index.dirs,
        files: job.index.files,
        sizes: job.index.sizes,
        verify: job.verify ?? false,
      }
      const cost = PACKAGE_COST + countPaths(job.index.files) + DIR_COST * countPaths(job.index.dirs)
      return enqueue(wire, cost, job.pkg)
    },

    async removeTargets(dirs) {
      const results = await Promise.allSettled(
        dirs.map((targetDir) => enqueue({ kind: 'remove', id: nextJobId(), targetDir }, PACKAGE_COST, undefined)),
      )
      const errors = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as SkiffError] : []))
      const first = errors[0]
      if (!first) return
      if (errors.length === 1) throw first
      throw new SkiffError('ELINK', `could not remove ${errors.length} folders from node_modules`, {
        cause: first,
        lines: errors.map((error) => error.message),
      })
    },

    threadCpu: () => askThreadCpu(slots.flatMap((slot) => (slot.alive && slot.thread ? [slot.thread] : []))),
    workers,

    async [Symbol.asyncDispose]() {
      if (closed) return
      closed = true
      failQueued((pending) => abortError(pending.wire.targetDir, pending.pkg))
      if (slots.some((slot) => slot.batches.size > 0)) {
        await new Promise<void>((resolve) => {
          drained = resolve
        })
      }
      for (const slot of slots) {
        slot.alive = false
        slot.worker.terminate()
      }
    },
  }
}

function linkModeFor(backend: Backend, privateCopy: boolean): LinkMode {
  if (backend.kind === 'hardlink') return privateCopy ? 'copy' : 'hardlink'
  return backend.kind
}

function abortError(targetDir: string, pkg: string | undefined): SkiffError {
  return new SkiffError('EABORT', `${pkg ?? targetDir}: not linked, the install is stopping`, { pkg, path: targetDir })
}

const HINTS: Record<string, string> = {
  EACCES: 'check that you may write to this folder (and read the cache)',
  EPERM: 'check that you may write to this folder (and read the cache)',
  ENOSPC: 'the disk is full; free some space and run the install again',
  EXDEV: 'the cache and node_modules are on different filesystems; try --backend copy',
  EMLINK: 'a cached file has too many hardlinks; try --backend copy',
  ENOENT: 'a folder went away while linking (something else changed node_modules); run the install again',
}

function jobError(pending: Pending, failure: JobFailure): SkiffError {
  const { wire, pkg } = pending
  const what = wire.kind === 'link' ? `could not link into ${wire.targetDir}` : `could not remove ${wire.targetDir}`
  // a fault of the machine (full disk, read-only folder) is told once for the whole install, from its errno and path
  const systemError = isEnvironmentCode(failure.errno) ? Object.assign(new Error(failure.message), { code: failure.errno, path: failure.path }) : undefined
  return new SkiffError('ELINK', `${pkg ?? wire.targetDir}: ${what}: ${failure.message}`, {
    pkg,
    path: failure.path ?? wire.targetDir,
    hint: failure.errno ? HINTS[failure.errno] : undefined,
    ...(systemError ? { cause: systemError } : {}),
  })
}
