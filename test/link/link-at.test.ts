import { describe, expect, test } from 'bun:test'
import { closeSync, constants, mkdirSync, openSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { openLinkAt } from '../../src/link/link-at.ts'
import { makeTempDir } from './fake-store.ts'

describe.skipIf(process.platform !== 'linux')('openLinkAt on Linux', () => {
  test('links and makes folders relative to open folders, and reports a failed call as false', () => {
    using tmp = makeTempDir()
    const linkAt = openLinkAt()
    expect(linkAt).toBeDefined()
    if (!linkAt) return
    const src = path.join(tmp.dir, 'src')
    const dst = path.join(tmp.dir, 'dst')
    mkdirSync(path.join(src, 'lib'), { recursive: true })
    mkdirSync(dst)
    writeFileSync(path.join(src, 'lib', 'ä b.js'), 'x')
    const srcFd = openSync(src, constants.O_RDONLY | constants.O_DIRECTORY)
    const dstFd = openSync(dst, constants.O_RDONLY | constants.O_DIRECTORY)
    try {
      expect(linkAt.mkdir(dstFd, 'lib')).toBe(true)
      expect(linkAt.link(srcFd, dstFd, 'lib/ä b.js')).toBe(true)
      expect(statSync(path.join(dst, 'lib', 'ä b.js')).ino).toBe(statSync(path.join(src, 'lib', 'ä b.js')).ino)
      expect(linkAt.mkdir(dstFd, 'lib')).toBe(false)
      expect(linkAt.link(srcFd, dstFd, 'lib/missing.js')).toBe(false)
      expect(linkAt.link(srcFd, dstFd, `lib/${'x'.repeat(20_000)}`)).toBe(false)
    } finally {
      closeSync(srcFd)
      closeSync(dstFd)
    }
  })
})
