/**
 * One bench session: prepare every tool's project (untimed), warm the caches the warm phases
 * need (untimed), then interleaved rounds. In each round every phase runs every tool once; the
 * tool order is rotated by one each round and reversed every other round, so drift in the
 * machine's state hits all tools alike. Each timed run gets a fresh project folder and, for a
 * cold phase, a fresh cache folder; both are renamed into the trash afterwards.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { measure, UNKNOWN_USE } from './measure.ts'
import { compareSets, lockedVersions, packageLockVersions } from './locked-versions.ts'
import { checkOutcome } from './outcome.ts'
import { buildCommand, LOCKFILE_NAME, type Action, type Phase, type PhaseCommand } from './phases.ts'
import { copyProject, moveToTrash, prepareProject, toolKey, type BenchDirs, type Fixture } from './projects.ts'
import type { RunRecord } from './summarize.ts'
import type { ToolCommand } from './tools.ts'

export interface SessionOptions {
  dirs: BenchDirs
  fixtures: Fixture[]
  phases: Phase[]
  tools: ToolCommand[]
  rounds: number
  settleMs: number
  baseEnv: Record<string, string>
  log: (line: string) => void
  /** receives each run as soon as it is measured */
  onRun: (run: RunRecord) => void
  /** receives facts about the setup that belong next to the results */
  onNote: (note: string) => void
  /** called before each timed run (the trash is emptied there when the disk runs low) */
  beforeRun?: () => Promise<void>
}

/** The figures of a run that did not start. */
const NOT_RUN = { ...UNKNOWN_USE, exitCode: -1, wallS: NaN, timeWallS: NaN, stdoutTail: '' }

export function roundOrder<T>(items: readonly T[], round: number): T[] {
  const shift = (round - 1) % Math.max(items.length, 1)
  const rotated = [...items.slice(shift), ...items.slice(0, shift)]
  return round % 2 === 0 ? rotated.reverse() : rotated
}

export interface Attempt {
  ok: boolean
  failure?: string
  measured: Awaited<ReturnType<typeof measure>>
}

interface AttemptOptions {
  tool: ToolCommand
  fixture: Fixture
  prepared: string
  action: Action
  withLockfile: boolean
  cacheDir: string
  runDir: string
  settleMs: number
  baseEnv: Record<string, string>
  /** another registry than REGISTRY (the recording proxy of count-requests.ts) */
  registry?: string
}

export async function attempt(options: AttemptOptions): Promise<Attempt> {
  const { tool, fixture, prepared, action, withLockfile, cacheDir, runDir } = options
  const lockfileName = LOCKFILE_NAME[tool.tool]
  const projectDir = path.join(runDir, 'project')
  copyProject(prepared, projectDir, lockfileName, withLockfile)
  if (action === 'stale') {
    // the project is installed first, untimed, from its lockfile and the same cache
    const setup = await installLocked(options, projectDir, path.join(runDir, 'setup-log'))
    if (setup !== undefined) return setup
  }
  const command = buildCommand({ tool: tool.tool, action, cacheDir, legacyPeerDeps: fixture.legacyPeerDeps, ...registryOf(options) })
  const measured = await measure({
    argv: commandArgv(tool, command),
    cwd: projectDir,
    env: { ...options.baseEnv, ...command.env },
    logDir: path.join(runDir, 'log'),
    settleMs: options.settleMs,
  })
  if (measured.exitCode !== 0) return { ok: false, failure: `exit ${measured.exitCode}`, measured }
  const missing = checkOutcome(action, projectDir, lockfileName)
  return missing === undefined ? { ok: true, measured } : { ok: false, failure: missing, measured }
}

/** The install from the lockfile a stale run starts from: undefined when it worked, else the failed attempt. */
async function installLocked(options: AttemptOptions, projectDir: string, logDir: string): Promise<Attempt | undefined> {
  const { tool, fixture, cacheDir } = options
  const command = buildCommand({ tool: tool.tool, action: 'install-locked', cacheDir, legacyPeerDeps: fixture.legacyPeerDeps, ...registryOf(options) })
  const measured = await measure({ argv: commandArgv(tool, command), cwd: projectDir, env: { ...options.baseEnv, ...command.env }, logDir, settleMs: 0 })
  if (measured.exitCode === 0) return undefined
  return { ok: false, failure: `the install before the stale run failed (exit ${measured.exitCode})`, measured }
}

function registryOf(options: AttemptOptions): { registry?: string } {
  return options.registry === undefined ? {} : { registry: options.registry }
}

/** The argv of a phase command; the stale phase's two commands run in one shell, timed together. */
export function commandArgv(tool: ToolCommand, command: PhaseCommand): string[] {
  const first = [...tool.argv, ...command.args]
  if (command.thenArgs === undefined) return first
  const then = [...tool.argv, ...command.thenArgs]
  return ['sh', '-c', `${first.map(shellQuote).join(' ')} && ${then.map(shellQuote).join(' ')}`]
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`
}

/** The warm cache slot of a tool for a fixture, filled once by an untimed install. */
async function ensureWarmCache(options: SessionOptions, tool: ToolCommand, fixture: Fixture, prepared: string): Promise<string | undefined> {
  const slot = path.join(options.dirs.caches, toolKey(tool), fixture.name, 'warm')
  const marker = path.join(slot, '.bench-warm')
  if (fs.existsSync(marker)) return undefined
  options.log(`warming the cache of ${tool.tool} for ${fixture.name} (untimed)`)
  moveToTrash(options.dirs, slot)
  fs.mkdirSync(slot, { recursive: true })
  const runDir = path.join(options.dirs.runs, `warm-${toolKey(tool)}-${fixture.name}-${Date.now()}`)
  const result = await attempt({ ...options, tool, fixture, prepared, action: 'install-locked', withLockfile: true, cacheDir: slot, runDir })
  moveToTrash(options.dirs, runDir)
  if (!result.ok) return `warm-up install failed (${result.failure}): ${result.measured.stderrTail}`
  fs.writeFileSync(marker, new Date().toISOString())
  return undefined
}

/** How the versions a peer's own lockfile pins compare with the fixture's package-lock.json. */
function describeLockfileMatch(fixture: Fixture, tool: ToolCommand, prepared: string): string | undefined {
  const lockfileName = LOCKFILE_NAME[tool.tool]
  if (lockfileName === 'package-lock.json') return undefined
  const wanted = packageLockVersions(fs.readFileSync(path.join(fixture.dir, 'package-lock.json'), 'utf8'))
  const got = lockedVersions(lockfileName, fs.readFileSync(path.join(prepared, lockfileName), 'utf8'))
  const { same, onlyLeft, onlyRight } = compareSets(wanted, got)
  const sample = (items: string[]): string => items.slice(0, 5).join(', ') + (items.length > 5 ? ', ...' : '')
  let note = `${fixture.name}: ${tool.tool}'s ${lockfileName} pins ${same} of the ${wanted.size} name@version in package-lock.json`
  if (onlyLeft.length > 0) note += `; missing ${onlyLeft.length} (${sample(onlyLeft)})`
  if (onlyRight.length > 0) note += `; adds ${onlyRight.length} (${sample(onlyRight)})`
  return note
}

/** A failed run's stdout, stderr and time report stay in .work/failed/ for reading. */
function keepLog(dirs: BenchDirs, runDir: string): void {
  const target = path.join(dirs.root, 'failed', path.basename(path.dirname(runDir)) + '-' + path.basename(runDir))
  fs.mkdirSync(path.dirname(target), { recursive: true })
  fs.cpSync(path.join(runDir, 'log'), target, { recursive: true })
}

interface TimedRun {
  fixture: Fixture
  phase: Phase
  tool: ToolCommand
  round: number
  slot: number
  prepared: string
  sessionDir: string
  /** why the tool has no warm cache, if it has none */
  warmFailure: string | undefined
}

async function runTimed(options: SessionOptions, run: TimedRun): Promise<RunRecord> {
  const { dirs } = options
  const { fixture, phase, tool } = run
  const base = { fixture: fixture.name, phase: phase.id, tool: tool.tool, round: run.round, slot: run.slot, startedAt: new Date().toISOString() }
  if (phase.cache === 'warm' && run.warmFailure !== undefined) {
    return { ...base, ...NOT_RUN, ok: false, failure: 'no warm cache', stderrTail: run.warmFailure }
  }
  const runDir = path.join(run.sessionDir, `${fixture.name}-${phase.short}-r${run.round}-${tool.tool}`)
  const cacheDir = phase.cache === 'warm' ? path.join(dirs.caches, toolKey(tool), fixture.name, 'warm') : path.join(runDir, 'cache')
  const result = await attempt({
    ...options,
    tool,
    fixture,
    prepared: run.prepared,
    action: phase.action,
    withLockfile: phase.withLockfile,
    cacheDir,
    runDir,
  })
  if (!result.ok) keepLog(dirs, runDir)
  moveToTrash(dirs, runDir)
  const { argv: _argv, cwd: _cwd, ...measured } = result.measured
  return {
    ...base,
    ...measured,
    ok: result.ok,
    failure: result.failure,
    stderrTail: result.ok ? '' : measured.stderrTail,
    stdoutTail: result.ok ? '' : measured.stdoutTail,
    load1: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  }
}

function describeRun(run: RunRecord): string {
  const figures = run.ok
    ? `${run.wallS.toFixed(3)} s wall, ${run.userS.toFixed(2)} user, ${run.sysS.toFixed(2)} sys, ${Math.round(run.maxRssKb / 1024)} MB`
    : `FAILED: ${run.failure}`
  return `${run.fixture} ${run.phase.slice(0, 2)} round ${run.round} ${run.tool.padEnd(5)} ${figures}`
}

export async function runSession(options: SessionOptions): Promise<void> {
  const { dirs, fixtures, phases, tools, rounds, log } = options
  const sessionDir = path.join(dirs.runs, new Date().toISOString().replace(/[:.]/g, '-'))
  for (const fixture of fixtures) {
    const prepared = new Map(tools.map((tool) => [tool.tool, prepareProject({ dirs, fixture, tool, baseEnv: options.baseEnv, log })]))
    for (const tool of tools) {
      const note = describeLockfileMatch(fixture, tool, prepared.get(tool.tool) ?? '')
      if (note !== undefined) options.onNote(note)
    }
    const warmFailures = new Map<string, string>()
    if (phases.some((phase) => phase.cache === 'warm')) {
      for (const tool of tools) {
        const failure = await ensureWarmCache(options, tool, fixture, prepared.get(tool.tool) ?? '')
        if (failure !== undefined) warmFailures.set(tool.tool, failure)
      }
    }
    for (let round = 1; round <= rounds; round++) {
      for (const phase of phases) {
        for (const [slot, tool] of roundOrder(tools, round).entries()) {
          const warmFailure = warmFailures.get(tool.tool)
          await options.beforeRun?.()
          const record = await runTimed(options, { fixture, phase, tool, round, slot, prepared: prepared.get(tool.tool) ?? '', sessionDir, warmFailure })
          options.onRun(record)
          log(describeRun(record))
        }
      }
    }
  }
  moveToTrash(dirs, sessionDir)
}
