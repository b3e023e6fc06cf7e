/**
 * Package-name rules of validate-npm-package-name. Errors make a name unusable for any
 * install (npm-package-arg refuses it); warnings mark names the registry no longer accepts for
 * new packages but that old packages still carry (capitals, core-module names, over 214
 * characters, `~'!()*`), which npm still installs.
 */
import { NODE_CORE_MODULES } from './node-core-modules.ts'

export interface NameValidation {
  /** usable as a dependency name */
  validForOldPackages: boolean
  /** acceptable for a package published today */
  validForNewPackages: boolean
  errors: string[]
  warnings: string[]
}

const SCOPED_NAME = /^(?:@([^/]+?)[/])?([^/]+?)$/
const RESERVED_NAMES = ['node_modules', 'favicon.ico']
const MAX_NAME_LENGTH = 214

export function validatePackageName(name: string): NameValidation {
  const errors = nameErrors(name)
  const warnings = nameWarnings(name)
  return {
    validForOldPackages: errors.length === 0,
    validForNewPackages: errors.length === 0 && warnings.length === 0,
    errors,
    warnings,
  }
}

/**
 * `validatePackageName(name).validForOldPackages`, without building the report: what a lockfile
 * asks of each of its thousands of locations. Names seen valid are remembered.
 */
export function isUsablePackageName(name: string): boolean {
  if (usable.has(name)) return true
  if (nameErrors(name).length > 0) return false
  usable.add(name)
  return true
}

const usable = new Set<string>()

function nameErrors(name: string): string[] {
  const errors: string[] = []
  if (name.length === 0) errors.push('the name is empty')
  if (name.startsWith('.')) errors.push('a name cannot start with "."')
  if (name.startsWith('-')) errors.push('a name cannot start with "-"')
  if (name.startsWith('_')) errors.push('a name cannot start with "_"')
  if (name.trim() !== name) errors.push('a name cannot start or end with white space')
  if (RESERVED_NAMES.includes(name.toLowerCase())) errors.push(`"${name.toLowerCase()}" is reserved`)
  if (encodeURIComponent(name) === name) return errors
  const scoped = SCOPED_NAME.exec(name)
  const scope = scoped?.[1]
  const bare = scoped?.[2]
  if (bare !== undefined && bare.startsWith('.')) errors.push('a name cannot start with "."')
  if (scope !== undefined && bare !== undefined && isUrlSafe(scope) && isUrlSafe(bare)) return errors
  errors.push('a name may only contain URL-safe characters (and one "/" after an @scope)')
  return errors
}

function nameWarnings(name: string): string[] {
  const warnings: string[] = []
  // validate-npm-package-name's words: npm prints them under a 404
  if (NODE_CORE_MODULES.has(name.toLowerCase())) warnings.push(`${name} is a core module name`)
  if (name.length > MAX_NAME_LENGTH) warnings.push(`name can no longer contain more than ${MAX_NAME_LENGTH} characters`)
  if (name.toLowerCase() !== name) warnings.push('name can no longer contain capital letters')
  const lastSegment = name.split('/').at(-1) ?? ''
  if (/[~'!()*]/.test(lastSegment)) warnings.push(`name can no longer contain special characters ("~'!()*")`)
  return warnings
}

function isUrlSafe(part: string): boolean {
  return encodeURIComponent(part) === part
}
