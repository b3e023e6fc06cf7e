/**
 * What the reliability tests share: a fixture registry with a small tree and a heavy package
 * (many files, so that extraction and linking take long enough to be interrupted), the project
 * that locks it, a way to start skiff and act on it while it runs, and the checks every test
 * ends with — the store holds only complete, correct packages and no staging leftovers of a
 * finished process, node_modules holds no half-made package, and a tree equals a clean install.
 */
import { afterAll, beforeAll } from 'bun:test'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { extractTarball } from '../../src/tarball/index.ts'
import { hermeticEnv, listTree, skiffCommand, tempDir, type RunOptions } from '../helpers/index.ts'
import { createTestRegistry, lockfileFor, writeProject, type LockedPackage, type PackageDef, type TestRegistry } from '../registry/index.ts'

// tens of milliseconds to extract or link even on the main thread: long enough for the crash tests
// to find a package half made and stop the install there
export const HEAVY_FILES = 1200

function heavyFiles(count: number): Record<string, string> {
  const files: Record<string, string> = {}
  for (let i = 0; i < count; i++) files[`lib/part-${i % 40}/file-${i}.js`] = `module.exports = ${i}\n`
  return files
}

export const PACKAGES: PackageDef[] = [
  { name: 'alpha', version: '1.0.0', bin: { alpha: 'bin/alpha.js' }, files: { 'bin/alpha.js': '#!/usr/bin/env node\nconsole.log("alpha")\n', 'index.js': 'module.exports = "alpha 1"\n' } },
  { name: 'alpha', version: '2.0.0', files: { 'index.js': 'module.exports = "alpha 2"\n' } },
  { name: 'beta', version: '1.0.0', dependencies: { alpha: '^2.0.0' }, files: { 'lib/a.js': 'a\n', 'lib/b.js': 'b\n' } },
  { name: '@scope/gamma', version: '1.0.0', files: { 'index.js': 'gamma\n', 'README.md': '# gamma\n' } },
  { name: 'heavy', version: '1.0.0', files: heavyFiles(HEAVY_FILES) },
  // not in the fixture project's lockfile: for tests that change the project
  { name: 'epsilon', version: '1.0.0', files: { 'index.js': 'epsilon\n' } },
]

export const PACKAGE_JSON = {
  name: 'app',
  version: '1.0.0',
  dependencies: { alpha: '^1.0.0', beta: '^1.0.0', '@scope/gamma': '^1.0.0', heavy: '^1.0.0' },
}

export const LOCKED: LockedPackage[] = [
  { name: 'alpha', version: '1.0.0' },
  { name: 'beta', version: '1.0.0' },
  { name: 'alpha', version: '2.0.0', location: 'node_modules/beta/node_modules/alpha' },
  { name: '@scope/gamma', version: '1.0.0' },
  { name: 'heavy', version: '1.0.0' },
]

export async function createFixtureRegistry(extra: PackageDef[] = []): Promise<TestRegistry> {
  return createTestRegistry({ packages: [...PACKAGES, ...extra] })
}

export interface FixtureSuite {
  registry: TestRegistry
  /** snapshotNodeModules of a clean install of the fixture project */
  cleanTree: string[]
}

/**
 * For a test file: starts the fixture registry and makes one clean install of the fixture
 * project (the tree other runs are compared with) before its tests, and closes the registry after.
 */
export function fixtureSuite(extra: PackageDef[] = []): FixtureSuite {
  const suite = { registry: undefined, cleanTree: [] } as unknown as FixtureSuite
  beforeAll(async () => {
    suite.registry = await createFixtureRegistry(extra)
    await using tmp = tempDir()
    const dir = writeFixtureProject(suite.registry, tmp.path)
    const run = await runSkiffFull(dir, ['ci'], { registry: suite.registry.url })
    if (run.code !== 0) throw new Error(`clean install failed: ${run.stderr}`)
    suite.cleanTree = snapshotNodeModules(dir)
  })
  afterAll(async () => {
    await suite.registry.close()
  })
  return suite
}

export interface ProjectOptions {
  packageJson?: Record<string, unknown>
  locked?: LockedPackage[]
  /** replaces the generated lockfile (an object is written as npm does) */
  lockfile?: Record<string, unknown> | string
  npmrc?: string
}

/** `<base>/project` with package.json and the lockfile npm would write for `locked`. */
export function writeFixtureProject(registry: TestRegistry, base: string, options: ProjectOptions = {}): string {
  const packageJson = options.packageJson ?? PACKAGE_JSON
  const lockfile = options.lockfile ?? lockfileFor(registry, packageJson, options.locked ?? LOCKED)
  return writeProject(path.join(base, 'project'), { packageJson, lockfile, ...(options.npmrc === undefined ? {} : { npmrc: options.npmrc }) })
}

/** Fast retries and a short stall timeout, so that fault tests end quickly. */
export const FAST_RETRIES: Record<string, string> = {
  npm_config_fetch_retries: '2',
  npm_config_fetch_retry_mintimeout: '10',
  npm_config_fetch_retry_maxtimeout: '50',
}

export interface SkiffExit {
  /** the exit code, or 128 + the signal number when a signal ended it */
  code: number
  /** the signal that ended the process, when it did not exit by itself */
  signal: string | null
  stdout: string
  stderr: string
}

export interface RunningSkiff {
  pid: number
  kill(signal: NodeJS.Signals): void
  exited: Promise<SkiffExit>
}

/** Starts skiff like runSkiff does, but hands back the process, to stop it while it works. */
export function startSkiff(cwd: string, args: string[], options: RunOptions & { shell?: string } = {}): RunningSkiff {
  const command = [...skiffCommand(), ...args]
  const argv = options.shell === undefined ? command : ['sh', '-c', `${options.shell}; exec "$@"`, 'sh', ...command]
  const child = Bun.spawn(argv, { cwd, env: hermeticEnv(cwd, options), stdout: 'pipe', stderr: 'pipe', stdin: 'ignore' })
  const exited = Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]).then(
    ([stdout, stderr, code]) => ({ code, signal: child.signalCode === null ? null : String(child.signalCode), stdout, stderr }),
  )
  return { pid: child.pid, kill: (signal) => child.kill(signal), exited }
}

export function runSkiffFull(cwd: string, args: string[], options: RunOptions & { shell?: string } = {}): Promise<SkiffExit> {
  return startSkiff(cwd, args, options).exited
}

/** Resolves once `condition` holds, checking every millisecond or so; rejects after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const started = Date.now()
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await Bun.sleep(1)
  }
}

/** Every path under `dir` with its type, mode and (for files) a digest of its bytes. */
export function snapshotTree(dir: string, ignore: (relative: string) => boolean = () => false): string[] {
  const lines: string[] = []
  for (const entry of listTree(dir)) {
    const relative = entry.replace(/ -> .*$/, '').replace(/\/$/, '')
    if (ignore(relative)) continue
    const full = path.join(dir, relative)
    const stat = fs.lstatSync(full)
    if (stat.isFile()) {
      const digest = createHash('sha256').update(fs.readFileSync(full)).digest('hex').slice(0, 16)
      lines.push(`${entry} ${(stat.mode & 0o777).toString(8)} ${digest}`)
    } else lines.push(entry)
  }
  return lines
}

/** node_modules as a clean install leaves it (the hidden lockfile's time stamp aside). */
export function snapshotNodeModules(projectDir: string): string[] {
  return snapshotTree(path.join(projectDir, 'node_modules'), (relative) => relative === '.package-lock.json').concat(
    hiddenLockfilePackages(projectDir),
  )
}

function hiddenLockfilePackages(projectDir: string): string[] {
  const file = path.join(projectDir, 'node_modules/.package-lock.json')
  if (!fs.existsSync(file)) return ['(no hidden lockfile)']
  const hidden = JSON.parse(fs.readFileSync(file, 'utf8')) as { packages?: Record<string, unknown> }
  return [`hidden lockfile: ${Object.keys(hidden.packages ?? {}).join(', ')}`]
}

/** The files a package's tarball extracts to, by the same extractor the store uses, once per integrity. */
const expectedTrees = new Map<string, string[]>()

export async function expectedPackageTree(registry: TestRegistry, name: string, version: string): Promise<string[]> {
  const integrity = registry.integrity(name, version)
  const known = expectedTrees.get(integrity)
  if (known) return known
  await using scratch = tempDir('skiff-expected-')
  const dest = path.join(scratch.path, 'package')
  fs.mkdirSync(dest)
  await extractTarball(registry.tarballBytes(name, version), dest, { pkg: `${name}@${version}` })
  const tree = snapshotTree(dest)
  expectedTrees.set(integrity, tree)
  return tree
}

interface StoreMarker {
  key?: unknown
  pkg?: unknown
  integrity?: unknown
  index?: { dirs?: unknown; files?: unknown }
}

/**
 * Everything wrong with a store, as sentences (an empty list when it is sound):
 * - every entry under v1/packages has a marker naming its own key, and its content/ folder holds
 *   exactly the folders and files the marker lists, with their modes and sizes;
 * - every entry made from a fixture package holds exactly what that tarball extracts to;
 * - v1/tmp holds no staging folder of a process that has ended.
 */
export async function storeProblems(cacheDir: string, registry: TestRegistry, defs: readonly PackageDef[] = PACKAGES): Promise<string[]> {
  const problems: string[] = []
  const packagesDir = path.join(cacheDir, 'v1', 'packages')
  const byKey = new Map<string, PackageDef>()
  for (const def of defs) {
    const integrity = registry.integrity(def.name, def.version)
    byKey.set(Buffer.from(integrity.slice('sha512-'.length), 'base64').toString('hex'), def)
  }
  for (const fan of readdirOrEmpty(packagesDir)) {
    for (const key of readdirOrEmpty(path.join(packagesDir, fan))) {
      const entryDir = path.join(packagesDir, fan, key)
      problems.push(...(await entryProblems(entryDir, key, byKey.get(key), registry)))
    }
  }
  for (const name of readdirOrEmpty(path.join(cacheDir, 'v1', 'tmp'))) {
    const pid = Number(name.split('.')[2])
    if (!Number.isInteger(pid) || !isAlive(pid)) problems.push(`staging leftover v1/tmp/${name}`)
  }
  return problems
}

async function entryProblems(entryDir: string, key: string, def: PackageDef | undefined, registry: TestRegistry): Promise<string[]> {
  const where = path.relative(path.dirname(path.dirname(entryDir)), entryDir)
  let marker: StoreMarker
  try {
    marker = JSON.parse(fs.readFileSync(path.join(entryDir, 'index.json'), 'utf8')) as StoreMarker
  } catch (error) {
    return [`${where}: no readable marker (${String(error)})`]
  }
  if (marker.key !== key) return [`${where}: marker names key ${String(marker.key)}`]
  // the index lists are NUL-joined strings ("" when empty)
  const listOf = (value: unknown): string[] => (typeof value === 'string' && value !== '' ? value.split('\0') : [])
  const dirs = listOf(marker.index?.dirs)
  const files = listOf(marker.index?.files)
  const listed = [...dirs.map((dir) => `${dir}/`), ...files].sort()
  const content = path.join(entryDir, 'content')
  const onDisk = listTree(content)
  const problems: string[] = []
  if (JSON.stringify(onDisk) !== JSON.stringify(listed)) problems.push(`${where}: content does not match its marker index`)
  if (def) {
    const expected = await expectedPackageTree(registry, def.name, def.version)
    if (JSON.stringify(snapshotTree(content)) !== JSON.stringify(expected)) problems.push(`${where}: ${def.name}@${def.version} differs from its tarball`)
  }
  return problems
}

/**
 * Package folders in node_modules that are not exactly what their tarball extracts to (a
 * half-made package), for the packages of `locked` that are present.
 */
export async function halfMadePackages(projectDir: string, registry: TestRegistry, locked: readonly LockedPackage[] = LOCKED): Promise<string[]> {
  const problems: string[] = []
  for (const entry of locked) {
    const location = entry.location ?? `node_modules/${entry.name}`
    const dir = path.join(projectDir, location)
    if (!fs.existsSync(dir)) continue
    const expected = await expectedPackageTree(registry, entry.name, entry.version)
    const actual = snapshotTree(dir, (relative) => relative === 'node_modules' || relative.startsWith('node_modules/'))
    if (JSON.stringify(actual) !== JSON.stringify(expected)) problems.push(`${location} is not what ${entry.name}@${entry.version} extracts to`)
  }
  return problems
}

function readdirOrEmpty(dir: string): string[] {
  try {
    return fs.readdirSync(dir)
  } catch {
    return []
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM'
  }
}

export { listTree, tempDir }
