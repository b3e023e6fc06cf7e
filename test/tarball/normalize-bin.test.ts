import { describe, expect, test } from 'bun:test'
import { normalizeBin, type BinSource } from '../../src/tarball/normalize-bin.ts'

const paths = ['bin', 'bin/a', 'bin/sub', 'bin/sub/b', 'bin/.hidden', 'bin/.dot/c', 'lib', 'lib/x.js']
const list = () => paths

describe('normalizeBin, as npm reads package.json then links bins', () => {
  test.each<[string, BinSource, Record<string, string> | undefined]>([
    ['a string bin is named after the package', { name: 'tool', bin: './cli.js' }, { tool: 'cli.js' }],
    ['a scoped package name loses its scope', { name: '@scope/tool', bin: 'cli.js' }, { tool: 'cli.js' }],
    ['a string bin without a name is dropped', { bin: 'cli.js' }, undefined],
    ['an array names each path after its basename', { name: 't', bin: ['bin/a.js', './b.js'] }, { 'a.js': 'bin/a.js', 'b.js': 'b.js' }],
    ['targets are made relative and cannot climb out', { bin: { a: '../../../etc/passwd', b: '/abs/x', c: 'lib\\win.js' } }, { a: 'etc/passwd', b: 'abs/x', c: 'lib/win.js' }],
    ['names keep their last segment; ".." and empty names are dropped', { bin: { '@s/x': 'x.js', 'a/../..': 'y.js', '': 'z.js', 'c:d': 'w.js' } }, { x: 'x.js', d: 'w.js' }],
    ['non-string targets and empty targets are dropped', { bin: { a: 1, b: '', c: '.', d: 'ok.js' } }, { d: 'ok.js' }],
    ['a later name that normalises the same wins', { bin: { '@a/x': 'one.js', x: 'two.js' } }, { x: 'two.js' }],
    ['nothing usable leaves no bin', { bin: { a: '' } }, undefined],
    ['a number is no bin', { bin: 5 }, undefined],
  ])('%s', (_name, pkg, expected) => {
    expect(normalizeBin(pkg, list)).toEqual(expected)
  })

  test('directories.bin names every file and folder below it, dot names excluded', () => {
    expect(normalizeBin({ directories: { bin: './bin' } }, list)).toEqual({ a: 'bin/a', sub: 'bin/sub', b: 'bin/sub/b' })
  })

  test('directories.bin is ignored when bin is set, and the listing is not even asked for', () => {
    let asked = false
    const result = normalizeBin({ name: 't', bin: 'x.js', directories: { bin: 'bin' } }, () => {
      asked = true
      return paths
    })
    expect(result).toEqual({ t: 'x.js' })
    expect(asked).toBe(false)
  })

  test('directories.bin climbing out or pointing at the root stays inside the package', () => {
    expect(normalizeBin({ directories: { bin: '../../bin' } }, list)).toEqual({ a: 'bin/a', sub: 'bin/sub', b: 'bin/sub/b' })
    expect(normalizeBin({ directories: { bin: '/' } }, () => ['x.js', 'lib', 'lib/y.js'])).toEqual({ 'x.js': 'x.js', lib: 'lib', 'y.js': 'lib/y.js' })
  })
})
