import { describe, expect, test } from 'bun:test'
import { depth, nameFromLocation, parentLocation, resolveDependency, type LockEntry } from '../../src/lockfile/index.ts'

describe('nameFromLocation', () => {
  const cases: [string, string][] = [
    ['node_modules/a', 'a'],
    ['node_modules/@s/a', '@s/a'],
    ['node_modules/@s/a/node_modules/b', 'b'],
    ['node_modules/a/node_modules/@s/b', '@s/b'],
    ['packages/x/node_modules/y', 'y'],
    ['packages/x', 'x'],
    ['packages/@s/x', '@s/x'],
    ['../lib', 'lib'],
  ]
  for (const [location, name] of cases) test(`${location} installs ${name}`, () => expect(nameFromLocation(location)).toBe(name))
})

describe('parentLocation and depth', () => {
  const cases: [string, string | undefined, number][] = [
    ['', undefined, 0],
    ['node_modules/a', '', 1],
    ['node_modules/@s/a', '', 1],
    ['node_modules/@s/a/node_modules/b', 'node_modules/@s/a', 2],
    ['node_modules/a/node_modules/@s/b/node_modules/c', 'node_modules/a/node_modules/@s/b', 3],
    ['packages/x', '', 0],
    ['packages/x/node_modules/y', 'packages/x', 1],
    ['../lib', undefined, 0],
  ]
  for (const [location, parent, levels] of cases) {
    test(`${location || 'the root'} sits in ${parent === undefined ? 'no package' : parent || 'the root'} at depth ${levels}`, () => {
      expect(parentLocation(location)).toBe(parent)
      expect(depth(location)).toBe(levels)
    })
  }
})

describe('resolveDependency', () => {
  const packages = new Map<string, LockEntry>([
    ['', {}],
    ['node_modules/a', { version: '1.0.0' }],
    ['node_modules/b', { version: '1.0.0' }],
    ['node_modules/a/node_modules/b', { version: '2.0.0' }],
    ['node_modules/a/node_modules/c', { version: '1.0.0' }],
    ['node_modules/a/node_modules/c/node_modules/d', { version: '1.0.0' }],
    ['node_modules/@s/e', { version: '1.0.0' }],
    ['node_modules/ws', { resolved: 'packages/ws', link: true }],
    ['packages/ws', { name: 'ws', version: '1.0.0' }],
    ['packages/ws/node_modules/b', { version: '3.0.0' }],
    ['node_modules/lib', { resolved: '../lib', link: true }],
    ['../lib', { version: '1.0.0' }],
  ])
  const cases: [string, string, string | undefined][] = [
    ['', 'a', 'node_modules/a'],
    ['', 'b', 'node_modules/b'],
    ['node_modules/a', 'b', 'node_modules/a/node_modules/b'],
    ['node_modules/a/node_modules/c', 'b', 'node_modules/a/node_modules/b'],
    ['node_modules/a/node_modules/c/node_modules/d', 'b', 'node_modules/a/node_modules/b'],
    ['node_modules/a/node_modules/c/node_modules/d', '@s/e', 'node_modules/@s/e'],
    ['node_modules/b', 'c', undefined],
    ['', 'ws', 'packages/ws'],
    ['node_modules/ws', 'b', 'packages/ws/node_modules/b'],
    ['packages/ws', 'b', 'packages/ws/node_modules/b'],
    ['packages/ws', 'a', 'node_modules/a'],
    ['', 'lib', '../lib'],
    ['../lib', 'a', undefined],
  ]
  for (const [from, name, found] of cases) {
    test(`${name} required from ${from || 'the root'} is ${found ?? 'not found'}`, () => {
      expect(resolveDependency(packages, from, name)).toBe(found)
    })
  }
})
