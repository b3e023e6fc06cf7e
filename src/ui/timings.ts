/**
 * `--timings`: where an install's time and CPU go. Steps are marked as they end (the install's
 * onStep): each gets the wall time and the process CPU (all threads) since the previous mark.
 * The lanes (fetch, extract, link) run at once inside one step, so each also gets its own
 * figures: jobs, the wall time during which at least one of its jobs ran, and — for the lanes
 * that run on worker threads — those threads' CPU, which the pools report at the end.
 */
export interface CpuTime {
  userMs: number
  sysMs: number
}

export interface StepTiming extends CpuTime {
  name: string
  /** from the start of the command */
  startMs: number
  wallMs: number
  /** CPU of the main thread alone (user + sys), where the system tells it */
  mainMs?: number
}

export interface LaneTiming {
  name: string
  jobs: number
  /** wall time during which at least one job of the lane ran */
  busyMs: number
  firstStartMs: number
  lastEndMs: number
}

export interface ThreadTiming extends CpuTime {
  name: string
  threads: number
}

export interface TimingsReport {
  totalMs: number
  cpu: CpuTime
  steps: StepTiming[]
  lanes: LaneTiming[]
  threads: ThreadTiming[]
}

export interface Timings {
  /** the step that ends now */
  step(name: string): void
  /** runs one job of a lane, recording when the lane was busy */
  job<T>(lane: string, run: () => Promise<T>): Promise<T>
  /**
   * a job of a lane that ran elsewhere (a worker thread), from `startMs` to `endMs` on this
   * clock; overlapping spans are counted once
   */
  span(lane: string, startMs: number, endMs: number): void
  /** CPU used by a group of threads (a worker pool), reported once they are done */
  threads(name: string, threads: number, cpu: CpuTime): void
  report(): TimingsReport
}

/**
 * The clock starts with the process (performance.now() counts from it), so the first step,
 * `firstStep`, is the start-up of the runtime and the loading of skiff's code.
 */
export function createTimings(
  firstStep: string,
  now: () => number = () => performance.now(),
  cpu: () => CpuTime = processCpu,
  mainCpu: () => CpuTime | null = () => null,
): Timings {
  const origin = 0
  let lastMark = origin
  let lastCpu: CpuTime = { userMs: 0, sysMs: 0 }
  let lastMain: CpuTime = { userMs: 0, sysMs: 0 }
  const startCpu = lastCpu
  const steps: StepTiming[] = []
  const lanes = new Map<string, LaneState>()
  const threads: ThreadTiming[] = []

  function laneState(name: string): LaneState {
    let state = lanes.get(name)
    if (!state) {
      state = { name, jobs: 0, running: 0, busyMs: 0, busySince: 0, spans: [], firstStartMs: -1, lastEndMs: 0 }
      lanes.set(name, state)
    }
    return state
  }

  const timings: Timings = {
    step(name) {
      const at = now()
      const used = cpu()
      const main = mainCpu()
      const step: StepTiming = { name, startMs: lastMark - origin, wallMs: at - lastMark, ...since(lastCpu, used) }
      if (main) {
        const mainUsed = since(lastMain, main)
        step.mainMs = mainUsed.userMs + mainUsed.sysMs
        lastMain = main
      }
      steps.push(step)
      lastMark = at
      lastCpu = used
    },
    async job(lane, run) {
      const state = laneState(lane)
      const start = now()
      state.jobs++
      if (state.firstStartMs < 0) state.firstStartMs = start - origin
      if (state.running++ === 0) state.busySince = start
      try {
        return await run()
      } finally {
        const end = now()
        if (--state.running === 0) state.busyMs += end - state.busySince
        state.lastEndMs = end - origin
      }
    },
    span(lane, startMs, endMs) {
      const state = laneState(lane)
      state.jobs++
      if (state.firstStartMs < 0 || startMs - origin < state.firstStartMs) state.firstStartMs = startMs - origin
      state.lastEndMs = Math.max(state.lastEndMs, endMs - origin)
      state.spans.push([startMs, endMs])
    },
    threads(name, count, used) {
      threads.push({ name, threads: count, ...used })
    },
    report() {
      return {
        totalMs: now() - origin,
        cpu: since(startCpu, cpu()),
        steps: [...steps],
        lanes: [...lanes.values()].map(({ name, jobs, busyMs, spans, firstStartMs, lastEndMs }) => ({
          name,
          jobs,
          busyMs: busyMs + unionMs(spans),
          firstStartMs: Math.max(0, firstStartMs),
          lastEndMs,
        })),
        threads: [...threads],
      }
    },
  }
  timings.step(firstStep)
  return timings
}

interface LaneState {
  name: string
  jobs: number
  running: number
  busyMs: number
  busySince: number
  /** the jobs reported by span() */
  spans: Array<[number, number]>
  firstStartMs: number
  lastEndMs: number
}

/** The time covered by at least one of the spans. */
function unionMs(spans: ReadonlyArray<[number, number]>): number {
  let total = 0
  let coveredTo = -Infinity
  for (const [start, end] of [...spans].sort((a, b) => a[0] - b[0])) {
    if (end <= coveredTo) continue
    total += end - Math.max(start, coveredTo)
    coveredTo = end
  }
  return total
}

function processCpu(): CpuTime {
  const usage = process.cpuUsage()
  return { userMs: usage.user / 1000, sysMs: usage.system / 1000 }
}

function since(before: CpuTime, after: CpuTime): CpuTime {
  return { userMs: after.userMs - before.userMs, sysMs: after.sysMs - before.sysMs }
}

/** The report as aligned lines for a terminal or a CI log. */
export function timingLines(report: TimingsReport): string[] {
  const ms = (value: number) => `${Math.round(value)}ms`
  const withMain = report.steps.some((step) => step.mainMs !== undefined)
  const rows: string[][] = [['step', 'start', 'wall', 'user', 'sys', ...(withMain ? ['main thread'] : [])]]
  for (const step of report.steps) {
    rows.push([step.name, ms(step.startMs), ms(step.wallMs), ms(step.userMs), ms(step.sysMs), ...(withMain ? [ms(step.mainMs ?? 0)] : [])])
  }
  rows.push(['total', '', ms(report.totalMs), ms(report.cpu.userMs), ms(report.cpu.sysMs)])
  const lines = table(rows).map((line) => `timing ${line}`)
  for (const lane of report.lanes) {
    lines.push(`timing lane ${lane.name}: ${lane.jobs} jobs, busy ${ms(lane.busyMs)} between ${ms(lane.firstStartMs)} and ${ms(lane.lastEndMs)}`)
  }
  for (const group of report.threads) {
    lines.push(`timing threads ${group.name} (${group.threads}): user ${ms(group.userMs)}, sys ${ms(group.sysMs)}`)
  }
  return lines
}

function table(rows: string[][]): string[] {
  const widths: number[] = []
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)))
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ').trimEnd())
}
