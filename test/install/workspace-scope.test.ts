import { describe, expect, test } from 'bun:test'
import type { LockEntry } from '../../src/lockfile/index.ts'
import { planFromLock } from '../../src/install/plan.ts'
import { chosenWorkspaces, planForScope, workspaceScope } from '../../src/install/workspace-scope.ts'

const tree = (entries: Record<string, LockEntry>) => new Map(Object.entries(entries))

// root depends on r; workspace x on a (which needs shared) and, for development, d; workspace y
// on b (which needs shared too) and on workspace x
const wanted = tree({
  '': { name: 'mono', dependencies: { r: '1' } },
  'node_modules/a': { version: '1.0.0', dependencies: { shared: '1' } },
  'node_modules/a/node_modules/nested': { version: '1.0.0' },
  'node_modules/b': { version: '1.0.0', dependencies: { shared: '1' } },
  'node_modules/d': { version: '1.0.0' },
  'node_modules/r': { version: '1.0.0' },
  'node_modules/shared': { version: '1.0.0' },
  'node_modules/x': { link: true, resolved: 'packages/x' },
  'node_modules/y': { link: true, resolved: 'packages/y' },
  'packages/x': { version: '1.0.0', dependencies: { a: '1' }, devDependencies: { d: '1' } },
  'packages/y': { version: '1.0.0', dependencies: { b: '1', x: '1' } },
})
const workspaces = new Map([['x', 'packages/x'], ['y', 'packages/y']])
const nothing = new Map<string, LockEntry>()
const inNodeModules = (scope: Set<string>) => [...scope].filter((location) => location.includes('node_modules/')).sort()

describe('workspaceScope', () => {
  test("a workspace's scope is its link, its folder and everything its dependencies reach, nested packages included", () => {
    const scope = workspaceScope({ wanted, current: nothing, workspaces, chosen: { root: false, workspaces: ['packages/x'] } })
    expect(inNodeModules(scope)).toEqual(['node_modules/a', 'node_modules/a/node_modules/nested', 'node_modules/d', 'node_modules/shared', 'node_modules/x'])
  })

  test('a workspace that depends on another reaches into it', () => {
    const scope = workspaceScope({ wanted, current: nothing, workspaces, chosen: { root: false, workspaces: ['packages/y'] } })
    expect(inNodeModules(scope)).toEqual(['node_modules/a', 'node_modules/a/node_modules/nested', 'node_modules/b', 'node_modules/d', 'node_modules/shared', 'node_modules/x', 'node_modules/y'])
  })

  test("with the root: its own dependencies, not its workspaces'", () => {
    const scope = workspaceScope({ wanted, current: nothing, workspaces, chosen: { root: true, workspaces: [] } })
    expect(inNodeModules(scope)).toEqual(['node_modules/r'])
  })

  test('what the installed versions on disk depend on is in scope too, so that it can go', () => {
    const current = tree({
      'node_modules/a': { version: '0.9.0', dependencies: { old: '1' } },
      'node_modules/old': { version: '1.0.0' },
      'node_modules/stray': { version: '1.0.0' },
      'packages/x/node_modules/left': { version: '1.0.0' },
    })
    const scope = workspaceScope({ wanted, current, workspaces, chosen: { root: false, workspaces: ['packages/x'] } })
    expect(scope.has('node_modules/old')).toBe(true)
    // nested in the workspace's folder: goes with it; at the top, unreached: stays
    expect(scope.has('packages/x/node_modules/left')).toBe(true)
    expect(scope.has('node_modules/stray')).toBe(false)
  })
})

describe('planForScope', () => {
  test('only what is in scope is made; what is on disk outside it stays in the installed tree as it is', () => {
    const lock = { file: '/p/package-lock.json', kind: 'package-lock.json' as const, lockfileVersion: 3, packages: wanted }
    const plan = planFromLock(lock, {
      projectDir: '/p',
      omit: new Set(),
      isCompatible: () => true,
      engines: { nodeVersion: 'v20.0.0', npmVersion: '11.19.1', strict: false, force: false },
      keyFor: (entry) => `key:${entry.integrity ?? entry.resolved}`,
      tarballUrl: (name, entry) => `http://r/${name}-${entry.version}.tgz`,
      privateCopies: false,
    })
    const onDisk = tree({ 'node_modules/r': { version: '0.1.0' }, 'node_modules/stray': { version: '1.0.0' }, 'packages/y': { version: '1.0.0' } })
    const scope = workspaceScope({ wanted, current: onDisk, workspaces, chosen: { root: false, workspaces: ['packages/x'] } })
    const scoped = planForScope(plan, scope, onDisk)
    expect(scoped.targets.map((target) => target.location)).toEqual(['node_modules/a', 'node_modules/a/node_modules/nested', 'node_modules/d', 'node_modules/shared'])
    expect(scoped.links.map((link) => link.location)).toEqual(['node_modules/x'])
    expect([...scoped.installed.keys()].sort()).toEqual([
      'node_modules/a',
      'node_modules/a/node_modules/nested',
      'node_modules/d',
      'node_modules/r',
      'node_modules/shared',
      'node_modules/stray',
      'node_modules/x',
    ])
    expect(scoped.installed.get('node_modules/r')?.version).toBe('0.1.0')
  })
})

describe('chosenWorkspaces', () => {
  test('names, folders, all, and the root; no choice is the whole project; an unknown name is EUSAGE', () => {
    expect(chosenWorkspaces(undefined, workspaces)).toBeUndefined()
    expect(chosenWorkspaces({ names: [], all: false, includeRoot: true }, workspaces)).toBeUndefined()
    expect(chosenWorkspaces({ names: ['x', './packages/y/'], all: false, includeRoot: false }, workspaces)).toEqual({ root: false, workspaces: ['packages/x', 'packages/y'] })
    expect(chosenWorkspaces({ names: [], all: true, includeRoot: true }, workspaces)).toEqual({ root: true, workspaces: ['packages/x', 'packages/y'] })
    expect(() => chosenWorkspaces({ names: ['z'], all: false, includeRoot: false }, workspaces)).toThrow(expect.objectContaining({ code: 'EUSAGE' }))
  })
})
