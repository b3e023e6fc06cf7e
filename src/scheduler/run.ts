/**
 * The scheduler loop: one async loop owns the state machine. Sources (async generators) and
 * lane jobs post events into one inbox; the loop takes them one at a time, calls `step`, and
 * carries out the commands: jobs go to the fetch, extract and link lanes, settlements resolve
 * the promises handed out by `need` / `prefetch`.
 *
 * Use it with `await using`: disposing shuts the install down, waits for running jobs and
 * settles every waiter, whatever path led there.
 */
import { SkiffError } from '../error/index.ts'
import { createInbox } from './inbox.ts'
import { createLane, type Lane, type Task } from './lane.ts'
import { createState, step } from './step.ts'
import type { Command, Event, Key, Limits, LinkReport, Outcome, Settlement, Source, TargetSpec, WaiterId } from './types.ts'

export interface Executors {
  fetch(job: { key: Key; pkg: string; source: Source }, signal: AbortSignal): Promise<Uint8Array>
  extract(job: { key: Key; pkg: string; source: Source; bytes: Uint8Array }, signal: AbortSignal): Promise<void>
  /** resolves `{ damaged }` when the stored copy failed its check: the key is then fetched again */
  link(target: TargetSpec, signal: AbortSignal): Promise<LinkReport | void>
}

/** What a source yields: a target to install or a key to fetch ahead. */
export type Want =
  | { type: 'need'; target: TargetSpec; stored: boolean }
  | { type: 'prefetch'; key: Key; pkg: string; source: Source; stored: boolean }

export interface SchedulerOptions {
  limits: Limits
  executors: Executors
  /** every event the loop handled and every command it issued, for progress output */
  observe?: (event: Event, commands: readonly Command[]) => void
}

export interface Scheduler extends AsyncDisposable {
  /** adds a target; settles when it is linked or cannot be */
  need(target: TargetSpec, stored: boolean): Promise<Settlement>
  /** fetches and stores a key ahead of any target; settles when stored or failed */
  prefetch(want: Omit<Extract<Want, { type: 'prefetch' }>, 'type'>): Promise<Settlement>
  /**
   * reads a source to its end (an array or other iterable at once); the input ends once every
   * fed source has ended and `end` was called
   */
  feed(source: AsyncIterable<Want> | Iterable<Want>): void
  /** no more sources will be fed */
  end(): void
  /** stops admission, aborts running downloads, settles every waiter */
  shutdown(reason: unknown): void
  readonly done: Promise<Outcome>
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { limits, executors } = options
  const state = createState(limits)
  const inbox = createInbox<Event>()
  const abort = new AbortController()
  const lanes: Record<'fetch' | 'extract' | 'link', Lane> = {
    fetch: createLane({ name: 'fetch', concurrency: limits.fetch, capacity: limits.fetch, signal: abort.signal }),
    extract: createLane({ name: 'extract', concurrency: limits.extract, capacity: limits.extract, signal: abort.signal }),
    link: createLane({ name: 'link', concurrency: limits.link, capacity: limits.link, signal: abort.signal }),
  }
  const waiters = new Map<WaiterId, (result: Settlement) => void>()
  let nextWaiter = 1
  let sourcesOpen = 0
  let ended = false
  let inputEndPosted = false

  function postInputEndWhenDone(): void {
    if (ended && sourcesOpen === 0 && !inputEndPosted) {
      inputEndPosted = true
      inbox.post({ type: 'inputEnd' })
    }
  }

  function waiter(): [WaiterId, Promise<Settlement>] {
    const id = nextWaiter++
    return [id, new Promise<Settlement>((resolve) => waiters.set(id, resolve))]
  }

  /** Hands a job to its lane; the state machine never over-fills a lane, so this waits only if a caller did. */
  function admit(lane: Lane, task: Task): Promise<void> | undefined {
    return lane.tryPush(task) ? undefined : lane.push(task)
  }

  function execute(command: Command): Promise<void> | Outcome | undefined {
    switch (command.type) {
      case 'fetch': {
        const { key, pkg, source } = command
        return admit(lanes.fetch, async (signal) => {
          try {
            const bytes = await executors.fetch({ key, pkg, source }, signal)
            inbox.post({ type: 'fetched', key, bytes })
          } catch (error) {
            inbox.post({ type: 'failed', job: { lane: 'fetch', key }, error })
          }
        })
      }
      case 'extract': {
        const { key, pkg, source, bytes } = command
        return admit(lanes.extract, async (signal) => {
          try {
            await executors.extract({ key, pkg, source, bytes }, signal)
            inbox.post({ type: 'extracted', key })
          } catch (error) {
            inbox.post({ type: 'failed', job: { lane: 'extract', key }, error })
          }
        })
      }
      case 'link': {
        const target = command.target
        return admit(lanes.link, async (signal) => {
          try {
            const report = await executors.link(target, signal)
            if (report?.damaged === undefined) inbox.post({ type: 'linked', location: target.location })
            else inbox.post({ type: 'damaged', location: target.location, reason: report.damaged })
          } catch (error) {
            inbox.post({ type: 'failed', job: { lane: 'link', location: target.location }, error })
          }
        })
      }
      case 'settle': {
        const resolve = waiters.get(command.waiter)
        waiters.delete(command.waiter)
        resolve?.(command.result)
        return undefined
      }
      case 'dropped':
        return undefined
      case 'abort':
        abort.abort(command.reason)
        return undefined
      case 'finish':
        return command.outcome
      default:
        return assertNever(command)
    }
  }

  async function loop(): Promise<Outcome> {
    for (;;) {
      const taken = inbox.take()
      const events = Array.isArray(taken) ? taken : await taken
      let outcome: Outcome | undefined
      for (const event of events) {
        let commands: Command[]
        try {
          commands = step(state, event)
        } catch (error) {
          commands = step(state, { type: 'shutdown', reason: error })
        }
        options.observe?.(event, commands)
        for (const command of commands) {
          const result = execute(command)
          if (result instanceof Promise) await result
          else if (result) outcome = result
        }
      }
      if (outcome) {
        await Promise.all(Object.values(lanes).map((lane) => lane.idle()))
        settleAll(new SkiffError('EABORT', 'the install has already ended'))
        const laneErrors = Object.values(lanes).flatMap((lane) => lane.errors)
        if (laneErrors.length === 0) return outcome
        return { ...outcome, ok: false, failures: [...outcome.failures, ...laneErrors.map((error) => ({ pkg: '', locations: [], error }))] }
      }
    }
  }

  function settleAll(error: unknown): void {
    for (const resolve of waiters.values()) resolve({ ok: false, error })
    waiters.clear()
  }

  const done = loop()

  const scheduler: Scheduler = {
    need(target, stored) {
      const [id, settled] = waiter()
      inbox.post({ type: 'need', target, stored, waiter: id })
      return settled
    },
    prefetch(want) {
      const [id, settled] = waiter()
      inbox.post({ type: 'prefetch', ...want, waiter: id })
      return settled
    },
    feed(source) {
      if (Symbol.iterator in source) {
        for (const want of source) inbox.post(want)
        return
      }
      sourcesOpen++
      // Never rejects: a failing source becomes a shutdown event, which the loop reports.
      void (async () => {
        try {
          for await (const want of source) {
            if (state.finished) break
            inbox.post(want)
          }
        } catch (error) {
          inbox.post({ type: 'shutdown', reason: error })
        } finally {
          sourcesOpen--
          postInputEndWhenDone()
        }
      })()
    },
    end() {
      ended = true
      postInputEndWhenDone()
    },
    shutdown(reason) {
      inbox.post({ type: 'shutdown', reason })
    },
    done,
    async [Symbol.asyncDispose]() {
      if (!state.finished) inbox.post({ type: 'shutdown', reason: new SkiffError('EABORT', 'the install was stopped') })
      await done
    },
  }
  return scheduler
}

function assertNever(value: never): never {
  throw new SkiffError('EINTERNAL', `unhandled scheduler command ${JSON.stringify(value)}`)
}
