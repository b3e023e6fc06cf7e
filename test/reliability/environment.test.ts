/**
 * Installs in the environments CI images and shared machines give: node_modules as a mount
 * point (a Docker volume), a read-only warm cache (baked into an image, a read-only bind mount),
 * a cache shared between users under fs.protected_hardlinks; and faults of the machine (full
 * disk, read-only or unwritable folders, a file where the cache should be), each told as one
 * paragraph under npm's errno code, naming the cache or the project, with what to do.
 *
 * Mounts (tmpfs, read-only bind mounts) and running as another user need root: those tests are
 * skipped, saying so, when the suite does not run as root.
 */
import { describe, expect, test } from 'bun:test'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fixtureSuite, listTree, runSkiffFull, snapshotNodeModules, tempDir, writeFixtureProject, type SkiffExit } from './fixture.ts'

const suite = fixtureSuite()

const isRoot = process.getuid?.() === 0
const protectedHardlinks = readText('/proc/sys/fs/protected_hardlinks')?.trim() === '1'
const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0
const NOBODY = 65534
/** runs skiff as an unprivileged user: the shell form of startSkiff execs the command through it */
const AS_NOBODY = `exec setpriv --reuid=${NOBODY} --regid=${NOBODY} --clear-groups "$@"`

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`)
}

/** A tmpfs at `dir` (made if missing) for the life of the returned object. */
function mountTmpfs(dir: string, sizeKb?: number): AsyncDisposable {
  fs.mkdirSync(dir, { recursive: true })
  run('mount', ['-t', 'tmpfs', ...(sizeKb === undefined ? [] : ['-o', `size=${sizeKb}k`]), 'tmpfs', dir])
  return unmounting(dir)
}

/** `dir`, as it is, made read-only in place (a read-only bind mount) for the life of the returned object. */
function mountReadOnly(dir: string): AsyncDisposable {
  run('mount', ['--bind', dir, dir])
  run('mount', ['-o', 'remount,ro,bind', dir])
  return unmounting(dir)
}

function unmounting(dir: string): AsyncDisposable {
  return {
    async [Symbol.asyncDispose]() {
      if (spawnSync('umount', [dir]).status !== 0) spawnSync('umount', ['-l', dir])
    },
  }
}

function isMountPoint(dir: string): boolean {
  return fs.statSync(dir).dev !== fs.statSync(path.dirname(dir)).dev
}

/** The lines skiff printed as errors or hints: a fault must be one paragraph, the error and its hint. */
function errorParagraph(exit: SkiffExit): string[] {
  return exit.stderr.split('\n').filter((line) => line.startsWith('error ') || line.startsWith('  '))
}

function expectOneParagraph(exit: SkiffExit, first: RegExp, hint: RegExp): void {
  expect(exit.code).toBe(1)
  const lines = errorParagraph(exit)
  expect(lines).toHaveLength(2)
  expect(lines[0]).toMatch(first)
  expect(lines[1]).toMatch(hint)
  expect(exit.stderr).not.toContain('EINTERNAL')
  expect(exit.stderr).not.toContain('bug in skiff')
}

/** Makes every folder under `dir` writable by everyone, as a cache shared between users is. */
function shareFolders(dir: string): void {
  fs.chmodSync(dir, 0o777)
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) shareFolders(path.join(dir, entry.name))
}

describe.skipIf(!isRoot)('node_modules as a mount point (needs root for tmpfs)', () => {
  test('ci into an empty node_modules that is a mount point installs the tree and leaves the mount in place', async () => {
    await using tmp = tempDir()
    const dir = writeFixtureProject(suite.registry, tmp.path)
    await using _mount = mountTmpfs(path.join(dir, 'node_modules'))
    const exit = await runSkiffFull(dir, ['ci'], { registry: suite.registry.url })
    expect(exit.stderr).not.toContain('error')
    expect(exit.code).toBe(0)
    expect(isMountPoint(path.join(dir, 'node_modules'))).toBe(true)
    expect(snapshotNodeModules(dir)).toEqual(suite.cleanTree)
  })

  test('ci over a mounted node_modules it cannot trust empties it in place: the tree is a clean install, nothing is left aside', async () => {
    await using tmp = tempDir()
    const dir = writeFixtureProject(suite.registry, tmp.path)
    await using _mount = mountTmpfs(path.join(dir, 'node_modules'))
    expect((await runSkiffFull(dir, ['ci'], { registry: suite.registry.url })).code).toBe(0)
    fs.rmSync(path.join(dir, 'node_modules/.package-lock.json'))
    fs.writeFileSync(path.join(dir, 'node_modules/stray.txt'), 'not from any package')
    const exit = await runSkiffFull(dir, ['ci'], { registry: suite.registry.url })
    expect(exit.code).toBe(0)
    expect(isMountPoint(path.join(dir, 'node_modules'))).toBe(true)
    expect(snapshotNodeModules(dir)).toEqual(suite.cleanTree)
    expect(fs.readdirSync(dir).filter((name) => name.startsWith('.node_modules'))).toEqual([])
  })
})

describe.skipIf(!isRoot)('a read-only cache (needs root for a read-only bind mount)', () => {
  test('a read-only warm cache serves an install that needs nothing new, and nothing is written into it', async () => {
    await using tmp = tempDir()
    const cache = path.join(tmp.path, 'image-cache')
    const warm = writeFixtureProject(suite.registry, path.join(tmp.path, 'warm'))
    expect((await runSkiffFull(warm, ['ci'], { registry: suite.registry.url, cache })).code).toBe(0)
    const before = listTree(cache)
    await using _readOnly = mountReadOnly(cache)
    const dir = writeFixtureProject(suite.registry, path.join(tmp.path, 'fresh'))
    const exit = await runSkiffFull(dir, ['ci'], { registry: suite.registry.url, cache })
    expect(exit.code).toBe(0)
    // a bind mount is another mount: hardlinks cannot cross it, the one notice says so
    expect(exit.stderr).toBe(`the cache (${cache}) and ${dir} are on different filesystems or mounts; copying files (slower) instead of hardlinking\n`)
    expect(snapshotNodeModules(dir)).toEqual(suite.cleanTree)
    expect(listTree(cache)).toEqual(before)
  })

  test('a read-only cache that lacks a package fails with one EROFS paragraph naming the cache', async () => {
    await using tmp = tempDir()
    const cache = path.join(tmp.path, 'image-cache')
    const warm = writeFixtureProject(suite.registry, path.join(tmp.path, 'warm'))
    expect((await runSkiffFull(warm, ['ci'], { registry: suite.registry.url, cache })).code).toBe(0)
    await using _readOnly = mountReadOnly(cache)
    const packageJson = { name: 'app', version: '1.0.0', dependencies: { alpha: '^1.0.0', epsilon: '^1.0.0' } }
    const dir = writeFixtureProject(suite.registry, path.join(tmp.path, 'more'), {
      packageJson,
      locked: [
        { name: 'alpha', version: '1.0.0' },
        { name: 'epsilon', version: '1.0.0' },
      ],
    })
    const exit = await runSkiffFull(dir, ['ci'], { registry: suite.registry.url, cache })
    expectOneParagraph(exit, new RegExp(`^error EROFS the cache at ${cache}: read-only file system`), /^ {2}hint: a read-only cache serves only the packages it already holds/)
  })
})

describe.skipIf(!isRoot || !hasSetpriv || !protectedHardlinks)('a cache shared between users (needs root, setpriv and fs.protected_hardlinks=1)', () => {
  /** A cache filled by root, its folders open to everyone; a project of user nobody's. */
  async function sharedCache(base: string): Promise<{ cache: string; dir: string }> {
    fs.chmodSync(base, 0o777)
    const cache = path.join(base, 'shared-cache')
    const rootProject = writeFixtureProject(suite.registry, path.join(base, 'root'))
    expect((await runSkiffFull(rootProject, ['ci'], { registry: suite.registry.url, cache })).code).toBe(0)
    shareFolders(cache)
    const mine = path.join(base, 'mine')
    fs.mkdirSync(mine, { mode: 0o777 })
    fs.chmodSync(mine, 0o777)
    const dir = writeFixtureProject(suite.registry, mine)
    fs.chownSync(dir, NOBODY, NOBODY)
    for (const name of fs.readdirSync(dir)) fs.chownSync(path.join(dir, name), NOBODY, NOBODY)
    fs.mkdirSync(path.join(mine, 'home'), { mode: 0o777 })
    fs.chownSync(path.join(mine, 'home'), NOBODY, NOBODY)
    return { cache, dir }
  }

  test("another user's cached files are copied, with one notice, where hardlinks to them are not permitted", async () => {
    await using tmp = tempDir()
    const { cache, dir } = await sharedCache(tmp.path)
    const exit = await runSkiffFull(dir, ['ci'], { registry: suite.registry.url, cache, shell: AS_NOBODY })
    expect(exit.code).toBe(0)
    expect(exit.stderr).toBe(`hardlinking the cache's files into ${dir} is not permitted (they belong to another user, and fs.protected_hardlinks is on); copying files instead\n`)
    expect(snapshotNodeModules(dir)).toEqual(suite.cleanTree)
    const file = fs.statSync(path.join(dir, 'node_modules/heavy/lib/part-1/file-1.js'))
    expect([file.uid, file.nlink]).toEqual([NOBODY, 1])
  })

  test('where the probe may link but some packages may not be, those packages are copied, with one notice', async () => {
    await using tmp = tempDir()
    const { cache, dir } = await sharedCache(tmp.path)
    // the markers become nobody's (the probe links one of them); the packages' files stay root's
    for (const fan of fs.readdirSync(path.join(cache, 'v1/packages'))) {
      for (const key of fs.readdirSync(path.join(cache, 'v1/packages', fan))) fs.chownSync(path.join(cache, 'v1/packages', fan, key, 'index.json'), NOBODY, NOBODY)
    }
    const exit = await runSkiffFull(dir, ['ci'], { registry: suite.registry.url, cache, shell: AS_NOBODY })
    expect(exit.code).toBe(0)
    expect(exit.stderr).toBe(
      "hardlinking some of the cache's files is not permitted (they belong to another user, and fs.protected_hardlinks is on); those packages are copied instead\n",
    )
    expect(snapshotNodeModules(dir)).toEqual(suite.cleanTree)
  })

  test('a cache the user may not write, lacking what the project needs, fails with one EACCES paragraph naming the cache', async () => {
    await using tmp = tempDir()
    fs.chmodSync(tmp.path, 0o777)
    const cache = path.join(tmp.path, 'roots-cache')
    fs.mkdirSync(path.join(cache, 'v1'), { recursive: true })
    const mine = path.join(tmp.path, 'mine')
    fs.mkdirSync(mine, { mode: 0o777 })
    fs.chmodSync(mine, 0o777)
    const dir = writeFixtureProject(suite.registry, mine)
    for (const file of [dir, ...fs.readdirSync(dir).map((name) => path.join(dir, name))]) fs.chownSync(file, NOBODY, NOBODY)
    fs.mkdirSync(path.join(mine, 'home'), { mode: 0o777 })
    const exit = await runSkiffFull(dir, ['ci'], { registry: suite.registry.url, cache, shell: AS_NOBODY })
    expectOneParagraph(exit, new RegExp(`^error EACCES the cache at ${cache}: permission denied`), /^ {2}hint: the current user may not write there: fix the cache's owner or permissions/)
  })
})

describe('faults of the machine are one paragraph under their errno', () => {
  test('a cache path that is a file: the cache is named, with what to do', async () => {
    await using tmp = tempDir()
    const cache = path.join(tmp.path, 'not-a-folder')
    fs.writeFileSync(cache, '')
    const dir = writeFixtureProject(suite.registry, tmp.path)
    const exit = await runSkiffFull(dir, ['ci'], { registry: suite.registry.url, cache })
    expectOneParagraph(exit, new RegExp(`^error (ENOTDIR|EEXIST) the cache at ${cache}: `), /^ {2}hint: move the file that is in the way, or use another cache folder/)
  })

  test.skipIf(!isRoot)('a full disk under the cache (tmpfs, needs root): ENOSPC, said once for every package it stopped', async () => {
    await using tmp = tempDir()
    const cache = path.join(tmp.path, 'small-cache')
    await using _mount = mountTmpfs(cache, 256)
    const dir = writeFixtureProject(suite.registry, tmp.path)
    const exit = await runSkiffFull(dir, ['ci'], { registry: suite.registry.url, cache })
    expectOneParagraph(exit, new RegExp(`^error ENOSPC the cache at ${cache}: no space left on the device`), /^ {2}hint: free space on the disk that holds the cache/)
  })

  test.skipIf(!isRoot)('a full disk under node_modules (tmpfs, needs root): ENOSPC naming the project', async () => {
    await using tmp = tempDir()
    const dir = writeFixtureProject(suite.registry, tmp.path)
    await using _mount = mountTmpfs(path.join(dir, 'node_modules'), 256)
    const exit = await runSkiffFull(dir, ['ci'], { registry: suite.registry.url })
    expectOneParagraph(exit, new RegExp(`^error ENOSPC the project at ${dir}: no space left on the device`), /^ {2}hint: free space on that disk/)
  })

  test.skipIf(!isRoot)('a read-only HOME holding the default cache (needs root): EROFS naming the cache', async () => {
    await using tmp = tempDir()
    const home = path.join(tmp.path, 'home')
    fs.mkdirSync(home)
    await using _readOnly = mountReadOnly(home)
    const dir = writeFixtureProject(suite.registry, tmp.path)
    const exit = await runSkiffFull(dir, ['ci'], { registry: suite.registry.url, home, env: { SKIFF_CACHE_DIR: undefined } })
    expectOneParagraph(exit, new RegExp(`^error EROFS the cache at ${home}/.cache/skiff: read-only file system`), /^ {2}hint: a read-only cache serves only/)
  })

  test.skipIf(!isRoot)('a read-only project folder (needs root): EROFS naming the project', async () => {
    await using tmp = tempDir()
    const dir = writeFixtureProject(suite.registry, tmp.path)
    await using _readOnly = mountReadOnly(dir)
    const exit = await runSkiffFull(dir, ['ci'], { registry: suite.registry.url })
    expectOneParagraph(exit, new RegExp(`^error EROFS the project at ${dir}: read-only file system`), /^ {2}hint: the project folder is read-only/)
  })
})
