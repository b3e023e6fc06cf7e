/**
 * Global installs (`-g`), as npm's arborist makes them in global mode:
 *  - The root is `<prefix>/lib`, which has no package.json and no lockfile; its dependencies
 *    are the packages named. Each lands in `<prefix>/lib/node_modules/<name>` with everything
 *    it needs inside its own folder (installStrategy shallow, peers included), and nothing is
 *    written beside them: no package-lock.json, no hidden lockfile.
 *  - Only the named packages change. Each one's old folder is moved aside first (to
 *    `.<name>-<random>`, npm's retired folders), put back if the install fails, and removed
 *    once it succeeded; npm reinstalls a global package every time, so does this.
 *  - A global package's bins are relative symlinks in `<prefix>/bin`. A name there that belongs
 *    to another package, or a file, is EEXIST unless --force (npm's global bin-links); bins the
 *    old version had and the new one does not are removed.
 *  - `uninstall -g` removes the folders and their bins.
 */
import { lstat, mkdir, readdir, readlink, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { errnoCode, SkiffError } from '../error/index.ts'
import { linkBins } from '../link/index.ts'
import type { LockEntry, Lockfile } from '../lockfile/index.ts'
import type { Spec } from '../spec/index.ts'
import { syncBinLinks } from './bins.ts'
import { install, type InstallRequest, type InstallResult, type InstallServices } from './install.ts'

export interface GlobalLayout {
  prefix: string
  /** the root of the global tree, as npm's arborist path */
  libDir: string
  /** `<prefix>/lib/node_modules` */
  rootDir: string
  binDir: string
}

export function globalLayout(prefix: string): GlobalLayout {
  const libDir = path.join(prefix, 'lib')
  return { prefix, libDir, rootDir: path.join(libDir, 'node_modules'), binDir: path.join(prefix, 'bin') }
}

export interface GlobalInstallRequest {
  layout: GlobalLayout
  add: Spec[]
  /** --force: take over bin names other global packages hold */
  force: boolean
  umask: number
  resolve: InstallRequest['resolve']
  plan: InstallRequest['plan']
}

/** What a global command changed, by location below `<prefix>/lib` and version (npm's add, change, remove). */
export interface GlobalChanges {
  added: Array<{ location: string; version: string }>
  changed: Array<{ location: string; from: string; to: string }>
  removed: Array<{ location: string; version: string }>
}

const NO_CHANGES: GlobalChanges = { added: [], changed: [], removed: [] }

export async function installGlobal(request: GlobalInstallRequest, services: Omit<InstallServices, 'currentTree' | 'hasNodeModules' | 'emptyNodeModules' | 'beforeReify'>): Promise<{ result: InstallResult; changes: GlobalChanges }> {
  const { layout } = request
  await mkdir(layout.rootDir, { recursive: true })
  let retired: Retired | undefined
  const installRequest: InstallRequest = {
    projectDir: layout.libDir,
    rootManifest: {},
    add: request.add.map((spec) => ({ spec })),
    remove: [],
    save: false,
    saveLockfile: false,
    useLockfile: false,
    savePrefix: '^',
    packageLockOnly: false,
    resolve: { ...request.resolve, installStrategy: 'shallow', global: true },
    plan: request.plan,
  }
  try {
    const result = await install(installRequest, {
      ...services,
      // the other global packages are not looked at; the ones replaced are moved aside first
      currentTree: () => Promise.resolve({ packages: new Map(), changed: new Set<string>() }),
      hasNodeModules: () => Promise.resolve(false),
      emptyNodeModules: () => Promise.resolve(),
      beforeReify: async (lock) => {
        const tops = topPackages(lock)
        // a bin name another package holds fails the install before anything changes
        if (!request.force) for (const [name, entry] of tops) await assertBinsFree(layout, name, Object.keys(binOf(lock, entry)))
        retired = await retireGlobalPackages(layout, [...tops.keys()])
      },
      linkBins: (lock, installed) => linkTreeBins(request, lock, installed),
      writeHiddenLockfile: () => Promise.resolve(),
    })
    if (result.reified?.outcome.ok === false) {
      await retired?.undo()
      return { result, changes: NO_CHANGES }
    }
    const packages = topPackages(result.lock)
    for (const [name, entry] of packages) await removeGlobalBins(layout, name, new Set(Object.keys(binOf(result.lock, entry))))
    const before = retired?.packages ?? new Map<string, string>()
    const installed = result.plan?.installed ?? new Map<string, LockEntry>()
    const after = [...installed.keys()].filter((location) => [...packages.keys()].some((name) => isInside(location, name)))
    await retired?.commit()
    const version = (location: string) => installed.get(location)?.version ?? ''
    return {
      result,
      changes: {
        added: after.filter((location) => !before.has(location)).map((location) => ({ location, version: version(location) })),
        changed: after.filter((location) => before.has(location)).map((location) => ({ location, from: before.get(location) ?? '', to: version(location) })),
        removed: [...before].filter(([location]) => !installed.has(location)).map(([location, from]) => ({ location, version: from })),
      },
    }
  } catch (error) {
    await retired?.undo()
    throw error
  }
}

/** The packages the global root depends on: `node_modules/<name>` entries. */
function topPackages(lock: Lockfile): Map<string, LockEntry> {
  const tops = new Map<string, LockEntry>()
  for (const [location, entry] of lock.packages) {
    const name = location.replace(/^node_modules\//, '')
    if (location.startsWith('node_modules/') && !name.includes('/node_modules/') && (!name.includes('/') || (name.startsWith('@') && name.split('/').length === 2))) tops.set(name, entry)
  }
  return tops
}

function isInside(location: string, name: string): boolean {
  return location === `node_modules/${name}` || location.startsWith(`node_modules/${name}/`)
}

function binOf(lock: Lockfile, entry: LockEntry): Record<string, string> {
  const target = entry.link ? lock.packages.get(entry.resolved ?? '') : entry
  const bin = target?.bin
  return typeof bin === 'object' && bin !== null ? (bin as Record<string, string>) : {}
}

/** Bins inside each global package's node_modules as in any project; the packages' own in `<prefix>/bin`. */
async function linkTreeBins(request: GlobalInstallRequest, lock: Lockfile, installed: ReadonlyMap<string, LockEntry>): Promise<void> {
  const { layout } = request
  const tops = topPackages(lock)
  const nested = new Map([...installed].filter(([location]) => !tops.has(location.replace(/^node_modules\//, ''))))
  await syncBinLinks(layout.libDir, nested, { pruneStale: false, allEntries: lock.packages, umask: request.umask })
  for (const [name, entry] of tops) {
    if (!installed.has(`node_modules/${name}`)) continue
    const bin = binOf(lock, entry)
    await linkBins({ packageDir: path.join(layout.rootDir, name), binDir: layout.binDir, bin, pkg: `${name}@${entry.version ?? ''}`, umask: request.umask })
  }
}

/** npm's global bin-links without --force: a name held by another package, or a file, is not taken over. */
async function assertBinsFree(layout: GlobalLayout, name: string, bins: readonly string[]): Promise<void> {
  for (const bin of bins) {
    const file = path.join(layout.binDir, bin)
    const owner = await binOwner(layout, file)
    if (owner === undefined || owner === name) continue
    throw new SkiffError('EEXIST', `${name}: the bin "${bin}" is already in ${layout.binDir}: ${file}${owner === null ? ' is not a link to a global package' : ` belongs to ${owner}`}`, {
      path: file,
      hint: `remove ${file} and try again, or run with --force to overwrite it`,
    })
  }
}

/**
 * The global package a bin link points into; null for a file that is no such link, undefined
 * when there is nothing, or a `node` shim of skiff's (which a package providing node replaces).
 */
async function binOwner(layout: GlobalLayout, file: string): Promise<string | null | undefined> {
  const stat = await lstat(file).catch(() => undefined)
  if (stat === undefined) return undefined
  if (!stat.isSymbolicLink()) return path.basename(file) === 'node' && (await isSkiffNodeShim(file)) ? undefined : null
  const target = path.resolve(layout.binDir, await readlink(file))
  const relative = path.relative(layout.rootDir, target)
  if (relative.startsWith('..') || path.isAbsolute(relative)) return null
  const [first = '', second = ''] = relative.split(path.sep)
  return first.startsWith('@') ? `${first}/${second}` : first
}

async function isSkiffNodeShim(file: string): Promise<boolean> {
  const head = await Bun.file(file).slice(0, 200).text().catch(() => '')
  return head.includes('the Bun runtime inside skiff')
}

/** Removes the links in `<prefix>/bin` into the package `name` that are not in `keep`. */
export async function removeGlobalBins(layout: GlobalLayout, name: string, keep: ReadonlySet<string>): Promise<void> {
  for (const bin of await readdir(layout.binDir).catch(() => [] as string[])) {
    if (keep.has(bin)) continue
    if ((await binOwner(layout, path.join(layout.binDir, bin))) === name) await rm(path.join(layout.binDir, bin), { force: true })
  }
}

/** The global packages installed: `node_modules/<name>` and `node_modules/@scope/<name>`, hidden folders left out. */
export function globalPackageNames(layout: GlobalLayout): Promise<string[]> {
  return packageFolderNames(layout.rootDir)
}

/** The package folders of a node_modules folder, scoped ones as `@scope/name`; hidden folders (retired, .bin) left out. */
async function packageFolderNames(nodeModules: string): Promise<string[]> {
  const names: string[] = []
  for (const entry of await readdir(nodeModules).catch(() => [] as string[])) {
    if (entry.startsWith('.')) continue
    if (!entry.startsWith('@')) {
      names.push(entry)
      continue
    }
    for (const scoped of await readdir(path.join(nodeModules, entry)).catch(() => [] as string[])) {
      if (!scoped.startsWith('.')) names.push(`${entry}/${scoped}`)
    }
  }
  return names.sort()
}

export interface Retired {
  /** the packages the moved folders held: location (lock form, `node_modules/a/node_modules/b`) → version */
  packages: Map<string, string>
  /** puts the moved folders back, removing what was made in their place */
  undo(): Promise<void>
  /** removes the moved folders */
  commit(): Promise<void>
}

/** Moves the folders of these global packages aside (links too); undo also removes those that were not there before. */
export async function retireGlobalPackages(layout: GlobalLayout, names: readonly string[]): Promise<Retired> {
  const moved: Array<{ from: string; to: string }> = []
  const fresh: string[] = []
  const packages = new Map<string, string>()
  for (const name of names) {
    const from = path.join(layout.rootDir, name)
    if ((await lstat(from).catch(() => undefined)) === undefined) {
      fresh.push(from)
      continue
    }
    for (const [location, version] of await packageLocations(from, `node_modules/${name}`)) packages.set(location, version)
    const to = path.join(path.dirname(from), `.${path.basename(name)}-${Math.random().toString(36).slice(2, 10)}`)
    await rename(from, to)
    moved.push({ from, to })
  }
  return {
    packages,
    async undo() {
      for (const dir of fresh) await rm(dir, { recursive: true, force: true })
      for (const { from, to } of moved) {
        await rm(from, { recursive: true, force: true })
        await rename(to, from)
      }
    },
    async commit() {
      for (const { to } of moved) await rm(to, { recursive: true, force: true })
    },
  }
}

/** Every package folder in a package's tree, itself first, as lock locations below `location`, with its version. */
async function packageLocations(dir: string, location: string): Promise<Map<string, string>> {
  const found = new Map<string, string>()
  const stat = await lstat(dir).catch(() => undefined)
  if (stat === undefined) return found
  const manifest = (await Bun.file(path.join(dir, 'package.json')).json().catch(() => ({}))) as { version?: unknown }
  found.set(location, typeof manifest.version === 'string' ? manifest.version : '')
  if (stat.isSymbolicLink()) return found
  const nodeModules = path.join(dir, 'node_modules')
  for (const child of await packageFolderNames(nodeModules)) {
    for (const [nested, version] of await packageLocations(path.join(nodeModules, child), `${location}/node_modules/${child}`)) found.set(nested, version)
  }
  return found
}

/** Removes global packages and their bins; returns the packages that went (nested ones too) with their versions. */
export async function uninstallGlobal(layout: GlobalLayout, names: readonly string[]): Promise<GlobalChanges['removed']> {
  const removed: GlobalChanges['removed'] = []
  for (const name of names) {
    const dir = path.join(layout.rootDir, name)
    const packages = await packageLocations(dir, `node_modules/${name}`)
    if (packages.size === 0) continue
    await removeGlobalBins(layout, name, new Set())
    const aside = path.join(path.dirname(dir), `.${path.basename(name)}-${Math.random().toString(36).slice(2, 10)}`)
    await rename(dir, aside).catch((error: unknown) => {
      if (errnoCode(error) !== 'ENOENT') throw error
    })
    await rm(aside, { recursive: true, force: true })
    for (const [location, version] of packages) removed.push({ location, version })
  }
  return removed
}
