/**
 * Subresource-integrity strings as npm's ssri reads them: whitespace-separated
 * `<algorithm>-<base64 digest>[?options]` hashes; unknown algorithms are ignored. Checking data
 * uses the strongest algorithm present (sha512 over sha384 over sha256 over sha224 over sha1
 * over md5) and succeeds when the data's digest equals any hash of that algorithm, compared as
 * base64 text, as ssri does.
 */
import { SkiffError } from '../error/index.ts'

export type HashAlgorithm = 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512'

export interface IntegrityHash {
  algorithm: HashAlgorithm
  /** base64, as written */
  digest: string
}

/** Weakest first; ssri's priority order, limited to what Bun.CryptoHasher computes. */
const PRIORITY: readonly HashAlgorithm[] = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512']
const DIGEST_BYTES: Readonly<Record<HashAlgorithm, number>> = { md5: 16, sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 }
const HASH_PATTERN = /^([a-z0-9]+)-([^?]+)(\?[?\S*]*)?$/

export function parseIntegrity(integrity: string): IntegrityHash[] {
  const hashes: IntegrityHash[] = []
  for (const token of integrity.trim().split(/\s+/)) {
    const match = HASH_PATTERN.exec(token)
    const algorithm = match?.[1]
    const digest = match?.[2]
    if (!algorithm || !digest || !isHashAlgorithm(algorithm)) continue
    hashes.push({ algorithm, digest })
  }
  return hashes
}

/** The hashes of the strongest algorithm present (empty when none is usable). */
export function strongestHashes(hashes: readonly IntegrityHash[]): IntegrityHash[] {
  let best = -1
  for (const hash of hashes) best = Math.max(best, PRIORITY.indexOf(hash.algorithm))
  return hashes.filter((hash) => PRIORITY.indexOf(hash.algorithm) === best)
}

/** The hex form of a hash's digest, or `undefined` when the base64 is not a digest of that algorithm. */
export function hexDigest(hash: IntegrityHash): string | undefined {
  const bytes = Buffer.from(hash.digest, 'base64')
  return bytes.length === DIGEST_BYTES[hash.algorithm] ? bytes.toString('hex') : undefined
}

/** `<algorithm>-<base64>` of the bytes. */
export function integrityOf(bytes: Uint8Array, algorithm: HashAlgorithm = 'sha512'): string {
  return `${algorithm}-${new Bun.CryptoHasher(algorithm).update(bytes).digest('base64')}`
}

export type IntegrityCheck =
  | { ok: true; algorithm: HashAlgorithm }
  | { ok: false; reason: 'no-usable-hash' }
  | { ok: false; reason: 'mismatch'; algorithm: HashAlgorithm; expected: string; actual: string }

export function checkIntegrity(bytes: Uint8Array, integrity: string): IntegrityCheck {
  const candidates = strongestHashes(parseIntegrity(integrity))
  const algorithm = candidates[0]?.algorithm
  if (!algorithm) return { ok: false, reason: 'no-usable-hash' }
  const actual = integrityOf(bytes, algorithm)
  if (candidates.some((hash) => `${algorithm}-${hash.digest}` === actual)) return { ok: true, algorithm }
  const expected = candidates.map((hash) => `${algorithm}-${hash.digest}`).join(' ')
  return { ok: false, reason: 'mismatch', algorithm, expected, actual }
}

/** Throws EINTEGRITY naming the package and both digests when the bytes do not match. */
export function verifyIntegrity(bytes: Uint8Array, integrity: string, pkg: string): void {
  const check = checkIntegrity(bytes, integrity)
  if (!check.ok) throw integrityError(pkg, integrity, check, '')
}

export function integrityError(pkg: string, integrity: string, check: Exclude<IntegrityCheck, { ok: true }>, suffix: string): SkiffError {
  if (check.reason === 'no-usable-hash') {
    return new SkiffError('EINTEGRITY', `${pkg}: integrity "${integrity}" holds no hash that can be checked${suffix}`, {
      pkg,
      wanted: integrity,
      hint: 'the lockfile entry is damaged; remove its "integrity" and install again to record a fresh one',
    })
  }
  return new SkiffError('EINTEGRITY', `${pkg}: tarball ${check.algorithm} does not match the expected integrity${suffix}`, {
    pkg,
    wanted: check.expected,
    found: check.actual,
    lines: [`expected: ${check.expected}`, `actual:   ${check.actual}`],
    hint: 'the registry served different bytes than were locked; check "resolved" for this package',
  })
}

function isHashAlgorithm(name: string): name is HashAlgorithm {
  return (PRIORITY as readonly string[]).includes(name)
}
