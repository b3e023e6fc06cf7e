import { expect, test } from 'bun:test'
import { normalizeManifest, readPackageInfo } from '../../src/query/package-info.ts'

test('a package.json is normalised as npm reads installed ones', () => {
  expect(normalizeManifest({
    name: 'x',
    version: '1.0.0',
    _resolved: 'https://old.example/x.tgz',
    _id: 'stale',
    dependencies: { a: '1', b: '1' },
    optionalDependencies: { b: '1' },
    bundledDependencies: ['a'],
    scripts: { test: 'jest', bad: 1 },
    funding: 'https://fund.example',
    bin: './bin/x.js',
  })).toEqual({
    name: 'x',
    version: '1.0.0',
    dependencies: { a: '1' },
    optionalDependencies: { b: '1' },
    scripts: { test: 'jest' },
    funding: { url: 'https://fund.example' },
    bin: { x: 'bin/x.js' },
    _id: 'x@1.0.0',
    bundleDependencies: ['a'],
  })
})

test('bin arrays are named by their files; a bundle of true bundles every dependency', () => {
  expect(normalizeManifest({ name: 'x', bin: ['./a/one.js', 'two.js'] }).bin).toEqual({ 'one.js': 'a/one.js', 'two.js': 'two.js' })
  expect(readPackageInfo({ dependencies: { a: '1', b: '2' }, bundleDependencies: true }).bundleDependencies).toEqual(['a', 'b'])
  expect(readPackageInfo({ dependencies: { a: '1', b: 2 } }).dependencies).toEqual({ a: '1' })
})
