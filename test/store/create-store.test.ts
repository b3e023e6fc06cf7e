import { describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { SkiffError } from '../../src/error/index.ts'
import { createStore, integrityOf } from '../../src/store/index.ts'
import { hostTag } from '../../src/store/staging-name.ts'
import { extractTarball, splitPaths, type Extractor } from '../../src/tarball/index.ts'
import { listTree, makeTgz } from '../tarball/make-tar.ts'

const extractor: Extractor = { extract: extractTarball }

const tgz = makeTgz([
  { name: 'package/package.json', data: JSON.stringify({ name: 'a', version: '1.0.0', bin: 'cli.js' }) },
  { name: 'package/cli.js', data: '#!/usr/bin/env node\n' },
  { name: 'package/lib/index.js', data: 'module.exports = 1\n' },
])

function tempRoot(): { root: string; [Symbol.dispose](): void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-'))
  return { root, [Symbol.dispose]: () => fs.rmSync(root, { recursive: true, force: true }) }
}

async function rejection(promise: Promise<unknown>): Promise<SkiffError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  if (error instanceof SkiffError) return error
  throw new Error(`expected a SkiffError, got ${String(error)}`)
}

async function addSample(root: string) {
  const store = createStore(root, extractor)
  const integrity = integrityOf(tgz)
  const key = store.keyFor({ integrity })
  return { store, key, added: await store.add(key, tgz, { pkg: 'a@1.0.0', integrity }) }
}

describe('store add and get', () => {
  test('a package added under its integrity key is found by get, complete, in a folder of its own', async () => {
    using tmp = tempRoot()
    const store = createStore(tmp.root, extractor)
    const integrity = integrityOf(tgz)
    const key = store.keyFor({ integrity })
    expect(store.get(key)).toBeUndefined()
    const added = await store.add(key, tgz, { pkg: 'a@1.0.0', integrity })
    const found = store.get(key)
    expect(found).toEqual(added)
    expect(added.key).toBe(key)
    expect(added.dir).toBe(path.join(tmp.root, 'v1', 'packages', key.slice(0, 2), key, 'content'))
    expect(listTree(added.dir)).toEqual(['cli.js', 'lib/', 'lib/index.js', 'package.json'])
    expect(fs.readdirSync(path.dirname(added.dir)).sort()).toEqual(['content', 'index.json'])
    expect(splitPaths(added.index.files).sort()).toEqual(['cli.js', 'lib/index.js', 'package.json'])
    expect(added.index.dirs).toBe('lib')
    expect(added.manifest).toEqual({ name: 'a', version: '1.0.0', bin: { a: 'cli.js' }, hasBindingGyp: false })
    expect(fs.readdirSync(path.join(tmp.root, 'v1', 'tmp'))).toEqual([])
  })

  test('tampered bytes fail with EINTEGRITY naming the package and both digests, and nothing is stored', async () => {
    using tmp = tempRoot()
    const store = createStore(tmp.root, extractor)
    const integrity = integrityOf(tgz)
    const tampered = new Uint8Array(tgz)
    tampered[tampered.length - 10] = (tampered[tampered.length - 10] ?? 0) ^ 0xff
    const error = await rejection(store.add(store.keyFor({ integrity }), tampered, { pkg: 'a@1.0.0', integrity }))
    expect(error.code).toBe('EINTEGRITY')
    expect(error.message).toContain('a@1.0.0')
    expect(error.message).toContain('nothing was stored')
    expect(error.details.wanted).toBe(integrity)
    expect(error.details.found).toBe(integrityOf(tampered))
    expect(fs.existsSync(path.join(tmp.root, 'v1'))).toBe(false)
  })

  test('a failed extraction leaves no staging folder and no entry', async () => {
    using tmp = tempRoot()
    const store = createStore(tmp.root, extractor)
    const hostile = makeTgz([{ name: 'package/../../evil', data: 'x' }])
    const integrity = integrityOf(hostile)
    const error = await rejection(store.add(store.keyFor({ integrity }), hostile, { pkg: 'evil@1.0.0', integrity }))
    expect(error.code).toBe('EBADTARBALL')
    expect(fs.existsSync(path.join(tmp.root, 'v1'))).toBe(false)
  })

  test('an old package with only a sha1 integrity is verified with sha1 and keyed by it', async () => {
    using tmp = tempRoot()
    const store = createStore(tmp.root, extractor)
    const integrity = integrityOf(tgz, 'sha1')
    const key = store.keyFor({ integrity })
    expect(key).toMatch(/^[0-9a-f]{40}$/)
    await store.add(key, tgz, { pkg: 'a@1.0.0', integrity })
    expect(store.get(key)?.manifest.name).toBe('a')
    const wrong = `sha1-${Buffer.alloc(20).toString('base64')}`
    const error = await rejection(store.add(store.keyFor({ integrity: wrong }), tgz, { pkg: 'a@1.0.0', integrity: wrong }))
    expect(error.code).toBe('EINTEGRITY')
  })

  test('a multi-hash integrity is checked with its strongest algorithm only', async () => {
    using tmp = tempRoot()
    const store = createStore(tmp.root, extractor)
    const bogusSha1 = `sha1-${Buffer.alloc(20).toString('base64')}`
    const integrity = `${bogusSha1} ${integrityOf(tgz, 'sha512')}`
    const key = store.keyFor({ integrity })
    expect(key).toBe(Buffer.from(integrityOf(tgz).slice('sha512-'.length), 'base64').toString('hex'))
    await store.add(key, tgz, { pkg: 'a@1.0.0', integrity })
    expect(store.get(key)).toBeDefined()
    const weakOnly = `${integrityOf(tgz, 'sha1')} sha512-${Buffer.alloc(64).toString('base64')}`
    const error = await rejection(store.add(store.keyFor({ integrity: weakOnly }), tgz, { pkg: 'a@1.0.0', integrity: weakOnly }))
    expect(error.code).toBe('EINTEGRITY')
  })

  test('a package without integrity is stored under the hash of its resolved URL', async () => {
    using tmp = tempRoot()
    const store = createStore(tmp.root, extractor)
    const key = store.keyFor({ resolved: 'https://example.test/a-1.0.0.tgz' })
    expect(key).toMatch(/^url-[0-9a-f]{64}$/)
    const added = await store.add(key, tgz, { pkg: 'a@1.0.0' })
    expect(added.dir).toBe(path.join(tmp.root, 'v1', 'packages', key.slice(4, 6), key, 'content'))
    expect(store.get(key)).toEqual(added)
  })
})

describe('store crash leftovers', () => {
  test('a staging folder without marker is never returned and is cleaned', async () => {
    using tmp = tempRoot()
    const store = createStore(tmp.root, extractor)
    const key = store.keyFor({ integrity: integrityOf(tgz) })
    // a process of this host that crashed: its pid is not alive
    const leftover = path.join(tmp.root, 'v1', 'tmp', `${key}.${hostTag(os.hostname())}.999999999.abc`)
    fs.mkdirSync(path.join(leftover, 'content'), { recursive: true })
    fs.writeFileSync(path.join(leftover, 'content', 'package.json'), '{}')
    expect(store.get(key)).toBeUndefined()
    expect(await store.cleanStaging(60 * 60 * 1000)).toBe(1)
    expect(fs.readdirSync(path.join(tmp.root, 'v1', 'tmp'))).toEqual([])
  })

  test('a staging folder of another host is judged by its age alone', async () => {
    using tmp = tempRoot()
    const store = createStore(tmp.root, extractor)
    const key = store.keyFor({ integrity: integrityOf(tgz) })
    const young = path.join(tmp.root, 'v1', 'tmp', `${key}.00000000.1.abc`)
    const old = path.join(tmp.root, 'v1', 'tmp', `${key}.00000000.2.abc`)
    fs.mkdirSync(young, { recursive: true })
    fs.mkdirSync(old, { recursive: true })
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000)
    fs.utimesSync(old, twoHoursAgo, twoHoursAgo)
    expect(await store.cleanStaging(60 * 60 * 1000)).toBe(1)
    expect(fs.readdirSync(path.join(tmp.root, 'v1', 'tmp'))).toEqual([path.basename(young)])
  })

  test('makeTempDir makes an empty staging folder this process keeps, which is cleaned once its owner is gone', async () => {
    using tmp = tempRoot()
    const store = createStore(tmp.root, extractor)
    const key = store.keyFor({ resolved: 'git+file:///srv/r.git#0123456789abcdef0123456789abcdef01234567' })
    const dir = await store.makeTempDir(key)
    expect(path.dirname(dir)).toBe(path.join(tmp.root, 'v1', 'tmp'))
    expect(path.basename(dir).startsWith(`${key}.${hostTag(os.hostname())}.${process.pid}.`)).toBe(true)
    expect(fs.readdirSync(dir)).toEqual([])
    expect(await store.cleanStaging(60 * 60 * 1000)).toBe(0)
    // the same folder as a process that died would have left it
    const orphaned = path.join(path.dirname(dir), path.basename(dir).replace(`.${process.pid}.`, '.999999999.'))
    fs.renameSync(dir, orphaned)
    expect(await store.cleanStaging(60 * 60 * 1000)).toBe(1)
    expect(fs.readdirSync(path.join(tmp.root, 'v1', 'tmp'))).toEqual([])
  })

  test('a staging folder of a live process on this host is kept until it is old', async () => {
    using tmp = tempRoot()
    const store = createStore(tmp.root, extractor)
    const integrity = integrityOf(tgz)
    const key = store.keyFor({ integrity })
    // a real staging folder of this process, left by an add that is still "running": this
    // extractor writes the files, then waits, and leaves the marker and the rename to the store
    const gate = Promise.withResolvers<void>()
    const slow: Extractor = {
      async extract(bytes, destDir, { commit: _commit, ...opts }) {
        fs.mkdirSync(destDir, { recursive: true })
        const result = await extractTarball(bytes, destDir, opts)
        await gate.promise
        return result
      },
    }
    const adding = createStore(tmp.root, slow).add(key, tgz, { pkg: 'a@1.0.0', integrity })
    await Bun.sleep(10)
    expect(fs.readdirSync(path.join(tmp.root, 'v1', 'tmp'))).toHaveLength(1)
    expect(await store.cleanStaging(60 * 60 * 1000)).toBe(0)
    gate.resolve()
    await adding
    expect(store.get(key)).toBeDefined()
    expect(fs.readdirSync(path.join(tmp.root, 'v1', 'tmp'))).toEqual([])
  })

  test('a content folder in the final place without marker is never returned, and add replaces it', async () => {
    using tmp = tempRoot()
    const store = createStore(tmp.root, extractor)
    const integrity = integrityOf(tgz)
    const key = store.keyFor({ integrity })
    const entryDir = path.join(tmp.root, 'v1', 'packages', key.slice(0, 2), key)
    fs.mkdirSync(path.join(entryDir, 'content'), { recursive: true })
    fs.writeFileSync(path.join(entryDir, 'content', 'half-written.js'), '')
    expect(store.get(key)).toBeUndefined()
    fs.writeFileSync(path.join(entryDir, 'index.json'), '{"version":1,"key":"')
    expect(store.get(key)).toBeUndefined()
    const added = await store.add(key, tgz, { pkg: 'a@1.0.0', integrity })
    expect(listTree(added.dir)).toEqual(['cli.js', 'lib/', 'lib/index.js', 'package.json'])
    expect(store.get(key)).toEqual(added)
    expect(fs.readdirSync(path.join(tmp.root, 'v1', 'tmp'))).toEqual([])
  })

  test('a marker listing a path that leaves the package is not trusted', async () => {
    using tmp = tempRoot()
    const { key, added } = await addSample(tmp.root)
    const markerPath = path.join(path.dirname(added.dir), 'index.json')
    const marker = JSON.parse(fs.readFileSync(markerPath, 'utf8')) as { index: { files: string } }
    marker.index.files = `../../../etc/passwd\0${marker.index.files}`
    fs.writeFileSync(markerPath, JSON.stringify(marker))
    expect(createStore(tmp.root, extractor).get(key)).toBeUndefined()
  })

  test('an entry is read once: a Store keeps what it found or added, a new Store reads the marker again', async () => {
    using tmp = tempRoot()
    const { store, key, added } = await addSample(tmp.root)
    fs.rmSync(path.join(path.dirname(added.dir), 'index.json'))
    expect(store.get(key)).toBe(added)
    expect(createStore(tmp.root, extractor).get(key)).toBeUndefined()
  })
})

describe('store that starts empty', () => {
  test('is not searched again, and adding a key another process added meanwhile yields that entry', async () => {
    using tmp = tempRoot()
    const store = createStore(tmp.root, extractor)
    const integrity = integrityOf(tgz)
    const key = store.keyFor({ integrity })
    expect(store.get(key)).toBeUndefined()
    const other = await createStore(tmp.root, extractor).add(key, tgz, { pkg: 'a@1.0.0', integrity })
    expect(store.get(key)).toBeUndefined()
    const added = await store.add(key, tgz, { pkg: 'a@1.0.0', integrity })
    expect(added).toEqual(other)
    expect(store.get(key)).toEqual(other)
    expect(fs.readdirSync(path.join(tmp.root, 'v1', 'tmp'))).toEqual([])
  })
})

describe('store races', () => {
  test('two processes adding one key both succeed and leave one complete entry', async () => {
    using tmp = tempRoot()
    const tgzPath = path.join(tmp.root, 'a.tgz')
    fs.writeFileSync(tgzPath, tgz)
    const barrier = path.join(tmp.root, 'barrier')
    fs.mkdirSync(barrier)
    const storeDir = path.join(tmp.root, 'store')
    const integrity = integrityOf(tgz)
    const child = path.join(import.meta.dir, 'add-in-child.ts')
    const racers = [0, 1].map(() =>
      Bun.spawn([process.execPath, child, storeDir, tgzPath, integrity, barrier, '2'], { stdout: 'pipe', stderr: 'pipe' }),
    )
    const outcomes = await Promise.all(
      racers.map(async (racer) => ({ code: await racer.exited, stdout: await new Response(racer.stdout).text(), stderr: await new Response(racer.stderr).text() })),
    )
    for (const outcome of outcomes) {
      expect(outcome.stderr).toBe('')
      expect(outcome.code).toBe(0)
    }
    const store = createStore(storeDir, extractor)
    const key = store.keyFor({ integrity })
    const stored = store.get(key)
    expect(outcomes.map((outcome) => JSON.parse(outcome.stdout))).toEqual([
      { dir: stored?.dir, files: 3 },
      { dir: stored?.dir, files: 3 },
    ])
    expect(listTree(stored?.dir ?? '')).toEqual(['cli.js', 'lib/', 'lib/index.js', 'package.json'])
    expect(fs.readdirSync(path.join(storeDir, 'v1', 'tmp'))).toEqual([])
  }, 30_000)
})
