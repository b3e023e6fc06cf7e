import { expect, test } from 'bun:test'
import { normalizePackage } from '../../src/resolve/package-data.ts'

test('bundledDependencies is read as bundleDependencies, and true means every dependency', () => {
  expect(normalizePackage({ bundledDependencies: ['a'] }).bundleDependencies).toEqual(['a'])
  expect(normalizePackage({ dependencies: { a: '1', b: '2' }, bundleDependencies: true }).bundleDependencies).toEqual(['a', 'b'])
  expect(normalizePackage({ bundleDependencies: { a: '1' } }).bundleDependencies).toEqual(['a'])
  expect('bundleDependencies' in normalizePackage({ bundleDependencies: 'a' })).toBe(false)
})

test('a dependency also listed as optional is only optional', () => {
  const pkg = normalizePackage({ dependencies: { a: '1', b: '1' }, optionalDependencies: { b: '1' } })
  expect(pkg.dependencies).toEqual({ a: '1' })
  expect(normalizePackage({ dependencies: { b: '1' }, optionalDependencies: { b: '1' } }).dependencies).toBeUndefined()
})

test('bin becomes a map of safe names to paths inside the package', () => {
  expect(normalizePackage({ name: '@s/tool', bin: './cli.js' }).bin).toEqual({ tool: 'cli.js' })
  expect(normalizePackage({ name: 'x', bin: ['bin/a.js', 'bin/b'] }).bin).toEqual({ 'a.js': 'bin/a.js', b: 'bin/b' })
  expect(normalizePackage({ name: 'x', bin: { '../up': '../../escape.js', none: '/' } }).bin).toEqual({ up: 'escape.js' })
  expect('bin' in normalizePackage({ bin: 'cli.js' })).toBe(false)
})

test('funding given as a string becomes { url }, and scripts that are not strings are dropped', () => {
  const pkg = normalizePackage({ funding: 'https://example.test/fund', scripts: { install: 'node x', bad: 1 } })
  expect(pkg.funding).toEqual({ url: 'https://example.test/fund' })
  expect(pkg.scripts).toEqual({ install: 'node x' })
})
