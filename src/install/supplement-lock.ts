/**
 * Gives a lockfile what npm would fetch for it before installing (resolve/inflate-lockfile.ts
 * says what: the manifests of an old lockfile's packages, the tarball of an entry with neither
 * resolved nor integrity). The manifests are asked for on a bounded lane of their own, all at
 * once up to the fetch limit; each package whose tarball is known by then and that this install
 * will make is handed to the scheduler right away, so downloads overlap the requests still
 * running. A lockfile that has everything costs one look at each entry and no request.
 */
import { SkiffError, isSkiffError } from '../error/index.ts'
import { comesInBundlerTarball, nameFromLocation, parentLocation, type InflationNeed, type LockEntry, type Lockfile } from '../lockfile/index.ts'
import { isEngineCompatible } from '../link/index.ts'
import type { LockInflater, ResolveWarning } from '../resolve/index.ts'
import { createLane, type Source } from '../scheduler/index.ts'
import { sameInstall } from './diff.ts'
import { isOmitted, type PlanOptions } from './plan.ts'
import type { RunningInstall } from './reify.ts'

export interface Supplemented {
  lock: Lockfile
  /** by name@version: where the tarball of a package locked with neither resolved nor integrity comes from */
  sources: Map<string, Source>
}

export interface SupplementDeps {
  /** loaded only when something is missing: a lockfile that has everything never loads the resolver */
  inflater: () => Promise<LockInflater>
  /** manifests asked for at once */
  concurrency: number
  signal?: AbortSignal
  onWarning?: (warning: ResolveWarning) => void
  /** a package's manifest is in: its tarball can be fetched (`source` when the lockfile had none) */
  onReady?: (location: string, entry: LockEntry, source: Source | undefined) => void
}

/** `needs`: entriesToInflate(lock), empty in the common case (then nothing happens). */
export async function supplementLock(lock: Lockfile, needs: ReadonlyMap<string, InflationNeed>, deps: SupplementDeps): Promise<Supplemented> {
  const sources = new Map<string, Source>()
  if (needs.size === 0) return { lock, sources }
  if ([...needs.values()].some((need) => need.metadata)) {
    deps.onWarning?.({
      code: 'EOLDLOCK',
      message: `${lock.kind} was created with an old version of npm, so supplemental metadata must be fetched from the registry`,
      lines: [],
    })
  }
  const signal = deps.signal ?? new AbortController().signal
  const inflater = await deps.inflater()
  const lane = createLane({ name: 'metadata', concurrency: deps.concurrency, capacity: deps.concurrency, signal })
  const inflated = new Map<string, LockEntry | undefined>()
  const failures: unknown[] = []
  for (const [location, need] of needs) {
    const entry = lock.packages.get(location) as LockEntry
    await lane.push(async () => {
      try {
        const result = await inflater.inflate(location, entry, need)
        inflated.set(location, result.entry)
        if (result.warning !== undefined) deps.onWarning?.({ code: 'EOLDLOCK', message: result.warning, lines: [] })
        if (result.entry === undefined) return
        if (result.source !== undefined) sources.set(`${result.entry.name ?? nameFromLocation(location)}@${result.entry.version ?? ''}`, result.source)
        if (!comesInBundlerTarball(lock.packages, location)) deps.onReady?.(location, result.entry, result.source)
      } catch (error) {
        failures.push(error)
      }
    })
  }
  await lane.idle()
  signal.throwIfAborted()
  if (failures.length > 0) throw combined(failures)
  const packages = new Map<string, LockEntry>()
  for (const [location, entry] of lock.packages) {
    const replaced = inflated.has(location) ? inflated.get(location) : entry
    if (replaced !== undefined) packages.set(location, replaced)
  }
  return { lock: { ...lock, packages }, sources }
}

/** One failure as it is; several as one error listing them, the first one's code kept. */
function combined(failures: unknown[]): unknown {
  const [first] = failures
  if (failures.length === 1) return first
  const lines = failures.map((failure) => (failure instanceof Error ? failure.message : String(failure)))
  return new SkiffError(isSkiffError(first) ? first.code : 'EFETCH', `${failures.length} packages the lockfile names could not be fetched`, { lines, cause: first })
}

/**
 * onReady for an install: the tarball of a package it will make goes to the scheduler at once
 * (one left out, for another platform or engine, is not fetched, as the plan will not want it).
 */
export function prefetchInto(
  install: RunningInstall,
  options: Omit<PlanOptions, 'projectDir'>,
  isStored: (key: string) => boolean,
  { skipStored = false }: { skipStored?: boolean } = {},
): (location: string, entry: LockEntry, source: Source | undefined) => boolean {
  return (location, entry, source) => {
    if (entry.link === true || isOmitted(entry, options.omit) || !options.isCompatible(entry)) return false
    if (entry.optional === true && !isEngineCompatible(entry, options.engines)) return false
    const name = entry.name ?? nameFromLocation(location)
    const key = options.keyFor(source === undefined ? entry : { integrity: source.integrity, resolved: source.url })
    const stored = isStored(key)
    if (stored && skipStored) return false
    const from = source ?? { url: options.tarballUrl(name, entry), ...(entry.integrity === undefined ? {} : { integrity: entry.integrity }) }
    // settles with a result, never rejects: a failure that matters fails the target that needs the package
    void install.scheduler.prefetch({ key, pkg: `${name}@${entry.version ?? ''}`, source: from, stored })
    return !stored
  }
}

/**
 * `needs` without the tarball sources a previous install makes unnecessary: an entry with
 * neither resolved nor integrity whose package node_modules holds as the lockfile has it, in
 * folders that stay too (diffTrees will leave it alone, as npm leaves it). `current` is the
 * trusted tree on disk and the packages in it that changed since.
 */
export function withoutInstalled(
  needs: ReadonlyMap<string, InflationNeed>,
  lock: Lockfile,
  current: { packages: ReadonlyMap<string, LockEntry>; changed?: ReadonlySet<string> } | undefined,
): ReadonlyMap<string, InflationNeed> {
  if (current === undefined || needs.size === 0) return needs
  const stays = (location: string): boolean => {
    const installed = current.packages.get(location)
    const wanted = lock.packages.get(location)
    return installed !== undefined && wanted !== undefined && current.changed?.has(location) !== true && sameInstall(installed, wanted)
  }
  const left = new Map<string, InflationNeed>()
  for (const [location, need] of needs) {
    let installed = !need.metadata && stays(location)
    for (let parent = parentLocation(location); installed && parent !== undefined && parent !== ''; parent = parentLocation(parent)) {
      installed = stays(parent)
    }
    if (!installed) left.set(location, need)
  }
  return left
}
