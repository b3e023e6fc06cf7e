import { describe, expect, test } from 'bun:test'
import { closeSync, constants, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { openCompiledLoops } from '../../src/libc/index.ts'
import { makeTempDir, storeEntry } from '../link/fake-store.ts'

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY
const FILES = [
  { path: 'package.json', content: '{"name":"x"}' },
  { path: 'lib/ä b.js', content: 'exports.x = 1\n' },
  { path: 'lib/deep/y.js', content: '' },
]

function withFolders<T>(srcDir: string, dstDir: string, run: (srcFd: number, dstFd: number) => T): T {
  mkdirSync(dstDir, { recursive: true })
  const srcFd = openSync(srcDir, DIR_FLAGS)
  const dstFd = openSync(dstDir, DIR_FLAGS)
  try {
    return run(srcFd, dstFd)
  } finally {
    closeSync(srcFd)
    closeSync(dstFd)
  }
}

describe.skipIf(process.platform !== 'linux' || !['x64', 'arm64'].includes(process.arch))('the compiled link loop', () => {
  test('compiles here, makes the folders and hardlinks every file, checking each against the stored sizes', () => {
    const compiled = openCompiledLoops()
    if (!compiled) throw new Error('the link loop did not compile on Linux')
    using tmp = makeTempDir()
    const entry = storeEntry(path.join(tmp.dir, 'store'), 'k', FILES)
    const dst = path.join(tmp.dir, 'out')
    const result = withFolders(entry.srcDir, dst, (srcFd, dstFd) => compiled.linkPackage(srcFd, dstFd, entry.index.dirs, entry.index.files, entry.index.sizes))
    expect(result).toEqual({ ok: true })
    for (const file of FILES) expect(statSync(path.join(dst, file.path)).ino).toBe(statSync(path.join(entry.srcDir, file.path)).ino)
  })

  test('a stored file of another size, modified after the marker, or missing is damage; nothing after it is linked', () => {
    const compiled = openCompiledLoops()
    if (!compiled) throw new Error('the link loop did not compile on Linux')
    using tmp = makeTempDir()
    const cases: Array<[string, (srcDir: string) => void]> = [
      ['resized', (srcDir) => {
        writeFileSync(path.join(srcDir, 'lib/ä b.js'), 'longer content\n')
        utimesSync(path.join(srcDir, 'lib/ä b.js'), new Date(0), new Date(0))
      }],
      ['modified', (srcDir) => {
        const later = new Date(Date.now() + 60_000)
        utimesSync(path.join(srcDir, 'lib/ä b.js'), later, later)
      }],
      ['missing', (srcDir) => rmSync(path.join(srcDir, 'lib/ä b.js'))],
    ]
    for (const [name, damage] of cases) {
      const entry = storeEntry(path.join(tmp.dir, 'store'), name, FILES)
      damage(entry.srcDir)
      const dst = path.join(tmp.dir, name)
      const result = withFolders(entry.srcDir, dst, (srcFd, dstFd) => compiled.linkPackage(srcFd, dstFd, entry.index.dirs, entry.index.files, entry.index.sizes))
      expect({ name, result }).toEqual({ name, result: { ok: false, damaged: true } })
      expect(readdirSync(path.join(dst, 'lib'))).toEqual(['deep'])
    }
  })

  test('a call that fails reports its errno, and sizes that do not match the list are damage, never a crash', () => {
    const compiled = openCompiledLoops()
    if (!compiled) throw new Error('the link loop did not compile on Linux')
    using tmp = makeTempDir()
    const entry = storeEntry(path.join(tmp.dir, 'store'), 'k', FILES)
    const dst = path.join(tmp.dir, 'out')
    mkdirSync(path.join(dst, 'lib'), { recursive: true })
    const EEXIST = 17
    expect(withFolders(entry.srcDir, dst, (srcFd, dstFd) => compiled.linkPackage(srcFd, dstFd, entry.index.dirs, entry.index.files, undefined))).toEqual({ ok: false, damaged: false, errno: EEXIST })
    const fresh = path.join(tmp.dir, 'fresh')
    expect(withFolders(entry.srcDir, fresh, (srcFd, dstFd) => compiled.linkPackage(srcFd, dstFd, entry.index.dirs, entry.index.files, '12'))).toEqual({ ok: false, damaged: true })
  })
})

describe.skipIf(process.platform !== 'linux' || !['x64', 'arm64'].includes(process.arch))('the compiled write loop', () => {
  test('makes the folders and writes each file with its mode, its bytes from the tar stream or rewritten', () => {
    const compiled = openCompiledLoops()
    if (!compiled) throw new Error('the loops did not compile on Linux')
    using tmp = makeTempDir()
    const tar = new TextEncoder().encode('..HELLO..WORLD..')
    const files = [
      { path: 'lib/a.txt', mode: 0o644, offset: 2, size: 5 },
      { path: 'lib/deep/ü b.txt', mode: 0o755, offset: 9, size: 5 },
      { path: 'bin/x', mode: 0o755, offset: 0, size: 3 },
      { path: 'empty', mode: 0o644, offset: 0, size: 0 },
    ]
    const rewrites = new Map([['bin/x', new TextEncoder().encode('#!/bin/sh\n')]])
    const dirFd = openSync(tmp.dir, DIR_FLAGS)
    try {
      expect(compiled.writePackage(dirFd, 'lib\0lib/deep\0bin', files, tar, rewrites, process.umask())).toBe(true)
      // a file that is there already is never opened again
      expect(compiled.writePackage(dirFd, '', [files[0] as (typeof files)[number]], tar, new Map(), 0)).toBe(false)
    } finally {
      closeSync(dirFd)
    }
    const read = (file: string) => readFileSync(path.join(tmp.dir, file), 'utf8')
    expect([read('lib/a.txt'), read('lib/deep/ü b.txt'), read('bin/x'), read('empty')]).toEqual(['HELLO', 'WORLD', '#!/bin/sh\n', ''])
    expect((statSync(path.join(tmp.dir, 'lib/deep/ü b.txt')).mode & 0o777).toString(8)).toBe('755')
    expect((statSync(path.join(tmp.dir, 'lib/a.txt')).mode & 0o777).toString(8)).toBe('644')
    expect((statSync(path.join(tmp.dir, 'lib/deep')).mode & 0o777).toString(8)).toBe('755')
  })
})
