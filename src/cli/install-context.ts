/**
 * The real objects behind every command that changes node_modules, built once per run from the
 * Config: registry client, store, extract and link worker pools (started only when there is
 * work for them), the scheduler's limits and executors, and the reify steps that touch disk.
 * Disposing it stops the pools after their running jobs.
 */
import path from 'node:path'
import { syncBinLinks } from '../install/bins.ts'
import { createLockCheckMemo, type LockCheckMemo } from '../install/lock-check-memo.ts'
import { createPackumentPool, type PackumentPool } from '../install/packument-pool.ts'
import { createGitPackages, isGitResolved, type GitPackages, type GitPackagesDeps } from '../install/git-packages.ts'
import type { ReifyEnv } from '../install/reify.ts'
import type { PlanOptions } from '../install/plan.ts'
import type { Config } from '../config/index.ts'
import { SkiffError } from '../error/index.ts'
import { createLinker, DEFAULT_LINK_WORKERS, defaultNodeVersion, nodeVersionSettled, probeNodeVersion, detectPlatform, isPlatformCompatible, probeBackend, type Backend, type Linker, type Platform } from '../link/index.ts'
import { buildHiddenLockfile, writeHiddenLockfile, type LockEntry, type Lockfile } from '../lockfile/index.ts'
import { createRegistryClient, type CacheWrite, type RegistryClient } from '../registry/index.ts'
import { threadCpu, type CpuTime, type Limits } from '../scheduler/index.ts'
import { createStore, type Store } from '../store/index.ts'
import { createExtractor, extractTarball, readUmask, type ExtractorPool } from '../tarball/index.ts'
import type { Reporter } from '../ui/reporter.ts'
import type { Timings } from '../ui/timings.ts'
import { npmVersion, version } from './version.ts'
import type { ResolveWarning } from '../resolve/index.ts'

export interface InstallTuning {
  backend?: 'clone' | 'hardlink' | 'copy'
  fetchConcurrency?: number
  extractWorkers?: number
  linkWorkers?: number
  /** --timings: steps, lanes and worker threads are measured into it */
  timings?: Timings
  /** nothing will be linked (fetch): the link workers are not started ahead */
  storeOnly?: boolean
  /** called with the key of each store entry linked or added: the store's use log (`cache prune`) */
  onStoreUse?: (key: string) => void
}

export type ReifyServices = Omit<ReifyEnv, 'projectDir' | 'current' | 'writeHiddenLockfile' | 'linkBins'> & {
  onWarning: (warning: ResolveWarning) => void
  linkBins: (lock: Lockfile, installed: ReadonlyMap<string, LockEntry>, changed: ReadonlySet<string>) => Promise<void>
  writeHiddenLockfile: (lock: Lockfile, installed: ReadonlyMap<string, LockEntry>, format: { indent: string; newline: string }, options: { keepIfSame: boolean }) => Promise<void>
  lockCheckMemo?: LockCheckMemo
}

export interface InstallContext extends AsyncDisposable {
  config: Config
  registry: RegistryClient
  store: Store
  /** git dependencies: resolved, packed and stored */
  git: GitPackages
  planOptions: Omit<PlanOptions, 'projectDir'>
  services: ReifyServices
  /** the os, cpu and libc packages are checked against */
  platform: Platform
  /** the link backend, once something was linked */
  backend(): Backend | undefined
  /** a packument's compact text, made and cached on worker threads (started with the first, or by expectPackuments) */
  packumentText(body: Uint8Array, name: string, write: CacheWrite): Promise<Uint8Array>
  /** a packument is asked for over the network: the threads packumentText uses start now */
  expectPackuments(): void
  /** --timings: adds the CPU of the worker pools that ran (call when their work is done) */
  reportThreadCpu(): Promise<void>
  /** runs a job of a lane, measured with --timings */
  timed<T>(lane: string, run: () => Promise<T>): Promise<T>
}

/**
 * Below these sizes the work is done on the main thread: a worker thread costs ~15 ms of CPU to
 * start (a JavaScript runtime of its own) and more memory than a few packages take to link or
 * extract. Measured with --timings on the small and medium fixtures (README.md).
 */
// linking: up to a few hundred packages the main thread's compiled loop links them for less CPU
// than two workers cost to start, in about the same time (medium warm, 161 packages, 14 pairs
// against 2 workers: wall -3%, CPU -21%, peak RSS 67 -> 57 MB); antd's 3,307 want both
// workers (one alone: wall +18%)
const INLINE_LINK_MAX = 400
const INLINE_EXTRACT_MAX = 8

function linkWorkersFor(jobs: number): number {
  return jobs < INLINE_LINK_MAX ? 0 : DEFAULT_LINK_WORKERS
}

/**
 * From this many packages to link, the thread that links (each link worker, or the main thread)
 * compiles the per-package loop (~15 ms of CPU once), which saves ~3.6 µs of user CPU a file
 * and a bun:ffi call or two: on medium's 6,000 files, linked on the main thread, wall -9%.
 */
const COMPILED_LINK_MIN = 100
/** The same for extraction's writes, from this many tarballs to extract. */
const COMPILED_EXTRACT_MIN = 400

/** A staging folder this old is a leftover even when its owner's pid is alive (or on another host). */
const STAGING_MAX_AGE_MS = 24 * 60 * 60 * 1000

export function createInstallContext(
  config: Config,
  tuning: InstallTuning,
  reporter: Reporter,
  signal: AbortSignal,
  /** installs and prepares a git dependency's checkout (the install lifecycle's); without it such packages are EUNSUPPORTED */
  prepareGit?: GitPackagesDeps['prepare'],
): InstallContext {
  let lastStep = performance.now()
  // read once, before any worker runs (reading it can reset it for the whole process)
  const umask = readUmask()
  const cores = navigator.hardwareConcurrency || 2
  const extractWorkers = tuning.extractWorkers || cores
  const limits: Limits = {
    fetch: tuning.fetchConcurrency ?? 48,
    extract: extractWorkers * 2,
    // the linker batches what it is handed at once: give it hundreds of jobs
    link: 512,
    buffered: 48 + extractWorkers * 4,
  }
  const platform = detectPlatform()
  const registry = createRegistryClient(config, fetch, { onHttp: (event) => reporter.http(event) })
  // Worker pools start only when there is work for them: a warm install extracts nothing, and
  // starting idle workers costs start-up time on every core.
  const pools = new AsyncDisposableStack()
  let extractor: ExtractorPool | undefined
  // how much the install has to do, once reify knows (before that: the pools' full size)
  let work: { targets: number; removals: number; downloads: number } | undefined
  // packages fetched ahead while the lockfile was checked, before reify knew the work
  let downloadsAhead: number | undefined
  const downloads = (): number | undefined => (work === undefined ? downloadsAhead : Math.max(work.downloads, downloadsAhead ?? 0))
  const store = createStore(config.cache, {
    extract: (bytes, destDir, options) => {
      const expected = downloads()
      const compiledWrite = expected !== undefined && expected >= COMPILED_EXTRACT_MIN
      const extractOptions = { ...options, maxUnpackedBytes: config.maxUnpackedBytes, nativeIo: config.nativeIo, compiledWrite }
      const inline = tuning.extractWorkers === 0 || (tuning.extractWorkers === undefined && expected !== undefined && expected < INLINE_EXTRACT_MAX)
      if (inline && !extractor) return extractTarball(bytes, destDir, extractOptions)
      extractor ??= pools.use(createExtractor({ workers: extractWorkers }))
      return extractor.extract(bytes, destDir, extractOptions)
    },
  })
  const timings = tuning.timings
  const timed = <T>(lane: string, run: () => Promise<T>): Promise<T> => (timings ? timings.job(lane, run) : run())
  let packuments: PackumentPool | undefined
  // one thread fewer than the cores: the main thread resolves, and a worker's JIT and heap
  // cost more than it gives on two cores (antd: 7% less CPU with one worker than with two)
  const packumentPool = (): PackumentPool => packuments ??= pools.use(createPackumentPool({
    workers: Math.max(1, cores - 1),
    ...(timings ? { onWork: (work, startMs, endMs) => timings.span(work === 'reading' ? 'metadata reading' : 'metadata cache writes', startMs, endMs) } : {}),
  }))
  const packumentText = (body: Uint8Array, name: string, write: CacheWrite): Promise<Uint8Array> => packumentPool().read(body, name, write)
  const expectPackuments = (): void => packumentPool().expect()
  // Staging folders that stopped runs left in the store go while this run works; the removal
  // is awaited when the context is disposed, so nothing runs on after the command ends.
  const cleaning = store.cleanStaging(STAGING_MAX_AGE_MS).catch((error: unknown) => {
    reporter.verbose(`could not clean the store's staging folders: ${String(error)}`)
    return 0
  })
  // Probed only when something is linked: the probe writes into node_modules, and a no-op
  // install must leave node_modules (and its hidden lockfile's trust) untouched.
  let backend: Backend | undefined
  let linker: Linker | undefined
  const getLinker = (): Linker => {
    if (linker) return linker
    const sampleFile = store.sampleFile()
    backend = probeBackend({ storeDir: config.cache, projectDir: config.projectDir, requested: tuning.backend, ...(sampleFile ? { sampleFile } : {}) })
    if (backend.notice) reporter.notice(backend.notice)
    reporter.verbose(`linking with ${backend.kind}; store at ${config.cache}`)
    const jobs = work === undefined ? Infinity : work.targets + work.removals
    linker = pools.use(
      createLinker({ backend, workers: tuning.linkWorkers ?? linkWorkersFor(jobs), nativeIo: config.nativeIo, compiledLink: jobs >= COMPILED_LINK_MIN && jobs !== Infinity }),
    )
    return linker
  }

  // npm fetches plain-http tarballs without a word; skiff fetches them too, and says so once a host
  const warnedHosts = new Set<string>()
  const warnPlainHttp = (url: string): void => {
    const host = plainHttpHost(url)
    if (host === undefined || warnedHosts.has(host)) return
    warnedHosts.add(host)
    reporter.warn(`tarballs from ${host} come over plain http: anyone on the way could change them, and only the lockfile's integrity would notice`)
  }

  // git runs with this process's environment: the user's ssh agent, credential helpers, PATH
  const git = createGitPackages({ store, env: process.env, signal, ...(prepareGit === undefined ? {} : { prepare: prepareGit }) })

  // store entries checked (or made) in this run: each is checked once, before its first link
  const sound = new Set<string>()
  let copyNoticeGiven = false
  const services: ReifyServices = {
    limits,
    signal,
    // lockfiles found in sync before, under the cache root (another build may judge otherwise)
    lockCheckMemo: createLockCheckMemo(path.join(config.cache, 'v1', 'lock-checks'), `skiff ${version} bun ${Bun.version}`),
    isStored: (key) => store.get(key) !== undefined,
    executors: {
      fetch: (job, jobSignal) =>
        timed('fetch', () => {
          // a git package missing from the store (ci from a lockfile) is checked out and packed
          if (isGitResolved(job.source.url)) return git.pack(job.source.url, job.pkg)
          warnPlainHttp(job.source.url)
          return registry.fetchTarball({ url: job.source.url, pkg: job.pkg, signal: jobSignal })
        }),
      extract: (job) =>
        timed('extract', async () => {
          await store.add(job.key, job.bytes, { pkg: job.pkg, integrity: job.source.integrity })
          sound.add(job.key)
          tuning.onStoreUse?.(job.key)
        }),
      link: (target) =>
        timed('link', async () => {
          const stored = store.get(target.key)
          if (!stored) throw new SkiffError('ESTORE', `${target.pkg} is missing from the store at ${config.cache}`, { pkg: target.pkg })
          tuning.onStoreUse?.(target.key)
          const verify = !sound.has(target.key)
          const result = await getLinker().link({ srcDir: stored.dir, index: stored.index, targetDir: target.dir, privateCopy: target.privateCopy, verify, pkg: target.pkg })
          if (result.damaged === undefined) sound.add(target.key)
          else reporter.warn(`the cached copy of ${target.pkg} is not as it was stored (${result.damaged}); downloading it again`)
          if (result.copied && !copyNoticeGiven) {
            copyNoticeGiven = true
            reporter.notice(`hardlinking some of the cache's files is not permitted (they belong to another user, and fs.protected_hardlinks is on); those packages are copied instead`)
          }
          return result
        }),
    },
    removeDirs: (dirs) => getLinker().removeTargets(dirs),
    // the link workers start as soon as the install's size is known, before the first package
    // is ready to be linked (the probe then writes in the project folder, as it would later)
    expectDownloads: (ahead) => {
      downloadsAhead ??= ahead
    },
    prepare: (planned) => {
      work ??= planned
      if (!tuning.storeOnly && planned.targets + planned.removals > 0) getLinker()
    },
    // stale links go unless every installed package was just made; nothing made means the tree
    // only lost packages (an optional set a failed script took), which may have been all of them
    linkBins: (lock, installed, changed) =>
      syncBinLinks(config.projectDir, installed, { pruneStale: changed.size === 0 || changed.size !== installed.size, allEntries: lock.packages, umask }),
    // the installed entries win: a workspace-filtered install keeps packages on disk that the
    // lockfile now wants otherwise, or not at all
    writeHiddenLockfile: (lock, installed, format, options) =>
      writeHiddenLockfile(config.projectDir, buildHiddenLockfile({ ...lock, packages: new Map([...lock.packages, ...installed]) }, installed.keys()), format, options),
    onWarning: (warning) => reporter.warn([warning.message, ...warning.lines].join('\n')),
    onProgress: (progress) => reporter.progress(progress),
    onStep: (step) => {
      const now = performance.now()
      reporter.verbose(`timing ${step}: ${Math.round(now - lastStep)}ms`)
      lastStep = now
      timings?.step(step)
    },
  }

  // asked for when a check first needs it, not before the first download; on a new cache that
  // is `node --version`, started now in the background (~100 ms here) for that moment
  const nodeVersionOptions = { memoFile: path.join(config.cache, 'v1', 'node-versions.json') }
  probeNodeVersion(nodeVersionOptions)
  let nodeVersion: string | undefined
  const engines = {
    get nodeVersion(): string {
      nodeVersion ??= defaultNodeVersion(nodeVersionOptions)
      return nodeVersion
    },
    npmVersion,
    strict: config.engineStrict,
    force: config.force,
    settled: () => nodeVersionSettled(nodeVersionOptions),
  }

  return {
    config,
    registry,
    store,
    git,
    services,
    planOptions: {
      omit: config.omit,
      isCompatible: (entry) => isPlatformCompatible(entry, platform),
      engines,
      keyFor: (entry) => store.keyFor(entry),
      tarballUrl: (name, entry) => registry.tarballUrl({ name, version: entry.version, resolved: entry.resolved }),
      privateCopies: !config.ignoreScripts,
    },
    platform,
    backend: () => backend,
    packumentText,
    expectPackuments,
    timed,
    async reportThreadCpu() {
      if (!timings) return
      // the last metadata cache writes are part of the work measured
      await packuments?.written()
      const groups: Array<[string, { workers: number; threadCpu(): Promise<CpuTime | null> } | undefined]> = [
        ['extract workers', extractor],
        ['link workers', linker],
        ['packument workers', packuments],
      ]
      for (const [name, pool] of groups) {
        const cpu = pool && pool.workers > 0 ? await pool.threadCpu() : null
        if (cpu) timings.threads(name, pool?.workers ?? 0, cpu)
      }
      const main = threadCpu()
      if (main) timings.threads('main thread', 1, main)
    },
    async [Symbol.asyncDispose]() {
      await pools.disposeAsync()
      await cleaning
    },
  }
}

/** The host of a plain-http URL on another machine (this machine's own addresses are not worth a warning). */
function plainHttpHost(url: string): string | undefined {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return undefined
  }
  if (parsed.protocol !== 'http:') return undefined
  const loopback = parsed.hostname === 'localhost' || parsed.hostname === '[::1]' || /^127\./.test(parsed.hostname)
  return loopback ? undefined : parsed.host
}
