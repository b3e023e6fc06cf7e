/**
 * One error class for everything skiff reports. The `code` is the contract: tests and the
 * top-level printer match on it, never on message text. npm's codes are used where npm has one.
 */
export type ErrorCode =
  | 'E401'
  | 'E403'
  | 'E404'
  | 'EBADTARBALL'
  | 'EBADENGINE'
  | 'EBADPLATFORM'
  | 'EBADSPEC'
  | 'ECONFIG'
  | 'EFETCH'
  | 'EGIT'
  | 'ENOGIT'
  | 'EHTTP'
  | 'EINTEGRITY'
  | 'EINTERNAL'
  | 'EJSONPARSE'
  | 'ELIFECYCLE'
  | 'ELINK'
  | 'ELOCKED'
  | 'ENOLOCK'
  | 'ENOPACKAGEJSON'
  | 'ENOENT'
  | 'EEXIST'
  | 'ENOTCACHED'
  | 'EOFFLINE'
  | 'ERESOLVE'
  | 'ESTALL'
  | 'ESTORE'
  | 'ETARGET'
  | 'EUNSUPPORTED'
  | 'EUSAGE'
  | 'EABORT'
  | 'ELOCKSYNC'
  | 'EINVALIDPACKAGENAME'
  | 'EINVALIDTAGNAME'
  | 'EUNSUPPORTEDPROTOCOL'
  | 'ENOVERSIONS'
  | 'EBADPACKUMENT'
  | 'EOVERRIDE'
  | 'EALLOWSCRIPTS'
  | 'ENOMATCH'
  | 'EMISSINGSCRIPT'
  | 'ENOBIN'
  | 'ELSPROBLEMS'
  | 'ESTRICTALLOWSCRIPTS'
  // faults of the machine, under the errno npm reports them with (environment-error.ts)
  | 'ENOSPC'
  | 'EDQUOT'
  | 'EACCES'
  | 'EPERM'
  | 'EROFS'
  | 'EEXIST'
  | 'ENOTDIR'
  | 'EISDIR'
  | 'EBUSY'
  | 'EMFILE'
  | 'ENFILE'

export interface ErrorDetails {
  hint?: string
  cause?: unknown
  /** package name, or name@version */
  pkg?: string
  file?: string
  url?: string
  path?: string
  wanted?: string
  found?: string
  status?: number
  /** further lines printed under the message (one problem a line) */
  lines?: string[]
}

export class SkiffError extends Error {
  readonly code: ErrorCode
  readonly hint: string | undefined
  readonly details: Omit<ErrorDetails, 'hint' | 'cause'>

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    const { hint, cause, ...rest } = details
    super(message, cause === undefined ? undefined : { cause })
    this.name = 'SkiffError'
    this.code = code
    this.hint = hint
    this.details = rest
  }
}

export function isSkiffError(error: unknown): error is SkiffError {
  return error instanceof SkiffError
}

/** The errno-style code of a system error (`ENOENT`, `EEXIST`, ...), if any. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined
  const code = (error as { code: unknown }).code
  return typeof code === 'string' ? code : undefined
}
export { closeMatches } from './did-you-mean.ts'

export { asEnvironmentError, environmentError, findEnvironmentFault, isEnvironmentCode, type EnvironmentCode, type EnvironmentFault, type Places } from './environment-error.ts'
