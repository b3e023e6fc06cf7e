/**
 * Reading the fields of an untrusted package.json that the lockfile cares about.
 */
import { isObject, wrongFieldType } from './parse-lock-entry.ts'
import type { LockEntry } from './types.ts'

/** arborist's pkgMetaKeys: the package.json fields a lockfile entry copies (a leading '_' is dropped). */
export const LOCKED_MANIFEST_KEYS = [
  'version',
  'dependencies',
  'peerDependencies',
  'peerDependenciesMeta',
  'optionalDependencies',
  'bundleDependencies',
  'acceptDependencies',
  'funding',
  'engines',
  'os',
  'cpu',
  'libc',
  '_integrity',
  'license',
  '_hasShrinkwrap',
  'hasInstallScript',
  'bin',
  'deprecated',
  'workspaces',
] as const

/**
 * The lockfile fields npm copies from a manifest (Shrinkwrap.metaFromNode's manifest part):
 * falsy values and empty objects are skipped, a license object becomes its `type`, and a
 * value of the wrong JSON type is left out.
 */
export function manifestLockFields(manifest: Record<string, unknown>): LockEntry {
  const entry: LockEntry = {}
  for (const key of LOCKED_MANIFEST_KEYS) {
    const value = lockedValue(key, manifest[key])
    const field = key.replace(/^_/, '')
    if (value !== undefined && wrongFieldType(field, value) === undefined) entry[field] = value
  }
  return entry
}

function lockedValue(key: string, value: unknown): unknown {
  if (!value) return undefined
  if (key === 'license' && isObject(value) && value.type) return value.type
  if (typeof value === 'object' && Object.keys(value).length === 0) return undefined
  return value
}

/** A dependency map of a manifest, keeping only string specs (the object itself when all are strings: do not mutate it). */
export function dependencyMap(manifest: Record<string, unknown>, field: string): Record<string, string> {
  const value = manifest[field]
  if (!isObject(value)) return {}
  for (const spec of Object.values(value)) if (typeof spec !== 'string') return onlyStrings(value)
  return value as Record<string, string>
}

function onlyStrings(value: Record<string, unknown>): Record<string, string> {
  const deps: Record<string, string> = {}
  for (const [name, spec] of Object.entries(value)) if (typeof spec === 'string') deps[name] = spec
  return deps
}

export function stringField(manifest: Record<string, unknown>, field: string): string | undefined {
  const value = manifest[field]
  return typeof value === 'string' ? value : undefined
}
