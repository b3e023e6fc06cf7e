/**
 * `ci`: install exactly what the lockfile says.
 *
 *  1. package.json and the lockfile (npm-shrinkwrap.json, else package-lock.json) are read;
 *     no lockfile is ENOLOCK; what it lacks that npm fetches (an old lockfile's metadata, the
 *     tarball of an entry with neither resolved nor integrity) is fetched first, the tarballs
 *     already known handed to the scheduler meanwhile (supplement-lock.ts); a lockfile out of sync with package.json is ELOCKSYNC listing
 *     every mismatch, as `npm ci` checks (skipped for files that passed it before, when a
 *     LockCheckMemo is given). Into an empty node_modules, the tarballs the lockfile names are
 *     downloaded from the start, while it is checked and planned.
 *  2. The lockfile becomes a plan: the package folders to make (omit / platform rules applied);
 *     with -w / --workspaces only the chosen workspaces' scope (workspace-scope.ts), the rest
 *     of node_modules goes as npm ci removes it all.
 *  3. If node_modules holds a previous install whose hidden lockfile matches the disk, only
 *     what differs is changed; otherwise node_modules is emptied first, as npm ci does.
 *  4. reify: scheduler (fetch -> store -> link), link entries, .bin links, hidden lockfile.
 */
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { errnoCode, SkiffError } from '../error/index.ts'
import {
  lockAsNpmLoadsIt,
  lockSyncReport,
  omitRegistryResolved,
  findWorkspaces,
  isInNodeModules,
  createLockSyncError,
  readLocalManifests,
  readLockfile,
  readProjectPackageJson,
  type LockEntry,
  type Lockfile,
  type LockSyncReport,
  type PackageJsonFile,
  entriesToInflate,
  comesInBundlerTarball,
  type InflationNeed,
} from '../lockfile/index.ts'
import type { LockInflater, ResolveWarning } from '../resolve/index.ts'
import { warnEngineMismatches } from './check-engines.ts'
import type { LockCheckMemo } from './lock-check-memo.ts'
import type { DepFlags } from '../lockfile/index.ts'
import { planFromLock, type Plan, type PlanOptions } from './plan.ts'
import { reify, startScheduler, type ReifyEnv, type ReifyResult, type RunningInstall } from './reify.ts'
import { prefetchInto, supplementLock, withoutInstalled } from './supplement-lock.ts'
import { currentTree } from './tree-check.ts'
import { chosenWorkspaces, planForScope, workspaceScope, type WorkspaceChoice } from './workspace-scope.ts'

export interface CiInput {
  projectDir: string
  legacyPeerDeps: boolean
  /** the hidden lockfile leaves registry URLs out, as npm writes it */
  omitLockfileRegistryResolved: boolean
  plan: Omit<PlanOptions, 'projectDir'>
  /** install only these workspaces' part of the tree (-w, --workspaces, --include-workspace-root) */
  workspaces?: WorkspaceChoice
  /** false: node_modules is read through node:fs alone (native-io=false) */
  nativeIo?: boolean
}

export interface CiServices extends Omit<ReifyEnv, 'projectDir' | 'current' | 'changedOnDisk' | 'writeHiddenLockfile' | 'linkBins'> {
  /** the registry manifests of what an old lockfile, or an entry with neither resolved nor integrity, lacks */
  inflater: () => Promise<LockInflater>
  /** engines that exclude this node or npm (errors under engine-strict) */
  onWarning?: (warning: ResolveWarning) => void
  /** skips the sync check for files that passed it before */
  lockCheckMemo?: LockCheckMemo
  linkBins: (lock: Lockfile, installed: ReadonlyMap<string, LockEntry>, changed: ReadonlySet<string>) => Promise<void>
  writeHiddenLockfile: (lock: Lockfile, installed: ReadonlyMap<string, LockEntry>, format: { indent: string; newline: string }, options: { keepIfSame: boolean }) => Promise<void>
}

export interface CiResult extends ReifyResult {
  plan: Plan
  lock: Lockfile
}

export async function ci(input: CiInput, services: CiServices): Promise<CiResult> {
  const { projectDir } = input
  const step = services.onStep ?? (() => {})
  const read = await readLockfile(projectDir)
  if (!read) {
    throw new SkiffError('ENOLOCK', 'skiff ci needs an existing package-lock.json or npm-shrinkwrap.json', {
      path: projectDir,
      hint: 'create one first with `skiff install` (or `npm install --package-lock-only`)',
    })
  }
  const packageJson = await readProjectPackageJson(projectDir)
  step('read package.json and lockfile')
  const trusted = await currentTree(projectDir, input.nativeIo === undefined ? {} : { nativeIo: input.nativeIo })
  step('read the hidden lockfile')
  // what the lockfile lacks is fetched first (not the sources of packages already in place), the
  // tarballs already known going to the scheduler meanwhile
  const needs = withoutInstalled(entriesToInflate(read), read, trusted)
  // into an empty node_modules, the tarballs the lockfile names start downloading now, while it
  // is checked and planned (antd, cold: 0.6 s of main thread); not for some workspaces' part of
  // the tree, which the plan alone knows
  const scoped = input.workspaces !== undefined && (input.workspaces.names.length > 0 || input.workspaces.all)
  const ahead = trusted || scoped ? [] : knownTarballs(read, needs)
  const running = needs.size > 0 || ahead.length > 0 ? startScheduler(services) : undefined
  let prepared: Prepared
  try {
    if (running && ahead.length > 0) {
      const prefetch = prefetchInto(running, input.plan, services.isStored, { skipStored: true })
      services.expectDownloads?.(ahead.map(([location, entry]) => prefetch(location, entry, undefined)).filter(Boolean).length)
    }
    prepared = await prepare(input, services, { read, needs, packageJson, running })
  } catch (error) {
    await running?.[Symbol.asyncDispose]()
    throw error
  }
  const { lock, installed, plan } = prepared
  if (!trusted) {
    await emptyNodeModules(projectDir, workspaceFolders(lock))
    step('empty node_modules')
  }
  const format = { indent: packageJson.indent, newline: packageJson.newline }
  const result = await reify(
    plan,
    {
      ...services,
      projectDir,
      current: trusted?.packages,
      changedOnDisk: trusted?.changed,
      linkBins: (made, changed) => services.linkBins(installed, made, changed),
      writeHiddenLockfile: (made, options) => services.writeHiddenLockfile(installed, made, format, options),
    },
    running,
  )
  return { ...result, plan, lock }
}

/**
 * The lockfile's packages whose tarball it names, in node_modules, not bundled: what a clean
 * install of it downloads, unless its check fails or its plan leaves one out (prefetchInto
 * skips what the omit flags, the platform or the engines leave out). An optional package that
 * names no platform waits for the plan: it may be there only for one that does not fit this
 * machine (a wasm binding's runtime), and goes with it.
 */
function knownTarballs(lock: Lockfile, needs: ReadonlyMap<string, InflationNeed>): Array<[string, LockEntry]> {
  const known: Array<[string, LockEntry]> = []
  for (const [location, entry] of lock.packages) {
    if (!isInNodeModules(location) || entry.link === true || needs.has(location)) continue
    if (entry.optional === true && entry.os === undefined && entry.cpu === undefined && entry.libc === undefined) continue
    const registry = entry.resolved === undefined ? entry.integrity !== undefined : /^https?:\/\//.test(entry.resolved)
    if (registry && !comesInBundlerTarball(lock.packages, location)) known.push([location, entry])
  }
  return known
}

interface Prepared {
  lock: Lockfile
  /** the tree npm loads from the lockfile */
  installed: Lockfile
  plan: Plan
}

async function prepare(
  input: CiInput,
  services: CiServices,
  { read, needs, packageJson, running }: { read: Lockfile; needs: ReadonlyMap<string, InflationNeed>; packageJson: PackageJsonFile; running: RunningInstall | undefined },
): Promise<Prepared> {
  const { projectDir } = input
  const step = services.onStep ?? (() => {})
  const { lock, sources } = await supplementLock(read, needs, {
    inflater: services.inflater,
    concurrency: services.limits.fetch,
    ...(services.signal === undefined ? {} : { signal: services.signal }),
    ...(services.onWarning === undefined ? {} : { onWarning: services.onWarning }),
    ...(running === undefined ? {} : { onReady: prefetchInto(running, input.plan, services.isStored) }),
  })
  if (lock !== read) step('fetch what the lockfile lacks')
  const localManifests = await readLocalManifests(projectDir, packageJson.data, lock)
  // npm ci installs the tree arborist loads from the lockfile: entries nothing reaches (a
  // dependency taken out of package.json by hand, an optional peer) left out, flags computed
  // again from the edges (with omit-lockfile-registry-resolved, which registry URLs the hidden
  // lockfile leaves out is the check's to say too); a check that passed is remembered with what it found
  const omitting = input.omitLockfileRegistryResolved && [...lock.packages.values()].some((entry) => entry.resolved !== undefined && entry.link !== true)
  let report: Omit<LockSyncReport, 'problems'> = { unreached: [], wrongFlags: new Map(), registryDependencies: () => new Set() }
  const check = (): RememberedCheck | undefined => {
    const found = lockSyncReport(packageJson.data, lock, { localManifests, legacyPeerDeps: input.legacyPeerDeps })
    if (found.problems.length > 0) throw createLockSyncError(lock, found.problems)
    report = found
    return {
      unreached: found.unreached,
      wrongFlags: [...found.wrongFlags],
      ...(omitting ? { registryDependencies: [...found.registryDependencies()] } : {}),
    }
  }
  if (!services.lockCheckMemo) check()
  else {
    const inputs = {
      packageJsonText: packageJson.text,
      lockfileBytes: await readFile(lock.file),
      localManifests,
      legacyPeerDeps: input.legacyPeerDeps,
      omitLockfileRegistryResolved: omitting,
    }
    const remembered = services.lockCheckMemo.checkOnce(inputs, check)
    if (remembered) {
      const { unreached, wrongFlags, registryDependencies } = remembered
      report = { unreached, wrongFlags: new Map(wrongFlags), registryDependencies: () => new Set(registryDependencies) }
    }
  }
  step('check lockfile against package.json')

  const workspaces = findWorkspaces(packageJson.data, localManifests.keys(), (location) => localManifests.get(location) ?? {})
  const chosen = chosenWorkspaces(input.workspaces, workspaces)
  let installed = lockAsNpmLoadsIt(lock, report)
  if (omitting) {
    const omitted = omitRegistryResolved(installed, report.registryDependencies())
    installed = omitted.lock
    for (const [pkg, url] of omitted.omitted) sources.set(pkg, { url })
  }
  const { engines, omit } = input.plan
  await warnEngineMismatches(installed, { engines, omit, folders: localManifests }, services.onWarning)
  const wholePlan = planFromLock(installed, { ...input.plan, projectDir }, sources)
  const nothing = new Map<string, LockEntry>()
  const plan = chosen ? planForScope(wholePlan, workspaceScope({ wanted: lock.packages, current: nothing, workspaces, chosen }), nothing) : wholePlan
  step('plan')
  return { lock, installed, plan }
}

/** What a check that passed found, kept with it by the memo: the lockfile as npm loads it follows from it. */
interface RememberedCheck {
  unreached: string[]
  wrongFlags: Array<[string, DepFlags]>
  /** with omit-lockfile-registry-resolved: the packages whose `resolved` it leaves out */
  registryDependencies?: string[]
}

/** Whether any node_modules folder of the project (the root's, a workspace's) holds anything. */
export async function hasNodeModules(projectDir: string, workspaces: string[]): Promise<boolean> {
  for (const folder of ['', ...workspaces]) {
    const names = await readdir(join(projectDir, folder, 'node_modules')).catch(() => [] as string[])
    if (names.length > 0) return true
  }
  return false
}

/** Folders of the project that have node_modules of their own: workspaces and linked folders inside it. */
export function workspaceFolders(lock: Lockfile): string[] {
  return [...lock.packages.keys()].filter((location) => location !== '' && !isInNodeModules(location) && !location.startsWith('../'))
}

/**
 * npm ci removes node_modules (the root's and each workspace's) before installing. Each folder
 * is renamed aside first, so the project never holds a half-deleted tree, then deleted;
 * leftovers of an earlier run stopped mid-delete go too. A node_modules that cannot be renamed
 * (a mount point, as a Docker volume is: EBUSY; or a folder whose parent may not be changed) is
 * emptied instead, as npm ci empties it: its hidden lockfile first, then every entry moved into
 * one hidden folder inside it, which is deleted.
 */
export async function emptyNodeModules(projectDir: string, workspaces: string[]): Promise<void> {
  const doomed: string[] = []
  for (const folder of ['', ...workspaces]) {
    const base = join(projectDir, folder)
    const nodeModules = join(base, 'node_modules')
    try {
      await rename(nodeModules, join(base, `${ASIDE_PREFIX}${process.pid}`))
    } catch (error) {
      const code = errnoCode(error)
      if (code !== 'ENOENT' && code !== 'ENOTDIR') doomed.push(await emptyInPlace(nodeModules))
    }
    const names = await readdir(base).catch(() => [] as string[])
    for (const name of names) if (name.startsWith(ASIDE_PREFIX)) doomed.push(join(base, name))
  }
  await Promise.all(doomed.map((dir) => rm(dir, { recursive: true, force: true })))
}

/** Moves everything in `nodeModules` into a hidden folder inside it, and returns that folder. */
async function emptyInPlace(nodeModules: string): Promise<string> {
  const aside = join(nodeModules, `${ASIDE_PREFIX}${process.pid}`)
  await mkdir(aside, { recursive: true })
  // without its hidden lockfile, a folder emptied halfway is never trusted
  await rm(join(nodeModules, '.package-lock.json'), { force: true })
  for (const name of await readdir(nodeModules)) {
    if (join(nodeModules, name) !== aside) await rename(join(nodeModules, name), join(aside, name))
  }
  return aside
}

const ASIDE_PREFIX = '.node_modules.skiff-old-'
