import { describe, expect, test } from 'bun:test'
import { createTimings, timingLines } from '../../src/ui/timings.ts'

function fakeClock() {
  const clock = { ms: 0, userMs: 0, sysMs: 0 }
  return {
    clock,
    now: () => clock.ms,
    cpu: () => ({ userMs: clock.userMs, sysMs: clock.sysMs }),
  }
}

describe('timings', () => {
  test('each step gets the wall time and CPU since the previous one, the first since the process started', () => {
    const { clock, now, cpu } = fakeClock()
    clock.ms = 30
    clock.userMs = 20
    const timings = createTimings('start', now, cpu)
    clock.ms = 50
    clock.userMs = 25
    clock.sysMs = 4
    timings.step('read')
    const report = timings.report()
    expect(report.steps).toEqual([
      { name: 'start', startMs: 0, wallMs: 30, userMs: 20, sysMs: 0 },
      { name: 'read', startMs: 30, wallMs: 20, userMs: 5, sysMs: 4 },
    ])
    expect(report.totalMs).toBe(50)
    expect(report.cpu).toEqual({ userMs: 25, sysMs: 4 })
  })

  test('a lane is busy while at least one of its jobs runs, overlapping jobs counted once', async () => {
    const { clock, now, cpu } = fakeClock()
    const timings = createTimings('start', now, cpu)
    const gates: Array<() => void> = []
    const job = () => new Promise<void>((resolve) => gates.push(resolve))
    clock.ms = 10
    const first = timings.job('link', job)
    clock.ms = 15
    const second = timings.job('link', job)
    clock.ms = 20
    gates[0]?.()
    await first
    clock.ms = 40
    gates[1]?.()
    await second
    clock.ms = 100
    const third = timings.job('link', job)
    clock.ms = 105
    gates[2]?.()
    await third
    expect(timings.report().lanes).toEqual([{ name: 'link', jobs: 3, busyMs: 35, firstStartMs: 10, lastEndMs: 105 }])
  })

  test('jobs that ran elsewhere are given as spans: counted, busy time their union, first start and last end', () => {
    const { clock, now, cpu } = fakeClock()
    const timings = createTimings('start', now, cpu)
    timings.span('metadata reading', 30, 40)
    timings.span('metadata reading', 10, 20)
    timings.span('metadata reading', 15, 25)
    timings.span('metadata reading', 35, 38)
    clock.ms = 50
    expect(timings.report().lanes).toEqual([{ name: 'metadata reading', jobs: 4, busyMs: 25, firstStartMs: 10, lastEndMs: 40 }])
  })

  test('a job that fails still ends its busy time, and the failure reaches the caller', async () => {
    const { clock, now, cpu } = fakeClock()
    const timings = createTimings('start', now, cpu)
    clock.ms = 5
    const failing = timings.job('fetch', async () => {
      clock.ms = 9
      throw new Error('E404')
    })
    await expect(failing).rejects.toThrow('E404')
    expect(timings.report().lanes[0]).toMatchObject({ jobs: 1, busyMs: 4 })
  })

  test('the lines show every step, the total, each lane and each thread group', () => {
    const { clock, now, cpu } = fakeClock()
    clock.ms = 12
    const timings = createTimings('start skiff', now, cpu)
    timings.threads('link workers', 3, { userMs: 40, sysMs: 310 })
    const lines = timingLines(timings.report())
    expect(lines[0]).toMatch(/^timing step +start +wall +user +sys$/)
    expect(lines[1]).toMatch(/^timing start skiff +0ms +12ms +0ms +0ms$/)
    expect(lines).toContain('timing threads link workers (3): user 40ms, sys 310ms')
    expect(lines.some((line) => /^timing total +12ms/.test(line))).toBe(true)
  })
})
