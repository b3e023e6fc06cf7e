import { describe, expect, test } from 'bun:test'
import { SkiffError } from '../../src/error/index.ts'
import { fileMode, packagePath, planExtraction } from '../../src/tarball/plan-extraction.ts'
import type { TarEntry } from '../../src/tarball/parse-tar.ts'

const file = (path: string, extra: Partial<TarEntry> = {}): TarEntry => ({ path, kind: 'file', typeflag: '0', mode: 0o644, offset: 0, size: 1, ...extra })

describe('packagePath', () => {
  test.each([
    ['package/lib/a.js', 'lib/a.js'],
    ['anything/a.js', 'a.js'],
    ['package', ''],
    ['package/', ''],
    ['README', ''],
    ['./package/a.js', 'package/a.js'],
    ['package//a/./b', 'a/b'],
    ['package/a/../b', undefined],
    ['package/a\\..\\b', undefined],
    ['package//etc/passwd', 'etc/passwd'],
    ['package/C:/x', 'x'],
    [`package/${'d/'.repeat(1025)}x`, undefined],
  ])('%p -> %p', (raw, expected) => {
    expect(packagePath(raw, 'p')).toBe(expected)
  })

  test.each(['/etc/passwd', 'C:\\x', '\\\\server\\share\\x', '../x', 'package/../x', 'package/a/../../x', 'package/..\\..\\x'])('%p is refused', (raw) => {
    expect(() => packagePath(raw, 'p')).toThrow(SkiffError)
  })
})

describe('planExtraction', () => {
  test('folders are planned parents first, once', () => {
    const plan = planExtraction([file('p/a/b/c.js'), file('p/a/d.js'), file('p/e/f.js')], 'p', 100)
    expect(plan.dirs).toEqual(['a', 'a/b', 'e'])
    expect([...plan.files.keys()]).toEqual(['a/b/c.js', 'a/d.js', 'e/f.js'])
    expect(plan.unpackedBytes).toBe(3)
  })

  test('the limit counts the files kept, not the entries read', () => {
    const twice = [file('p/a', { size: 60 }), file('p/a', { size: 60 })]
    expect(planExtraction(twice, 'p', 100).unpackedBytes).toBe(60)
    expect(() => planExtraction([file('p/a', { size: 60 }), file('p/b', { size: 60 })], 'p', 100)).toThrow(/more than the limit/)
  })

  test.each([
    [0o600, 0o644],
    [0o640, 0o644],
    [0o700, 0o744],
    [0o750, 0o754],
    [0o777, 0o755],
    [0o4711, 0o755],
    [0, 0o644],
  ])('header mode %o gives %o', (header, expected) => {
    expect(fileMode(header)).toBe(expected)
  })
})
