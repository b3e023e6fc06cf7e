import { describe, expect, test } from 'bun:test'
import { createScheduler, type Executors, type Want } from '../../src/scheduler/index.ts'
import type { TargetSpec } from '../../src/scheduler/types.ts'

function target(location: string, key: string, extra: Partial<TargetSpec> = {}): TargetSpec {
  return { location, dir: `/p/${location}`, pkg: `${key}@1.0.0`, key, source: { url: `http://r/${key}` }, optional: false, privateCopy: false, ...extra }
}

function recordingExecutors(fail: Set<string> = new Set()) {
  const log: string[] = []
  const executors: Executors = {
    async fetch(job) {
      log.push(`fetch ${job.key}`)
      await Bun.sleep(1)
      if (fail.has(job.key)) throw new Error(`fetch ${job.key} failed`)
      return new Uint8Array([1, 2, 3])
    },
    async extract(job) {
      log.push(`extract ${job.key}`)
      await Bun.sleep(1)
    },
    async link(t) {
      log.push(`link ${t.location}`)
      await Bun.sleep(1)
    },
  }
  return { log, executors }
}

async function* wants(list: Want[]): AsyncGenerator<Want> {
  for (const want of list) yield want
}

const limits = { fetch: 4, extract: 2, link: 4, buffered: 8 }

describe('scheduler loop', () => {
  test('installs targets fed from an async generator, parents before children, one download per key', async () => {
    const { log, executors } = recordingExecutors()
    await using scheduler = createScheduler({ limits, executors })
    scheduler.feed(
      wants([
        { type: 'need', target: target('node_modules/a/node_modules/b', 'kb', { parent: 'node_modules/a' }), stored: false },
        { type: 'need', target: target('node_modules/a', 'ka'), stored: false },
        { type: 'need', target: target('node_modules/b', 'kb'), stored: false },
      ]),
    )
    scheduler.end()
    const outcome = await scheduler.done
    expect(outcome.ok).toBe(true)
    expect(outcome.linked.sort()).toEqual(['node_modules/a', 'node_modules/a/node_modules/b', 'node_modules/b'])
    expect(log.filter((l) => l.startsWith('fetch')).sort()).toEqual(['fetch ka', 'fetch kb'])
    expect(log.indexOf('link node_modules/a')).toBeLessThan(log.indexOf('link node_modules/a/node_modules/b'))
  })

  test('a failing download settles the waiter of its target with the error and fails the install', async () => {
    const { executors } = recordingExecutors(new Set(['ka']))
    await using scheduler = createScheduler({ limits, executors })
    const settled = scheduler.need(target('node_modules/a', 'ka'), false)
    scheduler.end()
    const result = await settled
    expect(result.ok).toBe(false)
    const outcome = await scheduler.done
    expect(outcome.ok).toBe(false)
    expect(outcome.failures.map((f) => f.pkg)).toEqual(['ka@1.0.0'])
  })

  test('disposing a running scheduler aborts downloads and settles every waiter', async () => {
    let aborted = 0
    const executors: Executors = {
      fetch: (_job, signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            aborted++
            reject(signal.reason)
          })
        }),
      extract: async () => {},
      link: async () => {},
    }
    const settlements: Promise<unknown>[] = []
    {
      await using scheduler = createScheduler({ limits, executors })
      for (let i = 0; i < 10; i++) settlements.push(scheduler.need(target(`node_modules/p${i}`, `k${i}`), false))
      await Bun.sleep(5)
    }
    const results = (await Promise.all(settlements)) as Array<{ ok: boolean }>
    expect(results.every((r) => r.ok === false)).toBe(true)
    expect(aborted).toBe(limits.fetch)
  })

  test('a source that throws shuts the install down instead of hanging', async () => {
    const { executors } = recordingExecutors()
    await using scheduler = createScheduler({ limits, executors })
    scheduler.feed(
      (async function* (): AsyncGenerator<Want> {
        yield { type: 'need', target: target('node_modules/a', 'ka'), stored: true }
        throw new Error('lockfile went away')
      })(),
    )
    scheduler.end()
    const outcome = await scheduler.done
    expect(outcome.ok).toBe(false)
    expect(outcome.failures.map((f) => (f.error as Error).message)).toContain('lockfile went away')
  })
})
