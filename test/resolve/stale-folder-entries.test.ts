import { describe, expect, test } from 'bun:test'
import type { LockEntry, Lockfile } from '../../src/lockfile/index.ts'
import { staleFolderEntries } from '../../src/resolve/index.ts'

const lockOf = (packages: Record<string, LockEntry>): Lockfile => ({
  file: '/project/package-lock.json',
  kind: 'package-lock.json',
  lockfileVersion: 3,
  packages: new Map(Object.entries(packages)),
})

const ROOT = { name: 'app', version: '1.0.0', license: 'MIT', bin: { app: 'cli.js' }, dependencies: { a: '^1.0.0' }, devDependencies: { b: '^2.0.0' } }
const WS = { name: 'ws', version: '0.1.0', dependencies: { c: '^3.0.0' }, scripts: { postinstall: 'node x.js', test: 'true' } }
const LOCK = lockOf({
  '': { name: 'app', version: '1.0.0', license: 'MIT', bin: { app: 'cli.js' }, dependencies: { a: '^1.0.0' }, devDependencies: { b: '^2.0.0' } },
  'node_modules/a': { version: '1.0.0' },
  'packages/ws': { name: 'ws', version: '0.1.0', dependencies: { c: '^3.0.0' }, hasInstallScript: true },
})

describe('staleFolderEntries', () => {
  test('entries written from the same package.json files are current, whatever the order of keys', () => {
    const reordered = { devDependencies: ROOT.devDependencies, dependencies: ROOT.dependencies, bin: ROOT.bin, license: ROOT.license, version: ROOT.version, name: ROOT.name }
    expect(staleFolderEntries(LOCK, reordered, new Map([['packages/ws', WS]]))).toEqual([])
  })

  test('a bin given as a string is the object npm locks', () => {
    const lock = lockOf({ ...Object.fromEntries(LOCK.packages), '': { ...LOCK.packages.get(''), bin: { app: 'cli.js' } } })
    expect(staleFolderEntries(lock, { ...ROOT, bin: 'cli.js' }, new Map())).toEqual([])
  })

  test('a changed license, a removed dependency or a changed range makes the entry stale', () => {
    expect(staleFolderEntries(LOCK, { ...ROOT, license: 'ISC' }, new Map())).toEqual([''])
    expect(staleFolderEntries(LOCK, { ...ROOT, devDependencies: {} }, new Map())).toEqual([''])
    expect(staleFolderEntries(LOCK, ROOT, new Map([['packages/ws', { ...WS, dependencies: { c: '^4.0.0' } }]]))).toEqual(['packages/ws'])
    expect(staleFolderEntries(LOCK, ROOT, new Map([['packages/ws', { ...WS, scripts: { test: 'true' } }]]))).toEqual(['packages/ws'])
  })

  test('a folder the lockfile does not list is left to the sync check', () => {
    expect(staleFolderEntries(LOCK, ROOT, new Map([['packages/new', { name: 'new', version: '1.0.0' }]]))).toEqual([])
  })
})
