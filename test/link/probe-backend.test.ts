import { describe, expect, test } from 'bun:test'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
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
})
