import { describe, expect, test } from 'bun:test'
import { optionalSetOf, type LockEntry } from '../../src/lockfile/index.ts'

describe('optionalSetOf', () => {
  const packages = new Map<string, LockEntry>([
    ['', { dependencies: { shared: '1.0.0' }, optionalDependencies: { opt: '1.0.0', wrapper: '1.0.0' } }],
    ['node_modules/opt', { optional: true, dependencies: { nested: '1.0.0', 'only-for-opt': '1.0.0', shared: '1.0.0' } }],
    ['node_modules/opt/node_modules/nested', { optional: true }],
    ['node_modules/only-for-opt', { optional: true, dependencies: { deeper: '1.0.0' } }],
    ['node_modules/deeper', { optional: true }],
    ['node_modules/shared', {}],
    ['node_modules/wrapper', { optional: true, dependencies: { native: '1.0.0' }, optionalDependencies: { 'also-opt': '1.0.0' } }],
    ['node_modules/native', { optional: true, dependencies: { deeper: '1.0.0' } }],
    ['node_modules/also-opt', { optional: true }],
  ])
  const present = [...packages.keys()].filter((location) => location !== '')
  const cases: Array<[string, string, string[]]> = [
    ['takes what only the failed package needs, nested or hoisted, and leaves what others need', 'node_modules/opt', ['node_modules/opt', 'node_modules/opt/node_modules/nested', 'node_modules/only-for-opt']],
    ['takes the package that requires the failed one, up to the first optional edge, and what only they need', 'node_modules/native', ['node_modules/native', 'node_modules/wrapper', 'node_modules/also-opt']],
    ['takes a failed leaf alone', 'node_modules/also-opt', ['node_modules/also-opt']],
  ]
  for (const [name, failed, expected] of cases) {
    test(`${name} (${failed})`, () => expect(optionalSetOf(packages, present, failed).sort()).toEqual(expected.sort()))
  }

  test('several failed at once take what removing them one after the other takes', () => {
    const first = optionalSetOf(packages, present, 'node_modules/opt')
    const second = optionalSetOf(packages, present.filter((location) => !first.includes(location)), 'node_modules/native')
    const together = optionalSetOf(packages, present, ['node_modules/opt', 'node_modules/native'])
    expect(together.sort()).toEqual([...first, ...second].sort())
    expect(together).toContain('node_modules/deeper')
  })

  test('counts only the packages still present as users', () => {
    const gone = new Set(['node_modules/wrapper', 'node_modules/native', 'node_modules/also-opt'])
    expect(optionalSetOf(packages, present.filter((location) => !gone.has(location)), 'node_modules/opt').sort()).toEqual(
      ['node_modules/deeper', 'node_modules/only-for-opt', 'node_modules/opt', 'node_modules/opt/node_modules/nested'],
    )
  })
})
