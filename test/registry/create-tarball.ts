/**
 * Fixture tarballs: the ustar writer of tarball/ (deterministic bytes, entries exactly as
 * given, so hostile tarballs can be built on purpose), gzipped as the registry serves them.
 */
import { createHash } from 'node:crypto'
import { createTar, type TarEntry } from '../../src/tarball/index.ts'

export type { TarEntry }

export function createTarball(entries: readonly TarEntry[]): Uint8Array {
  return Bun.gzipSync(createTar(entries), { level: 9 })
}

/** `sha512-<base64>`, the SRI string npm writes as `integrity`. */
export function sriSha512(bytes: Uint8Array): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`
}

export function sha1Hex(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex')
}
