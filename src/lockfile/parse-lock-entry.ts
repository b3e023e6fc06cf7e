/**
 * Checks one untrusted `packages` entry against the LockEntry type: the fields skiff acts
 * on must have their documented JSON type. Unknown keys are kept as they are, so a rewrite
 * loses nothing. A wrong type is EJSONPARSE naming the file, the location and the key.
 */
import { SkiffError } from '../error/index.ts'
import type { LockEntry } from './types.ts'

type Check = (value: unknown) => boolean

const isString: Check = (value) => typeof value === 'string'
const isBoolean: Check = (value) => typeof value === 'boolean'
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const isStringMap: Check = (value) => isObject(value) && Object.values(value).every(isString)
const isStringArray: Check = (value) => Array.isArray(value) && value.every(isString)

const FIELD_CHECKS: Record<string, [Check, string]> = {
  name: [isString, 'a string'],
  version: [isString, 'a string'],
  resolved: [isString, 'a string'],
  integrity: [isString, 'a string'],
  deprecated: [isString, 'a string'],
  license: [(value) => isString(value) || (typeof value === 'object' && value !== null), 'a string, an array or an object'],
  link: [isBoolean, 'true or false'],
  dev: [isBoolean, 'true or false'],
  optional: [isBoolean, 'true or false'],
  devOptional: [isBoolean, 'true or false'],
  peer: [isBoolean, 'true or false'],
  extraneous: [isBoolean, 'true or false'],
  inBundle: [isBoolean, 'true or false'],
  hasInstallScript: [isBoolean, 'true or false'],
  hasShrinkwrap: [isBoolean, 'true or false'],
  dependencies: [isStringMap, 'an object of strings'],
  devDependencies: [isStringMap, 'an object of strings'],
  optionalDependencies: [isStringMap, 'an object of strings'],
  peerDependencies: [isStringMap, 'an object of strings'],
  acceptDependencies: [isStringMap, 'an object of strings'],
  bin: [isStringMap, 'an object of strings'],
  engines: [(value) => isStringMap(value) || isStringArray(value), 'an object or an array of strings'],
  os: [isStringArray, 'an array of strings'],
  cpu: [isStringArray, 'an array of strings'],
  libc: [isStringArray, 'an array of strings'],
  peerDependenciesMeta: [(value) => isObject(value) && Object.values(value).every(isObject), 'an object of objects'],
  bundleDependencies: [(value) => isBoolean(value) || isStringArray(value), 'true, false or an array of strings'],
  workspaces: [(value) => isStringArray(value) || (isObject(value) && (value.packages === undefined || isStringArray(value.packages))), 'an array of strings'],
}

/** `location` names the entry in messages, as 'packages["node_modules/a"]'. */
export function parseLockEntry(raw: unknown, file: string, location: string): LockEntry {
  const where = () => `packages[${JSON.stringify(location)}]`
  if (!isObject(raw)) {
    throw new SkiffError('EJSONPARSE', `${file}: ${where()} must be an object`, {
      file,
      hint: 'the lockfile is damaged; regenerate it with `skiff install`',
    })
  }
  for (const key in raw) {
    const value = raw[key]
    const expected = wrongFieldType(key, value)
    if (expected === undefined) continue
    throw new SkiffError('EJSONPARSE', `${file}: ${where()}.${key} must be ${expected}, found ${JSON.stringify(value)}`, {
      file,
      hint: 'the lockfile is damaged; regenerate it with `skiff install`',
    })
  }
  return raw as LockEntry
}

/** What a known field should have been if `value` has the wrong type for it, else undefined. */
export function wrongFieldType(key: string, value: unknown): string | undefined {
  const check = FIELD_CHECKS[key]
  return check === undefined || check[0](value) ? undefined : check[1]
}

export { isObject }
