import { afterAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createPackumentPool } from '../../src/install/packument-pool.ts'
import type { CacheWrite } from '../../src/registry/index.ts'
import { cacheSlot, readCacheEntry } from '../../src/registry/packument-cache.ts'
import { packumentBytes } from '../../src/resolve/index.ts'

const encoder = new TextEncoder()
const cacheRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-'))
afterAll(() => fs.rmSync(cacheRoot, { recursive: true, force: true }))

const write = (name: string): CacheWrite => ({
  slot: cacheSlot(cacheRoot, `https://registry.test/${name}`, 'compact'),
  entry: { url: `https://registry.test/${name}`, etag: `"${name}"`, lastModified: null, storedAtMs: 1, maxAgeMs: null },
})
const document = (name: string) => ({
  name,
  'dist-tags': { latest: '1.0.0' },
  versions: { '1.0.0': { name, version: '1.0.0', dist: { tarball: `https://registry.test/${name}/-/${name}-1.0.0.tgz` } } },
})

describe('packument pool', () => {
  test('the workers make the same text as packumentBytes, for many documents at once', async () => {
    await using pool = createPackumentPool({ workers: 2 })
    const names = Array.from({ length: 20 }, (_, index) => `p${index}`)
    const texts = await Promise.all(names.map((name) => pool.read(encoder.encode(JSON.stringify(document(name))), name, write(name))))
    expect(texts).toEqual(names.map((name) => packumentBytes(encoder.encode(JSON.stringify(document(name))), name)))
  })

  test('each text is kept in the metadata cache, compressed, with the validators it was given, by the time the pool is disposed', async () => {
    const pool = createPackumentPool({ workers: 2 })
    const names = Array.from({ length: 5 }, (_, index) => `kept${index}`)
    const texts = await Promise.all(names.map((name) => pool.read(encoder.encode(JSON.stringify(document(name))), name, write(name))))
    await pool[Symbol.asyncDispose]()
    for (const [index, name] of names.entries()) {
      const kept = readCacheEntry(write(name).slot)
      expect(kept).toMatchObject(write(name).entry)
      expect(Buffer.from(Bun.zstdDecompressSync(kept?.body as Uint8Array<ArrayBuffer>)).equals(texts[index] as Uint8Array)).toBe(true)
    }
  })

  test('bytes that are not JSON fail with a SyntaxError, a document that is no packument with EBADPACKUMENT, and neither is cached', async () => {
    await using pool = createPackumentPool({ workers: 1 })
    await expect(pool.read(encoder.encode('<html>'), 'x', write('x'))).rejects.toBeInstanceOf(SyntaxError)
    await expect(pool.read(encoder.encode('{"versions":[]}'), 'y', write('y'))).rejects.toMatchObject({ code: 'EBADPACKUMENT', message: 'malformed registry document for y: "versions" is not an object' })
    expect([readCacheEntry(write('x').slot), readCacheEntry(write('y').slot)]).toEqual([undefined, undefined])
    // the worker is still there for the next one
    expect(new TextDecoder().decode(await pool.read(encoder.encode(JSON.stringify(document('z'))), 'z', write('z')))).toContain('"z"')
  })

  test('expect starts the workers before any document comes; a pool that read nothing is disposed at once', async () => {
    const idle = createPackumentPool({ workers: 2 })
    expect(idle.workers).toBe(0)
    idle.expect()
    expect(idle.workers).toBe(2)
    // the workers answer that nothing is left to write (waiting for the 10 s bound would time this test out)
    await idle[Symbol.asyncDispose]()
    await using pool = createPackumentPool({ workers: 1 })
    pool.expect()
    pool.expect()
    expect(pool.workers).toBe(1)
    expect(await pool.read(encoder.encode(JSON.stringify(document('e'))), 'e', write('e'))).toEqual(packumentBytes(encoder.encode(JSON.stringify(document('e'))), 'e'))
  })

  test('after dispose a request fails with EABORT', async () => {
    const pool = createPackumentPool({ workers: 1 })
    await pool.read(encoder.encode(JSON.stringify(document('a'))), 'a', write('a'))
    await pool[Symbol.asyncDispose]()
    await expect(pool.read(encoder.encode(JSON.stringify(document('b'))), 'b', write('b'))).rejects.toMatchObject({ code: 'EABORT' })
  })
})
