/**
 * Makes node_modules hold exactly the planned tree: removes what is no longer wanted, streams
 * the packages to create through the install scheduler (fetch -> store -> link), then the
 * symlinks of link entries, the .bin links, and the hidden lockfile last — so an interrupted
 * run never leaves a hidden lockfile that vouches for a half-made tree.
 */
import { mkdir, rm, symlink, readlink, lstat } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { SkiffError } from '../error/index.ts'
import { isInsideAny, optionalSetOf, type LockEntry } from '../lockfile/index.ts'
import { createScheduler, type Executors, type Limits, type Outcome, type Scheduler, type TargetSpec, type Want } from '../scheduler/index.ts'
import { diffTrees } from './diff.ts'
import type { Plan } from './plan.ts'

export interface ReifyEnv {
  projectDir: string
  limits: Limits
  /** true when the key is complete in the store */
  isStored: (key: string) => boolean
  executors: Executors
  /** entries of the tree already in node_modules (from a hidden lockfile that matches the disk), if any */
  current?: ReadonlyMap<string, LockEntry>
  /** locations of `current` whose files changed since it was written: made again */
  changedOnDisk?: ReadonlySet<string>
  removeDirs: (dirs: string[]) => Promise<void>
  linkBins: (installed: ReadonlyMap<string, LockEntry>, changed: ReadonlySet<string>) => Promise<void>
  /** `keepIfSame`: nothing in node_modules was made or removed, so a file with the same text stays as it is */
  writeHiddenLockfile: (installed: ReadonlyMap<string, LockEntry>, options: { keepIfSame: boolean }) => Promise<void>
  /**
   * Runs the lifecycle scripts of the packages made (`built`), calling linkBins between its
   * phases (npm: preinstall, bin links, install, postinstall), and removeOptional when a
   * script of an optional package fails; resolves to the locations removed. Without it, only
   * bins are linked.
   */
  build?: (input: {
    installed: ReadonlyMap<string, LockEntry>
    built: ReadonlySet<string>
    linkBins: () => Promise<void>
    removeOptional: (location: string) => Promise<string[]>
  }) => Promise<string[]>
  onProgress?: (progress: { total: number; linked: number; downloaded: number; downloadedBytes: number }) => void
  /** called as each step ends, with its name */
  onStep?: (step: string) => void
  /**
   * told, before anything is done, how much there is to do: the pools behind the lanes size
   * themselves by it (a small install links and extracts on the main thread)
   */
  prepare?: (work: { targets: number; removals: number; downloads: number }) => void
  /** told, when downloads start before the plan is made, how many packages are being fetched ahead */
  expectDownloads?: (downloads: number) => void
  signal?: AbortSignal
}

/** What changed in node_modules, counted as npm counts it (reify-output: added, removed, changed). */
export interface ReifyResult {
  outcome: Outcome
  /** locations made that were not there before */
  added: string[]
  /** locations whose package was replaced by another: the entry before */
  changed: Map<string, LockEntry>
  /** locations no longer there, nested ones included: the entry they had */
  removed: Map<string, LockEntry>
  unchanged: number
  fromCache: number
}

/**
 * Runs the plan. `running` is a scheduler the caller started earlier, to fetch packages ahead
 * while it was still resolving the tree; reify ends its input and disposes of it.
 */
export async function reify(plan: Plan, env: ReifyEnv, running?: RunningInstall): Promise<ReifyResult> {
  // a changed package is made again only where this plan makes packages (not outside a -w scope)
  const targetLocations = new Set(plan.targets.map((target) => target.location))
  const changedOnDisk = new Set([...(env.changedOnDisk ?? [])].filter((location) => targetLocations.has(location)))
  const diff = env.current ? diffTrees(env.current, plan.installed, changedOnDisk) : undefined
  const create = diff?.create
  const targets = create ? plan.targets.filter((target) => create.has(target.location)) : plan.targets
  const wanted = new Set(targets.map((target) => target.location))
  // a target whose parent folder is already in place does not wait for it
  const scheduled = targets.map((target): TargetSpec =>
    target.parent !== undefined && !wanted.has(target.parent) ? { ...target, parent: undefined } : target,
  )
  const wants = wantsOf(scheduled, env.isStored)
  const downloads = new Set(wants.flatMap((want) => (want.stored ? [] : [want.target.key]))).size
  env.prepare?.({ targets: scheduled.length, removals: diff?.remove.length ?? 0, downloads })
  if (diff && diff.remove.length > 0) {
    await env.removeDirs(diff.remove.map((location) => join(env.projectDir, location)))
    env.onStep?.('remove')
  }

  const install = running ?? startScheduler(env)
  install.progress.total = scheduled.length
  let outcome: Outcome
  try {
    install.scheduler.feed(wants)
    install.scheduler.end()
    outcome = await install.scheduler.done
  } finally {
    await install[Symbol.asyncDispose]()
  }
  // packages this run did not have to download (fetched ahead during resolution counts as downloaded)
  const fromCache = new Set(scheduled.map((target) => target.key).filter((key) => !install.fetched.has(key))).size
  env.onStep?.('fetch, extract and link')
  const removed = new Map((diff?.gone ?? []).map((location) => [location, env.current?.get(location) as LockEntry]))
  if (!outcome.ok) return { outcome, added: [], changed: new Map(), removed, unchanged: diff?.unchanged ?? 0, fromCache }

  env.signal?.throwIfAborted()
  const installed = new Map(plan.installed)
  for (const target of outcome.dropped) installed.delete(target.location)
  for (const link of plan.links) {
    if (create && !create.has(link.location)) continue
    await makeLink(env.projectDir, link.location, link.resolved)
  }
  const changed = create ?? new Set(installed.keys())
  const linkBins = () => env.linkBins(installed, changed)
  // npm drops a failed optional package with its optional set from the tree it goes on
  // building: later bin links, the hidden lockfile and the bins pruned below see what is left
  const removeOptional = async (location: string) => {
    const set = optionalSetOf(plan.packages, installed.keys(), location)
    for (const member of set) installed.delete(member)
    const folders = new Set(set)
    await env.removeDirs(set.filter((member) => !isInsideAny(member, folders)).map((member) => join(env.projectDir, member)))
    return set
  }
  // lifecycle scripts run around the bin links, as npm orders them
  const failedOptional = env.build ? await env.build({ installed, built: changed, linkBins, removeOptional }) : await linkBins().then(() => [])
  if (failedOptional.length > 0) await env.linkBins(installed, new Set())
  env.onStep?.('bin links')
  // a stopped install must not leave a hidden lockfile vouching for it
  env.signal?.throwIfAborted()
  // a run that made and removed nothing leaves an identical hidden lockfile alone: its time
  // stays before any change made after this run (rewritten, it could share the clock tick of a
  // change made right after the run, which would then go unseen)
  const madeNothing = create !== undefined && create.size === 0 && (diff?.remove.length ?? 0) === 0 && failedOptional.length === 0
  await env.writeHiddenLockfile(installed, { keepIfSame: madeNothing })
  env.onStep?.('hidden lockfile')
  // npm counts what is left (an optional set removed by a failed script was not added), and a
  // package recreated only because the folder around it was replaced is no change of its own
  const made = [...outcome.linked, ...plan.links.filter((link) => !create || create.has(link.location)).map((link) => link.location)].filter((location) => installed.has(location))
  const changedEntries = new Map<string, LockEntry>()
  for (const location of made) {
    const before = diff?.replaced.has(location) ? env.current?.get(location) : undefined
    if (before !== undefined) changedEntries.set(location, before)
  }
  return {
    outcome,
    added: made.filter((location) => !changedEntries.has(location) && env.current?.get(location) === undefined),
    changed: changedEntries,
    removed,
    unchanged: diff?.unchanged ?? 0,
    fromCache,
  }
}

export interface RunningInstall extends AsyncDisposable {
  scheduler: Scheduler
  progress: { total: number; linked: number; downloaded: number; downloadedBytes: number }
  /** keys downloaded by this run */
  fetched: Set<string>
}

/** A scheduler wired to the executors, the progress callback and the interrupt signal. */
export function startScheduler(env: Pick<ReifyEnv, 'limits' | 'executors' | 'onProgress' | 'signal'>): RunningInstall {
  const progress = { total: 0, linked: 0, downloaded: 0, downloadedBytes: 0 }
  const fetched = new Set<string>()
  const scheduler = createScheduler({
    limits: env.limits,
    executors: env.executors,
    observe(event) {
      if (event.type === 'linked') progress.linked++
      else if (event.type === 'fetched') {
        fetched.add(event.key)
        progress.downloaded++
        progress.downloadedBytes += event.bytes.byteLength
      } else return
      env.onProgress?.({ ...progress })
    },
  })
  const onAbort = () => scheduler.shutdown(new SkiffError('EABORT', 'the install was interrupted'))
  env.signal?.addEventListener('abort', onAbort, { once: true })
  return {
    scheduler,
    progress,
    fetched,
    async [Symbol.asyncDispose]() {
      env.signal?.removeEventListener('abort', onAbort)
      await scheduler[Symbol.asyncDispose]()
    },
  }
}

function wantsOf(targets: TargetSpec[], isStored: (key: string) => boolean): Array<Extract<Want, { type: 'need' }>> {
  return targets.map((target) => ({ type: 'need', target, stored: isStored(target.key) }))
}

/** A link entry: node_modules/<name> -> its target folder, as a relative symlink (npm's form). */
async function makeLink(projectDir: string, location: string, resolved: string): Promise<void> {
  const path = join(projectDir, location)
  const target = relative(dirname(path), join(projectDir, resolved))
  const existing = await lstat(path).catch(() => undefined)
  if (existing?.isSymbolicLink() && (await readlink(path)) === target) return
  if (existing) await rm(path, { recursive: true, force: true })
  await mkdir(dirname(path), { recursive: true })
  await symlink(target, path, 'junction')
}
