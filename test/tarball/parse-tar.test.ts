import { describe, expect, test } from 'bun:test'
import { SkiffError } from '../../src/error/index.ts'
import { parsePax, parseTar, readNumber } from '../../src/tarball/parse-tar.ts'
import { bytesOf, gnuLong, makeTar, pax } from './make-tar.ts'

const field = (text: string, length: number) => {
  const bytes = new Uint8Array(length)
  bytes.set(new TextEncoder().encode(text))
  return bytes
}

describe('parseTar', () => {
  test('lists entries with node-tar names, kinds, modes and data ranges', () => {
    const tar = makeTar([
      { name: 'package/a.js', data: 'abc', mode: 0o755 },
      { name: 'package/dir/', type: '5', size: 600 },
      { name: 'package/old/', type: '0' },
      { name: 'package/l', type: '2', linkname: 'a.js' },
      { name: 'package/f', type: '6' },
      { name: 'package/v', type: 'V', data: 'volume' },
    ])
    const listing = parseTar(tar, 'p')
    expect(listing.sawEndMarker).toBe(true)
    expect(listing.entries.map(({ path, kind, typeflag, mode, size }) => ({ path, kind, typeflag, mode, size }))).toEqual([
      { path: 'package/a.js', kind: 'file', typeflag: '0', mode: 0o755, size: 3 },
      { path: 'package/dir/', kind: 'directory', typeflag: '5', mode: 0o644, size: 0 },
      { path: 'package/old/', kind: 'directory', typeflag: '0', mode: 0o644, size: 0 },
      { path: 'package/l', kind: 'link', typeflag: '2', mode: 0o644, size: 0 },
      { path: 'package/f', kind: 'special', typeflag: '6', mode: 0o644, size: 0 },
    ])
    const first = listing.entries[0]
    expect(new TextDecoder().decode(tar.subarray(first?.offset, (first?.offset ?? 0) + 3))).toBe('abc')
  })

  test('pax and GNU values apply to the next real entry only, and a global path never applies', () => {
    const listing = parseTar(
      makeTar([
        pax({ path: 'global/ignored' }, 'g'),
        pax({ path: 'package/from-pax' }),
        gnuLong('package/from-gnu-wins'),
        { name: 'package/header-name', data: 'x' },
        { name: 'package/next', data: 'y' },
      ]),
      'p',
    )
    expect(listing.entries.map((entry) => entry.path)).toEqual(['package/from-gnu-wins', 'package/next'])
  })

  test('a stream without its end marker is read, and says so', () => {
    expect(parseTar(makeTar([{ name: 'package/a', data: 'a' }], { end: false }), 'p').sawEndMarker).toBe(false)
  })

  test('a file header naming a link target is refused', () => {
    expect(() => parseTar(makeTar([{ name: 'package/a', linkname: '/etc/passwd' }]), 'p')).toThrow(SkiffError)
  })

  test('a size field that is not a number is refused', () => {
    const tar = makeTar([{ name: 'package/a', data: 'a' }])
    tar.set(new TextEncoder().encode('zz'), 124)
    // keep the checksum right so that only the size is wrong
    tar.fill(0x20, 148, 156)
    const sum = tar.subarray(0, 512).reduce((total, byte) => total + byte, 0)
    tar.set(bytesOf(`${sum.toString(8).padStart(6, '0')}\0 `), 148)
    expect(() => parseTar(tar, 'p')).toThrow(/size/)
  })
})

describe('readNumber', () => {
  test.each([
    ['octal with NUL', field('0000644\0', 8), 0o644],
    ['octal with spaces', field('  644 \0', 8), 0o644],
    ['empty field', field('', 8), 0],
    ['garbage', field('xyz', 8), undefined],
  ])('%s', (_name, bytes, expected) => {
    expect(readNumber(bytes, 0, 8)).toBe(expected)
  })

  test('base-256 numbers, positive and negative', () => {
    const big = new Uint8Array(12)
    big[0] = 0x80
    big[7] = 0x02
    expect(readNumber(big, 0, 12)).toBe(2 * 256 ** 4)
    const negative = new Uint8Array(12).fill(0xff)
    expect(readNumber(negative, 0, 12)).toBe(-1)
  })
})

describe('parsePax', () => {
  test('reads path, linkpath and size; ignores mode, bad records and global paths', () => {
    const body = bytesOf(`${String(pax({ path: 'a/b', size: '12', mode: '755' }).data)}9 bad=x\n`)
    expect(parsePax(body, false)).toEqual({ path: 'a/b', size: 12 })
    expect(parsePax(bytesOf(String(pax({ path: 'a', linkpath: 'b', size: '3' }).data)), true)).toEqual({ size: 3 })
  })

  test('a value with a newline is skipped, a NUL ends a value', () => {
    expect(parsePax(bytesOf('14 path=a\nb/c\n12 size=7\0x\n'), false)).toEqual({ size: 7 })
  })
})
