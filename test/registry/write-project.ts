/**
 * Project helpers for install tests: write a project folder, and build the npm v3
 * package-lock.json that npm would write for a flat set of packages from the fixture
 * registry, so install tests need no npm run.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { TestRegistry } from './create-test-registry.ts'
import { hasInstallScript, type PackageDef } from './package-def.ts'

export interface ProjectFiles {
  packageJson: Record<string, unknown>
  /** an object is written as npm does (2-space JSON and a newline); a string as is */
  lockfile?: Record<string, unknown> | string
  npmrc?: string
}

export function writeProject(dir: string, files: ProjectFiles): string {
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(files.packageJson, null, 2)}\n`)
  if (files.lockfile !== undefined) {
    const text = typeof files.lockfile === 'string' ? files.lockfile : `${JSON.stringify(files.lockfile, null, 2)}\n`
    fs.writeFileSync(path.join(dir, 'package-lock.json'), text)
  }
  if (files.npmrc !== undefined) fs.writeFileSync(path.join(dir, '.npmrc'), files.npmrc)
  return dir
}

export interface LockedPackage {
  name: string
  version: string
  /** default `node_modules/<name>` */
  location?: string
  dev?: boolean
  optional?: boolean
  devOptional?: boolean
  peer?: boolean
  /** leave out `resolved`, as with omit-lockfile-registry-resolved */
  omitResolved?: boolean
}

/**
 * A lockfileVersion 3 object: the root entry from `packageJson`, then one entry per package
 * with version, resolved, integrity, flags and the metadata npm copies from the manifest
 * (license, dependencies, optional/peer dependencies, bin, engines, os, cpu, libc,
 * deprecated, hasInstallScript), keys in npm's order.
 */
export function lockfileFor(
  registry: TestRegistry,
  packageJson: Record<string, unknown>,
  locked: readonly LockedPackage[],
): Record<string, unknown> {
  const root: Record<string, unknown> = {}
  for (const key of ['name', 'version', 'license', 'workspaces', 'bin', 'engines', 'dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies', 'peerDependenciesMeta']) {
    if (packageJson[key] !== undefined) root[key] = packageJson[key]
  }
  const packages: Record<string, unknown> = { '': root }
  for (const entry of locked) packages[locationOf(entry)] = lockEntry(registry, entry)
  return npmOrder({
    ...(packageJson.name === undefined ? {} : { name: packageJson.name }),
    ...(packageJson.version === undefined ? {} : { version: packageJson.version }),
    lockfileVersion: 3,
    requires: true,
    packages,
  })
}

function locationOf(entry: LockedPackage): string {
  return entry.location ?? `node_modules/${entry.name}`
}

function lockEntry(registry: TestRegistry, entry: LockedPackage): Record<string, unknown> {
  const manifest = registry.packument(entry.name).versions as Record<string, PackageDef>
  const def = manifest[entry.version]
  if (!def) throw new Error(`fixture registry has no ${entry.name}@${entry.version}`)
  const location = locationOf(entry)
  const result: Record<string, unknown> = { version: entry.version }
  if (location.split('node_modules/').at(-1) !== entry.name) result.name = entry.name
  if (!entry.omitResolved) result.resolved = registry.tarballUrl(entry.name, entry.version)
  result.integrity = registry.integrity(entry.name, entry.version)
  for (const flag of ['dev', 'optional', 'devOptional', 'peer'] as const) if (entry[flag]) result[flag] = true
  for (const key of ['license', 'dependencies', 'optionalDependencies', 'peerDependencies', 'peerDependenciesMeta', 'engines', 'os', 'cpu', 'libc', 'deprecated'] as const) {
    if (def[key] !== undefined) result[key] = def[key]
  }
  if (def.bin !== undefined) result.bin = def.bin
  if (hasInstallScript(def)) result.hasInstallScript = true
  return result
}

/** The keys npm puts first in a lockfile (arborist shrinkwrap.js swKeyOrder). */
const LOCK_KEY_ORDER = ['name', 'version', 'lockfileVersion', 'resolved', 'integrity', 'requires', 'packages', 'dependencies']

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * json-stringify-nice order, as npm writes lockfiles, at every depth: keys whose values are
 * not objects before those whose values are, and within each group the keys of
 * LOCK_KEY_ORDER first, in that order, then the rest by name.
 */
function npmOrder<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => npmOrder(item)) as T
  if (!isPlainObject(value)) return value
  const rank = (key: string) => LOCK_KEY_ORDER.indexOf(key)
  const compare = (a: string, b: string): number => {
    if (rank(a) !== -1 || rank(b) !== -1) {
      if (rank(a) === -1) return 1
      if (rank(b) === -1) return -1
      return rank(a) - rank(b)
    }
    return a.localeCompare(b, 'en')
  }
  const entries = Object.entries(value).sort(([a, av], [b, bv]) =>
    isPlainObject(av) === isPlainObject(bv) ? compare(a, b) : isPlainObject(av) ? 1 : -1,
  )
  return Object.fromEntries(entries.map(([key, item]) => [key, npmOrder(item)])) as T
}
