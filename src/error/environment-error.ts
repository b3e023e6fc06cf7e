/**
 * Faults of the machine, not of skiff nor of the input: a full disk, a folder the user may not
 * write, a read-only file system, a file where a folder should be, a busy mount point, too many
 * open files. Whatever depth of causes such a system error arrives under, it is reported as one
 * paragraph under npm's code for it (the errno), naming the folder involved (the cache or the
 * project) and what to do; the many packages one fault stopped are counted, not listed.
 */
import { isAbsolute, relative } from 'node:path'
import { SkiffError, errnoCode, isSkiffError, type ErrorCode } from './index.ts'

export const ENVIRONMENT_CODES = ['ENOSPC', 'EDQUOT', 'EACCES', 'EPERM', 'EROFS', 'EEXIST', 'ENOTDIR', 'EISDIR', 'EBUSY', 'EMFILE', 'ENFILE'] as const
export type EnvironmentCode = (typeof ENVIRONMENT_CODES)[number]

export interface EnvironmentFault {
  errno: EnvironmentCode
  /** the file or folder of the failing call, when known */
  path?: string
  /** the failing call (mkdir, open, link, ...), when known */
  syscall?: string
}

/** The folders a fault is told against: what the user chose and can act on. */
export interface Places {
  cache?: string
  project?: string
}

const MAX_DEPTH = 8

export function isEnvironmentCode(code: string | undefined): code is EnvironmentCode {
  return (ENVIRONMENT_CODES as readonly string[]).includes(code ?? '')
}

/** The environment fault under `error` (itself or one of its causes), if there is one. */
export function findEnvironmentFault(error: unknown): EnvironmentFault | undefined {
  let current: unknown = error
  let path: string | undefined
  for (let depth = 0; depth < MAX_DEPTH && current !== undefined; depth++) {
    path ??= absolutePathOf(current)
    // a SkiffError's code is skiff's (an aggregate may carry the errno as its code): only system errors count
    const errno = isSkiffError(current) ? undefined : errnoCode(current)
    if (isEnvironmentCode(errno)) {
      const syscall = stringField(current, 'syscall')
      const faultPath = absolutePathOf(current) ?? path
      return { errno, ...(faultPath ? { path: faultPath } : {}), ...(syscall ? { syscall } : {}) }
    }
    current = current instanceof Error ? current.cause : undefined
  }
  return undefined
}

/**
 * The one-paragraph error for a fault: `<place>: <what happened> (<call> <path>)`, then what the
 * install could not do (`outcome`, e.g. "91 packages could not be installed"), and a hint for
 * that errno and place.
 */
export function environmentError(fault: EnvironmentFault, places: Places, outcome?: string): SkiffError {
  const place = placeOf(fault.path, places)
  const call = [fault.syscall, fault.path === undefined ? undefined : shownPath(fault.path, place.folder)].filter(Boolean).join(' ')
  const message = `${place.name}: ${FACTS[fault.errno]}${call ? ` (${call})` : ''}${outcome ? `; ${outcome}` : ''}`
  return new SkiffError(fault.errno as ErrorCode, message, { ...(fault.path ? { path: fault.path } : {}), hint: hintFor(fault.errno, place.kind) })
}

/**
 * `error` as the one-paragraph environment error when it is (or wraps) such a fault and is not
 * already a more precise error of its own: a system error that escaped, a store or link error
 * around one, or an error already coded with the errno (`outcome`: its message).
 */
export function asEnvironmentError(error: unknown, places: Places): SkiffError | undefined {
  if (isSkiffError(error) && !WRAPPERS.has(error.code) && !isEnvironmentCode(error.code)) return undefined
  const fault = findEnvironmentFault(error)
  if (!fault) return undefined
  if (!isSkiffError(error)) return environmentError(fault, places)
  if (isEnvironmentCode(error.code)) return environmentError(fault, places, error.message)
  return environmentError(fault, places, error.details.pkg ? `${error.details.pkg} could not be installed` : undefined)
}

/** Codes of errors that only wrap a system error with the step it stopped. */
const WRAPPERS = new Set<ErrorCode>(['ESTORE', 'ELINK', 'ELOCKED', 'EINTERNAL', 'EFETCH'])

const FACTS: Record<EnvironmentCode, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EEXIST: 'a file is in the way where a folder is needed',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'a folder is in the way where a file is needed',
  EBUSY: 'the folder is busy (in use, or a mount point)',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files on the system',
}

type PlaceKind = 'cache' | 'project' | 'other'

function placeOf(path: string | undefined, places: Places): { kind: PlaceKind; name: string; folder?: string } {
  // a folder above the cache counts as the cache: creating the cache is where it failed
  if (path !== undefined && places.cache !== undefined && (isInside(path, places.cache) || isInside(places.cache, path))) {
    return { kind: 'cache', name: `the cache at ${places.cache}`, folder: places.cache }
  }
  if (path !== undefined && places.project !== undefined && isInside(path, places.project)) return { kind: 'project', name: `the project at ${places.project}`, folder: places.project }
  return { kind: 'other', name: path === undefined ? 'a file system call failed' : `${path}` }
}

/** The path inside its place, with the long hex names of store entries and staging folders cut short. */
function shownPath(path: string, folder: string | undefined): string {
  const inside = folder === undefined || !isInside(path, folder) || path === folder ? path : relative(folder, path)
  return inside.replace(/[0-9a-f]{32,}(\.[0-9a-f]{8}\.\d+\.[0-9a-z]+)?/g, (name) => `${name.slice(0, 8)}…`)
}

function hintFor(errno: EnvironmentCode, place: PlaceKind): string {
  const moveCache = 'or use another cache folder with --cache or SKIFF_CACHE_DIR'
  switch (errno) {
    case 'ENOSPC':
    case 'EDQUOT':
      if (place === 'cache') return `free space on the disk that holds the cache, ${moveCache}`
      return 'free space on that disk, then run the install again'
    case 'EACCES':
    case 'EPERM':
      if (place === 'cache') return `the current user may not write there: fix the cache's owner or permissions, ${moveCache}`
      if (place === 'project') return "the current user may not write there: fix the folder's owner or permissions, or run as its owner"
      return "the current user may not use that path: fix its owner or permissions"
    case 'EROFS':
      if (place === 'cache') return `a read-only cache serves only the packages it already holds: to add others, ${moveCache.replace(/^or /, '')}`
      if (place === 'project') return 'the project folder is read-only: mount it writable, or install in a writable copy'
      return 'that path is on a read-only file system'
    case 'EEXIST':
    case 'ENOTDIR':
    case 'EISDIR':
      return place === 'cache' ? `move the file that is in the way, ${moveCache}` : 'move the file that is in the way, then run the install again'
    case 'EBUSY':
      return 'the folder is in use, or is a mount point that cannot be replaced: stop what uses it, then run the install again'
    case 'EMFILE':
    case 'ENFILE':
      return 'raise the open-files limit (ulimit -n) and run the install again'
  }
}

function isInside(path: string, folder: string): boolean {
  const base = folder.endsWith('/') ? folder.slice(0, -1) : folder
  return path === base || path.startsWith(`${base}/`)
}

function absolutePathOf(value: unknown): string | undefined {
  const direct = stringField(value, 'path')
  if (direct !== undefined && isAbsolute(direct)) return direct
  const detail = isSkiffError(value) ? value.details.path : undefined
  return detail !== undefined && isAbsolute(detail) ? detail : undefined
}

function stringField(value: unknown, field: string): string | undefined {
  if (typeof value !== 'object' || value === null || !(field in value)) return undefined
  const found = (value as Record<string, unknown>)[field]
  return typeof found === 'string' ? found : undefined
}
