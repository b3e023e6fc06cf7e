import { describe, expect, test } from 'bun:test'
import { diffTrees } from '../../src/install/diff.ts'
import type { LockEntry } from '../../src/lockfile/index.ts'

const tree = (entries: Record<string, LockEntry>) => new Map(Object.entries(entries))

describe('diffTrees', () => {
  test('unchanged packages stay, new ones are created, gone ones removed', () => {
    const diff = diffTrees(
      tree({ 'node_modules/a': { version: '1.0.0' }, 'node_modules/gone': { version: '1.0.0' } }),
      tree({ 'node_modules/a': { version: '1.0.0' }, 'node_modules/new': { version: '1.0.0' } }),
    )
    expect([...diff.create]).toEqual(['node_modules/new'])
    expect(diff.remove).toEqual(['node_modules/gone'])
    expect(diff.unchanged).toBe(1)
  })

  test('a changed package is replaced with everything nested in it, which is created again', () => {
    const diff = diffTrees(
      tree({ 'node_modules/a': { version: '1.0.0' }, 'node_modules/a/node_modules/b': { version: '1.0.0' }, 'node_modules/a/node_modules/old': { version: '1.0.0' } }),
      tree({ 'node_modules/a': { version: '2.0.0' }, 'node_modules/a/node_modules/b': { version: '1.0.0' } }),
    )
    expect([...diff.create].sort()).toEqual(['node_modules/a', 'node_modules/a/node_modules/b'])
    // removing a removes old with it
    expect(diff.remove).toEqual(['node_modules/a'])
  })

  test('a lock entry without resolved (omit-lockfile-registry-resolved) is the installed package with the same integrity', () => {
    const installed = { version: '1.0.0', resolved: 'https://registry.npmjs.org/a/-/a-1.0.0.tgz', integrity: 'sha512-AAAA' }
    const same = diffTrees(tree({ 'node_modules/a': installed }), tree({ 'node_modules/a': { version: '1.0.0', integrity: 'sha512-AAAA' } }))
    expect(same.create.size).toBe(0)
    expect(same.unchanged).toBe(1)
    const other = diffTrees(tree({ 'node_modules/a': installed }), tree({ 'node_modules/a': { version: '1.0.0', integrity: 'sha512-BBBB' } }))
    expect([...other.create]).toEqual(['node_modules/a'])
    const noIntegrity = diffTrees(tree({ 'node_modules/a': { version: '1.0.0', resolved: 'https://example.com/a.tgz' } }), tree({ 'node_modules/a': { version: '1.0.0' } }))
    expect([...noIntegrity.create]).toEqual(['node_modules/a'])
  })

  test('a link that points elsewhere is replaced', () => {
    const diff = diffTrees(tree({ 'node_modules/w': { link: true, resolved: 'packages/w' } }), tree({ 'node_modules/w': { link: true, resolved: 'packages/v' } }))
    expect([...diff.create]).toEqual(['node_modules/w'])
  })

  test('workspace folders the hidden lockfile lists as link targets are never removed', () => {
    const diff = diffTrees(
      tree({ 'node_modules/w': { link: true, resolved: 'packages/w' }, 'packages/w': { version: '1.0.0' }, 'packages/w/node_modules/old': { version: '1.0.0' } }),
      tree({ 'node_modules/w': { link: true, resolved: 'packages/w' } }),
    )
    expect(diff.remove).toEqual(['packages/w/node_modules/old'])
  })
})
