/**
 * Turns the text of package-lock.json, npm-shrinkwrap.json or node_modules/.package-lock.json
 * into the Lockfile model. lockfileVersion 2 and 3 are read from `packages` (v2's legacy
 * `dependencies` copy is ignored, as npm does); version 1 is converted from its
 * `dependencies` tree (from-v1.ts), which needs the root package.json.
 */
import { SkiffError } from '../error/index.ts'
import { entryProblem, locationProblem } from './check-entry.ts'
import { packagesFromV1 } from './from-v1.ts'
import { parseJsonFile } from './parse-json.ts'
import { isObject, parseLockEntry } from './parse-lock-entry.ts'
import type { LegacyLockNode, LockEntry, Lockfile, LockfileKind } from './types.ts'

const HINT = 'the lockfile is damaged; regenerate it with `skiff install`'

export interface ParseLockfileOptions {
  file: string
  kind: LockfileKind
  /** the project's package.json, used only to migrate a v1 lockfile */
  rootManifest?: Record<string, unknown>
}

export function parseLockfile(text: string, options: ParseLockfileOptions): Lockfile {
  return lockfileFromJson(parseLockfileJson(text, options.file), options)
}

export function parseLockfileJson(text: string, file: string): unknown {
  return parseJsonFile(text, file, HINT)
}

/** True for a lockfileVersion 1 document, whose migration needs the root package.json. */
export function isV1Lockfile(data: unknown): boolean {
  return isObject(data) && data.packages === undefined && (data.lockfileVersion ?? 1) === 1
}

export function lockfileFromJson(data: unknown, { file, kind, rootManifest = {} }: ParseLockfileOptions): Lockfile {
  if (!isObject(data)) throw damaged(file, 'the file must contain a JSON object')
  const lockfileVersion = data.lockfileVersion ?? 1
  if (typeof lockfileVersion !== 'number' || !Number.isInteger(lockfileVersion) || lockfileVersion < 1) {
    throw damaged(file, `lockfileVersion must be 1, 2 or 3, found ${JSON.stringify(data.lockfileVersion)}`)
  }
  const name = optionalString(data, 'name', file)
  const version = optionalString(data, 'version', file)
  const packages = data.packages === undefined && lockfileVersion < 2
    ? packagesFromV1({ name, version, dependencies: parseV1Dependencies(data.dependencies, file, 'dependencies') }, rootManifest)
    : parsePackages(data.packages, file)
  for (const [location, entry] of packages) {
    const problem = locationProblem(location) ?? entryProblem(entry)
    if (problem) throw damaged(file, `packages[${JSON.stringify(location)}] ${problem}`)
  }
  return { file, kind, lockfileVersion, ...(name !== undefined && { name }), ...(version !== undefined && { version }), packages }
}

function parsePackages(raw: unknown, file: string): Map<string, LockEntry> {
  if (raw === undefined) return new Map()
  if (!isObject(raw)) throw damaged(file, `"packages" must be an object, found ${describe(raw)}`)
  const packages = new Map<string, LockEntry>()
  for (const [location, entry] of Object.entries(raw)) {
    packages.set(location, parseLockEntry(entry, file, location))
  }
  return packages
}

const V1_STRINGS = ['version', 'resolved', 'integrity', 'from'] as const
const V1_BOOLEANS = ['dev', 'optional', 'bundled'] as const

function parseV1Dependencies(raw: unknown, file: string, where: string): Record<string, LegacyLockNode> | undefined {
  if (raw === undefined) return undefined
  if (!isObject(raw)) throw damaged(file, `${where} must be an object, found ${describe(raw)}`)
  const nodes: Record<string, LegacyLockNode> = {}
  for (const [name, node] of Object.entries(raw)) {
    nodes[name] = parseLegacyLockNode(node, file, `${where}[${JSON.stringify(name)}]`)
  }
  return nodes
}

function parseLegacyLockNode(raw: unknown, file: string, where: string): LegacyLockNode {
  if (!isObject(raw)) throw damaged(file, `${where} must be an object, found ${describe(raw)}`)
  const node: LegacyLockNode = {}
  for (const key of V1_STRINGS) {
    const value = raw[key]
    if (value === undefined || value === null) continue
    if (typeof value !== 'string') throw damaged(file, `${where}.${key} must be a string, found ${describe(value)}`)
    node[key] = value
  }
  for (const key of V1_BOOLEANS) {
    const value = raw[key]
    if (value === undefined) continue
    if (typeof value !== 'boolean') throw damaged(file, `${where}.${key} must be true or false, found ${describe(value)}`)
    node[key] = value
  }
  if (isObject(raw.requires)) {
    const requires: Record<string, string> = {}
    for (const [name, range] of Object.entries(raw.requires)) {
      if (typeof range !== 'string') throw damaged(file, `${where}.requires.${name} must be a string, found ${describe(range)}`)
      requires[name] = range
    }
    node.requires = requires
  }
  const dependencies = parseV1Dependencies(raw.dependencies, file, `${where}.dependencies`)
  if (dependencies !== undefined) node.dependencies = dependencies
  return node
}

function optionalString(data: Record<string, unknown>, key: string, file: string): string | undefined {
  const value = data[key]
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw damaged(file, `"${key}" must be a string, found ${describe(value)}`)
  return value
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 40 ? `${text.slice(0, 40)}...` : text
}

function damaged(file: string, fact: string): SkiffError {
  return new SkiffError('EJSONPARSE', `${file}: ${fact}`, { file, hint: HINT })
}
