/**
 * The marker of a stored package (`index.json` beside its `content/` folder): the index and the
 * manifest extraction produced, written last into the staging folder. Reading one trusts
 * nothing: a marker that does not parse, names another key, or lists a path that could leave
 * the package (absolute, `..`, empty segments) counts as no marker at all.
 */
import type { PackageIndex, PackageManifest } from '../tarball/index.ts'

export const MARKER_VERSION = 1

export interface Marker {
  version: typeof MARKER_VERSION
  key: string
  pkg: string
  integrity?: string
  index: PackageIndex
  manifest: PackageManifest
}

export function parseMarker(text: string, key: string): Marker | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (!isRecord(value) || value.version !== MARKER_VERSION || value.key !== key || typeof value.pkg !== 'string') return undefined
  if (!isIndex(value.index) || !isManifest(value.manifest)) return undefined
  return value as unknown as Marker
}

function isIndex(value: unknown): value is PackageIndex {
  if (!isRecord(value) || !Array.isArray(value.dirs) || !Array.isArray(value.files)) return false
  for (const dir of value.dirs) if (typeof dir !== 'string' || !isInsidePath(dir)) return false
  for (const file of value.files) {
    if (!isRecord(file) || typeof file.path !== 'string' || typeof file.mode !== 'number' || typeof file.size !== 'number') return false
    if (!isInsidePath(file.path)) return false
  }
  return true
}

function isManifest(value: unknown): value is PackageManifest {
  if (!isRecord(value) || typeof value.hasBindingGyp !== 'boolean') return false
  return (value.bin === undefined || isStringMap(value.bin)) && (value.scripts === undefined || isStringMap(value.scripts))
}

function isStringMap(value: unknown): boolean {
  return isRecord(value) && Object.values(value).every((item) => typeof item === 'string')
}

/** an empty, "." or ".." segment (so also a leading or doubled "/"), or a NUL */
const OUTSIDE_PATH = /(?:^|\/)\.{0,2}(?:\/|$)|\0/

function isInsidePath(path: string): boolean {
  return !OUTSIDE_PATH.test(path)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
