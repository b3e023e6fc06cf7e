import { describe, expect, test } from 'bun:test'
import { SkiffError } from '../../src/error/index.ts'
import { isStoreKey, keyPath, storeKeyFor } from '../../src/store/store-key.ts'

const SHA512 = 'sha512-m3HSJL1i83hdltRq0+o9czGb+8KJDKra4t/3JRlnPKcjI8PZm6XBHXx6zG4UuMXaDEZjR1wuXDre9G9zvN7AQw=='
const SHA512_HEX = Buffer.from(SHA512.slice(7), 'base64').toString('hex')
const SHA1 = 'sha1-qvTGHdzF6KLavt4PO0gs2a6pQ00='

describe('storeKeyFor', () => {
  test('is the hex of the strongest digest of the integrity', () => {
    expect(storeKeyFor({ integrity: SHA512, resolved: 'https://r/a.tgz' })).toBe(SHA512_HEX)
    expect(storeKeyFor({ integrity: `${SHA1} ${SHA512}` })).toBe(SHA512_HEX)
    expect(storeKeyFor({ integrity: SHA1 })).toBe('aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d')
  })

  test('falls back to a prefixed sha256 of the resolved URL when the integrity is absent or unusable', () => {
    const byUrl = storeKeyFor({ resolved: 'https://r/a.tgz' })
    expect(byUrl).toMatch(/^url-[0-9a-f]{64}$/)
    expect(storeKeyFor({ integrity: 'sha512-tooShort', resolved: 'https://r/a.tgz' })).toBe(byUrl)
    expect(storeKeyFor({ resolved: 'https://r/b.tgz' })).not.toBe(byUrl)
  })

  test('a lone sha512 gives the same key as the same hash with options or among others', () => {
    for (const integrity of [`${SHA512}?opt`, ` ${SHA512} `, `${SHA1} ${SHA512}`, `${SHA512} sha512-${'A'.repeat(86)}==`]) {
      expect(storeKeyFor({ integrity })).toBe(SHA512_HEX)
    }
    expect(storeKeyFor({ integrity: SHA512 })).toBe(SHA512_HEX)
  })

  test('a package with neither cannot be keyed', () => {
    expect(() => storeKeyFor({})).toThrow(SkiffError)
  })
})

describe('keyPath', () => {
  test('fans out by the first two hex digits of the digest', () => {
    expect(keyPath(SHA512_HEX)).toBe(`${SHA512_HEX.slice(0, 2)}/${SHA512_HEX}`)
    const byUrl = storeKeyFor({ resolved: 'https://r/a.tgz' })
    expect(keyPath(byUrl)).toBe(`${byUrl.slice(4, 6)}/${byUrl}`)
  })

  test.each(['../../etc', '', 'ABCDEF', 'url-xyz', `${'a'.repeat(127)}/`, `${'a'.repeat(128)}\0`])('refuses %p', (key) => {
    expect(isStoreKey(key)).toBe(false)
    expect(() => keyPath(key)).toThrow(SkiffError)
  })
})
