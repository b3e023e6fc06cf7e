/**
 * A lane: a bounded job queue with its own concurrency. `push` waits while the queue is full,
 * which is the backpressure that keeps a fast producer from piling up work (and memory).
 * A task reports its own result; a task that throws is a bug in the task and is kept as the
 * lane's error so it is never lost.
 */
export type Task = (signal: AbortSignal) => Promise<void>

export interface LaneOptions {
  name: string
  concurrency: number
  /** tasks accepted but not yet started */
  capacity: number
  signal: AbortSignal
}

export interface Lane {
  readonly name: string
  readonly running: number
  readonly queued: number
  push(task: Task): Promise<void>
  /** accepts the task at once when there is room, else returns false (then `push` waits for room) */
  tryPush(task: Task): boolean
  /** resolves once nothing runs or waits */
  idle(): Promise<void>
  /** errors thrown by tasks (tasks are expected to report, not throw) */
  readonly errors: unknown[]
}

export function createLane(options: LaneOptions): Lane {
  const queue: Task[] = []
  const spaceWaiters: Array<() => void> = []
  let idleWaiters: Array<() => void> = []
  let running = 0
  const errors: unknown[] = []

  function hasRoom(): boolean {
    return queue.length < options.capacity || running < options.concurrency
  }

  function start(): void {
    while (running < options.concurrency && queue.length > 0) {
      const task = queue.shift() as Task
      running++
      spaceWaiters.shift()?.()
      void run(task)
    }
    if (running === 0 && queue.length === 0) {
      const waiters = idleWaiters
      idleWaiters = []
      for (const wake of waiters) wake()
    }
  }

  async function run(task: Task): Promise<void> {
    try {
      await task(options.signal)
    } catch (error) {
      errors.push(error)
    } finally {
      running--
      start()
    }
  }

  return {
    name: options.name,
    get running() {
      return running
    },
    get queued() {
      return queue.length
    },
    errors,
    async push(task: Task): Promise<void> {
      while (!hasRoom()) {
        await new Promise<void>((wake) => spaceWaiters.push(wake))
      }
      queue.push(task)
      start()
    },
    tryPush(task: Task): boolean {
      if (!hasRoom()) return false
      queue.push(task)
      start()
      return true
    },
    idle(): Promise<void> {
      if (running === 0 && queue.length === 0) return Promise.resolve()
      return new Promise<void>((wake) => idleWaiters.push(wake))
    },
  }
}
