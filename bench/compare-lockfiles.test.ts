import { describe, expect, test } from 'bun:test'
import { compareLockfiles, describeLockDifference } from './compare-lockfiles.ts'

const npmLock = {
  name: 'app',
  lockfileVersion: 3,
  requires: true,
  packages: {
    '': { name: 'app', dependencies: { a: '^1.0.0' } },
    'node_modules/a': { version: '1.0.0', resolved: 'https://r/a-1.0.0.tgz', integrity: 'sha512-a' },
    'node_modules/b': { version: '2.0.0', dev: true },
  },
}

function text(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n'
}

describe('compareLockfiles', () => {
  test('byte-identical files are identical', () => {
    expect(compareLockfiles(text(npmLock), text(npmLock))).toEqual({ identical: true, differences: [] })
  })

  test('a changed version, a missing entry and an extra entry are each reported by key', () => {
    const other = {
      ...npmLock,
      packages: {
        '': npmLock.packages[''],
        'node_modules/a': { ...npmLock.packages['node_modules/a'], version: '1.0.1' },
        'node_modules/c': { version: '3.0.0' },
      },
    }
    const { identical, differences } = compareLockfiles(text(npmLock), text(other))
    expect(identical).toBe(false)
    expect(differences).toEqual([
      { kind: 'changed', key: 'node_modules/a', fields: ['version'] },
      { kind: 'only-left', key: 'node_modules/b' },
      { kind: 'only-right', key: 'node_modules/c' },
    ])
  })

  test('entries listed in another order are a top-level difference', () => {
    const { '': root, 'node_modules/a': a, 'node_modules/b': b } = npmLock.packages
    const reordered = { ...npmLock, packages: { '': root, 'node_modules/b': b, 'node_modules/a': a } }
    expect(compareLockfiles(text(npmLock), text(reordered)).differences).toEqual([
      { kind: 'top-level', field: 'packages (key order)' },
    ])
  })

  test('the same fields in another order are a difference, since the files must match byte for byte', () => {
    const { version, resolved, integrity } = npmLock.packages['node_modules/a']
    const reordered = { ...npmLock, packages: { ...npmLock.packages, 'node_modules/a': { integrity, resolved, version } } }
    expect(compareLockfiles(text(npmLock), text(reordered)).differences).toEqual([
      { kind: 'changed', key: 'node_modules/a', fields: ['(key order)'] },
    ])
  })

  test('equal JSON with other whitespace is a format difference', () => {
    const { differences } = compareLockfiles(text(npmLock), JSON.stringify(npmLock))
    expect(differences).toEqual([{ kind: 'format' }])
    expect(describeLockDifference(differences[0] ?? { kind: 'format' }, 'npm', 'skiff')).toContain('same JSON')
  })

  test('a differing top-level field is named', () => {
    const { differences } = compareLockfiles(text(npmLock), text({ ...npmLock, lockfileVersion: 2 }))
    expect(differences).toEqual([{ kind: 'top-level', field: 'lockfileVersion' }])
  })
})
