/**
 * Fuzzing the tar reader: headers with random names, types, sizes and links, mutated and cut
 * streams, random gzip. The reader may only refuse with EBADTARBALL; extraction never writes
 * outside its folder, and what it reports matches what is on disk.
 */
import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseTar } from '../../src/tarball/parse-tar.ts'
import { extractTarball } from '../../src/tarball/index.ts'
import { gnuLong, makeTar, pax, type RawEntry } from '../tarball/make-tar.ts'
import { FUZZ_TIMEOUT_MS, fuzzParameters, onlySkiffErrors, onlySkiffErrorsAsync } from './fuzz-runs.ts'

const PKG = 'fuzzed@1.0.0'
const encoder = new TextEncoder()

/** Path pieces that matter to a tar reader: climbing, roots, separators, the package prefix. */
const piece = fc.oneof(
  fc.constantFrom('package', '..', '.', '', 'a', 'b.js', 'node_modules', '/', 'C:', '\\', '.gitignore', '.npmignore', 'package.json'),
  fc.string({ maxLength: 6 }),
)
const entryPath = fc.array(piece, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('/')).filter((name) => encoder.encode(name).length <= 100)

const rawEntry: fc.Arbitrary<RawEntry> = fc.record(
  {
    name: entryPath,
    type: fc.constantFrom('0', '0', '0', '1', '2', '3', '4', '5', '6', '7', 'S', '\0'),
    data: fc.oneof(fc.string({ maxLength: 40 }), fc.uint8Array({ maxLength: 600 })),
    mode: fc.integer({ min: 0, max: 0o7777 }),
    linkname: entryPath,
    size: fc.integer({ min: 0, max: 2000 }),
    base256Size: fc.boolean(),
    magic: fc.constantFrom('posix' as const, 'gnu' as const),
  },
  { requiredKeys: ['name'] },
)

/** Entries, sometimes preceded by pax or GNU long-name headers that rename them. */
const entries = fc.array(
  fc.oneof(
    { weight: 5, arbitrary: rawEntry.map((entry) => [entry]) },
    { weight: 1, arbitrary: fc.tuple(entryPath, rawEntry).map(([name, entry]) => [pax({ path: name }), entry]) },
    { weight: 1, arbitrary: fc.tuple(entryPath, rawEntry).map(([name, entry]) => [gnuLong(name), entry]) },
  ),
  { maxLength: 8 },
).map((groups) => groups.flat())

/** A stream with some bytes overwritten and maybe cut short. */
const mutatedTar = fc
  .tuple(entries, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.option(fc.nat()))
  .map(([list, flips, cut]) => {
    const tar = makeTar(list)
    for (const [at, byte] of flips) if (tar.length > 0) tar[at % tar.length] = byte
    return cut === null ? tar : tar.subarray(0, cut % (tar.length + 1))
  })

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).map((entry) => {
    const full = path.join(entry.parentPath, entry.name)
    return `${path.relative(dir, full)}${entry.isDirectory() ? '/' : entry.isFile() ? '' : ' (not a file or folder)'}`
  })
}

describe('fuzz: tar reader', () => {
  test('listing any stream either works or is refused with EBADTARBALL', () => {
    fc.assert(
      fc.property(mutatedTar, (tar) => {
        onlySkiffErrors(['EBADTARBALL'], () => parseTar(tar, PKG))
      }),
      fuzzParameters(4000),
    )
  }, FUZZ_TIMEOUT_MS)

  test('extracting any tarball writes only inside its folder, only files and folders, exactly the bytes it reports', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-fuzz-'))
    let round = 0
    try {
      await fc.assert(
        fc.asyncProperty(mutatedTar, fc.boolean(), async (tar, gzip) => {
          const base = path.join(root, String(round++))
          const dest = path.join(base, 'dest')
          fs.mkdirSync(dest, { recursive: true })
          const bytes = gzip ? Bun.gzipSync(tar as Uint8Array<ArrayBuffer>) : tar
          const result = await onlySkiffErrorsAsync(['EBADTARBALL'], () => extractTarball(bytes, dest, { pkg: PKG, maxUnpackedBytes: 1024 * 1024 }))
          const outside = walk(base).filter((entry) => entry !== 'dest/' && !entry.startsWith('dest/'))
          const odd = walk(dest).filter((entry) => entry.endsWith('(not a file or folder)'))
          const written = walk(dest).filter((entry) => !entry.endsWith('/')).reduce((sum, file) => sum + fs.statSync(path.join(dest, file)).size, 0)
          fs.rmSync(base, { recursive: true, force: true })
          expect(outside).toEqual([])
          expect(odd).toEqual([])
          if (result) expect(written).toBe(result.unpackedBytes)
          else expect(written).toBe(0)
        }),
        fuzzParameters(800),
      )
    } finally {
      fs.rmSync(root, { recursive: true, force: true })
    }
  }, FUZZ_TIMEOUT_MS)

  test('random bytes behind a gzip header are refused with EBADTARBALL, never anything else', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-fuzz-'))
    try {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (tail) => {
          const bytes = new Uint8Array([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff, ...tail])
          const dest = fs.mkdtempSync(path.join(root, 'd-'))
          await onlySkiffErrorsAsync(['EBADTARBALL'], () => extractTarball(bytes, dest, { pkg: PKG }))
          fs.rmSync(dest, { recursive: true, force: true })
        }),
        fuzzParameters(800),
      )
    } finally {
      fs.rmSync(root, { recursive: true, force: true })
    }
  }, FUZZ_TIMEOUT_MS)
})

describe('fuzz: tar reader regressions', () => {
  test('a 19-byte gzip stream whose trailer claims 1.4 GB is refused as corrupt before a buffer of that size is made', async () => {
    // found by the gzip property above: each such stream took half a second and a 1.4 GB allocation
    const bytes = new Uint8Array([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff, 0xbb, 0xbc, 0x03, 0xd7, 0xef, 0x5b, 0xfe, 0xd5, 0x53])
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-fuzz-'))
    try {
      const error = await extractTarball(bytes, root, { pkg: PKG }).catch((caught: unknown) => caught)
      expect(String(error)).toContain(`${PKG}: tarball is not a valid gzip stream (truncated or corrupt: its gzip trailer claims 1406533211 bytes, more than 19 bytes can unpack to)`)
    } finally {
      fs.rmSync(root, { recursive: true, force: true })
    }
  }, FUZZ_TIMEOUT_MS)
})
