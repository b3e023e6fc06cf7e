/**
 * Worker threads that turn the registry's packument bytes into compact text (resolve's
 * packumentText) and keep it in the metadata cache: reading full documents (antd: 2,851 of
 * them, 309 MB) is most of a resolution's CPU, and on the main thread it would stall the
 * resolver walking the tree.
 *
 * The bytes are handed over without a copy when they are a whole buffer. Jobs wait in one FIFO
 * on the main thread, each worker holding at most two, so the order of requests is the order
 * of answers as far as the threads allow. Workers start with the first job and do not keep
 * the process alive while idle. A job whose worker dies fails with EINTERNAL; jobs asked after
 * dispose fail with EABORT.
 */
import { SkiffError, type ErrorCode } from '../error/index.ts'
import type { CacheWrite } from '../registry/index.ts'
import { askThreadCpu, transferable, workerEntryUrl, type CpuTime } from '../scheduler/index.ts'

export interface PackumentPool extends AsyncDisposable {
  /**
   * The compact text of a packument, kept in the metadata cache under `write` (a SyntaxError
   * when the bytes are not JSON, EBADPACKUMENT when no packument; neither is cached)
   */
  text(body: Uint8Array, name: string, write: CacheWrite): Promise<string>
  /** the CPU its worker threads used (ask when no packument is being read); null where it cannot be read */
  threadCpu(): Promise<CpuTime | null>
  readonly workers: number
}

export interface PackumentRequest {
  id: number
  name: string
  body: Uint8Array
  write: CacheWrite
}

export type PackumentReply =
  | { id: number; ok: true; text: string }
  | { id: number; ok: false; error: { code?: ErrorCode; message: string; hint?: string | undefined; pkg?: string } }

interface Job {
  request: PackumentRequest
  resolve: (text: string) => void
  reject: (error: Error) => void
}

interface Slot {
  worker: Worker
  running: Map<number, Job>
  alive: boolean
}

const JOBS_PER_WORKER = 2

export function createPackumentPool(options: { workers: number }): PackumentPool {
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
      best.running.set(job.request.id, job)
      best.worker.postMessage(job.request, transferable(job.request.body))
    }
  }

  function settle(slot: Slot, reply: PackumentReply): void {
    const job = slot.running.get(reply.id)
    if (!job) return
    slot.running.delete(reply.id)
    if (slot.running.size === 0) slot.worker.unref()
    if (reply.ok) job.resolve(reply.text)
    else job.reject(fromReply(reply.error))
    pump()
  }

  function stopSlot(slot: Slot, reason: string): void {
    if (!slot.alive) return
    slot.alive = false
    slot.worker.terminate()
    const failed = [...slot.running.values(), ...(slots.some((other) => other.alive) ? [] : queue.splice(0))]
    slot.running.clear()
    for (const job of failed) job.reject(new SkiffError('EINTERNAL', `${job.request.name}: packument worker stopped: ${reason}`, { pkg: job.request.name }))
    pump()
  }

  return {
    text(body, name, write) {
      if (closed) return Promise.reject(new SkiffError('EABORT', `${name}: metadata not read, the install is over`, { pkg: name }))
      if (slots.length === 0) startSlots()
      if (!slots.some((slot) => slot.alive)) {
        return Promise.reject(new SkiffError('EINTERNAL', `${name}: no packument worker is left`, { pkg: name }))
      }
      return new Promise((resolve, reject) => {
        queue.push({ request: { id: nextId++, name, body, write }, resolve, reject })
        pump()
      })
    },
    threadCpu: () => askThreadCpu(slots.filter((slot) => slot.alive).map((slot) => slot.worker)),
    get workers() {
      return slots.length
    },
    async [Symbol.asyncDispose]() {
      closed = true
      const unfinished = [...queue.splice(0), ...slots.flatMap((slot) => [...slot.running.values()])]
      for (const slot of slots) {
        slot.alive = false
        slot.running.clear()
        slot.worker.terminate()
      }
      for (const job of unfinished) job.reject(new SkiffError('EABORT', `${job.request.name}: metadata not read, the install is over`, { pkg: job.request.name }))
    },
  }
}

function fromReply(error: Extract<PackumentReply, { ok: false }>['error']): Error {
  if (error.code === undefined) return new SyntaxError(error.message)
  return new SkiffError(error.code, error.message, { ...(error.pkg === undefined ? {} : { pkg: error.pkg }), hint: error.hint })
}
