/**
 * Messages between the extractor pool (main thread) and its workers. A SkiffError crosses the
 * thread boundary as plain data and is rebuilt on the other side with its code and details.
 */
import { SkiffError, errnoCode, type ErrorCode, type ErrorDetails } from '../error/index.ts'
import type { ExtractOptions, ExtractResult } from './types.ts'

export interface ExtractRequest {
  id: number
  bytes: Uint8Array
  destDir: string
  opts: ExtractOptions
  /** read on the main thread: a worker must never call process.umask() (read-umask.ts) */
  umask: number
}

export interface WireError {
  code: ErrorCode
  message: string
  hint?: string
  details: Omit<ErrorDetails, 'hint' | 'cause'>
  /** errno-style code of the system error underneath, if any */
  errno?: string
  /** the path that system error was about (a fault of the machine is told with its folder) */
  errnoPath?: string
}

export type ExtractReply = { id: number; ok: true; result: ExtractResult } | { id: number; ok: false; error: WireError }

export function toWireError(error: unknown, pkg: string): WireError {
  if (error instanceof SkiffError) {
    const cause = error.cause
    const errno = errnoCode(cause)
    const errnoPath = typeof cause === 'object' && cause !== null && 'path' in cause && typeof cause.path === 'string' ? cause.path : undefined
    return { code: error.code, message: error.message, hint: error.hint, details: error.details, ...(errno ? { errno } : {}), ...(errnoPath ? { errnoPath } : {}) }
  }
  const message = error instanceof Error ? error.message : String(error)
  return { code: 'EINTERNAL', message: `${pkg}: extraction failed: ${message}`, details: { pkg } }
}

export function fromWireError(wire: WireError): SkiffError {
  const cause = wire.errno ? Object.assign(new Error(wire.errno), { code: wire.errno, ...(wire.errnoPath ? { path: wire.errnoPath } : {}) }) : undefined
  return new SkiffError(wire.code, wire.message, { ...wire.details, hint: wire.hint, cause })
}
