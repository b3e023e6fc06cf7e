/**
 * `fetch`: fill the store with every package the lockfile says this machine needs, and make
 * no node_modules — the layer of a container image that changes only when the lockfile does
 * (pnpm fetch). A later `ci --offline` then links the tree from the store with no network.
 *
 *  1. Only the lockfile is read (npm-shrinkwrap.json, else package-lock.json): package.json may
 *     be absent, so there is no sync check; that is ci's job once the project is there.
 *  2. What the lockfile lacks is fetched as ci fetches it (supplement-lock.ts: an old
 *     lockfile's metadata, the source of an entry with neither resolved nor integrity). The
 *     plan is ci's (planFromLock): omitted dependency types, packages built for another
 *     os / cpu / libc and bundled packages are left out, link entries need nothing.
 *  3. Each download key is handed once to the install scheduler as a prefetch: fetch and
 *     extract lanes only, stored keys skipped. A key only optional packages use may fail with
 *     a warning (ci would drop those packages too); any other failure fails the command, all
 *     of them listed.
 */
import { SkiffError } from '../error/index.ts'
import { entriesToInflate, readLockfile } from '../lockfile/index.ts'
import type { Failure, Outcome, Settlement, Source } from '../scheduler/index.ts'
import { planFromLock, type PlanOptions } from './plan.ts'
import { startScheduler, type ReifyEnv } from './reify.ts'
import { supplementLock } from './supplement-lock.ts'
import type { LockInflater, ResolveWarning } from '../resolve/index.ts'

export interface FetchInput {
  projectDir: string
  plan: Omit<PlanOptions, 'projectDir'>
}

export type FetchServices = Pick<ReifyEnv, 'limits' | 'executors' | 'isStored' | 'onProgress' | 'onStep' | 'signal'> & {
  /** what an old lockfile, or an entry with neither resolved nor integrity, lacks (as ci fetches it) */
  inflater: () => Promise<LockInflater>
  onWarning?: (warning: ResolveWarning) => void
}

export interface FetchResult {
  /** download keys the host needs */
  packages: number
  /** of those, already in the store before this run */
  stored: number
  /** downloaded by this run, and their bytes */
  fetched: number
  fetchedBytes: number
  /** name@version of optional packages that could not be fetched (left out, as ci would leave them out) */
  dropped: string[]
  /** downloads that failed and that a required package needs */
  failures: Failure[]
}

interface Download {
  key: string
  pkg: string
  source: Source
  /** only optional packages use it */
  optional: boolean
}

export async function fetchPackages(input: FetchInput, services: FetchServices): Promise<FetchResult> {
  const step = services.onStep ?? (() => {})
  const read = await readLockfile(input.projectDir)
  if (!read) {
    throw new SkiffError('ENOLOCK', 'skiff fetch needs a package-lock.json or npm-shrinkwrap.json', {
      path: input.projectDir,
      hint: 'copy the lockfile into this folder first, or create one with `skiff install --package-lock-only`',
    })
  }
  step('read lockfile')
  const { lock, sources } = await supplementLock(read, entriesToInflate(read), {
    inflater: services.inflater,
    concurrency: services.limits.fetch,
    ...(services.signal === undefined ? {} : { signal: services.signal }),
    ...(services.onWarning === undefined ? {} : { onWarning: services.onWarning }),
  })
  const plan = planFromLock(lock, { ...input.plan, projectDir: input.projectDir }, sources)
  const downloads = new Map<string, Download>()
  for (const target of plan.targets) {
    const known = downloads.get(target.key)
    if (known) known.optional &&= target.optional
    else downloads.set(target.key, { key: target.key, pkg: target.pkg, source: target.source, optional: target.optional })
  }
  step('plan')

  const stored = [...downloads.values()].filter((download) => services.isStored(download.key)).length
  const running = startScheduler({
    ...services,
    // nothing is linked: a package is done once it is in the store
    onProgress: (progress) => services.onProgress?.({ ...progress, linked: stored + progress.downloaded }),
  })
  running.progress.total = downloads.size
  let settled: Array<{ download: Download; result: Settlement }>
  let outcome: Outcome
  try {
    const pending = [...downloads.values()].map(async (download) => ({
      download,
      result: await running.scheduler.prefetch({ key: download.key, pkg: download.pkg, source: download.source, stored: services.isStored(download.key) }),
    }))
    running.scheduler.end()
    settled = await Promise.all(pending)
    outcome = await running.scheduler.done
  } finally {
    await running[Symbol.asyncDispose]()
  }
  step('fetch and extract')

  const failures: Failure[] = [...outcome.failures]
  const dropped: string[] = []
  for (const { download, result } of settled) {
    if (result.ok) continue
    if (download.optional) dropped.push(download.pkg)
    else failures.push({ pkg: download.pkg, locations: [], error: result.error })
  }
  return { packages: downloads.size, stored, fetched: outcome.fetchedKeys, fetchedBytes: outcome.fetchedBytes, dropped, failures }
}
