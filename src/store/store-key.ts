/**
 * Store keys. A package with an integrity is keyed by the hex digest of the strongest hash in it
 * (the first one, when an integrity holds several of that algorithm); digests of different
 * algorithms differ in length (sha1 40, sha256 64, sha512 128 hex characters), so they never
 * collide. A package without one is keyed by the sha256 of its resolved URL, prefixed "url-" so
 * that it never collides with a sha256 integrity. Keys name folders: only these shapes are valid.
 */
import { SkiffError } from '../error/index.ts'
import { hexDigest, parseIntegrity, strongestHashes } from './integrity.ts'

const KEY_PATTERN = /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{56}|[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128}|url-[0-9a-f]{64})$/

/** The integrity almost every lock entry has: one sha512 hash and nothing else (the fast path). */
const SHA512_ONLY = /^sha512-([A-Za-z0-9+/]{86}==)$/

export function storeKeyFor(entry: { integrity?: string; resolved?: string }): string {
  const sha512 = entry.integrity === undefined ? undefined : SHA512_ONLY.exec(entry.integrity)?.[1]
  if (sha512) return Buffer.from(sha512, 'base64').toString('hex')
  if (entry.integrity) {
    for (const hash of strongestHashes(parseIntegrity(entry.integrity))) {
      const hex = hexDigest(hash)
      if (hex) return hex
    }
  }
  if (entry.resolved) return `url-${new Bun.CryptoHasher('sha256').update(entry.resolved).digest('hex')}`
  throw new SkiffError('ESTORE', 'a package with neither "integrity" nor "resolved" cannot be stored', {
    hint: 'this is a bug in the caller: only tarball packages go to the store',
  })
}

export function isStoreKey(key: string): boolean {
  return KEY_PATTERN.test(key)
}

/** The key's place below the packages folder: fanned out by the first two hex digits of the digest. */
export function keyPath(key: string): string {
  if (!isStoreKey(key)) throw new SkiffError('ESTORE', `"${key}" is not a store key`, { hint: 'this is a bug in the caller' })
  const digest = key.startsWith('url-') ? key.slice(4) : key
  return `${digest.slice(0, 2)}/${key}`
}
