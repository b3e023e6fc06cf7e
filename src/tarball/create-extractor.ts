/**
 * A pool of extraction workers, created once per install and disposed with `await using`.
 * Extraction is synchronous CPU and file-system work (gunzip, then one syscall a file), so one
 * JS thread cannot spread it over the cores; each worker runs whole extractions.
 * Jobs wait in one FIFO on the main thread and each worker holds at most two (one running, one
 * ready), so a worker never waits for the main thread. The tarball's bytes are copied to the
 * worker, or handed over without a copy when the caller says so (`transfer`). Every promise settles: with the
 * worker's reply, with EINTERNAL when a worker dies, or with EABORT for jobs not started when
 * the pool is disposed. Dispose lets running extractions finish (a terminated worker could leave
 * a folder half written while its caller cleans up), then terminates the workers. Idle workers
 * do not keep the process alive.
 */
import { SkiffError } from '../error/index.ts'
import { askThreadCpu, transferable, workerEntryUrl, type CpuTime } from '../scheduler/index.ts'
import { readUmask } from './read-umask.ts'
import type { ExtractOptions, ExtractResult, Extractor } from './types.ts'
import { fromWireError, type ExtractReply, type ExtractRequest } from './worker-protocol.ts'

export interface ExtractorPool extends Extractor, AsyncDisposable {
  /** the CPU its worker threads used (ask when no extraction runs); null where it cannot be read */
  threadCpu(): Promise<CpuTime | null>
  readonly workers: number
}

export interface ExtractorOptions {
  /** worker threads (at least 1) */
  workers: number
}

const JOBS_PER_WORKER = 2

interface Job {
  request: ExtractRequest
  /** buffers handed to the worker instead of copied */
  transfer: ArrayBuffer[]
  resolve: (result: ExtractResult) => void
  reject: (error: SkiffError) => void
}

interface Slot {
  worker: Worker
  running: Map<number, Job>
  alive: boolean
}

export function createExtractor(options: ExtractorOptions): ExtractorPool {
  const queue: Job[] = []
  let nextId = 0
  let closed = false
  let drained: (() => void) | undefined
  const umask = readUmask()
  const slots: Slot[] = []
  for (let i = 0; i < Math.max(1, options.workers); i++) slots.push(startSlot())

  function startSlot(): Slot {
    const worker = new Worker(workerEntryUrl(new URL('./extract-worker.ts', import.meta.url)))
    worker.unref()
    const slot: Slot = { worker, running: new Map(), alive: true }
    worker.onmessage = (event: MessageEvent<ExtractReply>) => settle(slot, event.data)
    worker.onerror = (event: ErrorEvent) => stopSlot(slot, event.message)
    return slot
  }

  /** Each job goes to the least busy live worker, so two jobs in flight run on two threads. */
  function pump(): void {
    while (queue.length > 0) {
      const slot = leastBusy()
      if (!slot) return
      const job = queue.shift() as Job
      if (slot.running.size === 0) slot.worker.ref()
      slot.running.set(job.request.id, job)
      slot.worker.postMessage(job.request, job.transfer)
    }
  }

  function leastBusy(): Slot | undefined {
    let best: Slot | undefined
    for (const slot of slots) {
      if (!slot.alive || slot.running.size >= JOBS_PER_WORKER) continue
      if (!best || slot.running.size < best.running.size) best = slot
    }
    return best
  }

  function settle(slot: Slot, reply: ExtractReply): void {
    const job = slot.running.get(reply.id)
    if (!job) return
    slot.running.delete(reply.id)
    if (slot.running.size === 0) slot.worker.unref()
    if (reply.ok) job.resolve(reply.result)
    else job.reject(fromWireError(reply.error))
    afterProgress()
  }

  function afterProgress(): void {
    if (!closed) return pump()
    if (drained && slots.every((slot) => slot.running.size === 0)) drained()
  }

  function stopSlot(slot: Slot, reason: string): void {
    if (!slot.alive) return
    slot.alive = false
    slot.worker.terminate()
    for (const job of slot.running.values()) job.reject(workerDied(job.request.opts.pkg, reason))
    slot.running.clear()
    if (!slots.some((other) => other.alive)) {
      for (const job of queue.splice(0)) job.reject(workerDied(job.request.opts.pkg, reason))
    }
    afterProgress()
  }

  return {
    extract(bytes: Uint8Array, destDir: string, opts: ExtractOptions): Promise<ExtractResult> {
      if (closed) return Promise.reject(aborted(opts.pkg))
      if (!slots.some((slot) => slot.alive)) return Promise.reject(workerDied(opts.pkg, 'no extraction worker is left'))
      return new Promise((resolve, reject) => {
        queue.push({ request: { id: nextId++, bytes, destDir, opts, umask }, transfer: opts.transfer ? transferable(bytes) : [], resolve, reject })
        pump()
      })
    },

    threadCpu: () => askThreadCpu(slots.filter((slot) => slot.alive).map((slot) => slot.worker)),
    workers: slots.length,

    async [Symbol.asyncDispose]() {
      closed = true
      for (const job of queue.splice(0)) job.reject(aborted(job.request.opts.pkg))
      if (slots.some((slot) => slot.running.size > 0)) {
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

function aborted(pkg: string): SkiffError {
  return new SkiffError('EABORT', `${pkg}: extraction cancelled, the extractor was closed`, { pkg })
}

function workerDied(pkg: string, reason: string): SkiffError {
  return new SkiffError('EINTERNAL', `${pkg}: extraction worker stopped: ${reason}`, { pkg })
}
