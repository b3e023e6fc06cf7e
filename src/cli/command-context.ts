/**
 * Builds the real objects an install command needs, once: config, reporter, registry client,
 * store, extractor and linker; runs the command; prints its summary or its error. Every
 * resource is disposed on every path, Ctrl-C included.
 */
import os from 'node:os'
import type { ArgsDef } from 'citty'
import { loadConfig, type Config } from '../config/index.ts'
import { SkiffError } from '../error/index.ts'
import { ci } from '../install/ci.ts'
import { syncBinLinks } from '../install/bins.ts'
import { createLinker, detectPlatform, isPlatformCompatible, probeBackend, type Backend, type Linker } from '../link/index.ts'
import { buildHiddenLockfile, nameFromLocation, writeHiddenLockfile } from '../lockfile/index.ts'
import { createRegistryClient } from '../registry/index.ts'
import type { Limits } from '../scheduler/index.ts'
import { createStore } from '../store/index.ts'
import { createExtractor, readUmask, type ExtractorPool } from '../tarball/index.ts'
import { createReporter, type LogLevel, type Reporter, type Summary } from '../ui/reporter.ts'
import { formatError } from './print-error.ts'
import { version } from './version.ts'

export const installArgs = {
  omit: { type: 'string', description: 'leave out dev, optional or peer dependencies (repeatable)', valueHint: 'dev|optional|peer' },
  include: { type: 'string', description: 'keep dependency types that NODE_ENV=production or --omit would leave out', valueHint: 'prod|dev|optional|peer' },
  'ignore-scripts': { type: 'boolean', description: 'run no lifecycle scripts' },
  registry: { type: 'string', description: 'the default registry URL' },
  cache: { type: 'string', description: 'the store and metadata cache folder' },
  prefix: { type: 'string', description: 'the project folder (default: the nearest folder with package.json)' },
  'prefer-offline': { type: 'boolean', description: 'use cached metadata without revalidating' },
  offline: { type: 'boolean', description: 'never use the network; fail when something is not cached' },
  loglevel: { type: 'string', description: 'silent, error, warn, notice, http, info, verbose or silly' },
  silent: { type: 'boolean', description: 'print nothing but errors' },
  verbose: { type: 'boolean', description: 'print what happens, step by step' },
  json: { type: 'boolean', description: 'print one JSON document with the result' },
  backend: { type: 'string', description: 'how files reach node_modules: clone, hardlink or copy', valueHint: 'clone|hardlink|copy' },
  'fetch-concurrency': { type: 'string', description: 'downloads in flight (default 48)' },
  'extract-workers': { type: 'string', description: 'threads extracting tarballs (default: cores)' },
  'link-workers': { type: 'string', description: 'threads linking files into node_modules (default 3)' },
} satisfies ArgsDef

type InstallArgs = Record<string, unknown>

const listFlags = new Set(['omit', 'include'])

/** citty keeps only the last of repeated flags; npm accepts `--omit dev --omit optional`. */
export function collectListFlag(rawArgs: readonly string[], name: string): string[] {
  const values: string[] = []
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i] as string
    if (arg === `--${name}`) {
      const next = rawArgs[i + 1]
      if (next !== undefined && !next.startsWith('-')) values.push(next)
      i++
    } else if (arg.startsWith(`--${name}=`)) values.push(arg.slice(name.length + 3))
  }
  return values.flatMap((value) => value.split(',')).filter((value) => value !== '')
}

function npmFlags(args: InstallArgs, rawArgs: readonly string[]): Record<string, string | boolean | string[] | undefined> {
  const flags: Record<string, string | boolean | string[] | undefined> = {}
  for (const key of Object.keys(installArgs)) {
    if (listFlags.has(key)) {
      const values = collectListFlag(rawArgs, key)
      if (values.length > 0) flags[key] = values
      continue
    }
    const value = args[key]
    if (typeof value === 'string' || typeof value === 'boolean') flags[key] = value
  }
  if (args.silent === true) flags.loglevel = 'silent'
  if (args.verbose === true) flags.loglevel = 'verbose'
  for (const key of ['silent', 'verbose', 'json', 'backend', 'fetch-concurrency', 'extract-workers', 'link-workers']) delete flags[key]
  return flags
}

function positiveInt(value: unknown, flag: string, fallback: number): number {
  if (value === undefined) return fallback
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < 1) throw new SkiffError('EUSAGE', `--${flag} must be a positive whole number, not "${String(value)}"`)
  return parsed
}

function backendFlag(value: unknown): 'clone' | 'hardlink' | 'copy' | undefined {
  if (value === undefined) return undefined
  if (value === 'clone' || value === 'hardlink' || value === 'copy') return value
  throw new SkiffError('EUSAGE', `--backend must be clone, hardlink or copy, not "${String(value)}"`)
}

export async function runInstallCommand(command: 'ci', args: InstallArgs, rawArgs: readonly string[]): Promise<number> {
  const started = performance.now()
  const json = args.json === true
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
  const onSignal = (signal: NodeJS.Signals) => interrupt.abort(new SkiffError('EABORT', `stopped by ${signal}`))
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    config = await loadConfig({ cwd: process.cwd(), env: process.env, home: os.homedir(), flags: npmFlags(args, rawArgs), version })
    reporter = createReporter({
      loglevel: config.loglevel as LogLevel,
      json,
      live: Boolean(process.stderr.isTTY) && !process.env.CI,
      stdout: process.stdout,
      stderr: process.stderr,
      redact: config.redact,
    })
    for (const warning of config.warnings) reporter.warn(warning)
    const summary = await runCi(config, args, reporter, interrupt.signal)
    summary.elapsedMs = performance.now() - started
    reporter.summary(summary)
    return 0
  } catch (error) {
    const printed = formatError(error, config?.redact ?? ((text) => text))
    reporter.error(printed.text, printed.json)
    return printed.exitCode
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    reporter.close()
  }
}

async function runCi(config: Config, args: InstallArgs, reporter: Reporter, signal: AbortSignal): Promise<Summary> {
  let lastStep = performance.now()
  // read once, before any worker runs (reading it can reset it for the whole process)
  const umask = readUmask()
  const cores = navigator.hardwareConcurrency || 2
  const extractWorkers = positiveInt(args['extract-workers'], 'extract-workers', cores)
  const limits: Limits = {
    fetch: positiveInt(args['fetch-concurrency'], 'fetch-concurrency', 48),
    extract: extractWorkers * 2,
    // the linker batches what it is handed at once: give it hundreds of jobs
    link: 512,
    buffered: 48 + extractWorkers * 4,
  }
  const platform = detectPlatform()
  const registry = createRegistryClient(config)
  // Worker pools start only when there is work for them: a warm install extracts nothing, and
  // starting idle workers costs start-up time on every core.
  await using pools = new AsyncDisposableStack()
  let extractor: ExtractorPool | undefined
  const store = createStore(config.cache, {
    extract: (bytes, destDir, options) => {
      extractor ??= pools.use(createExtractor({ workers: extractWorkers }))
      return extractor.extract(bytes, destDir, options)
    },
  })
  const requestedBackend = backendFlag(args.backend)
  const linkWorkers = positiveInt(args['link-workers'], 'link-workers', 3)
  // Probed only when something is linked: the probe writes into node_modules, and a no-op
  // install must leave node_modules (and its hidden lockfile's trust) untouched.
  let backend: Backend | undefined
  let linker: Linker | undefined
  const getLinker = (): Linker => {
    if (linker) return linker
    backend = probeBackend({ storeDir: config.cache, projectDir: config.projectDir, requested: requestedBackend })
    if (backend.notice) reporter.notice(backend.notice)
    reporter.verbose(`linking with ${backend.kind}; store at ${config.cache}`)
    linker = pools.use(createLinker({ backend, workers: linkWorkers }))
    return linker
  }

  const result = await ci(
    {
      projectDir: config.projectDir,
      legacyPeerDeps: config.legacyPeerDeps,
      plan: {
        omit: config.omit,
        isCompatible: (entry) => isPlatformCompatible(entry, platform),
        keyFor: (entry) => store.keyFor(entry),
        tarballUrl: (name, entry) => registry.tarballUrl({ name, version: entry.version, resolved: entry.resolved }),
        privateCopies: !config.ignoreScripts,
      },
    },
    {
      limits,
      signal,
      isStored: (key) => store.get(key) !== undefined,
      executors: {
        fetch: (job, jobSignal) => registry.fetchTarball({ url: job.source.url, pkg: job.pkg, signal: jobSignal }),
        extract: async (job) => {
          await store.add(job.key, job.bytes, { pkg: job.pkg, integrity: job.source.integrity })
        },
        link: async (target) => {
          const stored = store.get(target.key)
          if (!stored) throw new SkiffError('ESTORE', `${target.pkg} is missing from the store at ${config.cache}`, { pkg: target.pkg })
          await getLinker().link({ srcDir: stored.dir, index: stored.index, targetDir: target.dir, privateCopy: target.privateCopy, pkg: target.pkg })
        },
      },
      removeDirs: (dirs) => getLinker().removeTargets(dirs),
      linkBins: (lock, installed, changed) =>
        syncBinLinks(config.projectDir, installed, { pruneStale: changed.size !== installed.size, allEntries: lock.packages, umask }),
      writeHiddenLockfile: (lock, installed, format) =>
        writeHiddenLockfile(config.projectDir, buildHiddenLockfile(lock, installed.keys()), format),
      onProgress: (progress) => reporter.progress(progress),
      onStep: (step) => {
        const now = performance.now()
        reporter.verbose(`timing ${step}: ${Math.round(now - lastStep)}ms`)
        lastStep = now
      },
    },
  )
  if (!result.outcome.ok) throw installFailure(result.outcome.failures)
  for (const dropped of result.outcome.dropped) reporter.verbose(`skipped optional ${dropped.pkg}: ${String(dropped)}`)
  return {
    command: 'ci',
    added: result.created,
    removed: result.removed,
    changed: 0,
    unchanged: result.unchanged,
    downloaded: result.outcome.fetchedKeys,
    fromCache: result.fromCache,
    downloadedBytes: result.outcome.fetchedBytes,
    elapsedMs: 0,
    backend: backend?.kind,
    droppedOptional: result.outcome.dropped.map((target) => target.pkg),
    scriptsNotRun: [...result.plan.installed]
      .filter(([, entry]) => entry.hasInstallScript)
      .map(([location, entry]) => `${entry.name ?? nameFromLocation(location)}@${entry.version ?? ''}`),
    warnings: [],
  }
}

function installFailure(failures: ReadonlyArray<{ pkg: string; locations: string[]; error: unknown }>): unknown {
  const first = failures[0]
  if (failures.length === 1 && first) return first.error
  return new SkiffError('EFETCH', `${failures.length} packages could not be installed`, {
    lines: failures.map((failure) => `${failure.pkg}: ${failure.error instanceof Error ? failure.error.message : String(failure.error)}`),
    cause: first?.error,
  })
}
