import { describe, expect, test } from 'bun:test'
import { closeSync, constants, lstatSync, mkdirSync, openSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { openLibc } from '../../src/libc/index.ts'
import { makeTempDir } from '../link/fake-store.ts'

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY

describe.skipIf(process.platform !== 'linux')('openLibc on Linux', () => {
  test('stats a file relative to an open folder as lstat does: kind, size and mtime; a missing one is undefined', () => {
    using tmp = makeTempDir()
    const statAt = openLibc()?.statAt
    if (!statAt) throw new Error('fstatat did not bind on Linux')
    mkdirSync(path.join(tmp.dir, 'lib'))
    writeFileSync(path.join(tmp.dir, 'lib', 'a.js'), 'twelve bytes')
    symlinkSync('a.js', path.join(tmp.dir, 'lib', 'link.js'))
    const dirFd = openSync(tmp.dir, DIR_FLAGS)
    try {
      const expected = lstatSync(path.join(tmp.dir, 'lib', 'a.js'))
      expect({ ...statAt(dirFd, 'lib/a.js') }).toEqual({ isFile: true, size: 12, mtimeMs: expect.closeTo(expected.mtimeMs, 3) })
      expect(statAt(dirFd, 'lib/link.js')?.isFile).toBe(false)
      expect(statAt(dirFd, 'lib')?.isFile).toBe(false)
      expect(statAt(dirFd, 'lib/missing.js')).toBeUndefined()
    } finally {
      closeSync(dirFd)
    }
  })

  test('links and makes folders relative to open folders, and reports a failed call as false', () => {
    using tmp = makeTempDir()
    const libc = openLibc()
    expect(libc).toBeDefined()
    if (!libc) return
    const src = path.join(tmp.dir, 'src')
    const dst = path.join(tmp.dir, 'dst')
    mkdirSync(path.join(src, 'lib'), { recursive: true })
    mkdirSync(dst)
    writeFileSync(path.join(src, 'lib', 'ä b.js'), 'x')
    const srcFd = openSync(src, DIR_FLAGS)
    const dstFd = openSync(dst, DIR_FLAGS)
    try {
      expect(libc.mkdirat(dstFd, 'lib', 0o777)).toBe(true)
      expect(libc.linkat(srcFd, dstFd, 'lib/ä b.js')).toBe(true)
      expect(statSync(path.join(dst, 'lib', 'ä b.js')).ino).toBe(statSync(path.join(src, 'lib', 'ä b.js')).ino)
      expect(libc.mkdirat(dstFd, 'lib', 0o777)).toBe(false)
      expect(libc.linkat(srcFd, dstFd, 'lib/missing.js')).toBe(false)
      expect(libc.linkat(srcFd, dstFd, `lib/${'x'.repeat(20_000)}`)).toBe(false)
    } finally {
      closeSync(srcFd)
      closeSync(dstFd)
    }
  })

  test('creates a new file with its mode, writes a slice of a buffer in full, and never opens an existing file', () => {
    using tmp = makeTempDir()
    const libc = openLibc()
    if (!libc) throw new Error('libc did not load on Linux')
    const dirFd = openSync(tmp.dir, DIR_FLAGS)
    try {
      const bytes = new TextEncoder().encode('headerHELLO WORLDtrailer')
      const fd = libc.createFile(dirFd, 'ünï.txt', 0o755)
      expect(fd).toBeGreaterThanOrEqual(0)
      expect(libc.writeAll(fd, bytes, 6, 11)).toBe(true)
      libc.close(fd)
      expect(readFileSync(path.join(tmp.dir, 'ünï.txt'), 'utf8')).toBe('HELLO WORLD')
      expect(statSync(path.join(tmp.dir, 'ünï.txt')).mode & 0o777).toBe(0o755 & ~process.umask())
      expect(libc.createFile(dirFd, 'ünï.txt', 0o644)).toBe(-1)
      expect(libc.createFile(dirFd, 'missing/x.txt', 0o644)).toBe(-1)
    } finally {
      closeSync(dirFd)
    }
  })
})
