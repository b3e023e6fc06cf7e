import { describe, expect, test } from 'bun:test'
import { gitResolved, parseSpec, parseSpecArg, type GitSpec } from '../../src/spec/index.ts'

const SHA = '0123456789abcdef0123456789abcdef01234567'

function gitSpec(arg: string): GitSpec {
  const spec = parseSpecArg(arg, '/w/proj', '/home/u')
  if (spec.type !== 'git') throw new Error(`${arg} is not a git spec`)
  return spec
}

// What npm 11.19 writes for `npm install <arg>`, computed with npm's own npm-package-arg 13 and
// pacote 21.5 (addGitSha, then GitFetcher.repoUrl): the spec saved in package.json, `resolved`
// in the lockfile at commit SHA, and the URL the commit is cloned from (https first for hosted
// repositories).
const CASES: Array<[string, { saved: string; resolved: string; clone: string }]> = [
  ['github:o/r', { saved: 'github:o/r', resolved: `git+ssh://git@github.com/o/r.git#${SHA}`, clone: 'https://github.com/o/r.git' }],
  ['github:o/r#dev', { saved: 'github:o/r#dev', resolved: `git+ssh://git@github.com/o/r.git#${SHA}`, clone: 'https://github.com/o/r.git' }],
  ['o/r#semver:^1', { saved: 'github:o/r#semver:^1', resolved: `git+ssh://git@github.com/o/r.git#${SHA}`, clone: 'https://github.com/o/r.git' }],
  ['gitlab:g/sub/p#v1', { saved: 'gitlab:g/sub/p#v1', resolved: `git+ssh://git@gitlab.com/g/sub/p.git#${SHA}`, clone: 'https://gitlab.com/g/sub/p.git' }],
  ['bitbucket:o/r', { saved: 'bitbucket:o/r', resolved: `git+ssh://git@bitbucket.org/o/r.git#${SHA}`, clone: 'https://bitbucket.org/o/r.git' }],
  ['git+https://github.com/o/r.git#main', { saved: 'git+https://github.com/o/r.git#main', resolved: `git+ssh://git@github.com/o/r.git#${SHA}`, clone: 'https://github.com/o/r.git' }],
  ['git+https://user:tok@github.com/o/r.git', { saved: 'git+https://user:tok@github.com/o/r.git', resolved: `git+https://user:tok@github.com/o/r.git#${SHA}`, clone: 'https://user:tok@github.com/o/r.git' }],
  ['git+ssh://git@example.com:org/r.git#v2', { saved: 'git+ssh://git@example.com:org/r.git#v2', resolved: `git+ssh://git@example.com:org/r.git#${SHA}`, clone: 'git@example.com:org/r.git' }],
  ['git://example.com/r.git', { saved: 'git://example.com/r.git', resolved: `git://example.com/r.git#${SHA}`, clone: 'git://example.com/r.git' }],
  ['git+file:///srv/r.git#semver:^1', { saved: 'git+file:///srv/r.git#semver:^1', resolved: `git+file:///srv/r.git#${SHA}`, clone: 'file:///srv/r.git' }],
]

describe('git specs: saved spec, locked resolved URL and clone URL', () => {
  for (const [arg, want] of CASES) {
    test(`${arg} saves ${want.saved} and locks ${want.resolved}`, () => {
      const spec = gitSpec(arg)
      expect(spec.saveSpec).toBe(want.saved)
      expect(gitResolved(spec, SHA)).toBe(want.resolved)
      expect(spec.cloneUrl).toBe(want.clone)
    })

    test(`the locked ${want.resolved} names the same repository and the commit (what ci clones)`, () => {
      const locked = parseSpec('pkg', want.resolved, '/')
      if (locked.type !== 'git') throw new Error('not git')
      expect(locked.committish).toBe(SHA)
      expect(locked.cloneUrl).toBe(want.clone)
      expect(gitResolved(locked, SHA)).toBe(want.resolved)
    })
  }
})
