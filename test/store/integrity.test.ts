import { describe, expect, test } from 'bun:test'
import { SkiffError } from '../../src/error/index.ts'
import { checkIntegrity, integrityOf, parseIntegrity, strongestHashes, verifyIntegrity } from '../../src/store/integrity.ts'

const bytes = new TextEncoder().encode('hello')
// digests of "hello", computed elsewhere (shasum / openssl)
const SHA1 = 'sha1-qvTGHdzF6KLavt4PO0gs2a6pQ00='
const SHA512 = 'sha512-m3HSJL1i83hdltRq0+o9czGb+8KJDKra4t/3JRlnPKcjI8PZm6XBHXx6zG4UuMXaDEZjR1wuXDre9G9zvN7AQw=='
const ZERO_SHA512 = `sha512-${Buffer.alloc(64).toString('base64')}`

describe('integrity', () => {
  test('integrityOf gives ssri strings, sha512 by default', () => {
    expect(integrityOf(bytes)).toBe(SHA512)
    expect(integrityOf(bytes, 'sha1')).toBe(SHA1)
  })

  test('parsing keeps known algorithms, drops unknown ones and options', () => {
    expect(parseIntegrity(`  ${SHA1}\n whirlpool-abc sha512-xyz?opt md5 `)).toEqual([
      { algorithm: 'sha1', digest: 'qvTGHdzF6KLavt4PO0gs2a6pQ00=' },
      { algorithm: 'sha512', digest: 'xyz' },
    ])
  })

  test('the strongest algorithm present is the one checked', () => {
    const hashes = parseIntegrity(`${SHA1} sha256-a sha512-b sha512-c`)
    expect(strongestHashes(hashes).map((hash) => hash.digest)).toEqual(['b', 'c'])
  })

  test.each([
    ['a single sha512', SHA512, true],
    ['a single sha1 (old packages)', SHA1, true],
    ['sha512 right, sha1 wrong', `sha1-AAAAAAAAAAAAAAAAAAAAAAAAAAA= ${SHA512}`, true],
    ['sha1 right, sha512 wrong: only the strongest counts', `${SHA1} ${ZERO_SHA512}`, false],
    ['two sha512, the second right', `${ZERO_SHA512} ${SHA512}`, true],
  ])('%s', (_name, integrity, ok) => {
    expect(checkIntegrity(bytes, integrity).ok).toBe(ok)
  })

  test('a mismatch is EINTEGRITY naming the package, the expected and the actual digest', () => {
    let caught: unknown
    try {
      verifyIntegrity(bytes, ZERO_SHA512, 'left-pad@1.3.0')
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(SkiffError)
    const error = caught as SkiffError
    expect(error.code).toBe('EINTEGRITY')
    expect(error.message).toBe('left-pad@1.3.0: tarball sha512 does not match the expected integrity')
    expect(error.details).toMatchObject({ pkg: 'left-pad@1.3.0', wanted: ZERO_SHA512, found: SHA512 })
  })

  test('an integrity with no usable hash is EINTEGRITY, never a silent pass', () => {
    expect(() => verifyIntegrity(bytes, 'whirlpool-abc', 'a@1.0.0')).toThrow(/holds no hash/)
    expect(checkIntegrity(bytes, '')).toEqual({ ok: false, reason: 'no-usable-hash' })
  })
})
