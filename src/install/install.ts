/**
 * `install`, `install <specs>`, `uninstall`, `update`: make package.json, the lockfile and
 * node_modules agree, resolving only what has to be.
 *
 *  1. package.json, the lockfile (the baseline) and the workspace folders are read; what the
 *     lockfile lacks that npm fetches (an old lockfile's metadata, the tarball of an entry with
 *     neither resolved nor integrity) is fetched first (supplement-lock.ts).
 *  2. No request and a lockfile that is current (every dependency satisfied, the root's and
 *     folders' entries as their package.json says): the lockfile is the tree, nothing is
 *     resolved; what npm prunes from it (entries only optional peers reach, if anything) goes
 *     and the flags are npm's, computed from the edges. Otherwise the resolver builds the tree from the registry, keeping every
 *     locked version that still satisfies; each version it picks is handed to the scheduler at
 *     once, so tarballs download while resolution goes on.
 *  3. The saved specs go into package.json (npm's rules), the lockfile is built from the tree.
 *  4. node_modules is made to match (reify), unless --package-lock-only. With -w /
 *     --workspaces only the chosen workspaces' part of it changes (workspace-scope.ts).
 *  5. Only then are package.json and the lockfile written, each atomically: an install that
 *     fails (a missing version, an unreachable registry, ERESOLVE) leaves both untouched.
 */
import { readFile } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import semver from 'semver'
import {
  entriesToInflate,
  type InflationNeed,
  lockAsNpmLoadsIt,
  lockSyncReport,
  omitRegistryResolved,
  findWorkspaces,
  readLocalManifests,
  readLockfile,
  readPackageJson,
  readProjectPackageJson,
  serializeLockfile,
  writeLockfileAtomic,
  type LockEntry,
  type Lockfile,
} from '../lockfile/index.ts'
import { buildIdealTree, folderPackage, lockfileFromTree, staleFolderEntries, type LockInflater, type Node, type ResolveIO, type ResolveOptions, type ResolveWarning } from '../resolve/index.ts'
import { parseSpec, type Spec } from '../spec/index.ts'
import { warnEngineMismatches } from './check-engines.ts'
import type { CurrentTree } from './tree-check.ts'
import { planFromLock, type Plan, type PlanOptions } from './plan.ts'
import { prefetchInto, supplementLock, withoutInstalled } from './supplement-lock.ts'
import type { Source } from '../scheduler/index.ts'
import { reify, startScheduler, type ReifyEnv, type ReifyResult, type RunningInstall } from './reify.ts'
import { applyPackageJsonChanges, formatPackageJson, savedSpec, type SaveType } from './save-package-json.ts'
import { chosenWorkspaces, planForScope, workspaceScope, type WorkspaceChoice } from './workspace-scope.ts'

export interface InstallRequest {
  projectDir: string
  /** the root's package.json, instead of reading `<projectDir>/package.json` (npm's global folder has none) */
  rootManifest?: Record<string, unknown>
  add: Array<{ spec: Spec; saveType?: SaveType }>
  remove: string[]
  /**
   * Where add and remove apply, and which part of node_modules is installed: workspace names
   * (-w), every workspace (--workspaces), and whether the root too (--include-workspace-root).
   * Default: the root's package.json, and node_modules as a whole.
   */
  workspaces?: WorkspaceChoice
  update?: { all: boolean; names: string[] }
  /** write requests into package.json (false with --no-save) */
  save: boolean
  /**
   * write package-lock.json: false with --no-save (npm's install leaves the lockfile as it
   * is then, while update without --save still writes it), and with package-lock=false
   */
  saveLockfile: boolean
  /** package-lock=false: the lockfile is neither read nor written */
  useLockfile: boolean
  savePrefix: string
  packageLockOnly: boolean
  resolve: ResolveOptions
  plan: Omit<PlanOptions, 'projectDir'>
}

export interface InstallServices extends Omit<ReifyEnv, 'projectDir' | 'current' | 'changedOnDisk' | 'writeHiddenLockfile' | 'linkBins'> {
  /** the registry manifests of what an old lockfile, or an entry with neither resolved nor integrity, lacks */
  inflater: () => Promise<LockInflater>
  io: Required<Pick<ResolveIO, 'getPackument' | 'getManifestExtras' | 'readTarball' | 'readFolderManifest'>> & Pick<ResolveIO, 'readGit'>
  keyFor: (entry: { integrity?: string; resolved?: string }) => string
  /** the tree a previous install left (tree-check.ts); asked once, early, unless beforeReify is given */
  currentTree: () => Promise<CurrentTree | undefined>
  /** called with the tree once it is final, before node_modules changes (global installs move what they replace aside) */
  beforeReify?: (lock: Lockfile) => Promise<void>
  /** whether any node_modules folder of the project (the root's, a workspace's) holds anything */
  hasNodeModules: (lock: Lockfile) => Promise<boolean>
  emptyNodeModules: (lock: Lockfile) => Promise<void>
  linkBins: (lock: Lockfile, installed: ReadonlyMap<string, LockEntry>, changed: ReadonlySet<string>) => Promise<void>
  writeHiddenLockfile: (lock: Lockfile, installed: ReadonlyMap<string, LockEntry>, format: { indent: string; newline: string }, options: { keepIfSame: boolean }) => Promise<void>
  onWarning?: (warning: ResolveWarning) => void
}

export interface InstallResult {
  resolved: boolean
  lock: Lockfile
  plan?: Plan
  reified?: ReifyResult
  packageJsonChanged: boolean
  lockfileChanged: boolean
}

export async function install(request: InstallRequest, services: InstallServices): Promise<InstallResult> {
  const { projectDir } = request
  const step = services.onStep ?? (() => {})
  // `install <package>` in a folder without package.json makes one, as npm does
  const packageJson = request.rootManifest !== undefined
    ? { data: request.rootManifest, text: '', indent: '  ', newline: '\n' }
    : await readProjectPackageJson(projectDir, { orEmpty: request.add.length > 0 })
  const format = { indent: packageJson.indent, newline: packageJson.newline }
  // node_modules is checked while the lockfile is read and the tree resolved (a global install
  // moves its folders aside first: its tree is read after that)
  const currentEarly = request.packageLockOnly || services.beforeReify !== undefined ? undefined : services.currentTree()
  currentEarly?.catch(() => {})
  const read = request.useLockfile ? await readLockfile(projectDir) : undefined
  const hasRequests = request.add.length > 0 || request.remove.length > 0 || request.update !== undefined
  // the scheduler starts early when tarballs can be fetched while something else goes on: what
  // the lockfile lacks being fetched, or the tree being resolved
  let running: RunningInstall | undefined
  let nextPackageJson = packageJson.data
  let workspaceFiles = new Map<string, Record<string, unknown>>()
  let lock: Lockfile
  let plan: Plan | undefined
  let inSync = false
  /** the tree a previous install left, once read (null: not yet) */
  let trusted: CurrentTree | undefined | null = null
  let scope: { chosen: NonNullable<ReturnType<typeof chosenWorkspaces>>; workspaceFolders: ReadonlyMap<string, string> } | undefined
  try {
    // an old lockfile's metadata first: what is resolved and written depends on it
    const metadata = read === undefined ? new Map<string, InflationNeed>() : neededFor(entriesToInflate(read), 'metadata')
    if (metadata.size > 0 && !request.packageLockOnly) running = startScheduler(services)
    const supplement = (lock: Lockfile, needs: ReadonlyMap<string, InflationNeed>) => supplementLock(lock, needs, {
      inflater: services.inflater,
      concurrency: services.limits.fetch,
      ...(services.signal === undefined ? {} : { signal: services.signal }),
      ...(services.onWarning === undefined ? {} : { onWarning: services.onWarning }),
      ...(running === undefined ? {} : { onReady: prefetchInto(running, request.plan, services.isStored) }),
    })
    const { lock: baseline, sources } = read === undefined ? { lock: undefined, sources: new Map<string, Source>() } : await supplement(read, metadata)
    const localManifests = await readLocalManifests(projectDir, packageJson.data, baseline ?? emptyLock(projectDir))
    const workspaceFolders = findWorkspaces(packageJson.data, localManifests.keys(), (location) => localManifests.get(location) ?? {})
    const chosen = chosenWorkspaces(request.workspaces, workspaceFolders)
    step('read package.json and lockfile')

    const current = baseline !== undefined && !hasRequests ? currentLock(baseline, packageJson.data, localManifests, request.resolve) : undefined
    inSync = current !== undefined
    step('check lockfile against package.json')

    if (current !== undefined) {
      lock = current.lock
      // what this install fetches from the URLs the lockfile no longer records
      for (const [pkg, url] of current.omitted) sources.set(pkg, { url })
    } else {
      if (!request.packageLockOnly) running ??= startScheduler(services)
      const resolved = await resolveTree(request, services, { packageJson: packageJson.data, baseline, localManifests, workspaceFolders, chosen }, running)
      lock = resolved.lock
      nextPackageJson = resolved.packageJson
      workspaceFiles = resolved.workspaceFiles
      step('resolve')
    }
    // npm checks the tree it is about to make, and under engine-strict stops before writing anything
    const { engines, omit } = request.plan
    await warnEngineMismatches(lock, { engines, omit, folders: localManifests }, services.onWarning)
    if (!request.packageLockOnly) {
      // the tarballs of packages locked with neither resolved nor integrity, but for those already in place
      if (currentEarly !== undefined) trusted = await currentEarly
      const wanted = withoutInstalled(neededFor(entriesToInflate(lock), 'source'), lock, trusted ?? undefined)
      if (wanted.size > 0) {
        running ??= startScheduler(services)
        for (const [pkg, source] of (await supplement(lock, wanted)).sources) sources.set(pkg, source)
      }
      plan = planFromLock(lock, { ...request.plan, projectDir }, sources)
    }
    if (chosen !== undefined) scope = { chosen, workspaceFolders }
  } catch (error) {
    // the scheduler fetching ahead is reify's to end; without reify, it ends here
    await running?.[Symbol.asyncDispose]()
    throw error
  }

  const lockText = serializeLockfile(lock, format)
  const lockFile = read?.file ?? join(projectDir, 'package-lock.json')
  const oldLockText = await readFile(lockFile, 'utf8').catch(() => undefined)
  const packageJsonText = request.save && nextPackageJson !== packageJson.data ? formatPackageJson(nextPackageJson, format) : packageJson.text
  const packageJsonChanged = packageJsonText.trim() !== packageJson.text.trim()
  const lockfileChanged = lockText !== oldLockText && request.saveLockfile && request.useLockfile
  step('make package-lock.json')

  let reified: ReifyResult | undefined
  if (plan !== undefined) {
    await services.beforeReify?.(lock)
    if (trusted === null) trusted = await services.currentTree()
    const current = trusted?.packages
    // What is on disk outside the chosen workspaces' scope stays; without a trusted hidden
    // lockfile it is known only when there is nothing, else the whole tree is made.
    const onDisk = current ?? ((await services.hasNodeModules(lock)) ? undefined : new Map<string, LockEntry>())
    if (scope && onDisk) plan = planForScope(plan, workspaceScope({ wanted: lock.packages, current: onDisk, workspaces: scope.workspaceFolders, chosen: scope.chosen }), onDisk)
    step('plan')
    if (!current) await services.emptyNodeModules(lock)
    reified = await reify(
      plan,
      {
        ...services,
        projectDir,
        current,
        changedOnDisk: trusted?.changed,
        linkBins: (installed, changed) => services.linkBins(lock, installed, changed),
        writeHiddenLockfile: (installed, options) => services.writeHiddenLockfile(lock, installed, format, options),
      },
      running,
    )
    if (!reified.outcome.ok) return { resolved: !inSync, lock, plan, reified, packageJsonChanged: false, lockfileChanged: false }
  }
  if (packageJsonChanged) await writeLockfileAtomic(join(projectDir, 'package.json'), packageJsonText)
  for (const [location, data] of workspaceFiles) await writeWorkspacePackageJson(join(projectDir, location), data)
  if (lockfileChanged) await writeLockfileAtomic(lockFile, lockText)
  step('write package.json and lockfile')
  return { resolved: !inSync, lock, plan, reified, packageJsonChanged, lockfileChanged }
}

/**
 * The tree npm would write now, when the lockfile settles it with no resolution: every
 * dependency satisfied (npm ci's check) and the folders' entries as their package.json says.
 * What npm prunes and the flags it computes are applied (its buildIdealTree does so on every
 * lockfile it loads), and omit-lockfile-registry-resolved; undefined when the resolver has work
 * to do.
 */
function currentLock(
  lock: Lockfile,
  packageJson: Record<string, unknown>,
  localManifests: ReadonlyMap<string, Record<string, unknown>>,
  options: { legacyPeerDeps: boolean; omitLockfileRegistryResolved: boolean },
): { lock: Lockfile; omitted: ReadonlyMap<string, string> } | undefined {
  const report = lockSyncReport(packageJson, lock, { localManifests, legacyPeerDeps: options.legacyPeerDeps })
  if (report.problems.length > 0) return undefined
  const folders = new Map([...localManifests].filter(([location]) => location !== ''))
  if (staleFolderEntries(lock, packageJson, folders).length > 0) return undefined
  const loaded = lockAsNpmLoadsIt(lock, report)
  // npm writes the lockfile from its tree every time: with this setting, without registry URLs
  return options.omitLockfileRegistryResolved ? omitRegistryResolved(loaded, report.registryDependencies()) : { lock: loaded, omitted: new Map() }
}

interface ProjectFiles {
  packageJson: Record<string, unknown>
  baseline: Lockfile | undefined
  localManifests: ReadonlyMap<string, Record<string, unknown>>
  /** workspace name → folder */
  workspaceFolders: ReadonlyMap<string, string>
  /** the package.json files the requests change; undefined: the root's */
  chosen: { root: boolean; workspaces: string[] } | undefined
}

async function resolveTree(
  request: InstallRequest,
  services: InstallServices,
  { packageJson, baseline, localManifests, workspaceFolders, chosen }: ProjectFiles,
  running: RunningInstall | undefined,
): Promise<{ lock: Lockfile; packageJson: Record<string, unknown>; workspaceFiles: Map<string, Record<string, unknown>> }> {
  const { projectDir } = request
  const workspaces = new Map([...workspaceFolders.values()].map((location) => [location, localManifests.get(location) ?? {}]))
  const targets = chosen ?? { root: true, workspaces: [] }
  // requests for workspaces go into their package.json before resolution (specs as typed);
  // the specs npm saves are known once the tree is built
  const typed = { add: request.add.map(({ spec, saveType }) => ({ name: spec.name ?? '', spec: spec.rawSpec === '' ? '*' : rawSpecOf(spec), ...(saveType ? { saveType } : {}) })), remove: request.remove }
  for (const location of targets.workspaces) workspaces.set(location, applyPackageJsonChanges(workspaces.get(location) ?? {}, typed))
  const tree = await buildIdealTree({
    projectDir,
    rootManifest: packageJson,
    workspaces,
    ...(baseline === undefined ? {} : { baseline }),
    add: targets.root ? request.add : [],
    remove: targets.root ? request.remove : [],
    ...(request.update === undefined ? {} : { update: request.update }),
    options: request.resolve,
    ...services.io,
    onResolved(node) {
      if (!running || !node.resolved.startsWith('http')) return
      const install = running
      // Platform packages of other systems are locked but never installed: not worth fetching.
      // The packument is already loaded (the version was just picked from it).
      // Never rejects: prefetch settles with a result, and a failure that matters fails the
      // target that needs the package later.
      // (libc is a lockfile-only field, asked for when the version was picked)
      const extras = services.io.getManifestExtras(node.name, node.version).catch(() => undefined)
      void Promise.all([services.io.getPackument(node.name, parseSpec(node.name, node.version)), extras]).then(
        ([packument, known]) => {
          const manifest = packument.versions.get(node.version)
          if (manifest && !request.plan.isCompatible({ os: asList(manifest.os), cpu: asList(manifest.cpu), libc: asList(known?.libc) })) return
          const key = services.keyFor({ integrity: node.integrity ?? undefined, resolved: node.resolved })
          const source = { url: node.resolved, ...(node.integrity ? { integrity: node.integrity } : {}) }
          void install.scheduler.prefetch({ key, pkg: `${node.name}@${node.version}`, source, stored: services.isStored(key) })
        },
        () => {},
      )
    },
    ...(services.onWarning === undefined ? {} : { onWarning: services.onWarning }),
  })
  const savedFor = (node: Node, named: boolean) =>
    request.add.map(({ spec, saveType }, index) => {
      // the resolver names specs that carry no name (tarballs, folders, git) from their manifests
      const name = (named ? tree.requests.add[index]?.name : undefined) ?? spec.name ?? ''
      const installed = node.edgesOut.get(name)?.to ?? undefined
      const savedAs = savedSpec(
        { name, spec, installedVersion: installed?.version, installedName: installed?.packageName ?? undefined },
        { projectDir, savePrefix: request.savePrefix },
      )
      return { name, spec: savedAs, ...(saveType === undefined ? {} : { saveType }) }
    })
  const rootChanges = [...savedFor(tree.root, true), ...(request.update && request.save ? updatedRanges(tree.root, request) : [])]
  // a package.json nothing was asked of is left as it is (npm sorts a list only when it saves into it)
  const changesRoot = rootChanges.length > 0 || request.remove.length > 0
  const nextPackageJson = request.save && targets.root && changesRoot
    ? applyPackageJsonChanges(packageJson, { add: rootChanges, remove: request.remove })
    : packageJson
  const workspaceFiles = new Map<string, Record<string, unknown>>()
  const hasChanges = request.add.length > 0 || request.remove.length > 0
  for (const node of tree.root.fsChildren) {
    const location = relative(projectDir, node.path).split(sep).join('/')
    // only requests change a workspace's package.json (`install -w x` alone leaves it as it is)
    if (!request.save || !hasChanges || !targets.workspaces.includes(location)) continue
    const saved = applyPackageJsonChanges(localManifests.get(location) ?? {}, { add: savedFor(node, false), remove: request.remove })
    workspaceFiles.set(location, saved)
    // the lockfile's entry for the workspace records the specs as saved, not as typed
    node.package = folderPackage(saved)
  }
  const lock = lockfileFromTree(tree, nextPackageJson, {
    omitLockfileRegistryResolved: request.resolve.omitLockfileRegistryResolved,
    file: baseline?.file ?? join(projectDir, 'package-lock.json'),
  })
  if (request.save && targets.root) addOptionalAffordance(lock, typed.add)
  return { lock, packageJson: nextPackageJson, workspaceFiles }
}

/**
 * npm adds an optional dependency to the root package's `dependencies` too, with the spec as
 * typed ("for previous npm versions"), so the lockfile's root entry lists it there while
 * package.json does not; the next install writes the entry from package.json again.
 */
function addOptionalAffordance(lock: Lockfile, typed: ReadonlyArray<{ name: string; spec: string; saveType?: SaveType }>): void {
  const root = lock.packages.get('')
  const optional = typed.filter((request) => request.saveType === 'optional' && request.name !== '')
  if (root === undefined || optional.length === 0) return
  const dependencies = { ...(root.dependencies as Record<string, string> | undefined) }
  for (const { name, spec } of optional) dependencies[name] = spec
  root.dependencies = dependencies
}

/**
 * `update --save`: the ranges of updated direct dependencies move up to the installed version
 * (`^1.0.0` with 1.4.2 installed becomes `^1.4.2`), where the new range stays within the old;
 * a dependency pinned to an exact version is left alone (npm's saveIdealTree).
 */
function updatedRanges(root: Node, request: InstallRequest): Array<{ name: string; spec: string }> {
  const names = request.update?.all ? [...root.edgesOut.keys()] : request.update?.names ?? []
  const changes: Array<{ name: string; spec: string }> = []
  for (const name of names) {
    const edge = root.edgesOut.get(name)
    const installed = edge?.to
    if (!edge || !installed || !installed.version || isExact(edge.spec, installed.version)) continue
    let spec: Spec
    try {
      spec = parseSpec(name, edge.spec, request.projectDir)
    } catch {
      continue
    }
    if (spec.type !== 'range' && spec.type !== 'version' && spec.type !== 'tag' && spec.type !== 'alias') continue
    const saved = savedSpec({ name, spec, installedVersion: installed.version, installedName: installed.packageName ?? undefined }, { projectDir: request.projectDir, savePrefix: request.savePrefix })
    if (saved !== edge.spec) changes.push({ name, spec: saved })
  }
  return changes
}

function isExact(range: string, version: string): boolean {
  try {
    return semver.subset(range, version)
  } catch {
    return false
  }
}

/** The spec part as npm writes a request into package.json before resolution. */
function rawSpecOf(spec: Spec): string {
  if (spec.type === 'alias') return `npm:${spec.subSpec.raw}`
  if (spec.type === 'directory' || spec.type === 'file') return `file:${spec.path}`
  if (spec.type === 'remote') return spec.url
  if (spec.type === 'git') return spec.saveSpec
  return spec.rawSpec
}

function asList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value]
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined
}

/** A workspace's package.json, rewritten in its own indent and newline when it changed. */
async function writeWorkspacePackageJson(dir: string, data: Record<string, unknown>): Promise<void> {
  const current = await readPackageJson(dir)
  const text = formatPackageJson(data, { indent: current.indent, newline: current.newline })
  if (text.trim() !== current.text.trim()) await writeLockfileAtomic(join(dir, 'package.json'), text)
}

function emptyLock(projectDir: string): Lockfile {
  return { file: join(projectDir, 'package-lock.json'), kind: 'package-lock.json', lockfileVersion: 3, packages: new Map() }
}

/** Only one kind of need: an old lockfile's metadata, or a tarball's source. */
function neededFor(needs: ReadonlyMap<string, InflationNeed>, kind: keyof InflationNeed): Map<string, InflationNeed> {
  const only = new Map<string, InflationNeed>()
  for (const [location, need] of needs) {
    if (need[kind]) only.set(location, { metadata: kind === 'metadata', source: kind === 'source' })
  }
  return only
}
