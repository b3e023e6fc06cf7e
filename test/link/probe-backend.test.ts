import { describe, expect, test } from 'bun:test'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { probeBackend } from '../../src/link/index.ts'
import { makeTempDir } from './fake-store.ts'

// tmpfs, a different filesystem from the temp folder on most Linux machines
const SHM = '/dev/shm'
const otherFs = existsSync(SHM) && statSync(SHM).dev !== statSync(os.tmpdir()).dev

describe('probeBackend', () => {
  test('on one filesystem it chooses a clone or a hardlink, without a notice, and leaves no probe file', () => {
    using tmp = makeTempDir()
    const storeDir = path.join(tmp.dir, 'cache')
    const projectDir = path.join(tmp.dir, 'project')
    mkdirSync(projectDir)
    const backend = probeBackend({ storeDir, projectDir })
    expect(['clonefile', 'reflink', 'hardlink']).toContain(backend.kind)
    expect(backend.notice).toBeUndefined()
    expect(readdirSync(storeDir)).toEqual([])
    expect(readdirSync(projectDir)).toEqual([])
  })

  test('probes inside node_modules when the project has one', () => {
    using tmp = makeTempDir()
    mkdirSync(path.join(tmp.dir, 'project/node_modules'), { recursive: true })
    const backend = probeBackend({ storeDir: path.join(tmp.dir, 'cache'), projectDir: path.join(tmp.dir, 'project') })
    expect(['clonefile', 'reflink', 'hardlink']).toContain(backend.kind)
    expect(readdirSync(path.join(tmp.dir, 'project/node_modules'))).toEqual([])
  })

  test('--backend copy and --backend hardlink are honoured', () => {
    using tmp = makeTempDir()
    const options = { storeDir: path.join(tmp.dir, 'cache'), projectDir: tmp.dir }
    expect(probeBackend({ ...options, requested: 'copy' })).toEqual({ kind: 'copy' })
    expect(probeBackend({ ...options, requested: 'hardlink' })).toEqual({ kind: 'hardlink' })
  })

  test('--backend clone gives a clone where the filesystem has them, else hardlinks with a notice', () => {
    using tmp = makeTempDir()
    const backend = probeBackend({ storeDir: path.join(tmp.dir, 'cache'), projectDir: tmp.dir, requested: 'clone' })
    if (backend.kind === 'hardlink') expect(backend.notice).toContain('cannot share clones')
    else expect(backend).toEqual({ kind: process.platform === 'darwin' ? 'clonefile' : 'reflink' })
  })

  test.skipIf(!otherFs)('with the cache on another filesystem it copies and says why in one line', () => {
    using tmp = makeTempDir()
    const storeDir = mkdtempSync(path.join(SHM, 'skiff-'))
    try {
      const backend = probeBackend({ storeDir, projectDir: tmp.dir, requested: 'hardlink' })
      expect(backend.kind).toBe('copy')
      expect(backend.notice).toContain('different filesystems')
      expect(backend.notice).not.toContain('\n')
      expect(readdirSync(storeDir)).toEqual([])
    } finally {
      rmSync(storeDir, { recursive: true, force: true })
    }
  })

  test('with a file of the store to try, nothing is written into the store (a read-only cache serves installs)', () => {
    using tmp = makeTempDir()
    const storeDir = path.join(tmp.dir, 'cache')
    mkdirSync(path.join(storeDir, 'v1/packages/ab/key'), { recursive: true })
    const sampleFile = path.join(storeDir, 'v1/packages/ab/key/index.json')
    writeFileSync(sampleFile, '{}')
    mkdirSync(path.join(tmp.dir, 'project'))
    const backend = probeBackend({ storeDir, sampleFile, projectDir: path.join(tmp.dir, 'project') })
    expect(['clonefile', 'reflink', 'hardlink']).toContain(backend.kind)
    expect(readdirSync(storeDir)).toEqual(['v1'])
    expect(readdirSync(path.join(storeDir, 'v1/packages/ab/key'))).toEqual(['index.json'])
    expect(readdirSync(path.join(tmp.dir, 'project'))).toEqual([])
  })

  test('an empty store that cannot be written is probed as copy, leaving the error to the first package stored', () => {
    using tmp = makeTempDir()
    writeFileSync(path.join(tmp.dir, 'file'), '')
    expect(probeBackend({ storeDir: path.join(tmp.dir, 'file/cache'), projectDir: tmp.dir })).toEqual({ kind: 'copy' })
  })

  test('a fault of the project folder is thrown as it came, not hidden by the cleanup that fails after it', () => {
    using tmp = makeTempDir()
    const storeDir = path.join(tmp.dir, 'cache')
    mkdirSync(storeDir)
    writeFileSync(path.join(storeDir, 'sample'), 'x')
    // node_modules is a file: every call into it fails with ENOTDIR, the probe file's removal too
    writeFileSync(path.join(tmp.dir, 'node_modules'), '')
    let thrown: unknown
    try {
      probeBackend({ storeDir, sampleFile: path.join(storeDir, 'sample'), projectDir: tmp.dir })
    } catch (error) {
      thrown = error
    }
    expect((thrown as { code?: string }).code).toBe('ENOTDIR')
    expect((thrown as { syscall?: string }).syscall).toBe('link')
  })
})
