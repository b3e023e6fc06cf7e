import { describe, expect, test } from 'bun:test'
import type { LockEntry, Lockfile } from '../../src/lockfile/index.ts'
import { planFromLock, type PlanOptions } from '../../src/install/plan.ts'

function lockOf(packages: Record<string, LockEntry>): Lockfile {
  return { file: '/p/package-lock.json', kind: 'package-lock.json', lockfileVersion: 3, packages: new Map(Object.entries(packages)) }
}

const options = (extra: Partial<PlanOptions> = {}): PlanOptions => ({
  projectDir: '/p',
  omit: new Set(),
  isCompatible: (entry) => entry.os === undefined || entry.os.includes('linux'),
  engines: { nodeVersion: 'v20.0.0', npmVersion: '11.19.1', strict: false, force: false },
  keyFor: (entry) => `key:${entry.integrity ?? entry.resolved}`,
  tarballUrl: (name, entry) => `http://r/${name}-${entry.version}.tgz`,
  privateCopies: true,
  ...extra,
})

describe('planFromLock', () => {
  test('every package folder becomes a target; nested ones wait for their enclosing package', () => {
    const plan = planFromLock(
      lockOf({
        '': { name: 'app', dependencies: { a: '1' } },
        'node_modules/a': { version: '1.0.0', integrity: 'ia', dependencies: { b: '2' } },
        'node_modules/a/node_modules/b': { version: '2.0.0', integrity: 'ib' },
        'node_modules/@s/c': { version: '3.0.0', integrity: 'ic', hasInstallScript: true },
      }),
      options(),
    )
    expect(plan.targets.map((t) => [t.location, t.pkg, t.parent, t.privateCopy])).toEqual([
      ['node_modules/a', 'a@1.0.0', undefined, false],
      ['node_modules/a/node_modules/b', 'b@2.0.0', 'node_modules/a', false],
      ['node_modules/@s/c', '@s/c@3.0.0', undefined, true],
    ])
    expect(plan.targets[0]?.dir).toBe('/p/node_modules/a')
    expect(plan.targets[0]?.source).toEqual({ url: 'http://r/a-1.0.0.tgz', integrity: 'ia' })
  })

  test('omitted dependency types leave the tree, with npm flag rules', () => {
    const lock = lockOf({
      '': {},
      'node_modules/d': { version: '1.0.0', dev: true },
      'node_modules/o': { version: '1.0.0', optional: true },
      'node_modules/do': { version: '1.0.0', devOptional: true },
      'node_modules/p': { version: '1.0.0', peer: true },
      'node_modules/d/node_modules/x': { version: '1.0.0', dev: true },
    })
    const locations = (omit: Array<'dev' | 'optional' | 'peer'>) =>
      planFromLock(lock, options({ omit: new Set(omit) })).targets.map((t) => t.location)
    expect(locations(['dev'])).toEqual(['node_modules/o', 'node_modules/do', 'node_modules/p'])
    expect(locations(['dev', 'optional'])).toEqual(['node_modules/p'])
    expect(locations(['peer'])).toEqual(['node_modules/d', 'node_modules/o', 'node_modules/do', 'node_modules/d/node_modules/x'])
  })

  test('an optional package for another platform is skipped with the packages only it needs', () => {
    const plan = planFromLock(
      lockOf({
        '': { dependencies: { host: '1' } },
        'node_modules/host': { version: '1.0.0', optionalDependencies: { 'host-mac': '1', 'host-linux': '1' } },
        'node_modules/host-mac': { version: '1.0.0', optional: true, os: ['darwin'], dependencies: { 'mac-helper': '1' } },
        'node_modules/mac-helper': { version: '1.0.0', optional: true },
        'node_modules/host-linux': { version: '1.0.0', optional: true, os: ['linux'] },
      }),
      options(),
    )
    expect(plan.targets.map((t) => t.location)).toEqual(['node_modules/host', 'node_modules/host-linux'])
    expect(plan.skipped.map((s) => [s.location, s.reason])).toEqual([
      ['node_modules/host-mac', 'platform'],
      ['node_modules/mac-helper', 'platform'],
    ])
  })

  test('a required package for another platform is EBADPLATFORM naming it', () => {
    expect(() =>
      planFromLock(lockOf({ '': {}, 'node_modules/mac-only': { version: '2.0.0', os: ['darwin'] } }), options()),
    ).toThrow(expect.objectContaining({ code: 'EBADPLATFORM', details: expect.objectContaining({ lines: [expect.stringContaining('mac-only@2.0.0')] }) }))
  })

  test('an optional package that does not fit goes with its whole optional set: an optional package that requires it too, as npm ci drops them', () => {
    // npm 11.19: optionalDependencies needs-mac (requires mac-only, os darwin) and needs-old (requires old-engine, engines node >=99): npm ci installs neither
    const plan = planFromLock(
      lockOf({
        '': { dependencies: { plain: '1' }, optionalDependencies: { 'needs-mac': '1', 'needs-old': '1' } },
        'node_modules/mac-only': { version: '1.0.0', optional: true, os: ['darwin'] },
        'node_modules/needs-mac': { version: '1.0.0', optional: true, dependencies: { 'mac-only': '1.0.0' } },
        'node_modules/needs-old': { version: '1.0.0', optional: true, dependencies: { 'old-engine': '1.0.0' } },
        'node_modules/old-engine': { version: '1.0.0', optional: true, engines: { node: '>=99' } },
        'node_modules/plain': { version: '1.0.0' },
      }),
      options(),
    )
    expect(plan.targets.map((t) => t.location)).toEqual(['node_modules/plain'])
    expect(plan.skipped.map((s) => [s.location, s.reason])).toEqual([
      ['node_modules/mac-only', 'platform'],
      ['node_modules/needs-mac', 'platform'],
      ['node_modules/old-engine', 'engine'],
      ['node_modules/needs-old', 'engine'],
    ])
  })

  test('--force and engine-strict change nothing for an optional package whose engines exclude this node; force installs a required one for another platform', () => {
    const lock = lockOf({
      '': {},
      'node_modules/mac-only': { version: '2.0.0', os: ['darwin'] },
      'node_modules/old': { version: '1.0.0', optional: true, engines: { node: '>=99' } },
    })
    for (const strict of [true, false]) {
      const plan = planFromLock(lock, options({ engines: { nodeVersion: 'v20.0.0', npmVersion: '11.19.1', strict, force: true } }))
      expect(plan.targets.map((t) => t.location)).toEqual(['node_modules/mac-only'])
    }
  })

  test('bundled packages come inside their parent and links become symlinks', () => {
    const plan = planFromLock(
      lockOf({
        '': {},
        'node_modules/a': { version: '1.0.0', bundleDependencies: ['b'] },
        'node_modules/a/node_modules/b': { version: '1.0.0', inBundle: true },
        'node_modules/ws': { resolved: 'packages/ws', link: true },
        'packages/ws': { name: 'ws', version: '0.0.1' },
      }),
      options(),
    )
    expect(plan.targets.map((t) => t.location)).toEqual(['node_modules/a'])
    expect(plan.links).toEqual([{ location: 'node_modules/ws', resolved: 'packages/ws' }])
    expect([...plan.installed.keys()]).toEqual(['node_modules/a', 'node_modules/a/node_modules/b', 'node_modules/ws'])
  })

  test('an aliased package keeps its real name for the download', () => {
    const plan = planFromLock(lockOf({ '': {}, 'node_modules/alias': { name: 'real', version: '1.0.0' } }), options())
    expect(plan.targets[0]?.pkg).toBe('real@1.0.0')
    expect(plan.targets[0]?.source.url).toBe('http://r/real-1.0.0.tgz')
  })
})
