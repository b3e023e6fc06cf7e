/**
 * One timed process: `sync`, a short settle, then the command under `/usr/bin/time -v`.
 * Wall time is taken with the harness's monotonic clock around the whole child (resolution
 * well under a millisecond; GNU time prints only hundredths), user/sys/max RSS from GNU time.
 */
import fs from 'node:fs'
import path from 'node:path'

/** What the kernel accounted to the process tree. */
export interface ResourceUse {
  userS: number
  sysS: number
  maxRssKb: number
  majorFaults: number
  voluntarySwitches: number
  involuntarySwitches: number
}

export interface TimeReport extends ResourceUse {
  exitStatus: number
  wallS: number
}

/** The resource figures of a process that never ran. */
export const UNKNOWN_USE: ResourceUse = {
  userS: NaN,
  sysS: NaN,
  maxRssKb: NaN,
  majorFaults: NaN,
  voluntarySwitches: NaN,
  involuntarySwitches: NaN,
}

/** Parses the report that `/usr/bin/time -v` writes; undefined if it is not one (the command never ran). */
export function parseTimeReport(text: string): TimeReport | undefined {
  const field = (label: string): string | undefined => {
    for (const line of text.split('\n')) {
      const trimmed = line.trim()
      if (trimmed.startsWith(label + ':')) return trimmed.slice(label.length + 1).trim()
    }
    return undefined
  }
  const wall = field('Elapsed (wall clock) time (h:mm:ss or m:ss)')
  const exit = field('Exit status')
  if (wall === undefined || exit === undefined) return undefined
  return {
    exitStatus: Number(exit),
    wallS: parseClock(wall),
    userS: Number(field('User time (seconds)') ?? NaN),
    sysS: Number(field('System time (seconds)') ?? NaN),
    maxRssKb: Number(field('Maximum resident set size (kbytes)') ?? NaN),
    majorFaults: Number(field('Major (requiring I/O) page faults') ?? NaN),
    voluntarySwitches: Number(field('Voluntary context switches') ?? NaN),
    involuntarySwitches: Number(field('Involuntary context switches') ?? NaN),
  }
}

/** "1:02:03.45" or "2:03.45" or "0:00.12" → seconds */
export function parseClock(text: string): number {
  return text.split(':').reduce((total, part) => total * 60 + Number(part), 0)
}

export interface Measurement extends ResourceUse {
  argv: string[]
  cwd: string
  exitCode: number
  /** harness clock around the child, seconds */
  wallS: number
  /** GNU time's own wall figure (hundredths), seconds */
  timeWallS: number
  stdoutTail: string
  stderrTail: string
}

export interface MeasureOptions {
  argv: string[]
  cwd: string
  env: Record<string, string>
  /** where stdout, stderr and the time report go */
  logDir: string
  settleMs: number
}

export function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n')
}

export async function settle(settleMs: number): Promise<void> {
  Bun.spawnSync(['sync'])
  await Bun.sleep(settleMs)
}

export async function measure({ argv, cwd, env, logDir, settleMs }: MeasureOptions): Promise<Measurement> {
  fs.mkdirSync(logDir, { recursive: true })
  const reportFile = path.join(logDir, 'time.txt')
  const stdoutFile = path.join(logDir, 'stdout.txt')
  const stderrFile = path.join(logDir, 'stderr.txt')
  await settle(settleMs)
  const started = performance.now()
  const child = Bun.spawn(['/usr/bin/time', '-v', '-o', reportFile, ...argv], {
    cwd,
    env,
    stdin: 'ignore',
    stdout: Bun.file(stdoutFile),
    stderr: Bun.file(stderrFile),
  })
  const exitCode = await child.exited
  const wallS = (performance.now() - started) / 1000
  const report = parseTimeReport(fs.existsSync(reportFile) ? fs.readFileSync(reportFile, 'utf8') : '')
  const stdout = fs.existsSync(stdoutFile) ? fs.readFileSync(stdoutFile, 'utf8') : ''
  const stderr = fs.existsSync(stderrFile) ? fs.readFileSync(stderrFile, 'utf8') : ''
  const { exitStatus, wallS: timeWallS, ...use } = report ?? { exitStatus: exitCode, wallS: NaN, ...UNKNOWN_USE }
  return {
    ...use,
    argv,
    cwd,
    exitCode: exitStatus,
    wallS,
    timeWallS,
    stdoutTail: tail(stdout, 8),
    stderrTail: tail(stderr, 15),
  }
}
