import { describe, expect, test } from 'bun:test'
import { errnoCode, SkiffError } from '../../src/error/index.ts'
import { parsePackument, pickVersion, type PickOptions } from '../../src/resolve/pick-version.ts'
import { classifyRegistrySpec } from '../../src/spec/index.ts'

// Every expectation in the tables below is what npm 11.19's own npm-pick-manifest (11.0.3)
// returned for the same packument, spec and options (node given as v20.20.2).
const NODE = 'v20.20.2'

type Json = Record<string, unknown>

function version(number: string, fields: Json = {}): Json {
  return { name: 'p', version: number, dist: { tarball: `https://registry.test/p/-/p-${number}.tgz` }, ...fields }
}

function packument(versions: Json[], distTags: Record<string, string>, fields: Json = {}): Json {
  return { name: 'p', 'dist-tags': distTags, versions: Object.fromEntries(versions.map((entry) => [entry.version, entry])), ...fields }
}

type Outcome = string | { version: string; shouldAvoid?: boolean; outsideDependencyRange?: boolean; isSemVerMajor?: boolean }

/** The version picked (with its avoid marks, if any), or the error code. */
function pick(document: Json, wanted: string, options: Partial<PickOptions> = {}): Outcome {
  const type = classifyRegistrySpec(wanted) ?? 'tag'
  try {
    const { version, shouldAvoid, outsideDependencyRange, isSemVerMajor } = pickVersion(
      parsePackument(document, 'p'),
      { type, fetchSpec: wanted },
      { nodeVersion: NODE, ...options },
    )
    if (shouldAvoid === undefined && outsideDependencyRange === undefined) return version
    return {
      version,
      ...(shouldAvoid ? { shouldAvoid } : {}),
      ...(outsideDependencyRange ? { outsideDependencyRange, isSemVerMajor } : {}),
    }
  } catch (error) {
    return errnoCode(error) ?? 'not a coded error'
  }
}

type Case = [string, Partial<PickOptions>, Outcome]
type LabelledCase = [string, string, Partial<PickOptions>, Outcome, Json]

describe('pickVersion: dist-tags, exact versions and ranges', () => {
  // latest (1.2.0) is behind the highest release (2.0.0); the prereleases are tagged
  const basic = packument(
    [version('1.0.0'), version('1.1.0'), version('1.2.0'), version('2.0.0'), version('2.1.0-beta.1'), version('3.0.0-rc.1')],
    { latest: '1.2.0', next: '2.1.0-beta.1', beta: '3.0.0-rc.1' },
  )
  const cases: Case[] = [
    ['', {}, '1.2.0'],
    ['*', {}, '1.2.0'],
    ['^1', {}, '1.2.0'],
    ['^2', {}, '2.0.0'],
    ['>=1', {}, '1.2.0'],
    ['>=2', {}, '2.0.0'],
    ['next', {}, '2.1.0-beta.1'],
    ['latest', {}, '1.2.0'],
    ['beta', {}, '3.0.0-rc.1'],
    ['1.1.0', {}, '1.1.0'],
    ['v1.1.0', {}, '1.1.0'],
    ['=1.1.0', {}, '1.1.0'],
    ['9.9.9', {}, 'ETARGET'],
    ['nope', {}, 'ETARGET'],
    ['^2.1.0-beta.0', {}, '2.1.0-beta.1'],
    ['^3', {}, 'ETARGET'],
    ['>=3.0.0-rc.0', {}, '3.0.0-rc.1'],
    ['2.x', {}, '2.0.0'],
    ['x', {}, '1.2.0'],
    ['1.0.0 - 1.1.0', {}, '1.1.0'],
    ['~1.1', {}, '1.1.0'],
    ['<1', {}, 'ETARGET'],
    ['2.1.0-beta.1', {}, '2.1.0-beta.1'],
    ['', { defaultTag: 'next' }, '2.1.0-beta.1'],
    ['^1', { defaultTag: 'next' }, '1.2.0'],
    ['*', { defaultTag: 'beta' }, '3.0.0-rc.1'],
    ['>=2.0.0-0', {}, '2.0.0'],
    ['1.x || 2.x', {}, '1.2.0'],
  ]
  test.each(cases)('p@%p with %o gets %p', (wanted, options, outcome) => {
    expect(pick(basic, wanted, options)).toEqual(outcome)
  })
})

describe('pickVersion: a prerelease latest is taken by * and the empty range only', () => {
  const prereleaseLatest = packument([version('1.0.0'), version('2.0.0-beta.1')], { latest: '2.0.0-beta.1' })
  const cases: Case[] = [
    ['*', {}, '2.0.0-beta.1'],
    ['', {}, '2.0.0-beta.1'],
    ['>=1', {}, '1.0.0'],
    ['x', {}, '1.0.0'],
    ['^2.0.0-beta.0', {}, '2.0.0-beta.1'],
    ['>=0.0.0', {}, '1.0.0'],
  ]
  test.each(cases)('p@%p with %o gets %p', (wanted, options, outcome) => {
    expect(pick(prereleaseLatest, wanted, options)).toEqual(outcome)
  })
})

describe('pickVersion: deprecated versions lose unless nothing else satisfies', () => {
  const deprecated = packument(
    [version('1.0.0'), version('1.0.5'), version('1.1.0', { deprecated: 'use 2' }), version('1.2.0', { deprecated: 'broken' })],
    { latest: '1.2.0' },
  )
  const deprecatedLatest = packument([version('1.0.0'), version('1.0.5'), version('1.1.0', { deprecated: 'oops' })], { latest: '1.1.0' })
  const cases: LabelledCase[] = [
    ['latest 1.2.0 deprecated', '^1', {}, '1.0.5', deprecated],
    ['latest 1.2.0 deprecated', '1.2.0', {}, '1.2.0', deprecated],
    ['latest 1.2.0 deprecated', 'latest', {}, '1.2.0', deprecated],
    ['latest 1.2.0 deprecated', '>=1.1.0', {}, '1.2.0', deprecated],
    ['latest 1.2.0 deprecated', '*', {}, '1.0.5', deprecated],
    ['latest 1.1.0 deprecated', '^1', {}, '1.0.5', deprecatedLatest],
    ['latest 1.1.0 deprecated', '', {}, '1.0.5', deprecatedLatest],
    ['latest 1.1.0 deprecated', 'latest', {}, '1.1.0', deprecatedLatest],
    ['latest 1.1.0 deprecated', '~1.1.0', {}, '1.1.0', deprecatedLatest],
  ]
  test.each(cases)('%s: p@%p with %o gets %p', (_, wanted, options, outcome, document) => {
    expect(pick(document, wanted, options)).toEqual(outcome)
  })
})

describe('pickVersion: versions whose engines do not fit lose unless nothing else satisfies, and rank below deprecated ones', () => {
  const engines = packument([
    version('1.0.0', { engines: { node: '>=10' } }),
    version('2.0.0', { engines: { node: '>=99' } }),
    version('2.1.0', { engines: { node: '>=99' } }),
    version('3.0.0', { deprecated: 'old' }),
    version('3.1.0', { engines: { node: '>=99' } }),
    version('3.2.0', { engines: { node: '>=99' }, deprecated: 'old' }),
    version('4.0.0', { engines: { npm: '>=12' } }),
    version('4.1.0', { engines: ['node >= 99'] }),
    version('5.0.0'),
    version('5.1.0', { engines: { node: 'banana' } }),
    version('6.0.0', { engines: { node: '>=22' } }),
  ], { latest: '2.0.0' })
  const cases: Case[] = [
    ['', {}, '5.0.0'],
    ['^1', {}, '1.0.0'],
    ['^2', {}, '2.1.0'],
    ['^2', { nodeVersion: 'v99.0.0' }, '2.0.0'],
    ['', { nodeVersion: 'v99.1.0' }, '2.0.0'],
    ['^3', {}, '3.0.0'],
    ['^3', { nodeVersion: 'v99.0.0' }, '3.1.0'],
    ['^4', {}, '4.1.0'],
    ['^4', { npmVersion: '11.19.1' }, '4.1.0'],
    ['4.0.0', { npmVersion: '11.19.1' }, '4.0.0'],
    ['^5', {}, '5.0.0'],
    ['>=5 <7', {}, '5.0.0'],
    ['>=5 <7', { nodeVersion: 'v22.0.0-pre' }, '6.0.0'],
    ['>=5 <7', { nodeVersion: 'v21.9.0' }, '5.0.0'],
    ['2.0.0', {}, '2.0.0'],
  ]
  test.each(cases)('p@%p with %o gets %p', (wanted, options, outcome) => {
    expect(pick(engines, wanted, options)).toEqual(outcome)
  })
})

describe('pickVersion: before keeps only versions published by then', () => {
  const dated = packument([version('1.0.0'), version('1.1.0'), version('2.0.0'), version('2.1.0')], { latest: '2.0.0', next: '2.1.0' }, {
    time: {
      created: '2019-12-01T00:00:00.000Z',
      modified: '2023-01-01T00:00:00.000Z',
      '1.0.0': '2020-01-01T00:00:00.000Z',
      '1.1.0': '2021-01-01T00:00:00.000Z',
      '2.0.0': '2022-01-01T00:00:00.000Z',
      '2.1.0': '2022-06-01T00:00:00.000Z',
    },
  })
  const undated = packument([version('1.0.0'), version('2.0.0')], { latest: '2.0.0' })
  const partlyDated = packument([version('1.0.0'), version('2.0.0')], { latest: '2.0.0' }, { time: { '1.0.0': '2020-01-01T00:00:00.000Z' } })
  const cases: LabelledCase[] = [
    ['every version dated', '*', { before: new Date('2021-06-01T00:00:00.000Z') }, '1.1.0', dated],
    ['every version dated', 'latest', { before: new Date('2021-06-01T00:00:00.000Z') }, '1.1.0', dated],
    ['every version dated', '^2', { before: new Date('2021-06-01T00:00:00.000Z') }, 'ETARGET', dated],
    ['every version dated', '*', { before: new Date('2019-01-01T00:00:00.000Z') }, 'ENOVERSIONS', dated],
    ['every version dated', '1.1.0', { before: new Date('2020-06-01T00:00:00.000Z') }, 'ETARGET', dated],
    ['every version dated', '1.0.0', { before: new Date('2020-06-01T00:00:00.000Z') }, '1.0.0', dated],
    ['every version dated', '^2', { before: new Date('2022-01-01T00:00:00.000Z') }, '2.0.0', dated],
    ['every version dated', 'next', { before: new Date('2021-06-01T00:00:00.000Z') }, '1.1.0', dated],
    ['every version dated', '*', {}, '2.0.0', dated],
    ['every version dated', '^1', { before: new Date('2021-01-01T00:00:00.000Z') }, '1.1.0', dated],
    ['every version dated', 'next', { before: new Date('2022-03-01T00:00:00.000Z') }, '2.0.0', dated],
    ['every version dated', 'latest', { before: new Date('2019-01-01T00:00:00.000Z') }, 'ENOVERSIONS', dated],
    ['no time (corgi)', '*', { before: new Date('2000-01-01T00:00:00.000Z') }, '2.0.0', undated],
    ['2.0.0 undated', '*', { before: new Date('2019-01-01T00:00:00.000Z') }, '2.0.0', partlyDated],
    ['2.0.0 undated', '^1', { before: new Date('2019-01-01T00:00:00.000Z') }, 'ETARGET', partlyDated],
  ]
  test.each(cases)('%s: p@%p with %o gets %p', (_, wanted, options, outcome, document) => {
    expect(pick(document, wanted, options)).toEqual(outcome)
  })
})

describe('pickVersion: avoid and avoidStrict', () => {
  const avoid = packument([version('1.0.0'), version('1.0.1'), version('1.1.0'), version('2.0.0')], { latest: '1.1.0' })
  const cases: Case[] = [
    ['^1', { avoid: '1.1.0' }, '1.0.1'],
    ['^1', { avoid: '<2' }, { version: '1.1.0', shouldAvoid: true }],
    ['^1', { avoid: '<=1.1.0', avoidStrict: true }, { version: '2.0.0', outsideDependencyRange: true, isSemVerMajor: true }],
    ['1.0.0', { avoid: '1.0.0', avoidStrict: true }, { version: '1.1.0', outsideDependencyRange: true, isSemVerMajor: false }],
    ['^1', { avoid: '*', avoidStrict: true }, 'ETARGET'],
    ['1.0.0', { avoid: '1.0.0' }, { version: '1.0.0', shouldAvoid: true }],
    ['latest', { avoid: '1.1.0' }, { version: '1.1.0', shouldAvoid: true }],
    ['*', { avoid: '>=1.1.0' }, '1.0.1'],
    ['^1', { avoid: '1.0.1 || 1.1.0', avoidStrict: true }, '1.0.0'],
  ]
  test.each(cases)('p@%p with %o gets %p', (wanted, options, outcome) => {
    expect(pick(avoid, wanted, options)).toEqual(outcome)
  })
})

describe('pickVersion: staged versions are offered only with includeStaged', () => {
  const staged = packument([version('1.0.0'), version('1.2.0')], { latest: '1.2.0' }, { stagedVersions: { versions: { '1.3.0': version('1.3.0') } } })
  const cases: Case[] = [
    ['^1', { includeStaged: true }, '1.2.0'],
    ['>1.2.0', { includeStaged: true }, '1.3.0'],
    ['>1.2.0', {}, 'ETARGET'],
    ['1.3.0', { includeStaged: true }, '1.3.0'],
    ['1.3.0', {}, 'ETARGET'],
  ]
  test.each(cases)('p@%p with %o gets %p', (wanted, options, outcome) => {
    expect(pick(staged, wanted, options)).toEqual(outcome)
  })
})

describe('pickVersion: missing versions and tags', () => {
  const empty = packument([], {})
  const danglingLatest = packument([version('1.0.0'), version('1.5.0')], { latest: '5.0.0' })
  const noLatest = packument([version('1.0.0'), version('1.5.0'), version('2.0.0-alpha.0')], { next: '2.0.0-alpha.0' })
  const cases: LabelledCase[] = [
    ['no versions', '*', {}, 'ENOVERSIONS', empty],
    ['no versions', '', {}, 'ENOVERSIONS', empty],
    ['no versions', 'latest', {}, 'ETARGET', empty],
    ['no versions', '1.0.0', {}, 'ETARGET', empty],
    ['no versions', '^1', {}, 'ENOVERSIONS', empty],
    ['latest names no version', '*', {}, '1.5.0', danglingLatest],
    ['latest names no version', 'latest', {}, 'ETARGET', danglingLatest],
    ['latest names no version', '^1', {}, '1.5.0', danglingLatest],
    ['no latest tag', '', {}, '1.5.0', noLatest],
    ['no latest tag', '*', {}, '1.5.0', noLatest],
    ['no latest tag', 'next', {}, '2.0.0-alpha.0', noLatest],
    ['no latest tag', '>=2.0.0-0', {}, '2.0.0-alpha.0', noLatest],
  ]
  test.each(cases)('%s: p@%p with %o gets %p', (_, wanted, options, outcome, document) => {
    expect(pick(document, wanted, options)).toEqual(outcome)
  })
})

describe('pickVersion: what the errors say', () => {
  const many = packument(
    Array.from({ length: 12 }, (_, index) => version(`1.${index}.0`)),
    { latest: '1.11.0', next: '1.10.0' },
  )

  function thrown(run: () => unknown): SkiffError {
    try {
      run()
    } catch (error) {
      if (error instanceof SkiffError) return error
      throw error
    }
    throw new Error('expected an error')
  }

  test('ETARGET names the package, the range and who asked, and the newest release of each major, not every prerelease', () => {
    const error = thrown(() => pickVersion(parsePackument(many, 'p'), { type: 'range', fetchSpec: '^2' }, { nodeVersion: NODE, requiredBy: 'app@1.0.0' }))
    expect(error.code).toBe('ETARGET')
    expect(error.message).toBe('No matching version found for p@^2 (required by app@1.0.0).')
    expect(error.details.lines).toEqual(['newest of each major: 1.11.0 (latest), of 12 versions'])
    const canaries = packument(
      ['19.3.1', '19.3.0-canary-1', '19.3.0-canary-2', '18.3.1', '18.0.0', '17.0.2', '16.14.0', '15.7.0', '0.14.10', '20.0.0-rc.1'].map((number) => version(number)),
      { latest: '19.3.1', canary: '19.3.0-canary-2', rc: '20.0.0-rc.1' },
    )
    const react = thrown(() => pickVersion(parsePackument(canaries, 'react'), { type: 'range', fetchSpec: '^99' }, { nodeVersion: NODE }))
    expect(react.details.lines).toEqual(['newest of each major: 19.3.1 (latest), 18.3.1, 17.0.2, 16.14.0, 15.7.0, of 10 versions'])
    const wantsPrerelease = thrown(() => pickVersion(parsePackument(canaries, 'react'), { type: 'range', fetchSpec: '^21.0.0-rc.1' }, { nodeVersion: NODE }))
    expect(wantsPrerelease.details.lines).toEqual(['newest of each major: 20.0.0-rc.1, 19.3.1 (latest), 18.3.1, 17.0.2, 16.14.0, of 10 versions'])
    expect(error.details.wanted).toBe('^2')
    expect(error.details.pkg).toBe('p')
  })

  test('ETARGET with before gives the date', () => {
    const dated = packument([version('1.0.0')], { latest: '1.0.0' }, { time: { '1.0.0': '2020-01-01T00:00:00.000Z' } })
    const before = new Date('2021-01-01T00:00:00.000Z')
    const error = thrown(() => pickVersion(parsePackument(dated, 'p'), { type: 'range', fetchSpec: '^2' }, { nodeVersion: NODE, before }))
    expect(error.message).toBe('No matching version found for p@^2 with a date before 2021-01-01T00:00:00.000Z.')
  })

  test('ENOVERSIONS says the package has no published versions', () => {
    const error = thrown(() => pickVersion(parsePackument(packument([], {}), 'p'), { type: 'range', fetchSpec: '*' }, { nodeVersion: NODE, requiredBy: 'app@1.0.0' }))
    expect(error.code).toBe('ENOVERSIONS')
    expect(error.message).toBe('No versions available for p (required by app@1.0.0).')
    expect(error.hint).toBe('p has no published versions (it may have been unpublished)')
  })

  test('an empty fetch spec means the default tag, which must be a valid tag name', () => {
    const error = thrown(() => pickVersion(parsePackument(many, 'p'), { type: 'range', fetchSpec: '' }, { nodeVersion: NODE, defaultTag: 'a b' }))
    expect(error.code).toBe('EINVALIDTAGNAME')
  })
})
