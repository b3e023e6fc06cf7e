/**
 * The marker of a stored package (`index.json` beside its `content/` folder): the index and the
 * manifest extraction produced, written last into the staging folder. Reading one trusts
 * nothing: a marker that does not parse, has another version, names another key, or lists a
 * path that could leave the package (absolute, `..`, `.` or empty segments) counts as no marker
 * at all.
 *
 * Version 2 keeps each path list as one NUL-joined string (PackageIndex), so that reading a
 * marker parses a handful of strings and checks each list with one regular expression; version
 * 1 held an object per file and cost a third of a warm install's main thread. Version 3 adds
 * the files' sizes, one comma-joined string, which the link workers check before linking
 * (verify-stored-files.ts). Entries of another version read as absent and are extracted again
 * over them.
 */
import type { PackageIndex, PackageManifest } from '../tarball/index.ts'

export const MARKER_VERSION = 3

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
  return isRecord(value) && isInsideList(value.dirs) && isInsideList(value.files) && typeof value.sizes === 'string' && SIZE_LIST.test(value.sizes)
}

/** decimal sizes joined with ","; that there is one per file is checked where they are used */
const SIZE_LIST = /^(?:\d+(?:,\d+)*)?$/

function isManifest(value: unknown): value is PackageManifest {
  if (!isRecord(value) || typeof value.hasBindingGyp !== 'boolean') return false
  return (value.bin === undefined || isStringMap(value.bin)) && (value.scripts === undefined || isStringMap(value.scripts))
}

function isStringMap(value: unknown): boolean {
  return isRecord(value) && Object.values(value).every((item) => typeof item === 'string')
}

/** in a NUL-joined list: an empty, "." or ".." segment (so a leading, trailing or doubled "/", or an empty path) */
const OUTSIDE_PATH = /(?:^|[\0/])\.{0,2}(?:[\0/]|$)/

function isInsideList(value: unknown): boolean {
  return typeof value === 'string' && (value === '' || !OUTSIDE_PATH.test(value))
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
