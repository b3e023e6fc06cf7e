import { describe, expect, test } from 'bun:test'
import { createLane } from '../../src/scheduler/lane.ts'

function gate() {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { open, opened }
}

describe('lane', () => {
  test('runs at most `concurrency` tasks at once', async () => {
    const lane = createLane({ name: 't', concurrency: 2, capacity: 10, signal: new AbortController().signal })
    let running = 0
    let peak = 0
    const gates = Array.from({ length: 5 }, gate)
    for (const g of gates) {
      await lane.push(async () => {
        running++
        peak = Math.max(peak, running)
        await g.opened
        running--
      })
    }
    expect(lane.running).toBe(2)
    expect(lane.queued).toBe(3)
    for (const g of gates) g.open()
    await lane.idle()
    expect(peak).toBe(2)
    expect(lane.running).toBe(0)
  })

  test('push waits while the queue is full: backpressure on the producer', async () => {
    const lane = createLane({ name: 't', concurrency: 1, capacity: 1, signal: new AbortController().signal })
    const g = gate()
    await lane.push(() => g.opened)
    await lane.push(async () => {})
    let third = false
    const pushed = lane.push(async () => {}).then(() => (third = true))
    await Bun.sleep(5)
    expect(third).toBe(false)
    g.open()
    await pushed
    expect(third).toBe(true)
    await lane.idle()
  })

  test('a task that throws is kept as an error and the lane goes on', async () => {
    const lane = createLane({ name: 't', concurrency: 1, capacity: 4, signal: new AbortController().signal })
    let ran = false
    await lane.push(async () => {
      throw new Error('bug')
    })
    await lane.push(async () => {
      ran = true
    })
    await lane.idle()
    expect(ran).toBe(true)
    expect(lane.errors.map((e) => (e as Error).message)).toEqual(['bug'])
  })

  test('tasks receive the lane signal, so an abort reaches running work', async () => {
    const controller = new AbortController()
    const lane = createLane({ name: 't', concurrency: 1, capacity: 1, signal: controller.signal })
    let reason: unknown
    await lane.push(
      (signal) =>
        new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            reason = signal.reason
            resolve()
          })
        }),
    )
    controller.abort('stop')
    await lane.idle()
    expect(reason).toBe('stop')
  })
})
