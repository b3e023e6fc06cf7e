import { describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { removeWriteLeftovers, writeLockfileAtomic } from '../../src/lockfile/index.ts'
import { createProject } from './helpers.ts'

describe('writeLockfileAtomic', () => {
  test('writes the text and leaves no temp file behind', async () => {
    using project = createProject({})
    const file = path.join(project.dir, 'package-lock.json')
    await writeLockfileAtomic(file, '{}\n')
    expect(fs.readFileSync(file, 'utf8')).toBe('{}\n')
    expect(fs.readdirSync(project.dir)).toEqual(['package-lock.json'])
  })

  test('replaces an existing file and keeps its mode', async () => {
    using project = createProject({ 'package-lock.json': 'old' })
    const file = path.join(project.dir, 'package-lock.json')
    fs.chmodSync(file, 0o600)
    await writeLockfileAtomic(file, 'new')
    expect(fs.readFileSync(file, 'utf8')).toBe('new')
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
  })

  test('a failed write leaves the old file and no temp file', async () => {
    using project = createProject({ 'package-lock.json': 'old' })
    const file = path.join(project.dir, 'package-lock.json')
    fs.mkdirSync(path.join(project.dir, 'blocker'))
    const target = path.join(project.dir, 'blocker')
    await expect(writeLockfileAtomic(target, 'new')).rejects.toThrow()
    expect(fs.readFileSync(file, 'utf8')).toBe('old')
    expect(fs.readdirSync(project.dir).sort()).toEqual(['blocker', 'package-lock.json'])
  })
})

describe('removeWriteLeftovers', () => {
  test('removes the temp files killed writes left beside package.json and the lockfile, and nothing else', async () => {
    using project = createProject({})
    const leftovers = ['.package-lock.json.4242.0a1b2c3d.tmp', '.package.json.7.deadbeef.tmp', '.npm-shrinkwrap.json.99.12345678.tmp']
    const kept = ['package-lock.json', 'package.json', '.package-lock.json.tmp', 'notes.4242.0a1b2c3d.tmp']
    for (const name of [...leftovers, ...kept]) fs.writeFileSync(path.join(project.dir, name), 'x')
    await removeWriteLeftovers(project.dir)
    expect(fs.readdirSync(project.dir).sort()).toEqual([...kept].sort())
  })
})
