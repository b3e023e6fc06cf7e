import { describe, expect, test } from 'bun:test'
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { isSkiffError, type SkiffError } from '../../src/error/index.ts'
import { createLinker, type Backend } from '../../src/link/index.ts'
import { makeTempDir, storeEntry, storePackage, type FakeFile } from './fake-store.ts'

const FILES: FakeFile[] = [
  { path: 'package.json', content: '{"name":"demo","version":"1.0.0"}' },
  { path: 'index.js', content: 'module.exports = 1\n' },
  { path: 'bin/cli.js', content: '#!/usr/bin/env node\n', mode: 0o755 },
  { path: 'lib/deep/util.js', content: 'exports.x = 2\n', mode: 0o600 },
]

function treeOf(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)) + (entry.isDirectory() ? '/' : ''))
    .sort()
}

const EXPECTED_TREE = ['bin/', 'bin/cli.js', 'index.js', 'lib/', 'lib/deep/', 'lib/deep/util.js', 'package.json']

async function rejection(promise: Promise<unknown>): Promise<SkiffError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  if (!isSkiffError(error)) throw new Error(`expected a SkiffError, got ${String(error)}`)
  return error
}

function expectSameInodes(srcDir: string, targetDir: string, shared: boolean) {
  for (const file of FILES) {
    const src = statSync(path.join(srcDir, file.path))
    const dst = statSync(path.join(targetDir, file.path))
    expect(dst.ino === src.ino).toBe(shared)
    expect(readFileSync(path.join(targetDir, file.path), 'utf8')).toBe(file.content)
    expect(dst.mode & 0o777).toBe(file.mode ?? 0o644)
  }
}

// enough files for the hardlink backend to link relative to open folders (libc/)
const MANY: FakeFile[] = Array.from({ length: 24 }, (_, i) => ({ path: `lib/d${i % 3}/f${i}.js`, content: `exports.n = ${i}\n` }))

// the three ways a hardlinked package is made: file by file through libc or node:fs, or in one compiled call
const WAYS = [
  { through: 'libc', nativeIo: true, compiledLink: false },
  { through: 'node:fs', nativeIo: false, compiledLink: false },
  { through: 'the compiled loop', nativeIo: true, compiledLink: true },
]

describe('createLinker', () => {
  for (const { through, nativeIo, compiledLink } of WAYS) {
    test(`a hardlinked package of many files shares every inode and has every folder (${through})`, async () => {
      using tmp = makeTempDir()
      const pkg = storePackage(path.join(tmp.dir, 'store'), 'many', MANY)
      const targetDir = path.join(tmp.dir, 'project/node_modules/@scope/many')
      await using linker = createLinker({ backend: { kind: 'hardlink' }, workers: 1, nativeIo, compiledLink })
      await linker.link({ ...pkg, targetDir, privateCopy: false })
      expect(treeOf(targetDir)).toEqual(treeOf(pkg.srcDir))
      for (const file of MANY) expect(statSync(path.join(targetDir, file.path)).ino).toBe(statSync(path.join(pkg.srcDir, file.path)).ino)
    })

    test(`a file missing from a stored package of many files reports the package damaged, naming that file, and leaves nothing (${through})`, async () => {
      using tmp = makeTempDir()
      const pkg = storeEntry(path.join(tmp.dir, 'store'), 'many', MANY)
      const nm = path.join(tmp.dir, 'node_modules')
      rmSync(path.join(pkg.srcDir, 'lib/d1/f4.js'))
      await using linker = createLinker({ backend: { kind: 'hardlink' }, workers: 1, nativeIo, compiledLink })
      // not checked first: the failed link is what finds it
      const result = await linker.link({ ...pkg, targetDir: path.join(nm, 'many'), privateCopy: false, pkg: 'many@1.0.0' })
      expect(result).toEqual({ damaged: 'lib/d1/f4.js is missing' })
      expect(readdirSync(nm)).toEqual([])
    })

    test(`a stored file of another size, or changed after the marker, makes the package damaged and nothing is linked (${through})`, async () => {
      using tmp = makeTempDir()
      const nm = path.join(tmp.dir, 'node_modules')
      await using linker = createLinker({ backend: { kind: 'hardlink' }, workers: 1, nativeIo, compiledLink })
      const resized = storeEntry(path.join(tmp.dir, 'store'), 'resized', MANY)
      writeFileSync(path.join(resized.srcDir, 'lib/d2/f5.js'), 'exports.n = 55555\n')
      utimesSync(path.join(resized.srcDir, 'lib/d2/f5.js'), new Date(0), new Date(0))
      expect(await linker.link({ ...resized, targetDir: path.join(nm, 'resized'), privateCopy: false, verify: true })).toEqual({
        damaged: 'lib/d2/f5.js has 18 bytes where 14 were stored',
      })
      const touched = storeEntry(path.join(tmp.dir, 'store'), 'touched', MANY)
      const past = new Date(Date.now() - 60_000)
      utimesSync(path.join(path.dirname(touched.srcDir), 'index.json'), past, past)
      utimesSync(path.join(touched.srcDir, 'lib/d0/f0.js'), past, past)
      expect(await linker.link({ ...touched, targetDir: path.join(nm, 'touched'), privateCopy: false, verify: true })).toEqual({
        damaged: 'lib/d1/f1.js was modified after it was stored',
      })
      expect(existsSync(nm) ? readdirSync(nm) : []).toEqual([])
      // a sound entry asked to be checked is linked whole
      const sound = storeEntry(path.join(tmp.dir, 'store'), 'sound', MANY)
      expect(await linker.link({ ...sound, targetDir: path.join(nm, 'sound'), privateCopy: false, verify: true })).toEqual({})
      expect(treeOf(path.join(nm, 'sound'))).toEqual(treeOf(sound.srcDir))
    })
  }

  test('a stored package whose files changed after it was stored is reported damaged before anything is linked', async () => {
    using tmp = makeTempDir()
    const pkg = storeEntry(path.join(tmp.dir, 'store'), 'demo', FILES)
    const nm = path.join(tmp.dir, 'node_modules')
    const marker = path.join(path.dirname(pkg.srcDir), 'index.json')
    const past = new Date(Date.now() - 60_000)
    utimesSync(marker, past, past)
    await using linker = createLinker({ backend: { kind: 'copy' }, workers: 1 })
    expect(await linker.link({ ...pkg, targetDir: path.join(nm, 'demo'), privateCopy: false, verify: true })).toEqual({
      damaged: 'package.json was modified after it was stored',
    })
    expect(existsSync(nm)).toBe(false)
    // the same entry, not asked to check, is linked as it is
    expect(await linker.link({ ...pkg, targetDir: path.join(nm, 'demo'), privateCopy: false })).toEqual({})
    expect(treeOf(path.join(nm, 'demo'))).toEqual(EXPECTED_TREE)
  })

  // [backend, privateCopy, files share the store's inodes]
  const MATERIALISE: Array<[Backend['kind'], boolean, boolean]> = [
    ['hardlink', false, true],
    ['hardlink', true, false],
    ['copy', false, false],
    ['reflink', false, false],
    ['clonefile', false, false],
  ]
  for (const [kind, privateCopy, shared] of MATERIALISE) {
    const outcome = shared ? 'the same inodes' : 'inodes of its own'
    test(`the ${kind} backend${privateCopy ? ' with privateCopy' : ''} builds every file of the index with ${outcome}, the same bytes and modes`, async () => {
      using tmp = makeTempDir()
      const pkg = storePackage(path.join(tmp.dir, 'store'), 'demo', FILES)
      const targetDir = path.join(tmp.dir, 'project/node_modules/demo')
      await using linker = createLinker({ backend: { kind }, workers: 2 })
      await linker.link({ ...pkg, targetDir, privateCopy })
      expect(treeOf(targetDir)).toEqual(EXPECTED_TREE)
      expectSameInodes(pkg.srcDir, targetDir, shared)
    })
  }

  test('nested and scoped targets get their missing parent folders', async () => {
    using tmp = makeTempDir()
    const pkg = storePackage(path.join(tmp.dir, 'store'), 'demo', FILES)
    const nm = path.join(tmp.dir, 'project/node_modules')
    await using linker = createLinker({ backend: { kind: 'hardlink' }, workers: 2 })
    await linker.link({ ...pkg, targetDir: path.join(nm, 'a'), privateCopy: false })
    await Promise.all([
      linker.link({ ...pkg, targetDir: path.join(nm, 'a/node_modules/@scope/b'), privateCopy: false }),
      linker.link({ ...pkg, targetDir: path.join(nm, '@scope/c'), privateCopy: false }),
    ])
    expect(treeOf(path.join(nm, 'a/node_modules/@scope/b'))).toEqual(EXPECTED_TREE)
    expect(treeOf(path.join(nm, '@scope/c'))).toEqual(EXPECTED_TREE)
    expect(readdirSync(nm).sort()).toEqual(['@scope', 'a'])
  })

  test('an empty package (no files) becomes an empty folder', async () => {
    using tmp = makeTempDir()
    const targetDir = path.join(tmp.dir, 'node_modules/empty')
    mkdirSync(path.join(tmp.dir, 'store/empty'), { recursive: true })
    await using linker = createLinker({ backend: { kind: 'hardlink' }, workers: 1 })
    await linker.link({ srcDir: path.join(tmp.dir, 'store/empty'), index: { dirs: '', files: '', sizes: '' }, targetDir, privateCopy: false })
    expect(readdirSync(targetDir)).toEqual([])
  })

  test('re-linking over an existing folder replaces it entirely and leaves no hidden folders behind', async () => {
    using tmp = makeTempDir()
    const pkg = storePackage(path.join(tmp.dir, 'store'), 'demo', FILES)
    const nm = path.join(tmp.dir, 'node_modules')
    const targetDir = path.join(nm, 'demo')
    mkdirSync(path.join(targetDir, 'old/inner'), { recursive: true })
    writeFileSync(path.join(targetDir, 'old/inner/stale.js'), 'stale')
    writeFileSync(path.join(targetDir, 'index.js'), 'previous version')
    await using linker = createLinker({ backend: { kind: 'hardlink' }, workers: 1 })
    await linker.link({ ...pkg, targetDir, privateCopy: false })
    expect(treeOf(targetDir)).toEqual(EXPECTED_TREE)
    expect(readFileSync(path.join(targetDir, 'index.js'), 'utf8')).toBe('module.exports = 1\n')
    expect(readdirSync(nm)).toEqual(['demo'])
  })

  test('a symlink or a file at the target is replaced by the package folder', async () => {
    using tmp = makeTempDir()
    const pkg = storePackage(path.join(tmp.dir, 'store'), 'demo', FILES)
    const nm = path.join(tmp.dir, 'node_modules')
    mkdirSync(path.join(tmp.dir, 'elsewhere'), { recursive: true })
    mkdirSync(nm)
    symlinkSync(path.join(tmp.dir, 'elsewhere'), path.join(nm, 'linked'))
    writeFileSync(path.join(nm, 'file'), 'not a package')
    await using linker = createLinker({ backend: { kind: 'hardlink' }, workers: 1 })
    await linker.link({ ...pkg, targetDir: path.join(nm, 'linked'), privateCopy: false })
    await linker.link({ ...pkg, targetDir: path.join(nm, 'file'), privateCopy: false })
    expect(lstatSync(path.join(nm, 'linked')).isDirectory()).toBe(true)
    expect(treeOf(path.join(nm, 'file'))).toEqual(EXPECTED_TREE)
    expect(readdirSync(path.join(tmp.dir, 'elsewhere'))).toEqual([])
    expect(readdirSync(nm).sort()).toEqual(['file', 'linked'])
  })

  test('a failed job rejects with ELINK naming the package and the path, and leaves nothing at the target', async () => {
    using tmp = makeTempDir()
    const pkg = storeEntry(path.join(tmp.dir, 'store'), 'demo', FILES)
    const nm = path.join(tmp.dir, 'node_modules')
    mkdirSync(nm)
    writeFileSync(path.join(nm, 'in-the-way'), '')
    await using linker = createLinker({ backend: { kind: 'hardlink' }, workers: 1 })
    const error = await rejection(linker.link({ ...pkg, targetDir: path.join(nm, 'in-the-way/demo'), privateCopy: false, pkg: 'demo@1.0.0' }))
    expect(error.code).toBe('ELINK')
    expect(error.details.pkg).toBe('demo@1.0.0')
    expect(error.details.path).toStartWith(path.join(nm, 'in-the-way'))
    expect(error.message).toContain('demo@1.0.0')
    expect(readdirSync(nm)).toEqual(['in-the-way'])
  })

  test('a failed job does not fail the other jobs of its batch', async () => {
    using tmp = makeTempDir()
    const pkg = storeEntry(path.join(tmp.dir, 'store'), 'demo', FILES)
    const nm = path.join(tmp.dir, 'node_modules')
    mkdirSync(nm)
    writeFileSync(path.join(nm, 'in-the-way'), '')
    await using linker = createLinker({ backend: { kind: 'hardlink' }, workers: 1 })
    const results = await Promise.allSettled([
      linker.link({ ...pkg, targetDir: path.join(nm, 'a'), privateCopy: false }),
      linker.link({ ...pkg, targetDir: path.join(nm, 'in-the-way/b'), privateCopy: false }),
      linker.link({ ...pkg, targetDir: path.join(nm, 'c'), privateCopy: false }),
    ])
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(readdirSync(nm).sort()).toEqual(['a', 'c', 'in-the-way'])
  })

  test('hundreds of packages submitted at once are all linked across the workers', async () => {
    using tmp = makeTempDir()
    const pkg = storePackage(path.join(tmp.dir, 'store'), 'demo', FILES)
    const nm = path.join(tmp.dir, 'node_modules')
    const names = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? `@s${i % 7}/p${i}` : `p${i}`))
    await using linker = createLinker({ backend: { kind: 'hardlink' }, workers: 3 })
    await Promise.all(names.map((name) => linker.link({ ...pkg, targetDir: path.join(nm, name), privateCopy: false })))
    for (const name of names) expect(treeOf(path.join(nm, name))).toEqual(EXPECTED_TREE)
    expect(statSync(path.join(pkg.srcDir, 'index.js')).nlink).toBe(301)
  })

  test('removeTargets removes package folders and empty scope folders, and ignores missing ones', async () => {
    using tmp = makeTempDir()
    const pkg = storePackage(path.join(tmp.dir, 'store'), 'demo', FILES)
    const nm = path.join(tmp.dir, 'node_modules')
    await using linker = createLinker({ backend: { kind: 'hardlink' }, workers: 2 })
    for (const name of ['a', '@s/b', '@t/c', '@t/d']) await linker.link({ ...pkg, targetDir: path.join(nm, name), privateCopy: false })
    await linker.removeTargets([path.join(nm, 'a'), path.join(nm, '@s/b'), path.join(nm, '@t/c'), path.join(nm, 'never-there')])
    expect(readdirSync(nm)).toEqual(['@t'])
    expect(readdirSync(path.join(nm, '@t'))).toEqual(['d'])
    expect(existsSync(path.join(pkg.srcDir, 'index.js'))).toBe(true)
  })

  test('jobs not started when the linker is disposed reject with EABORT, and so does a later link', async () => {
    using tmp = makeTempDir()
    const pkg = storePackage(path.join(tmp.dir, 'store'), 'demo', FILES)
    const nm = path.join(tmp.dir, 'node_modules')
    const linker = createLinker({ backend: { kind: 'hardlink' }, workers: 1 })
    const queued = linker.link({ ...pkg, targetDir: path.join(nm, 'a'), privateCopy: false })
    await linker[Symbol.asyncDispose]()
    expect((await rejection(queued)).code).toBe('EABORT')
    expect((await rejection(linker.link({ ...pkg, targetDir: path.join(nm, 'b'), privateCopy: false }))).code).toBe('EABORT')
    expect(existsSync(nm)).toBe(false)
  })

  test('dispose waits for jobs already running, which complete', async () => {
    using tmp = makeTempDir()
    const pkg = storePackage(path.join(tmp.dir, 'store'), 'demo', FILES)
    const targetDir = path.join(tmp.dir, 'node_modules/a')
    const linker = createLinker({ backend: { kind: 'hardlink' }, workers: 1 })
    const running = linker.link({ ...pkg, targetDir, privateCopy: false })
    // jobs are sent to the workers on the next turn of the event loop
    await new Promise((resolve) => setImmediate(resolve))
    await linker[Symbol.asyncDispose]()
    await running
    expect(treeOf(targetDir)).toEqual(EXPECTED_TREE)
  })
})
