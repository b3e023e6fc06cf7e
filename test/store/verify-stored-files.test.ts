import { describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createStore, integrityOf, verifyStoredFiles } from '../../src/store/index.ts'
import { openLibc } from '../../src/libc/index.ts'
import { extractTarball } from '../../src/tarball/index.ts'
import { makeTgz } from '../tarball/make-tar.ts'

const tgz = makeTgz([
  { name: 'package/package.json', data: JSON.stringify({ name: 'a', version: '1.0.0' }) },
  { name: 'package/index.js', data: 'module.exports = 1\n' },
  { name: 'package/lib/util.js', data: 'exports.x = 2\n' },
])

async function storedSample() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-'))
  const store = createStore(root, { extract: extractTarball })
  const integrity = integrityOf(tgz)
  const key = store.keyFor({ integrity })
  const stored = await store.add(key, tgz, { pkg: 'a@1.0.0', integrity })
  // an entry stored a minute ago (a write within the file system's clock tick of the marker would not be seen)
  const past = new Date(Date.now() - 60_000)
  for (const file of ['package.json', 'index.js', 'lib/util.js']) fs.utimesSync(path.join(stored.dir, file), past, past)
  fs.utimesSync(path.join(root, 'v1', 'packages', key.slice(0, 2), key, 'index.json'), past, past)
  return { root, store, key, stored, [Symbol.dispose]: () => fs.rmSync(root, { recursive: true, force: true }) }
}

describe.each([
  ['through libc', true],
  ['through node:fs', false],
])('verifyStoredFiles %s', (_way, nativeIo) => {
  const verify = (dir: string, index: { files: string; sizes: string }, limit?: number) => verifyStoredFiles(dir, index, limit, { nativeIo })

  test.skipIf(!nativeIo || process.platform !== 'linux')('the libc path is the one taken here (fstatat is bound)', () => {
    expect(openLibc()?.statAt).toBeDefined()
  })

  test('an entry as it was stored has no problem', async () => {
    using sample = await storedSample()
    expect(verify(sample.stored.dir, sample.stored.index)).toEqual([])
  })

  test.each([
    ['a missing file', (dir: string) => fs.rmSync(path.join(dir, 'index.js')), { path: 'index.js', reason: 'is missing' }],
    ['a file of another size', (dir: string) => fs.writeFileSync(path.join(dir, 'index.js'), 'x'), { path: 'index.js', reason: 'has 1 bytes where 19 were stored' }],
    ['a file written in place with the same size', (dir: string) => fs.writeFileSync(path.join(dir, 'index.js'), 'module.exports = 2\n'), { path: 'index.js', reason: 'was modified after it was stored' }],
    [
      'a folder in place of a file',
      (dir: string) => {
        fs.rmSync(path.join(dir, 'index.js'))
        fs.mkdirSync(path.join(dir, 'index.js'))
      },
      { path: 'index.js', reason: 'is no longer a regular file' },
    ],
    [
      'a symlink in place of a file',
      (dir: string) => {
        fs.rmSync(path.join(dir, 'lib/util.js'))
        fs.symlinkSync('/etc/passwd', path.join(dir, 'lib/util.js'))
      },
      { path: 'lib/util.js', reason: 'is no longer a regular file' },
    ],
    ['a missing folder', (dir: string) => fs.rmSync(path.join(dir, 'lib'), { recursive: true }), { path: 'lib/util.js', reason: 'is missing' }],
    ['a missing marker', (dir: string) => fs.rmSync(path.join(path.dirname(dir), 'index.json')), { path: 'index.json', reason: 'is missing' }],
  ])('finds %s', async (_name, damage, problem) => {
    using sample = await storedSample()
    damage(sample.stored.dir)
    expect(verify(sample.stored.dir, sample.stored.index)).toEqual([problem])
  })

  test('a file added to the entry is not a problem: only what the marker lists is ever linked', async () => {
    using sample = await storedSample()
    fs.writeFileSync(path.join(sample.stored.dir, 'extra.js'), 'x')
    expect(verify(sample.stored.dir, sample.stored.index)).toEqual([])
  })

  test('a marker whose sizes do not match its files is a problem of the marker', async () => {
    using sample = await storedSample()
    expect(verify(sample.stored.dir, { ...sample.stored.index, sizes: '1,2' })).toEqual([{ path: 'index.json', reason: 'lists 3 files and 2 sizes' }])
  })

  test('the first problem by default, every one when asked', async () => {
    using sample = await storedSample()
    fs.rmSync(path.join(sample.stored.dir, 'index.js'))
    fs.writeFileSync(path.join(sample.stored.dir, 'package.json'), '{}')
    expect(verify(sample.stored.dir, sample.stored.index)).toHaveLength(1)
    expect(verify(sample.stored.dir, sample.stored.index, Number.POSITIVE_INFINITY).map((problem) => problem.path).sort()).toEqual(['index.js', 'package.json'])
  })
})

describe('store.verify', () => {
  test('says ok, damaged with every problem, or absent', async () => {
    using sample = await storedSample()
    expect(sample.store.verify(sample.key)).toEqual({ status: 'ok', pkg: 'a@1.0.0' })
    fs.rmSync(path.join(sample.stored.dir, 'lib/util.js'))
    fs.writeFileSync(path.join(sample.stored.dir, 'index.js'), '')
    expect(sample.store.verify(sample.key)).toEqual({
      status: 'damaged',
      pkg: 'a@1.0.0',
      problems: [
        { path: 'index.js', reason: 'has 0 bytes where 19 were stored' },
        { path: 'lib/util.js', reason: 'is missing' },
      ],
    })
    fs.rmSync(path.join(path.dirname(sample.stored.dir), 'index.json'))
    expect(sample.store.verify(sample.key)).toEqual({ status: 'damaged', problems: [{ path: 'index.json', reason: 'is missing or not a marker of this entry' }] })
    expect(sample.store.verify('b'.repeat(128))).toEqual({ status: 'absent' })
    expect(sample.store.keys()).toEqual([sample.key])
  })

  test('adding a key whose entry is damaged replaces the entry; a sound one is kept', async () => {
    using sample = await storedSample()
    const inode = (file: string) => fs.statSync(path.join(sample.stored.dir, file)).ino
    const before = inode('package.json')
    const fresh = createStore(sample.root, { extract: extractTarball })
    await fresh.add(sample.key, tgz, { pkg: 'a@1.0.0', integrity: integrityOf(tgz) })
    expect(inode('package.json')).toBe(before)
    fs.writeFileSync(path.join(sample.stored.dir, 'index.js'), 'module.exports = 2\n')
    const replaced = await createStore(sample.root, { extract: extractTarball }).add(sample.key, tgz, { pkg: 'a@1.0.0', integrity: integrityOf(tgz) })
    expect(fs.readFileSync(path.join(replaced.dir, 'index.js'), 'utf8')).toBe('module.exports = 1\n')
    expect(fs.readdirSync(path.join(sample.root, 'v1', 'tmp'))).toEqual([])
  })
})
