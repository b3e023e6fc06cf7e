/**
 * Worker threads that turn the registry's packument bytes into the compact text the resolver
 * reads (resolve's packumentBytes) and keep it in the metadata cache: reading full documents
 * (antd: 2,851 of them, 309 MB) is most of a resolution's CPU, and on the main thread it would
 * stall the resolver walking the tree.
 *
 * Bytes cross threads without a copy: the registry's body goes to a worker, the text's bytes
 * come back (the resolver decodes only the parts it reads). The worker writes its own copy
 * into the metadata cache once it has had nothing to read for a moment, many in one
 * transaction, so the cache never stands between a document and the resolver; dispose waits
 * for what is left to be written before the workers stop.
 *
 * Jobs wait in one FIFO on the main thread, each worker holding at most two, so the order of
 * requests is the order of answers as far as the threads allow. Workers start when the first
 * document is asked for over the network (`expect`: a thread's start, ~35 ms, goes on while the
 * answer comes) or with the first job, and do not keep the process alive while idle. A job
 * whose worker dies fails with EINTERNAL; jobs asked after dispose fail with EABORT.
 */
import { SkiffError, type ErrorCode } from '../error/index.ts'
import type { CacheWrite } from '../registry/index.ts'
import { askThreadCpu, transferable, workerEntryUrl, type CpuTime } from '../scheduler/index.ts'

export interface PackumentPool extends AsyncDisposable {
  /**
   * The compact text of a packument (packumentBytes), kept in the metadata cache under `write`
   * (a SyntaxError when the bytes are not JSON, EBADPACKUMENT when no packument; neither is cached)
   */
  read(body: Uint8Array, name: string, write: CacheWrite): Promise<Uint8Array>
  /** a document is on its way: start the workers now */
  expect(): void
  /** the CPU its worker threads used (ask when no packument is being read); null where it cannot be read */
  threadCpu(): Promise<CpuTime | null>
  /** settles once the workers have written everything read so far into the cache */
  written(): Promise<void>
  readonly workers: number
}

/** What a worker is sent: a document to read (and keep), or a request to answer once all it keeps is written. */
export type PackumentRequest = { type: 'read'; id: number; name: string; body: Uint8Array; write: CacheWrite } | { type: 'written' }

/** Times are epoch ms (performance.timeOrigin + performance.now()), the same clock on every thread. */
export type PackumentReply =
  | { id: number; ok: true; bytes: Uint8Array; startedAt: number; endedAt: number }
  | { id: number; ok: false; error: { code?: ErrorCode; message: string; hint?: string | undefined; pkg?: string } }
  | { type: 'kept'; startedAt: number; endedAt: number }
  | { type: 'written' }

/** What a worker did, for --timings: `reading` a document, `keeping` texts in the cache; times on this thread's clock. */
export type PackumentWork = (work: 'reading' | 'keeping', startMs: number, endMs: number) => void

interface Job {
  id: number
  name: string
  body: Uint8Array
  write: CacheWrite
  resolve: (bytes: Uint8Array) => void
  reject: (error: Error) => void
}

interface Slot {
  worker: Worker
  running: Map<number, Job>
  alive: boolean
  /** called when the worker says all it keeps is written */
  onWritten?: () => void
}

const JOBS_PER_WORKER = 2
/** how long dispose waits for the last cache writes */
const WRITE_WAIT_MS = 10_000

export function createPackumentPool(options: { workers: number; onWork?: PackumentWork }): PackumentPool {
  const onWork = options.onWork
  const here = (epochMs: number) => epochMs - performance.timeOrigin
  const queue: Job[] = []
  const slots: Slot[] = []
  let nextId = 0
  let closed = false

  function startSlots(): void {
    for (let i = 0; i < Math.max(1, options.workers); i++) {
      const worker = new Worker(workerEntryUrl(new URL('./packument-worker.ts', import.meta.url)))
      worker.unref()
      const slot: Slot = { worker, running: new Map(), alive: true }
      worker.onmessage = (event: MessageEvent<PackumentReply>) => settle(slot, event.data)
      worker.onerror = (event: ErrorEvent) => stopSlot(slot, event.message)
      slots.push(slot)
    }
  }

  function pump(): void {
    while (queue.length > 0) {
      let best: Slot | undefined
      for (const slot of slots) {
        if (slot.alive && slot.running.size < JOBS_PER_WORKER && (!best || slot.running.size < best.running.size)) best = slot
      }
      if (!best) return
      const job = queue.shift() as Job
      if (best.running.size === 0) best.worker.ref()
      best.running.set(job.id, job)
      const request: PackumentRequest = { type: 'read', id: job.id, name: job.name, body: job.body, write: job.write }
      best.worker.postMessage(request, transferable(job.body))
    }
  }

  function settle(slot: Slot, reply: PackumentReply): void {
    if ('type' in reply) {
      if (reply.type === 'written') slot.onWritten?.()
      else onWork?.('keeping', here(reply.startedAt), here(reply.endedAt))
      return
    }
    const job = slot.running.get(reply.id)
    if (!job) return
    slot.running.delete(reply.id)
    if (slot.running.size === 0) slot.worker.unref()
    if (reply.ok) {
      onWork?.('reading', here(reply.startedAt), here(reply.endedAt))
      job.resolve(reply.bytes)
    } else {
      job.reject(fromReply(reply.error))
    }
    pump()
  }

  /** Waits until every worker has written what it keeps (or WRITE_WAIT_MS). */
  async function written(): Promise<void> {
    const waits = slots.filter((slot) => slot.alive).map(
      (slot) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, WRITE_WAIT_MS)
          slot.onWritten = () => {
            clearTimeout(timer)
            if (slot.running.size === 0) slot.worker.unref()
            resolve()
          }
          slot.worker.ref()
          const request: PackumentRequest = { type: 'written' }
          slot.worker.postMessage(request)
        }),
    )
    await Promise.all(waits)
  }

  function stopSlot(slot: Slot, reason: string): void {
    if (!slot.alive) return
    slot.alive = false
    slot.worker.terminate()
    slot.onWritten?.()
    const failed = [...slot.running.values(), ...(slots.some((other) => other.alive) ? [] : queue.splice(0))]
    slot.running.clear()
    for (const job of failed) job.reject(new SkiffError('EINTERNAL', `${job.name}: packument worker stopped: ${reason}`, { pkg: job.name }))
    pump()
  }

  return {
    read(body, name, write) {
      if (closed) return Promise.reject(new SkiffError('EABORT', `${name}: metadata not read, the install is over`, { pkg: name }))
      if (slots.length === 0) startSlots()
      if (!slots.some((slot) => slot.alive)) {
        return Promise.reject(new SkiffError('EINTERNAL', `${name}: no packument worker is left`, { pkg: name }))
      }
      return new Promise((resolve, reject) => {
        queue.push({ id: nextId++, name, body, write, resolve, reject })
        pump()
      })
    },
    expect() {
      if (!closed && slots.length === 0) startSlots()
    },
    threadCpu: () => askThreadCpu(slots.filter((slot) => slot.alive).map((slot) => slot.worker)),
    written,
    get workers() {
      return slots.length
    },
    async [Symbol.asyncDispose]() {
      closed = true
      const unfinished = [...queue.splice(0), ...slots.flatMap((slot) => [...slot.running.values()])]
      for (const job of unfinished) job.reject(new SkiffError('EABORT', `${job.name}: metadata not read, the install is over`, { pkg: job.name }))
      // an install cut short ends at once; otherwise what was read is written before the workers stop
      if (unfinished.length === 0) await written()
      for (const slot of slots) {
        slot.alive = false
        slot.running.clear()
        slot.worker.terminate()
      }
    },
  }
}

function fromReply(error: Extract<PackumentReply, { ok: false }>['error']): Error {
  if (error.code === undefined) return new SyntaxError(error.message)
  return new SkiffError(error.code, error.message, { ...(error.pkg === undefined ? {} : { pkg: error.pkg }), hint: error.hint })
}
