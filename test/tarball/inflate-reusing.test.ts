import { describe, expect, test } from 'bun:test'
import zlib from 'node:zlib'
import { gunzipTarball } from '../../src/tarball/gunzip-tarball.ts'
import { inflateReusing } from '../../src/tarball/inflate-reusing.ts'
import { concat } from './make-tar.ts'

const text = (seed: string, bytes: number) => new TextEncoder().encode(seed.repeat(Math.ceil(bytes / seed.length)).slice(0, bytes))
const gzip = (data: Uint8Array) => new Uint8Array(zlib.gzipSync(data))
const claimed = (gz: Uint8Array) => new DataView(gz.buffer, gz.byteOffset + gz.length - 4, 4).getUint32(0, true)

describe('inflateReusing', () => {
  test('decodes a gzip stream to the same bytes as zlib, twice in a row into the same buffer', () => {
    const first = text('first tarball ', 70_000)
    const second = text('second ', 50_000)
    const a = inflateReusing(gzip(first), first.length)
    expect(a && Buffer.from(a).equals(Buffer.from(first))).toBe(true)
    const b = inflateReusing(gzip(second), second.length)
    expect(b && Buffer.from(b).equals(Buffer.from(second))).toBe(true)
    expect(b?.buffer).toBe(a?.buffer)
  })

  test('gives up on a stream of two members, whose trailer claims only the last one', () => {
    const gz = concat([gzip(text('a', 1000)), gzip(text('b', 10))])
    expect(inflateReusing(gz, claimed(gz))).toBeUndefined()
  })

  test('gives up on a trailer that claims less than the stream holds', () => {
    const gz = gzip(text('bomb ', 100_000))
    expect(inflateReusing(gz, 1000)).toBeUndefined()
  })

  test('gives up on a corrupt stream, and decodes a good one again afterwards', () => {
    const data = text('good ', 5000)
    const gz = gzip(data)
    const corrupt = gz.slice()
    corrupt[corrupt.length - 6] = (corrupt[corrupt.length - 6] ?? 0) ^ 1
    expect(inflateReusing(corrupt, data.length)).toBeUndefined()
    expect(inflateReusing(gz.subarray(0, gz.length - 10), data.length)).toBeUndefined()
    const again = inflateReusing(gz, data.length)
    expect(again && Buffer.from(again).equals(Buffer.from(data))).toBe(true)
  })
})

describe('gunzipTarball with reuse', () => {
  test('a stream the reused buffer gives up on is still decoded whole, and a corrupt one is refused', () => {
    const gz = concat([gzip(text('a', 1000)), gzip(text('b', 10))])
    expect(gunzipTarball(gz, 'p@1.0.0', 1 << 20, { reuse: true, allMembers: true }).length).toBe(1010)
    const corrupt = gzip(text('c', 1000)).slice()
    corrupt[20] = (corrupt[20] ?? 0) ^ 0xff
    expect(() => gunzipTarball(corrupt, 'p@1.0.0', 1 << 20, { reuse: true })).toThrow('p@1.0.0')
  })
})
