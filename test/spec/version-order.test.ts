import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import semver from 'semver'
import { rangeTest, satisfiesRange, sortVersions, versionParts } from '../../src/spec/version-order.ts'

const identifier = fc.oneof(fc.constantFrom('0', '1', '2', '10', '01', 'alpha', 'beta', 'rc', 'a-b', 'x1', '1a', '-'), fc.nat(30).map(String))
const prerelease = fc.array(identifier, { minLength: 1, maxLength: 3 }).map((ids) => ids.join('.'))
/** versions semver reads strictly, loosely, or not at all */
const version = fc.oneof(
  fc.tuple(fc.nat(3), fc.nat(3), fc.nat(3), fc.option(prerelease), fc.option(fc.constantFrom('build.1', 'sha-abc', '001'))).map(
    ([major, minor, patch, pre, build]) => `${major}.${minor}.${patch}${pre === null ? '' : `-${pre}`}${build === null ? '' : `+${build}`}`,
  ),
  fc.constantFrom('v1.2.3', '=1.2.3', ' 1.2.3 ', '01.2.3', '1.2.3beta', '1.2', 'latest', '', '1.2.3-', '9007199254740992.0.0', '1.2.3-9007199254740993', 'x.y.z'),
)
const range = fc.oneof(
  fc.constantFrom('*', '', '^1.0.0', '~1.2.0', '>=1.0.0 <2.0.0-0', '1.x', '^0.1.0', '>1.2.3-rc.1', '<=2.0.0 || 3.x', '1.2.3 - 2.3.4', '^1.2.3-beta.2', 'latest', '>=1.0.0-alpha <1.0.0', '=1.2.3', 'v1'),
  version.map((v) => `^${v}`),
  version.map((v) => `>=${v}`),
)

describe('versions in semver order', () => {
  test('sortVersions orders as semver.rcompare does, equal versions kept in their order, unreadable ones left out', () => {
    fc.assert(
      fc.property(fc.array(version, { maxLength: 12 }), (versions) => {
        const expected = versions
          .map((v, index) => ({ v, index }))
          .filter(({ v }) => semver.valid(v, true) !== null)
          .sort((a, b) => semver.rcompare(a.v, b.v, true))
          .map(({ index }) => index)
        expect(sortVersions(versions)).toEqual(expected)
      }),
      { numRuns: 2000 },
    )
  })

  test('a range tests a version as semver.satisfies (loose) does', () => {
    fc.assert(
      fc.property(version, range, (v, r) => {
        expect(satisfiesRange(v, r)).toBe(semver.satisfies(v, r, { loose: true }))
      }),
      { numRuns: 5000 },
    )
  })

  test('common versions are read without semver, the others by it', () => {
    expect(versionParts('1.2.3-rc.10+b')).toEqual({ major: 1, minor: 2, patch: 3, prerelease: ['rc', 10] })
    expect(versionParts('v1.2.3')?.major).toBe(1)
    expect(versionParts('1.2')).toBeUndefined()
    expect(rangeTest('not a range')).toBeUndefined()
  })
})
