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
  ['through libc', true],
  ['through node:fs', false],
])('findChangedPackages %s', (_way, nativeIo) => {
  const find = (dir: string, lockTimeMs: number) => [...findChangedPackages(dir, PACKAGES, lockTimeMs, { nativeIo })]

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

  test('a package folder that is gone is changed', () => {
    using tree = installedTree()
    fs.rmSync(path.join(tree.dir, 'node_modules/c'), { recursive: true })
    expect(find(tree.dir, tree.lockTimeMs).sort()).toEqual(['node_modules/c'])
  })
})
