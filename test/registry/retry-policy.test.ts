import { expect, test } from 'bun:test'
import { isRetryableErrorCode, isRetryableStatus, retryAfterMs, retryDelayMs } from '../../src/registry/retry-policy.ts'

const npmDefaults = { fetchRetryMintimeout: 10_000, fetchRetryFactor: 10, fetchRetryMaxtimeout: 60_000 }
const NOW = Date.parse('2024-01-01T00:00:00Z')

test.each([
  [408, true], [420, true], [429, true], [500, true], [502, true], [503, true], [599, true],
  [400, false], [401, false], [403, false], [404, false], [410, false],
])('status %d is retried: %p', (status, expected) => {
  expect(isRetryableStatus(status)).toBe(expected)
})

test.each([
  ['ECONNRESET', true], ['ECONNREFUSED', true], ['ETIMEDOUT', true], ['EAI_AGAIN', true],
  ['ENOTFOUND', false], ['CERT_HAS_EXPIRED', false], [undefined, false],
])('error code %s is retried: %p', (code, expected) => {
  expect(isRetryableErrorCode(code)).toBe(expected)
})

test.each([
  ['first retry waits the minimum', 0, null, 10_000],
  ['the wait grows by the factor', 1, null, 60_000],
  ['the wait is capped at the maximum', 3, null, 60_000],
  ['Retry-After seconds lengthen a shorter backoff', 0, '30', 30_000],
  ['Retry-After never goes past the maximum', 0, '3600', 60_000],
  ['a Retry-After date counts from now', 0, 'Mon, 01 Jan 2024 00:00:45 GMT', 45_000],
  ['an unreadable Retry-After is ignored', 0, 'soon', 10_000],
] as const)('%s', (_name, failures, retryAfter, expected) => {
  expect(retryDelayMs(failures, npmDefaults, retryAfter, NOW)).toBe(expected)
})

test('Retry-After in the past means no extra wait', () => {
  expect(retryAfterMs('Sun, 31 Dec 2023 23:00:00 GMT', NOW)).toBe(0)
})
