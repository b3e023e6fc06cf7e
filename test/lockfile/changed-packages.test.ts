import { describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { findChangedPackages } from '../../src/lockfile/changed-packages.ts'
import type { LockEntry } from '../../src/lockfile/index.ts'

const FILES = [
  'node_modules/a/index.js',
  'node_modules/a/lib/deep/x.js',
  'node_modules/a/node_modules/b/index.js',
  'node_modules/c/index.js',
  'node_modules/c/node_modules/bundled/index.js',
]
const PACKAGES = new Map<string, LockEntry>([
  ['node_modules/a', { version: '1.0.0' }],
  ['node_modules/a/node_modules/b', { version: '1.0.0' }],
  ['node_modules/c', { version: '1.0.0' }],
  ['node_modules/c/node_modules/bundled', { version: '1.0.0', inBundle: true }],
  ['node_modules/linked', { link: true, resolved: 'packages/linked' }],
])

/** The tree as an install left it a minute ago; the lock time is now. */
function installedTree(): { dir: string; lockTimeMs: number; [Symbol.dispose](): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-'))
  for (const file of FILES) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    fs.writeFileSync(path.join(dir, file), 'x')
  }
  const past = new Date(Date.now() - 60_000)
  const stamp = (folder: string): void => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name)
      if (entry.isDirectory()) stamp(full)
      fs.utimesSync(full, past, past)
    }
  }
  stamp(path.join(dir, 'node_modules'))
  return { dir, lockTimeMs: Date.now() - 1000, [Symbol.dispose]: () => fs.rmSync(dir, { recursive: true, force: true }) }
}

describe.each([
  ['in one compiled call a package', { compiled: true }],
  ['through libc', { compiled: false }],
  ['through node:fs', { nativeIo: false }],
])('findChangedPackages %s', (_way, options) => {
  const find = (dir: string, lockTimeMs: number) => [...findChangedPackages(dir, PACKAGES, BigInt(lockTimeMs) * 1_000_000n, options)]

  test('a tree as it was installed has no changed package', () => {
    using tree = installedTree()
    expect(find(tree.dir, tree.lockTimeMs)).toEqual([])
  })

  test.each([
    ['a file written in place', (dir: string) => fs.writeFileSync(path.join(dir, 'node_modules/a/lib/deep/x.js'), 'y'), ['node_modules/a']],
    ['a file removed deep inside', (dir: string) => fs.rmSync(path.join(dir, 'node_modules/a/lib/deep/x.js')), ['node_modules/a']],
    ['a file added at the top', (dir: string) => fs.writeFileSync(path.join(dir, 'node_modules/c/new.js'), ''), ['node_modules/c']],
    ['a folder added', (dir: string) => fs.mkdirSync(path.join(dir, 'node_modules/a/lib/new')), ['node_modules/a']],
    ['a change in a nested package only', (dir: string) => fs.writeFileSync(path.join(dir, 'node_modules/a/node_modules/b/index.js'), 'y'), ['node_modules/a/node_modules/b']],
    ['a change in a bundled package: the package that bundles it', (dir: string) => fs.writeFileSync(path.join(dir, 'node_modules/c/node_modules/bundled/index.js'), 'y'), ['node_modules/c']],
  ])('finds %s', (_name, change, expected) => {
    using tree = installedTree()
    change(tree.dir)
    expect(find(tree.dir, tree.lockTimeMs)).toEqual(expected)
  })

  test('finds a change at the bottom of folders nested deeper than the compiled walk goes', () => {
    using tree = installedTree()
    const deep = path.join(tree.dir, 'node_modules/a', ...Array.from({ length: 80 }, (_, i) => `d${i}`))
    fs.mkdirSync(deep, { recursive: true })
    const past = new Date(tree.lockTimeMs - 60_000)
    for (let folder = deep; folder !== path.join(tree.dir, 'node_modules'); folder = path.dirname(folder)) fs.utimesSync(folder, past, past)
    expect(find(tree.dir, tree.lockTimeMs)).toEqual([])
    fs.writeFileSync(path.join(deep, 'late.js'), '')
    expect(find(tree.dir, tree.lockTimeMs)).toEqual(['node_modules/a'])
  })

  test('a package folder that is gone is changed', () => {
    using tree = installedTree()
    fs.rmSync(path.join(tree.dir, 'node_modules/c'), { recursive: true })
    expect(find(tree.dir, tree.lockTimeMs).sort()).toEqual(['node_modules/c'])
  })
})
