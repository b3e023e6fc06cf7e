import { describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { loadActualTree } from '../../src/query/index.ts'
import type { LockEntry } from '../../src/lockfile/index.ts'
import { entriesFromLockfile } from '../../src/query/load-actual-tree.ts'
import { isInBundle } from '../../src/query/tree-model.ts'
import { tempDir } from '../helpers/index.ts'

function writePackage(dir: string, manifest: Record<string, unknown>): void {
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest))
}

describe('loadActualTree from node_modules', () => {
  test('reads scoped and nested packages, skips dot-folders, and follows links to workspace folders', async () => {
    await using tmp = tempDir()
    const root = tmp.path
    writePackage(root, { name: 'app', version: '1.0.0', workspaces: ['packages/*'], dependencies: { '@s/a': '1' } })
    writePackage(path.join(root, 'packages/w'), { name: 'w', version: '0.1.0', dependencies: { b: '1' }, _resolved: 'https://old.example/w.tgz' })
    writePackage(path.join(root, 'node_modules/@s/a'), { name: '@s/a', version: '1.0.0', dependencies: { b: '2' } })
    writePackage(path.join(root, 'node_modules/@s/a/node_modules/b'), { name: 'b', version: '2.0.0' })
    writePackage(path.join(root, 'node_modules/b'), { name: 'b', version: '1.0.0' })
    writePackage(path.join(root, 'node_modules/.cache/x'), { name: 'x', version: '1.0.0' })
    fs.symlinkSync('../packages/w', path.join(root, 'node_modules/w'))
    const tree = await loadActualTree(root)
    expect(tree.source).toBe('node_modules')
    expect([...tree.inventory.keys()].sort()).toEqual(['', 'node_modules/@s/a', 'node_modules/@s/a/node_modules/b', 'node_modules/b', 'node_modules/w', 'packages/w'])
    const link = tree.inventory.get('node_modules/w')
    expect(link?.isLink).toBe(true)
    expect(link?.target.location).toBe('packages/w')
    expect(tree.root.edgesOut.get('w')?.type).toBe('workspace')
    expect(tree.root.edgesOut.get('w')?.error).toBeUndefined()
    expect(tree.inventory.get('packages/w')?.edgesOut.get('b')?.to?.location).toBe('node_modules/b')
    // npm drops `_` fields of an installed package.json, an old `_resolved` with them
    expect(tree.inventory.get('packages/w')?.resolved).toBeUndefined()
  })

  test('where a package found on disk came from is read from the project lockfile, when the version agrees', async () => {
    await using tmp = tempDir()
    const root = tmp.path
    writePackage(root, { name: 'app', version: '1.0.0', dependencies: { a: '1', b: '1' } })
    writePackage(path.join(root, 'node_modules/a'), { name: 'a', version: '1.0.0' })
    writePackage(path.join(root, 'node_modules/b'), { name: 'b', version: '1.1.0' })
    const lock = {
      name: 'app',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name: 'app', dependencies: { a: '1', b: '1' } },
        'node_modules/a': { version: '1.0.0', resolved: 'https://registry.example/a/-/a-1.0.0.tgz' },
        'node_modules/b': { version: '1.0.0', resolved: 'https://registry.example/b/-/b-1.0.0.tgz' },
      },
    }
    fs.writeFileSync(path.join(root, 'package-lock.json'), JSON.stringify(lock))
    const tree = await loadActualTree(root)
    expect(tree.inventory.get('node_modules/a')?.resolved).toBe('https://registry.example/a/-/a-1.0.0.tgz')
    expect(tree.inventory.get('node_modules/b')?.resolved).toBeUndefined()
  })

  test('a current hidden lockfile is read instead of the package folders', async () => {
    await using tmp = tempDir()
    const root = tmp.path
    writePackage(root, { name: 'app', version: '1.0.0', dependencies: { a: '^1.0.0' } })
    writePackage(path.join(root, 'node_modules/a'), { name: 'a', version: '1.0.0', description: 'from package.json' })
    const hidden = { name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { 'node_modules/a': { version: '1.0.0', resolved: 'https://registry.example/a/-/a-1.0.0.tgz' } } }
    fs.writeFileSync(path.join(root, 'node_modules/.package-lock.json'), JSON.stringify(hidden))
    const tree = await loadActualTree(root)
    expect(tree.source).toBe('hidden lockfile')
    expect(tree.inventory.get('node_modules/a')?.resolved).toBe('https://registry.example/a/-/a-1.0.0.tgz')
    expect(tree.inventory.get('node_modules/a')?.package.description).toBeUndefined()
  })

  test('no node_modules: the root alone, with every dependency missing', async () => {
    await using tmp = tempDir()
    writePackage(tmp.path, { name: 'app', version: '1.0.0', dependencies: { a: '1' } })
    const tree = await loadActualTree(tmp.path)
    expect([...tree.inventory.keys()]).toEqual([''])
    expect(tree.root.edgesOut.get('a')?.error).toBe('MISSING')
  })
})

describe('entriesFromLockfile', () => {
  test('a package marked inBundle under one that depends on it joins that package\'s bundle; file: paths become absolute', () => {
    const entries = entriesFromLockfile('/p', new Map<string, LockEntry>([
      ['node_modules/a', { version: '1.0.0', dependencies: { b: '1' } }],
      ['node_modules/a/node_modules/b', { version: '1.0.0', inBundle: true, dependencies: { c: '1' } }],
      ['node_modules/a/node_modules/c', { version: '1.0.0', inBundle: true }],
      ['node_modules/local', { version: '1.0.0', resolved: 'file:vendor/local.tgz' }],
      ['node_modules/ws', { resolved: 'packages/ws', link: true }],
    ]))
    expect(entries.get('node_modules/a')?.package.bundleDependencies).toEqual(['b'])
    expect(entries.get('node_modules/local')?.resolved).toBe('file:/p/vendor/local.tgz')
    expect(entries.get('node_modules/ws')?.linkTarget).toBe('packages/ws')
  })

  test('bundled packages reached through the bundle count as in it', async () => {
    await using tmp = tempDir()
    writePackage(tmp.path, { name: 'app', version: '1.0.0', dependencies: { a: '1' } })
    const hidden = {
      lockfileVersion: 3,
      packages: {
        'node_modules/a': { version: '1.0.0', dependencies: { b: '1' } },
        'node_modules/a/node_modules/b': { version: '1.0.0', inBundle: true, dependencies: { c: '1' } },
        'node_modules/a/node_modules/c': { version: '1.0.0', inBundle: true },
      },
    }
    for (const location of Object.keys(hidden.packages)) writePackage(path.join(tmp.path, location), { version: '1.0.0' })
    fs.writeFileSync(path.join(tmp.path, 'node_modules/.package-lock.json'), JSON.stringify(hidden))
    const tree = await loadActualTree(tmp.path)
    expect(tree.source).toBe('hidden lockfile')
    expect(isInBundle(tree.inventory.get('node_modules/a/node_modules/c') as never)).toBe(true)
  })
})
