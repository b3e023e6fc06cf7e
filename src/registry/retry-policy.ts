/**
 * When to try a request again, and how long to wait first. Decided from status codes and
 * error codes only, never from message text.
 *
 * Retried, as make-fetch-happen does: 408, 420, 429 and 5xx; connection errors (reset,
 * refused, timed out, address in use, broken pipe, temporary DNS failure); a stall; a body
 * shorter than its Content-Length. Final: 401, 403, 404 and other 4xx; ENOTFOUND.
 *
 * Wait before retry n (0-based): min(fetchRetryMintimeout * fetchRetryFactor^n,
 * fetchRetryMaxtimeout), as promise-retry computes it; a Retry-After header (seconds or an
 * HTTP date) lengthens the wait, but never past fetchRetryMaxtimeout.
 */
import type { Config } from '../config/index.ts'

const RETRY_STATUSES = new Set([408, 420, 429])
const RETRY_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EADDRINUSE',
  'EPIPE',
  'EAI_AGAIN',
  'ConnectionClosed',
  'ConnectionRefused',
])

export function isRetryableStatus(status: number): boolean {
  return RETRY_STATUSES.has(status) || status >= 500
}

export function isRetryableErrorCode(code: string | undefined): boolean {
  return code !== undefined && RETRY_ERROR_CODES.has(code)
}

type RetryConfig = Pick<Config, 'fetchRetryFactor' | 'fetchRetryMintimeout' | 'fetchRetryMaxtimeout'>

export function retryDelayMs(failures: number, config: RetryConfig, retryAfter: string | null, nowMs: number): number {
  const backoff = config.fetchRetryMintimeout * config.fetchRetryFactor ** failures
  const asked = retryAfterMs(retryAfter, nowMs) ?? 0
  return Math.max(0, Math.min(Math.max(backoff, asked), config.fetchRetryMaxtimeout))
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date. */
export function retryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs)
}
