/**
 * Runs a command that changes node_modules: reads the config from flags, env and .npmrc files,
 * builds the reporter and the install context, runs the command's job, and prints its summary
 * or its error. Every resource is disposed on every path, Ctrl-C included.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { ArgsDef } from 'citty'
import { isSkiffSetting, loadConfig, NPM_FLAGS, type Config } from '../config/index.ts'
import { findEnvironmentFault, SkiffError } from '../error/index.ts'
import { acquireProjectLock } from '../install/project-lock.ts'
import { holdStore } from '../store/index.ts'
import type { ReifyResult } from '../install/reify.ts'
import type { WorkspaceChoice } from '../install/workspace-scope.ts'
import { nameFromLocation, removeWriteLeftovers, type LockEntry } from '../lockfile/index.ts'
import type { Failure } from '../scheduler/index.ts'
import { installLifecycleFor, unreviewedLines, type InstallLifecycle } from '../scripts/index.ts'
import { canDrawLive, shouldColor } from '../ui/color.ts'
import { createReporter, emptySummary, type LogLevel, type PackageChange, type Reporter, type Summary } from '../ui/reporter.ts'
import { createTimings } from '../ui/timings.ts'
import { threadCpu } from '../scheduler/index.ts'
import { restartWithAllocatorSettings, takeFirstStartLead, wantsAllocatorRestart } from './allocator-restart.ts'
import { createInstallContext, type InstallContext, type InstallTuning } from './install-context.ts'
import { formatError } from './print-error.ts'
import { version } from './version.ts'

export const installArgs = {
  omit: { type: 'string', description: 'leave out dev, optional or peer dependencies (repeatable)', valueHint: 'dev|optional|peer' },
  include: { type: 'string', description: 'keep dependency types that NODE_ENV=production or --omit would leave out', valueHint: 'prod|dev|optional|peer' },
  'ignore-scripts': { type: 'boolean', description: 'run no lifecycle scripts' },
  'foreground-scripts': { type: 'boolean', description: 'run install scripts one at a time, their output shown' },
  'allow-scripts': { type: 'string', description: 'packages whose install scripts may run (global and exec installs; projects use allowScripts)' },
  'dangerously-allow-all-scripts': { type: 'boolean', description: 'run every dependency install script, whatever allowScripts says' },
  'strict-allow-scripts': { type: 'boolean', description: 'fail the install when a dependency install script is not covered by allowScripts' },
  'script-shell': { type: 'string', description: 'the shell scripts run in (default sh)' },
  registry: { type: 'string', description: 'the default registry URL' },
  cache: { type: 'string', description: 'the store and metadata cache folder' },
  prefix: { type: 'string', description: 'the project folder (default: the nearest folder with package.json)' },
  'prefer-offline': { type: 'boolean', description: 'use cached metadata without revalidating' },
  offline: { type: 'boolean', description: 'never use the network; fail when something is not cached' },
  'legacy-peer-deps': { type: 'boolean', description: 'ignore peer dependencies, as npm 4-6 did' },
  'strict-peer-deps': { type: 'boolean', description: 'fail on any peer dependency conflict' },
  loglevel: { type: 'string', description: 'silent, error, warn, notice, http, info, verbose or silly' },
  silent: { type: 'boolean', description: 'print nothing but errors' },
  verbose: { type: 'boolean', description: 'print what happens, step by step' },
  json: { type: 'boolean', description: 'print one JSON document with the result' },
  backend: { type: 'string', description: 'how files reach node_modules: clone, hardlink or copy', valueHint: 'clone|hardlink|copy' },
  'fetch-concurrency': { type: 'string', description: 'downloads in flight (default 48)' },
  'extract-workers': { type: 'string', description: 'threads extracting tarballs (default: cores; 0: the main thread)' },
  'link-workers': { type: 'string', description: 'threads linking files into node_modules (default 2; 0: the main thread)' },
  timings: { type: 'boolean', description: 'print the wall time and CPU of each step at the end (in --json: "timings")' },
} satisfies ArgsDef

export type CommandArgs = Record<string, unknown>

/** `-g`: the global packages instead of the project's. */
export const globalArg = {
  global: { type: 'boolean', alias: 'g', description: 'act on the global packages (<prefix>/lib/node_modules, their bins in <prefix>/bin)' },
} satisfies ArgsDef

/** The project folder, as the commands besides install take it. */
export const prefixArg = {
  prefix: { type: 'string', description: 'the project folder' },
} satisfies ArgsDef

/** For the commands that print trees and tables, and the project folder. */
export const printArgs = {
  ...prefixArg,
  color: { type: 'string', description: 'always, or false; by default only on a terminal' },
} satisfies ArgsDef

/** For the commands that read registry metadata without installing. */
export const metadataArgs = {
  registry: { type: 'string', description: 'the default registry URL' },
  cache: { type: 'string', description: 'the metadata cache folder' },
  offline: { type: 'boolean', description: 'use only cached metadata' },
} satisfies ArgsDef

/** Which workspaces an install changes: their package.json files, and their part of node_modules. */
export const workspaceArgs = {
  workspace: { type: 'string', alias: 'w', description: 'install (add to, remove from) this workspace only, by name or folder (repeatable)' },
  workspaces: { type: 'boolean', description: 'install (add to, remove from) every workspace, not the root' },
  'include-workspace-root': { type: 'boolean', description: 'with -w or --workspaces, the root project too' },
} satisfies ArgsDef

export function workspaceChoice(args: CommandArgs, rawArgs: readonly string[]): WorkspaceChoice {
  return {
    names: collectListFlag(rawArgs, 'workspace'),
    all: args.workspaces === true,
    includeRoot: args['include-workspace-root'] === true,
  }
}

/** The commands that act on global packages with -g. */
const GLOBAL_COMMANDS = new Set(['install', 'uninstall', 'update'])

/** Flags of skiff's own, which are not npm config keys. */
const OWN_FLAGS = new Set(['silent', 'verbose', 'json', 'backend', 'fetch-concurrency', 'extract-workers', 'link-workers', 'timings'])

const LIST_FLAGS = new Set(['omit', 'include'])

/**
 * Every value of a flag that may repeat (`--omit dev --omit optional`, `-w a -w b`), from the
 * command line as run-cli wrote it out (`--omit=dev`); citty keeps only the last.
 */
export function collectListFlag(rawArgs: readonly string[], name: string): string[] {
  const values: string[] = []
  for (const arg of rawArgs) {
    if (arg === '--') break
    if (arg.startsWith(`--${name}=`)) values.push(arg.slice(name.length + 3))
  }
  return values.flatMap((value) => value.split(',')).filter((value) => value !== '')
}

/**
 * The settings given as flags, as loadConfig takes them: every npm config key on the command
 * line (`--fetch-retries=5` too, though no command lists it) and the command's own options,
 * but not skiff's flags that are no setting.
 */
export function npmFlags(rawArgs: readonly string[], argDefs: ArgsDef): Record<string, string | boolean | string[] | undefined> {
  const flags: Record<string, string | boolean | string[] | undefined> = {}
  for (const arg of rawArgs) {
    if (arg === '--') break
    if (!arg.startsWith('--')) continue
    const equals = arg.indexOf('=')
    const name = equals === -1 ? arg.slice(2) : arg.slice(2, equals)
    const negated = equals === -1 && name.startsWith('no-') && !isSetting(name, argDefs)
    const key = negated ? name.slice(3) : name
    if (OWN_FLAGS.has(key) || !isSetting(key, argDefs)) continue
    if (LIST_FLAGS.has(key)) {
      const values = collectListFlag(rawArgs, key)
      if (values.length > 0) flags[key] = values
      continue
    }
    flags[key] = equals !== -1 ? arg.slice(equals + 1) : !negated
  }
  if (rawArgs.includes('--silent')) flags.loglevel = 'silent'
  if (rawArgs.includes('--verbose')) flags.loglevel = 'verbose'
  return flags
}

function isSetting(key: string, argDefs: ArgsDef): boolean {
  return NPM_FLAGS.has(key) || isSkiffSetting(key) || (argDefs[key] !== undefined && argDefs[key]?.type !== 'positional')
}

function wholeNumber(value: unknown, flag: string, least: number): number | undefined {
  if (value === undefined) return undefined
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < least) {
    throw new SkiffError('EUSAGE', `--${flag} must be a whole number of at least ${least}, not "${String(value)}"`)
  }
  return parsed
}

function tuningOf(args: CommandArgs): InstallTuning {
  const backend = args.backend
  if (backend !== undefined && backend !== 'clone' && backend !== 'hardlink' && backend !== 'copy') {
    throw new SkiffError('EUSAGE', `--backend must be clone, hardlink or copy, not "${String(backend)}"`)
  }
  const tuning: InstallTuning = {}
  if (backend !== undefined) tuning.backend = backend
  const fetchConcurrency = wholeNumber(args['fetch-concurrency'], 'fetch-concurrency', 1)
  // 0 threads: the work is done on the main thread
  const extractWorkers = wholeNumber(args['extract-workers'], 'extract-workers', 0)
  const linkWorkers = wholeNumber(args['link-workers'], 'link-workers', 0)
  if (fetchConcurrency !== undefined) tuning.fetchConcurrency = fetchConcurrency
  if (extractWorkers !== undefined) tuning.extractWorkers = extractWorkers
  if (linkWorkers !== undefined) tuning.linkWorkers = linkWorkers
  return tuning
}

export interface CommandJob {
  name: string
  /** `install <pkg>` makes the project folder (and its package.json) when it does not exist, as npm does */
  createsProjectDir?: boolean
  args: CommandArgs
  rawArgs: readonly string[]
  argDefs: ArgsDef
  run: (context: InstallContext, reporter: Reporter) => Promise<Summary>
  /** the command only fills the store: no link workers are started for it */
  storeOnly?: boolean
}

export async function runInstallCommand(job: CommandJob): Promise<number> {
  const started = performance.now()
  const lead = takeFirstStartLead()
  const timings = job.args.timings !== true
    ? undefined
    : lead === undefined
      ? createTimings('start skiff', undefined, undefined, threadCpu)
      : createTimings('start skiff (twice)', () => performance.now() + lead, undefined, threadCpu)
  const json = job.args.json === true
  let reporter: Reporter = createReporter({
    loglevel: 'notice',
    json,
    live: false,
    stdout: process.stdout,
    stderr: process.stderr,
    redact: (text) => text,
  })
  let config: Config | undefined
  const interrupt = new AbortController()
  let exitCodeOfSignal = 0
  let finished = false
  const onSignal = (signal: NodeJS.Signals) => {
    // a shell reports a process ended by a signal as 128 + its number (130 for SIGINT, 143 for SIGTERM)
    exitCodeOfSignal = 128 + (os.constants.signals[signal] ?? 0)
    interrupt.abort(new SkiffError('EABORT', `stopped by ${signal}`))
    if (!finished) return
    // the command had ended and the process was on its way out
    process.stderr.write(`error EABORT stopped by ${signal}\n`)
    process.exitCode = exitCodeOfSignal
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  const code = await runToEnd()
  // Signals are events of the loop: none lands between here and the caller setting the exit
  // code. One that came while the resources were disposed, after the last check, still counts;
  // one that comes later sets the exit code itself. The handlers stay for the rest of the
  // process; a second signal ends it at once.
  finished = true
  if (!interrupt.signal.aborted || code !== 0) return code
  const printed = formatError(interrupt.signal.reason, config?.redact ?? ((text) => text))
  reporter.error(printed.text, printed.json)
  reporter.close()
  return exitCodeOfSignal

  async function runToEnd(): Promise<number> {
    try {
      const tuning: InstallTuning = { ...tuningOf(job.args), ...(timings ? { timings } : {}), ...(job.storeOnly ? { storeOnly: true } : {}) }
      config = await loadCommandConfig(npmFlags(job.rawArgs, job.argDefs))
      // a second start never starts a third (it took the restart's variables out of its environment)
      if (lead === undefined && wantsAllocatorRestart({ command: job.name, projectDir: config.projectDir, cacheDir: config.cache, global: config.global, env: process.env })) {
        restartWithAllocatorSettings()
      }
      reporter = createReporter({
        loglevel: config.loglevel as LogLevel,
        json,
        live: canDrawLive(process.stderr.isTTY, process.env),
        stdout: process.stdout,
        stderr: process.stderr,
        redact: config.redact,
      })
      for (const warning of config.warnings) reporter.warn(warning)
      timings?.step('read the configuration')
      if (config.global && !GLOBAL_COMMANDS.has(job.name)) throw new SkiffError('EUSAGE', `\`skiff ${job.name}\` does not work for global packages`, { hint: 'global packages are installed with skiff install -g, updated with skiff update -g' })
      await ensureProjectDir(config.projectDir, job.createsProjectDir === true || config.global)
      // one install at a time per project; released after the context below is disposed
      await using projectLock = await acquireProjectLock({
        projectDir: config.projectDir,
        timeoutMs: config.lockTimeout,
        signal: interrupt.signal,
        onWait: (owner) => reporter.notice(`waiting for the install already running in this project${owner ? ` (process ${owner.pid})` : ''} to finish`),
      })
      // cache clean / prune / verify wait for this install to let go of the store, and it for them
      await using storeHold = await holdStore(config.cache, {
        timeoutMs: config.lockTimeout,
        signal: interrupt.signal,
        onWait: (owner) => reporter.notice(`waiting for the cache command working on the store${owner ? ` (process ${owner})` : ''} to finish`),
      })
      tuning.onStoreUse = (key) => storeHold.record(key)
      await removeWriteLeftovers(config.projectDir)
      timings?.step('take the project lock')
      const lifecycle = await lifecycleOf(job, config, reporter, interrupt.signal)
      await using context = createInstallContext(config, tuning, reporter, interrupt.signal, lifecycle.prepareGitCheckout)
      timings?.step('set up scripts, store and workers')
      const summary = await job.run({ ...context, services: { ...context.services, build: lifecycle.build } }, reporter)
      // npm ci, and npm install with no packages named, run the project's own install scripts after reify
      if (!config.global && (job.name === 'ci' || (job.name === 'install' && positionals(job.args).length === 0))) await lifecycle.runRootScripts()
      summary.unreviewedScripts = lifecycle.unreviewed()
      interrupt.signal.throwIfAborted()
      if (timings) {
        timings.step('root scripts')
        await context.reportThreadCpu()
        summary.timings = timings.report()
      }
      summary.elapsedMs = performance.now() - started + (lead ?? 0)
      summary.backend = context.backend()?.kind
      for (const { pkg, message } of summary.deprecated) reporter.warn(`deprecated ${pkg}: ${message}`)
      reporter.summary(summary)
      // after the summary, on stderr, as npm prints it
      if (summary.unreviewedScripts.length > 0 && !json) {
        reporter.warn(unreviewedLines(summary.unreviewedScripts, config.global ? { kind: 'allow-once', command: 'skiff install -g' } : { kind: 'project' }).join('\n'))
      }
      return 0
    } catch (error) {
      // once a signal came, whatever failed after it failed because of it: report the signal
      const places = config ? { cache: config.cache, project: config.projectDir } : {}
      const printed = formatError(interrupt.signal.aborted ? interrupt.signal.reason : error, config?.redact ?? ((text) => text), places)
      reporter.error(printed.text, printed.json)
      return interrupt.signal.aborted ? exitCodeOfSignal : printed.exitCode
    } finally {
      reporter.close()
    }
  }
}

/** `--prefix` naming a folder that is not there: made for an install that will write a package.json, else named in the error. */
async function ensureProjectDir(projectDir: string, create: boolean): Promise<void> {
  if (fs.existsSync(projectDir)) return
  if (create) {
    await fs.promises.mkdir(projectDir, { recursive: true })
    return
  }
  const file = path.join(projectDir, 'package.json')
  throw new SkiffError('ENOPACKAGEJSON', `could not read package.json: ${file} does not exist (nor does its folder)`, {
    file,
    hint: 'check --prefix; `skiff install <package>` creates the folder and a package.json',
  })
}

function lifecycleOf(job: CommandJob, config: Config, reporter: Reporter, signal: AbortSignal): Promise<InstallLifecycle> {
  const flag = job.args['allow-scripts']
  return lifecycleFor(config, {
    command: job.name,
    ...(typeof flag === 'string' ? { flagAllowScripts: flag } : {}),
    // global installs have no project: --allow-scripts and .npmrc decide, as for exec
    projectScoped: !config.global,
    quiet: job.args.json === true,
    reporter,
    signal,
  })
}

/** The config of this run, from this process's folder, environment and home, and the flags given. */
export function loadCommandConfig(flags: Record<string, string | boolean | string[] | undefined>): Promise<Config> {
  return loadConfig({ cwd: process.cwd(), env: process.env, home: os.homedir(), flags, version, ...(Bun.isStandaloneExecutable ? { executable: process.execPath } : {}) })
}

/** What commands pass down about this process: nothing below cli reads it on its own. */
export function processContext() {
  return {
    cwd: process.cwd(),
    env: process.env,
    home: os.homedir(),
    version,
    process: { standalone: Bun.isStandaloneExecutable, execPath: process.execPath, main: Bun.main },
    cores: navigator.hardwareConcurrency || 2,
  }
}

/** The lifecycle scripts of an install (also exec's cache installs, which are not project-scoped). */
export function lifecycleFor(
  config: Config,
  options: { command: string; flagAllowScripts?: string; projectScoped: boolean; quiet: boolean; reporter: Reporter; signal: AbortSignal },
): Promise<InstallLifecycle> {
  const { reporter } = options
  const quiet = options.quiet || config.loglevel === 'silent'
  return installLifecycleFor({
    ...processContext(),
    config,
    command: options.command,
    ...(options.flagAllowScripts === undefined ? {} : { flagAllowScripts: options.flagAllowScripts }),
    projectScoped: options.projectScoped,
    color: shouldColor(config.raw.color, process.stdout.isTTY, process.env),
    ...(quiet ? {} : { banner: (text: string) => process.stdout.write(text) }),
    verbose: (line) => reporter.verbose(line),
    warn: (line) => reporter.warn(line),
    signal: options.signal,
  })
}

function positionals(args: CommandArgs): string[] {
  return Array.isArray(args._) ? args._.filter((arg): arg is string => typeof arg === 'string' && arg !== '') : []
}

/** The summary of a finished reify, or the error of a failed one (every failure listed). */
export function reifySummary(command: string, result: ReifyResult, installed: ReadonlyMap<string, LockEntry>, projectDir: string): Summary {
  if (!result.outcome.ok) throw installFailure(result.outcome.failures)
  const item = (location: string, entry: LockEntry | undefined): PackageChange => ({ name: nameFromLocation(location), version: entry?.version ?? '', path: path.join(projectDir, location) })
  // in location order, as npm walks its diff (packages finish linking in any order)
  const byLocation = (a: string, b: string) => a.localeCompare(b, 'en')
  const add = [...result.added].sort(byLocation).map((location) => item(location, installed.get(location)))
  const change = [...result.changed].sort(([a], [b]) => byLocation(a, b)).map(([location, before]) => ({ from: item(location, before), to: item(location, installed.get(location)) }))
  const remove = [...result.removed].sort(([a], [b]) => byLocation(a, b)).map(([location, entry]) => item(location, entry))
  return {
    ...emptySummary(command),
    add,
    added: add.length,
    change,
    changed: change.length,
    remove,
    removed: remove.length,
    unchanged: result.unchanged,
    downloaded: result.outcome.fetchedKeys,
    fromCache: result.fromCache,
    downloadedBytes: result.outcome.fetchedBytes,
    droppedOptional: result.outcome.dropped.map((target) => target.pkg),
    deprecated: deprecationsOf(result, installed),
  }
}

/**
 * npm warns `deprecated name@version: message` for each package it puts in node_modules whose
 * entry says so: the lockfile's `deprecated` for ci, the picked version's metadata for install
 * (the lockfile built from it carries it). Once per name@version, in name order.
 */
export function deprecationsOf(result: ReifyResult, installed: ReadonlyMap<string, LockEntry>): Summary['deprecated'] {
  const found = new Map<string, string>()
  for (const location of result.outcome.linked) {
    const entry = installed.get(location)
    if (typeof entry?.deprecated !== 'string' || entry.deprecated === '') continue
    found.set(`${entry.name ?? nameFromLocation(location)}@${entry.version ?? ''}`, entry.deprecated)
  }
  // in name order: packages finish linking in any order
  return [...found].sort(([a], [b]) => a.localeCompare(b, 'en')).map(([pkg, message]) => ({ pkg, message }))
}

export function installFailure(failures: readonly Failure[]): unknown {
  const first = failures[0]
  if (failures.length === 1 && first) return first.error
  // one fault of the machine (a full disk, a read-only cache) stops many packages: said once
  const errno = findEnvironmentFault(first?.error)?.errno
  if (errno && failures.every((failure) => findEnvironmentFault(failure.error)?.errno === errno)) {
    return new SkiffError(errno, `${failures.length} packages could not be installed`, { cause: first?.error })
  }
  return new SkiffError('EFETCH', `${failures.length} packages could not be installed`, {
    lines: failures.map((failure) => `${failure.pkg}: ${failure.error instanceof Error ? failure.error.message : String(failure.error)}`),
    cause: first?.error,
  })
}
