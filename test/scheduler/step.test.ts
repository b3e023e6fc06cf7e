import { describe, expect, test } from 'bun:test'
import type { SkiffError } from '../../src/error/index.ts'
import { createState, step, type SchedulerState } from '../../src/scheduler/step.ts'
import type { Command, Event, Limits, TargetSpec } from '../../src/scheduler/types.ts'

const limits: Limits = { fetch: 2, extract: 1, link: 2, buffered: 3 }

function target(location: string, key: string, extra: Partial<TargetSpec> = {}): TargetSpec {
  return {
    location,
    dir: `/p/${location}`,
    pkg: `${key}@1.0.0`,
    key,
    source: { url: `http://r/${key}.tgz` },
    optional: false,
    privateCopy: false,
    ...extra,
  }
}

const need = (t: TargetSpec, stored = false, waiter?: number): Event => ({ type: 'need', target: t, stored, waiter })
const bytes = new Uint8Array(10)

/** Feeds events one by one and returns every command, in order. */
function run(state: SchedulerState, events: Event[]): Command[] {
  return events.flatMap((event) => step(state, event))
}

const ofType = <T extends Command['type']>(commands: Command[], type: T) =>
  commands.filter((c): c is Extract<Command, { type: T }> => c.type === type)

describe('scheduler state machine', () => {
  test('two targets needing the same key share one download and one extraction', () => {
    const state = createState(limits)
    const commands = run(state, [
      need(target('node_modules/a', 'k1')),
      need(target('node_modules/b/node_modules/a', 'k1')),
      { type: 'fetched', key: 'k1', bytes },
      { type: 'extracted', key: 'k1' },
    ])
    expect(ofType(commands, 'fetch').map((c) => c.key)).toEqual(['k1'])
    expect(ofType(commands, 'extract').map((c) => c.key)).toEqual(['k1'])
    expect(ofType(commands, 'link').map((c) => c.target.location)).toEqual(['node_modules/a', 'node_modules/b/node_modules/a'])
  })

  test('a second request for the same target joins the first and both waiters are settled', () => {
    const state = createState(limits)
    const t = target('node_modules/a', 'k1')
    const commands = run(state, [
      need(t, true, 1),
      need(t, true, 2),
      { type: 'linked', location: 'node_modules/a' },
      { type: 'inputEnd' },
    ])
    expect(ofType(commands, 'link')).toHaveLength(1)
    expect(ofType(commands, 'settle').map((c) => [c.waiter, c.result.ok])).toEqual([
      [1, true],
      [2, true],
    ])
    expect(ofType(commands, 'finish')[0]?.outcome.ok).toBe(true)
  })

  test('a stored key links without any download', () => {
    const state = createState(limits)
    const commands = run(state, [need(target('node_modules/a', 'k1'), true)])
    expect(ofType(commands, 'fetch')).toHaveLength(0)
    expect(ofType(commands, 'link')).toHaveLength(1)
  })

  test('a nested target is linked only after its parent folder is linked', () => {
    const state = createState(limits)
    const child = target('node_modules/a/node_modules/b', 'kb', { parent: 'node_modules/a' })
    const parent = target('node_modules/a', 'ka')
    const first = run(state, [need(child, true), need(parent, true)])
    expect(ofType(first, 'link').map((c) => c.target.location)).toEqual(['node_modules/a'])
    const second = run(state, [{ type: 'linked', location: 'node_modules/a' }])
    expect(ofType(second, 'link').map((c) => c.target.location)).toEqual(['node_modules/a/node_modules/b'])
  })

  test('the install finishes only after input ended and nothing is in flight', () => {
    const state = createState(limits)
    const early = run(state, [need(target('node_modules/a', 'k1'), true), { type: 'linked', location: 'node_modules/a' }])
    expect(ofType(early, 'finish')).toHaveLength(0)
    const late = run(state, [{ type: 'inputEnd' }])
    const outcome = ofType(late, 'finish')[0]?.outcome
    expect(outcome?.ok).toBe(true)
    expect(outcome?.linked).toEqual(['node_modules/a'])
  })

  test('a failed download fails every target waiting on it and the children of those targets', () => {
    const state = createState(limits)
    const error = new Error('boom')
    const commands = run(state, [
      need(target('node_modules/a', 'ka'), false, 1),
      need(target('node_modules/x/node_modules/a', 'ka', { parent: 'node_modules/x' }), false, 2),
      need(target('node_modules/x', 'kx'), true, 3),
      need(target('node_modules/a/node_modules/c', 'kc', { parent: 'node_modules/a' }), true, 4),
      { type: 'failed', job: { lane: 'fetch', key: 'ka' }, error },
    ])
    // x was ready and started linking before the failure; it is allowed to end
    expect(ofType(commands, 'abort')).toHaveLength(1)
    const settled = new Map(ofType(commands, 'settle').map((c) => [c.waiter, c.result]))
    expect(settled.get(1)).toEqual({ ok: false, error })
    expect(settled.get(4)?.ok).toBe(false)
    const finish = run(state, [{ type: 'linked', location: 'node_modules/x' }])
    const outcome = ofType(finish, 'finish')[0]?.outcome
    expect(outcome?.ok).toBe(false)
    expect(outcome?.failures).toHaveLength(1)
    expect(outcome?.failures[0]?.pkg).toBe('ka@1.0.0')
    expect(outcome?.failures[0]?.locations.sort()).toEqual([
      'node_modules/a',
      'node_modules/a/node_modules/c',
      'node_modules/x/node_modules/a',
    ])
    const all = new Map(ofType([...commands, ...finish], 'settle').map((c) => [c.waiter, c.result.ok]))
    expect([...all.entries()].sort()).toEqual([
      [1, false],
      [2, false],
      [3, true],
      [4, false],
    ])
  })

  test('after a failure nothing new is admitted and every waiter is settled at the finish', () => {
    const state = createState({ fetch: 1, extract: 1, link: 1, buffered: 2 })
    const commands = run(state, [
      need(target('node_modules/a', 'ka'), false, 1),
      need(target('node_modules/b', 'kb'), false, 2),
      { type: 'failed', job: { lane: 'fetch', key: 'ka' }, error: new Error('x') },
      { type: 'inputEnd' },
    ])
    expect(ofType(commands, 'fetch').map((c) => c.key)).toEqual(['ka'])
    expect(ofType(commands, 'settle').map((c) => [c.waiter, c.result.ok])).toEqual([
      [1, false],
      [2, false],
    ])
    expect(ofType(commands, 'finish')[0]?.outcome.ok).toBe(false)
  })

  test('an optional package that fails is dropped with a warning, with its subtree, and the install succeeds', () => {
    const state = createState(limits)
    const error = new Error('no binary')
    const commands = run(state, [
      need(target('node_modules/opt', 'ko', { optional: true })),
      need(target('node_modules/opt/node_modules/dep', 'kd', { parent: 'node_modules/opt', optional: true }), true),
      need(target('node_modules/req', 'kr'), true),
      { type: 'failed', job: { lane: 'fetch', key: 'ko' }, error },
      { type: 'linked', location: 'node_modules/req' },
      { type: 'inputEnd' },
    ])
    expect(ofType(commands, 'dropped').map((c) => c.target.location)).toEqual(['node_modules/opt'])
    expect(ofType(commands, 'abort')).toHaveLength(0)
    const outcome = ofType(commands, 'finish')[0]?.outcome
    expect(outcome?.ok).toBe(true)
    expect(outcome?.dropped.map((t) => t.location)).toEqual(['node_modules/opt', 'node_modules/opt/node_modules/dep'])
    expect(outcome?.linked).toEqual(['node_modules/req'])
  })

  test('every failure is reported, not only the first', () => {
    const state = createState({ fetch: 2, extract: 1, link: 1, buffered: 4 })
    const commands = run(state, [
      need(target('node_modules/a', 'ka')),
      need(target('node_modules/b', 'kb')),
      { type: 'inputEnd' },
      { type: 'failed', job: { lane: 'fetch', key: 'ka' }, error: new Error('a') },
      { type: 'failed', job: { lane: 'fetch', key: 'kb' }, error: new Error('b') },
    ])
    const outcome = ofType(commands, 'finish')[0]?.outcome
    expect(outcome?.failures.map((f) => f.pkg)).toEqual(['ka@1.0.0', 'kb@1.0.0'])
  })

  test('shutdown mid-flight aborts, admits nothing more and finishes when running jobs end', () => {
    const state = createState(limits)
    const first = run(state, [
      need(target('node_modules/a', 'ka'), false, 1),
      need(target('node_modules/b', 'kb'), false, 2),
      need(target('node_modules/c', 'kc'), false, 3),
      { type: 'shutdown', reason: new Error('SIGINT') },
    ])
    expect(ofType(first, 'fetch').map((c) => c.key)).toEqual(['ka', 'kb'])
    expect(ofType(first, 'abort')).toHaveLength(1)
    expect(ofType(first, 'finish')).toHaveLength(0)
    const rest = run(state, [
      { type: 'fetched', key: 'ka', bytes },
      { type: 'failed', job: { lane: 'fetch', key: 'kb' }, error: new Error('aborted') },
    ])
    expect(ofType(rest, 'extract')).toHaveLength(0)
    const outcome = ofType(rest, 'finish')[0]?.outcome
    expect(outcome?.ok).toBe(false)
    const settled = ofType([...first, ...rest], 'settle').map((c) => c.waiter).sort()
    expect(settled).toEqual([1, 2, 3])
  })

  test('downloads stop while extraction lags: tarballs held in memory stay bounded', () => {
    const bounded: Limits = { fetch: 4, extract: 1, link: 4, buffered: 5 }
    const state = createState(bounded)
    const events: Event[] = []
    for (let i = 0; i < 50; i++) events.push(need(target(`node_modules/p${i}`, `k${i}`)))
    let commands = run(state, events)
    let fetches = ofType(commands, 'fetch').length
    expect(fetches).toBe(4)
    // every download completes at once, but extraction never does
    for (let round = 0; round < 10; round++) {
      const inFlight = ofType(commands, 'fetch').map((c) => c.key)
      commands = run(state, inFlight.map((key): Event => ({ type: 'fetched', key, bytes })))
      fetches += ofType(commands, 'fetch').length
    }
    const held = state.inFlight.fetch + state.extractQueue.length + state.inFlight.extract
    expect(held).toBeLessThanOrEqual(bounded.buffered)
    expect(fetches).toBe(bounded.buffered)
    // once extraction moves, downloads resume
    const resumed = run(state, [{ type: 'extracted', key: 'k0' }])
    expect(ofType(resumed, 'extract')).toHaveLength(1)
    expect(ofType(resumed, 'fetch').length).toBeGreaterThan(0)
  })

  test('links are admitted in the order targets became ready, within the link limit', () => {
    const state = createState({ fetch: 1, extract: 1, link: 1, buffered: 2 })
    const commands = run(state, [
      need(target('node_modules/a', 'ka'), true),
      need(target('node_modules/b', 'kb'), true),
      need(target('node_modules/c', 'kc'), true),
    ])
    expect(ofType(commands, 'link').map((c) => c.target.location)).toEqual(['node_modules/a'])
    const next = run(state, [{ type: 'linked', location: 'node_modules/a' }])
    expect(ofType(next, 'link').map((c) => c.target.location)).toEqual(['node_modules/b'])
  })

  test('a target whose parent never arrives fails with a planning error instead of hanging', () => {
    const state = createState(limits)
    const commands = run(state, [
      need(target('node_modules/a/node_modules/b', 'kb', { parent: 'node_modules/a' }), true, 1),
      { type: 'inputEnd' },
    ])
    const outcome = ofType(commands, 'finish')[0]?.outcome
    expect(outcome?.ok).toBe(false)
    expect(ofType(commands, 'settle')).toEqual([expect.objectContaining({ waiter: 1, result: expect.objectContaining({ ok: false }) })])
  })

  test('prefetch stores a key ahead of any target and a later need links without fetching again', () => {
    const state = createState(limits)
    const first = run(state, [
      { type: 'prefetch', key: 'ka', pkg: 'a@1.0.0', source: { url: 'http://r/a.tgz' }, stored: false, waiter: 7 },
      { type: 'fetched', key: 'ka', bytes },
      { type: 'extracted', key: 'ka' },
    ])
    expect(ofType(first, 'settle')).toEqual([{ type: 'settle', waiter: 7, result: { ok: true } }])
    const second = run(state, [need(target('node_modules/a', 'ka'))])
    expect(ofType(second, 'fetch')).toHaveLength(0)
    expect(ofType(second, 'link')).toHaveLength(1)
  })

  test('targets asked for after their prefetched package failed make one failure, with the folders nested in them', () => {
    const state = createState(limits)
    const failure = new Error('404 for http://r/kb.tgz')
    run(state, [
      { type: 'prefetch', key: 'kb', pkg: 'kb@1.0.0', source: { url: 'http://r/kb.tgz' }, stored: false },
      { type: 'prefetch', key: 'kz', pkg: 'kz@1.0.0', source: { url: 'http://r/kz.tgz' }, stored: false },
      { type: 'failed', job: { lane: 'fetch', key: 'kb' }, error: failure },
    ])
    // the install stops at the first target that fails, and finishes once kz's download is back
    const commands = run(state, [
      need(target('node_modules/b', 'kb')),
      need(target('node_modules/c/node_modules/b', 'kb')),
      need(target('node_modules/b/node_modules/a', 'ka', { parent: 'node_modules/b' })),
      need(target('node_modules/opt', 'kb', { optional: true })),
      { type: 'inputEnd' },
    ])
    expect(ofType(commands, 'finish')).toEqual([])
    commands.push(...run(state, [{ type: 'fetched', key: 'kz', bytes }]))
    const outcome = ofType(commands, 'finish')[0]?.outcome
    expect(outcome?.ok).toBe(false)
    expect(outcome?.failures).toEqual([
      { pkg: 'kb@1.0.0', locations: ['node_modules/b', 'node_modules/c/node_modules/b', 'node_modules/b/node_modules/a'], error: failure },
    ])
    expect(ofType(commands, 'dropped').map((c) => c.target.location)).toEqual(['node_modules/opt'])
  })

  test('a waiter arriving after the finish is settled at once', () => {
    const state = createState(limits)
    run(state, [{ type: 'inputEnd' }])
    const late = run(state, [need(target('node_modules/a', 'ka'), true, 9)])
    expect(ofType(late, 'settle').map((c) => [c.waiter, c.result.ok])).toEqual([[9, false]])
  })
})

describe('scheduler state machine: a damaged store entry', () => {
  const damaged = (location: string, reason = 'index.js is missing'): Event => ({ type: 'damaged', location, reason })
  const linksOf = (commands: Command[]) => ofType(commands, 'link').map((c) => c.target.location)

  test('a link that finds the stored copy damaged fetches the key again and links the target from the fresh copy', () => {
    const state = createState(limits)
    const first = run(state, [need(target('node_modules/a', 'k1'), true, 1)])
    expect(linksOf(first)).toEqual(['node_modules/a'])
    const second = run(state, [damaged('node_modules/a')])
    expect(ofType(second, 'fetch').map((c) => c.key)).toEqual(['k1'])
    expect(ofType(second, 'settle')).toEqual([])
    const third = run(state, [{ type: 'fetched', key: 'k1', bytes }, { type: 'extracted', key: 'k1' }])
    expect(linksOf(third)).toEqual(['node_modules/a'])
    const last = run(state, [{ type: 'linked', location: 'node_modules/a' }, { type: 'inputEnd' }])
    expect(ofType(last, 'settle')).toEqual([{ type: 'settle', waiter: 1, result: { ok: true } }])
    const outcome = ofType(last, 'finish')[0]?.outcome
    expect(outcome?.ok).toBe(true)
    expect(outcome?.fetchedKeys).toBe(1)
  })

  test('every target of a damaged key waits for one fresh download', () => {
    const state = createState(limits)
    const first = run(state, [need(target('node_modules/a', 'k1'), true), need(target('node_modules/b', 'k1'), true)])
    expect(linksOf(first)).toEqual(['node_modules/a', 'node_modules/b'])
    const second = run(state, [damaged('node_modules/a'), damaged('node_modules/b')])
    expect(ofType(second, 'fetch')).toHaveLength(1)
    expect(linksOf(second)).toEqual([])
    const third = run(state, [{ type: 'fetched', key: 'k1', bytes }, { type: 'extracted', key: 'k1' }])
    expect(linksOf(third)).toEqual(['node_modules/a', 'node_modules/b'])
  })

  test('a report about an entry stored again since the link began retries the link, without another download', () => {
    const state = createState(limits)
    run(state, [need(target('node_modules/a', 'k1'), true), need(target('node_modules/b', 'k1'), true)])
    const repaired = run(state, [damaged('node_modules/a'), { type: 'fetched', key: 'k1', bytes }, { type: 'extracted', key: 'k1' }])
    expect(linksOf(repaired)).toEqual(['node_modules/a'])
    // b's link ran against the old entry while it was being replaced
    const late = run(state, [damaged('node_modules/b', 'lib/x.js is missing')])
    expect(ofType(late, 'fetch')).toEqual([])
    expect(linksOf(late)).toEqual(['node_modules/b'])
  })

  test('a fresh copy found damaged again fails its target with ESTORE naming the package and the reason', () => {
    const state = createState(limits)
    const commands = run(state, [
      need(target('node_modules/a', 'k1'), true, 1),
      damaged('node_modules/a'),
      { type: 'fetched', key: 'k1', bytes },
      { type: 'extracted', key: 'k1' },
      damaged('node_modules/a', 'index.js was modified after it was stored'),
      { type: 'inputEnd' },
    ])
    expect(ofType(commands, 'fetch')).toHaveLength(1)
    const outcome = ofType(commands, 'finish')[0]?.outcome
    expect(outcome?.ok).toBe(false)
    const error = outcome?.failures[0]?.error as SkiffError
    expect(error.code).toBe('ESTORE')
    expect(error.message).toBe('k1@1.0.0: the cached copy is damaged again after a fresh download (index.js was modified after it was stored)')
    expect(ofType(commands, 'settle')).toEqual([{ type: 'settle', waiter: 1, result: { ok: false, error } }])
  })

  test('an optional target whose fresh copy is damaged again is dropped and the install goes on', () => {
    const state = createState(limits)
    const commands = run(state, [
      need(target('node_modules/a', 'k1', { optional: true }), true),
      damaged('node_modules/a'),
      { type: 'fetched', key: 'k1', bytes },
      { type: 'extracted', key: 'k1' },
      damaged('node_modules/a'),
      { type: 'inputEnd' },
    ])
    expect(ofType(commands, 'dropped').map((c) => c.target.location)).toEqual(['node_modules/a'])
    expect(ofType(commands, 'finish')[0]?.outcome.ok).toBe(true)
  })

  test('when the fresh download fails, a target linked before keeps its folder and the damaged one fails', () => {
    const state = createState(limits)
    const error = new Error('offline')
    const commands = run(state, [
      need(target('node_modules/a', 'k1'), true),
      need(target('node_modules/b', 'k1'), true),
      { type: 'linked', location: 'node_modules/a' },
      damaged('node_modules/b'),
      { type: 'failed', job: { lane: 'fetch', key: 'k1' }, error },
      { type: 'inputEnd' },
    ])
    const outcome = ofType(commands, 'finish')[0]?.outcome
    expect(outcome?.linked).toEqual(['node_modules/a'])
    expect(outcome?.failures).toEqual([{ pkg: 'k1@1.0.0', locations: ['node_modules/b'], error }])
  })

  test('a target still linking when the fresh download fails is failed by its own report', () => {
    const state = createState(limits)
    const error = new Error('offline')
    const commands = run(state, [
      need(target('node_modules/a', 'k1'), true),
      need(target('node_modules/b', 'k1'), true),
      damaged('node_modules/a'),
      { type: 'failed', job: { lane: 'fetch', key: 'k1' }, error },
      damaged('node_modules/b'),
      { type: 'inputEnd' },
    ])
    const outcome = ofType(commands, 'finish')[0]?.outcome
    expect(outcome?.ok).toBe(false)
    expect(outcome?.failures.flatMap((failure) => failure.locations).sort()).toEqual(['node_modules/a', 'node_modules/b'])
  })
})
