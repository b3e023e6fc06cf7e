import { describe, expect, test } from 'bun:test'
import { parseLsRemote, pickCommit } from '../../src/git/index.ts'

const sha = (digit: string) => digit.repeat(40)

// `git ls-remote` of a repository: HEAD on main, an annotated tag (peeled below it), a tag with
// no version, a pull request ref
const LS_REMOTE = [
  `${sha('1')}\tHEAD`,
  `${sha('2')}\trefs/heads/dev`,
  `${sha('1')}\trefs/heads/main`,
  `${sha('3')}\trefs/tags/v1.0.0`,
  `${sha('4')}\trefs/tags/v1.1.0`,
  `${sha('5')}\trefs/tags/v1.1.0^{}`,
  `${sha('1')}\trefs/tags/2.0.0`,
  `${sha('6')}\trefs/tags/v3.0.0-beta.1`,
  `${sha('7')}\trefs/tags/release-candidate`,
  `${sha('8')}\trefs/pull/12/head`,
  '',
].join('\n')

describe('parseLsRemote', () => {
  test('refs under their short and full names, annotated tags peeled, version tags as versions', () => {
    const refs = parseLsRemote(LS_REMOTE)
    expect(refs.refs.get('HEAD')).toBe(sha('1'))
    expect(refs.refs.get('dev')).toBe(sha('2'))
    expect(refs.refs.get('refs/heads/dev')).toBe(sha('2'))
    expect(refs.refs.get('v1.1.0')).toBe(sha('5'))
    expect(refs.refs.get('refs/tags/v1.1.0')).toBe(sha('5'))
    expect(refs.refs.get('pull/12')).toBe(sha('8'))
    expect([...refs.versions].sort()).toEqual([
      ['1.0.0', sha('3')],
      ['1.1.0', sha('5')],
      ['2.0.0', sha('1')],
      ['3.0.0-beta.1', sha('6')],
    ])
  })
})

describe('pickCommit: the commit a committish names', () => {
  const refs = parseLsRemote(LS_REMOTE)
  const cases: Array<[string, { committish?: string; semverRange?: string }, string | undefined]> = [
    ['no committish: HEAD', {}, sha('1')],
    ['a branch', { committish: 'dev' }, sha('2')],
    ['an annotated tag: its commit', { committish: 'v1.1.0' }, sha('5')],
    ['a full ref name', { committish: 'refs/heads/dev' }, sha('2')],
    ['a name no ref has: left to the clone', { committish: 'abc1234' }, undefined],
    ['semver: the highest satisfying tag', { semverRange: '^1' }, sha('5')],
    ['semver: prereleases only when the range asks', { semverRange: '>=3.0.0-beta' }, sha('6')],
    ['semver: nothing satisfies', { semverRange: '^9' }, undefined],
  ]
  for (const [what, wanted, want] of cases) {
    test(what, () => {
      expect(pickCommit(refs, { committish: wanted.committish, semverRange: wanted.semverRange })).toBe(want)
    })
  }

  // npm 11.19 with HEAD on a branch at v1.0.0 and v1.1.0 tagged: #semver:^1 locks v1.0.0's commit
  test('semver: the version at HEAD wins when it satisfies, as npm prefers the latest dist-tag', () => {
    const headOnOld = parseLsRemote(LS_REMOTE.replace(`${sha('1')}\tHEAD`, `${sha('3')}\tHEAD`))
    expect(pickCommit(headOnOld, { committish: undefined, semverRange: '^1' })).toBe(sha('3'))
    expect(pickCommit(headOnOld, { committish: undefined, semverRange: '^2' })).toBe(sha('1'))
  })

  test('semver: a ref named latest stands for the latest dist-tag instead of HEAD', () => {
    const withLatest = parseLsRemote(`${LS_REMOTE}${sha('3')}\trefs/heads/latest\n`)
    expect(pickCommit(withLatest, { committish: undefined, semverRange: '^1' })).toBe(sha('3'))
  })
})
