import { describe, expect, test } from 'bun:test'
import { parseSpecArg, type GitSpec } from '../../src/spec/index.ts'
import { errorCode, HOME, WHERE } from './spec-fixtures.ts'

// Every expectation below is what npm 11.19's own npm-package-arg (13.0.2) and hosted-git-info
// (9.0.3) answer for the same argument, with the project in /w/proj and HOME=/home/u; git `url`
// is pacote's `resolved` prefix and `cloneUrl` the URL pacote clones first.

describe('parseSpecArg: registry specs', () => {
  const cases: [string, 'version' | 'range' | 'tag', string, string][] = [
    ['react', 'range', 'react', '*'],
    ['react@19', 'range', 'react', '19'],
    ['react@^19.1.0', 'range', 'react', '^19.1.0'],
    ['react@latest', 'tag', 'react', 'latest'],
    ['react@', 'range', 'react', '*'],
    ['@types/node', 'range', '@types/node', '*'],
    ['@types/node@^20', 'range', '@types/node', '^20'],
    ['@types/node@20.1.2', 'version', '@types/node', '20.1.2'],
    ['foo@1.2.3', 'version', 'foo', '1.2.3'],
    ['foo@v1.2.3', 'version', 'foo', 'v1.2.3'],
    ['foo@=1.2.3', 'version', 'foo', '=1.2.3'],
    ['foo@ 1.2.3 ', 'version', 'foo', '1.2.3'],
    ['foo@>=1 <2', 'range', 'foo', '>=1 <2'],
    ['foo@1.x', 'range', 'foo', '1.x'],
    ['foo@x', 'range', 'foo', 'x'],
    ['foo@*', 'range', 'foo', '*'],
    ['foo@next', 'tag', 'foo', 'next'],
    ['~', 'range', '~', '*'],
    ['Foo', 'range', 'Foo', '*'],
    ['http', 'range', 'http', '*'],
    ['FOO@1', 'range', 'FOO', '1'],
    ['foo@1.2.3 || 2', 'range', 'foo', '1.2.3 || 2'],
    ['foo@<1.0.0', 'range', 'foo', '<1.0.0'],
    ['foo@^1.2.3-alpha', 'range', 'foo', '^1.2.3-alpha'],
    ['foo@01.2.3', 'version', 'foo', '01.2.3'],
    ['foo@1.2', 'range', 'foo', '1.2'],
    ['foo@~>1', 'range', 'foo', '~>1'],
    ['foo@latest ', 'tag', 'foo', 'latest'],
    ['foo@v', 'tag', 'foo', 'v'],
    ['foo@=v1', 'range', 'foo', '=v1'],
    ['foo@ ', 'range', 'foo', ''],
    ['foo@^1 ^2', 'range', 'foo', '^1 ^2'],
    ['foo@1.2.3+build', 'version', 'foo', '1.2.3+build'],
    ['foo@v1.2.3-beta', 'version', 'foo', 'v1.2.3-beta'],
    ['@scope/name@', 'range', '@scope/name', '*'],
  ]
  test.each(cases)('%p is a %s spec of %p with fetch spec %p', (arg, type, name, fetchSpec) => {
    expect(parseSpecArg(arg, WHERE, HOME)).toMatchObject({ type, name, raw: arg, fetchSpec })
  })
})

describe('parseSpecArg: npm: aliases', () => {
  const cases: [string, string | undefined, string, string, string][] = [
    ['npm:foo@1', undefined, 'range', 'foo', '1'],
    ['npm:@s/p@^2', undefined, 'range', '@s/p', '^2'],
    ['npm:foo', undefined, 'range', 'foo', '*'],
    ['bar@npm:foo@1', 'bar', 'range', 'foo', '1'],
    ['bar@npm:@s/x@latest', 'bar', 'tag', '@s/x', 'latest'],
    ['NPM:foo@1', undefined, 'range', 'foo', '1'],
    ['@s/p@npm:q@1', '@s/p', 'range', 'q', '1'],
    ['npm:@s/p', undefined, 'range', '@s/p', '*'],
    ['npm:foo@', undefined, 'range', 'foo', '*'],
    ['NPM:foo', undefined, 'range', 'foo', '*'],
    ['foo@NPM:bar@1', 'foo', 'range', 'bar', '1'],
  ]
  test.each(cases)('%p installs as %p a %s spec of %p with fetch spec %p', (arg, name, type, realName, fetchSpec) => {
    const spec = parseSpecArg(arg, WHERE, HOME)
    expect(spec.type).toBe('alias')
    expect(spec.name).toBe(name)
    if (spec.type === 'alias') expect(spec.subSpec).toMatchObject({ type, name: realName, fetchSpec })
  })
})

describe('parseSpecArg: git specs', () => {
  const cases: [string, Partial<GitSpec>][] = [
    ['github:u/p', { hosted: { host: 'github', user: 'u', project: 'p' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', saveSpec: 'github:u/p' }],
    ['github:u/p#v1', { hosted: { host: 'github', user: 'u', project: 'p', committish: 'v1' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', committish: 'v1', saveSpec: 'github:u/p#v1' }],
    ['u/p', { hosted: { host: 'github', user: 'u', project: 'p' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', saveSpec: 'github:u/p' }],
    ['u/p#semver:^1.2', { hosted: { host: 'github', user: 'u', project: 'p', committish: 'semver:^1.2' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', semverRange: '^1.2', saveSpec: 'github:u/p#semver:^1.2' }],
    ['u/p#path:pkgs/a', { hosted: { host: 'github', user: 'u', project: 'p', committish: 'path:pkgs/a' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', subdir: '/pkgs/a', saveSpec: 'github:u/p#path:pkgs/a' }],
    ['u/p#main::path:x', { hosted: { host: 'github', user: 'u', project: 'p', committish: 'main::path:x' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', committish: 'main', subdir: '/x', saveSpec: 'github:u/p#main::path:x' }],
    ['u/p#foo:bar', { hosted: { host: 'github', user: 'u', project: 'p', committish: 'foo:bar' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', saveSpec: 'github:u/p#foo:bar' }],
    ['git@github.com:u/p.git', { hosted: { host: 'github', user: 'u', project: 'p' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', saveSpec: 'git+ssh://git@github.com/u/p.git' }],
    ['git@github.com:u/p.git#abc', { hosted: { host: 'github', user: 'u', project: 'p', committish: 'abc' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', committish: 'abc', saveSpec: 'git+ssh://git@github.com/u/p.git#abc' }],
    ['git+ssh://git@github.com:u/p.git#x', { hosted: { host: 'github', user: 'u', project: 'p', committish: 'x' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', committish: 'x', saveSpec: 'git+ssh://git@github.com/u/p.git#x' }],
    ['git+ssh://git@github.com/u/p.git', { hosted: { host: 'github', user: 'u', project: 'p' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', saveSpec: 'git+ssh://git@github.com/u/p.git' }],
    ['git+https://github.com/u/p.git', { hosted: { host: 'github', user: 'u', project: 'p' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', saveSpec: 'git+https://github.com/u/p.git' }],
    ['git+https://user:tok@github.com/u/p.git#v2', { hosted: { host: 'github', user: 'u', project: 'p', committish: 'v2', auth: 'user:tok' }, url: 'git+https://user:tok@github.com/u/p.git', cloneUrl: 'https://user:tok@github.com/u/p.git', committish: 'v2', saveSpec: 'git+https://user:tok@github.com/u/p.git#v2' }],
    ['https://github.com/u/p', { hosted: { host: 'github', user: 'u', project: 'p' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', saveSpec: 'git+https://github.com/u/p.git' }],
    ['https://github.com/u/p.git#main', { hosted: { host: 'github', user: 'u', project: 'p', committish: 'main' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', committish: 'main', saveSpec: 'git+https://github.com/u/p.git#main' }],
    ['https://github.com/u/p/tree/dev', { hosted: { host: 'github', user: 'u', project: 'p', committish: 'dev' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', committish: 'dev', saveSpec: 'git+https://github.com/u/p.git#dev' }],
    ['git://github.com/u/p.git', { hosted: { host: 'github', user: 'u', project: 'p' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', saveSpec: 'git://github.com/u/p.git' }],
    ['http://github.com/u/p', { hosted: { host: 'github', user: 'u', project: 'p' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', saveSpec: 'git+ssh://git@github.com/u/p.git' }],
    ['https://www.github.com/u/p', { hosted: { host: 'github', user: 'u', project: 'p' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', saveSpec: 'git+https://github.com/u/p.git' }],
    ['gitlab:a/b', { hosted: { host: 'gitlab', user: 'a', project: 'b' }, url: 'git+ssh://git@gitlab.com/a/b.git', cloneUrl: 'https://gitlab.com/a/b.git', saveSpec: 'gitlab:a/b' }],
    ['gitlab:a/b/c#v1', { hosted: { host: 'gitlab', user: 'a/b', project: 'c', committish: 'v1' }, url: 'git+ssh://git@gitlab.com/a/b/c.git', cloneUrl: 'https://gitlab.com/a/b/c.git', committish: 'v1', saveSpec: 'gitlab:a/b/c#v1' }],
    ['https://gitlab.com/g/sub/p.git', { hosted: { host: 'gitlab', user: 'g/sub', project: 'p' }, url: 'git+ssh://git@gitlab.com/g/sub/p.git', cloneUrl: 'https://gitlab.com/g/sub/p.git', saveSpec: 'git+https://gitlab.com/g/sub/p.git' }],
    ['git+ssh://git@gitlab.com/g/p.git', { hosted: { host: 'gitlab', user: 'g', project: 'p' }, url: 'git+ssh://git@gitlab.com/g/p.git', cloneUrl: 'https://gitlab.com/g/p.git', saveSpec: 'git+ssh://git@gitlab.com/g/p.git' }],
    ['bitbucket:u/p', { hosted: { host: 'bitbucket', user: 'u', project: 'p' }, url: 'git+ssh://git@bitbucket.org/u/p.git', cloneUrl: 'https://bitbucket.org/u/p.git', saveSpec: 'bitbucket:u/p' }],
    ['https://bitbucket.org/u/p', { hosted: { host: 'bitbucket', user: 'u', project: 'p' }, url: 'git+ssh://git@bitbucket.org/u/p.git', cloneUrl: 'https://bitbucket.org/u/p.git', saveSpec: 'git+https://bitbucket.org/u/p.git' }],
    ['gist:11081aaa281', { hosted: { host: 'gist', project: '11081aaa281' }, url: 'git+ssh://git@gist.github.com/11081aaa281.git', cloneUrl: 'https://gist.github.com/11081aaa281.git', saveSpec: 'gist:11081aaa281' }],
    ['gist:u/11081aaa281', { hosted: { host: 'gist', user: 'u', project: '11081aaa281' }, url: 'git+ssh://git@gist.github.com/11081aaa281.git', cloneUrl: 'https://gist.github.com/11081aaa281.git', saveSpec: 'gist:11081aaa281' }],
    ['https://gist.github.com/11081aaa281', { hosted: { host: 'gist', project: '11081aaa281' }, url: 'git+ssh://git@gist.github.com/11081aaa281.git', cloneUrl: 'https://gist.github.com/11081aaa281.git', saveSpec: 'git+https://gist.github.com/11081aaa281.git' }],
    ['https://gist.github.com/u/11081aaa281.git', { hosted: { host: 'gist', user: 'u', project: '11081aaa281' }, url: 'git+ssh://git@gist.github.com/11081aaa281.git', cloneUrl: 'https://gist.github.com/11081aaa281.git', saveSpec: 'git+https://gist.github.com/11081aaa281.git' }],
    ['git://gist.github.com/abc.git#x', { hosted: { host: 'gist', project: 'abc', committish: 'x' }, url: 'git+ssh://git@gist.github.com/abc.git', cloneUrl: 'https://gist.github.com/abc.git', committish: 'x', saveSpec: 'git://gist.github.com/abc.git#x' }],
    ['sourcehut:~u/p', { hosted: { host: 'sourcehut', user: '~u', project: 'p' }, url: 'git+ssh://git@git.sr.ht/~u/p.git', cloneUrl: 'https://git.sr.ht/~u/p', saveSpec: 'sourcehut:~u/p' }],
    ['https://git.sr.ht/~u/p', { hosted: { host: 'sourcehut', user: '~u', project: 'p' }, url: 'git+ssh://git@git.sr.ht/~u/p.git', cloneUrl: 'https://git.sr.ht/~u/p', saveSpec: 'https://git.sr.ht/~u/p' }],
    ['git+ssh://git@git.sr.ht/~u/p#v1', { hosted: { host: 'sourcehut', user: '~u', project: 'p', committish: 'v1' }, url: 'git+ssh://git@git.sr.ht/~u/p.git', cloneUrl: 'https://git.sr.ht/~u/p', committish: 'v1', saveSpec: 'git+ssh://git@git.sr.ht/~u/p.git#v1' }],
    ['git+https://example.com/r.git', { url: 'git+https://example.com/r.git', cloneUrl: 'https://example.com/r.git', saveSpec: 'git+https://example.com/r.git' }],
    ['git+https://example.com/r.git#v1', { url: 'git+https://example.com/r.git', cloneUrl: 'https://example.com/r.git', committish: 'v1', saveSpec: 'git+https://example.com/r.git#v1' }],
    ['git+ssh://git@example.com:r.git', { url: 'git+ssh://git@example.com:r.git', cloneUrl: 'git@example.com:r.git', saveSpec: 'git+ssh://git@example.com:r.git' }],
    ['git+ssh://git@example.com:org/r.git#semver:~1', { url: 'git+ssh://git@example.com:org/r.git', cloneUrl: 'git@example.com:org/r.git', semverRange: '~1', saveSpec: 'git+ssh://git@example.com:org/r.git#semver:~1' }],
    ['git@example.com:org/r.git', { url: 'git+ssh://git@example.com:org/r.git', cloneUrl: 'git@example.com:org/r.git', saveSpec: 'git+ssh://git@example.com:org/r.git' }],
    ['git+ssh://git@example.com:22/r.git', { url: 'git+ssh://git@example.com:22/r.git', cloneUrl: 'ssh://git@example.com:22/r.git', saveSpec: 'git+ssh://git@example.com:22/r.git' }],
    ['git://example.com/r', { url: 'git://example.com/r', cloneUrl: 'git://example.com/r', saveSpec: 'git://example.com/r' }],
    ['git+file:///tmp/repo', { url: 'git+file:///tmp/repo', cloneUrl: 'file:///tmp/repo', saveSpec: 'git+file:///tmp/repo' }],
    ['git+http://example.com/r.git#a%20b', { url: 'git+http://example.com/r.git', cloneUrl: 'http://example.com/r.git', committish: 'a%20b', saveSpec: 'git+http://example.com/r.git#a%20b' }],
    ['local/x.tgz', { hosted: { host: 'github', user: 'local', project: 'x.tgz' }, url: 'git+ssh://git@github.com/local/x.tgz.git', cloneUrl: 'https://github.com/local/x.tgz.git', saveSpec: 'github:local/x.tgz' }],
    ['foo@git+rsync://x/y', { url: 'git+rsync://x/y', cloneUrl: 'rsync://x/y', saveSpec: 'git+rsync://x/y' }],
    ['foo@github:u/p#semver:^1', { hosted: { host: 'github', user: 'u', project: 'p', committish: 'semver:^1' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', semverRange: '^1', saveSpec: 'github:u/p#semver:^1' }],
    ['foo@u/p', { hosted: { host: 'github', user: 'u', project: 'p' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', saveSpec: 'github:u/p' }],
    ['foo@git@github.com:u/p', { hosted: { host: 'github', user: 'u', project: 'p' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', saveSpec: 'git+ssh://git@github.com/u/p.git' }],
    ['github:u/p/q', { hosted: { host: 'github', user: 'u/p', project: 'q' }, url: 'git+ssh://git@github.com/u/p/q.git', cloneUrl: 'https://github.com/u/p/q.git', saveSpec: 'github:u/p/q' }],
    ['github:u/', { hosted: { host: 'github', user: 'u', project: '' }, url: 'git+ssh://git@github.com/u/.git', cloneUrl: 'https://github.com/u/.git', saveSpec: 'github:u/' }],
    ['github:@u/p', { hosted: { host: 'github', user: 'u', project: 'p' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', saveSpec: 'github:u/p' }],
    ['u/p#feature/x', { hosted: { host: 'github', user: 'u', project: 'p', committish: 'feature/x' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', committish: 'feature/x', saveSpec: 'github:u/p#feature/x' }],
    ['u/p#a b', { hosted: { host: 'github', user: 'u', project: 'p', committish: 'a b' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', committish: 'a b', saveSpec: 'github:u/p#a b' }],
    ['u/p#', { hosted: { host: 'github', user: 'u', project: 'p' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', saveSpec: 'github:u/p' }],
    ['u/p#semver:%5E1.0', { hosted: { host: 'github', user: 'u', project: 'p', committish: 'semver:^1.0' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', semverRange: '^1.0', saveSpec: 'github:u/p#semver:^1.0' }],
    ['u/p.git', { hosted: { host: 'github', user: 'u', project: 'p' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', saveSpec: 'github:u/p' }],
    ['u/p#v1.0.0@beta', { hosted: { host: 'github', user: 'u', project: 'p', committish: 'v1.0.0@beta' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', committish: 'v1.0.0@beta', saveSpec: 'github:u/p#v1.0.0@beta' }],
    ['github:u/p.git#sha', { hosted: { host: 'github', user: 'u', project: 'p', committish: 'sha' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', committish: 'sha', saveSpec: 'github:u/p#sha' }],
    ['github:user@u/p', { hosted: { host: 'github', user: 'u', project: 'p' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', saveSpec: 'github:u/p' }],
    ['git+ssh://git@github.com/u/p.git#semver:>=1 <2', { hosted: { host: 'github', user: 'u', project: 'p', committish: 'semver:>=1 <2' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', semverRange: '>=1 <2', saveSpec: 'git+ssh://git@github.com/u/p.git#semver:>=1 <2' }],
    ['git@gitlab.com:g/s/p.git#x', { hosted: { host: 'gitlab', user: 'g/s', project: 'p', committish: 'x' }, url: 'git+ssh://git@gitlab.com/g/s/p.git', cloneUrl: 'https://gitlab.com/g/s/p.git', committish: 'x', saveSpec: 'git+ssh://git@gitlab.com/g/s/p.git#x' }],
    ['ssh://git@github.com/u/p.git', { hosted: { host: 'github', user: 'u', project: 'p' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', saveSpec: 'git+ssh://git@github.com/u/p.git' }],
    ['git+ssh://example.com:r.git', { url: 'git+ssh://example.com:r.git', cloneUrl: 'example.com:r.git', saveSpec: 'git+ssh://example.com:r.git' }],
    ['git+https://github.com/u/p.git#semver:^1::path:sub', { hosted: { host: 'github', user: 'u', project: 'p', committish: 'semver:^1::path:sub' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', semverRange: '^1', subdir: '/sub', saveSpec: 'git+https://github.com/u/p.git#semver:^1::path:sub' }],
    ['https://user@github.com/u/p.git', { hosted: { host: 'github', user: 'u', project: 'p', auth: 'user' }, url: 'git+https://user@github.com/u/p.git', cloneUrl: 'https://user@github.com/u/p.git', saveSpec: 'git+https://user@github.com/u/p.git' }],
    ['git://user:pw@github.com/u/p.git', { hosted: { host: 'github', user: 'u', project: 'p', auth: 'user:pw' }, url: 'git+https://user:pw@github.com/u/p.git', cloneUrl: 'https://user:pw@github.com/u/p.git', saveSpec: 'git://user:pw@github.com/u/p.git' }],
    ['git+https://tok@gitlab.com/g/p.git', { hosted: { host: 'gitlab', user: 'g', project: 'p', auth: 'tok' }, url: 'git+https://tok@gitlab.com/g/p.git', cloneUrl: 'https://tok@gitlab.com/g/p.git', saveSpec: 'git+https://tok@gitlab.com/g/p.git' }],
    ['git+ssh://git@bitbucket.org/u/p.git#v1', { hosted: { host: 'bitbucket', user: 'u', project: 'p', committish: 'v1' }, url: 'git+ssh://git@bitbucket.org/u/p.git', cloneUrl: 'https://bitbucket.org/u/p.git', committish: 'v1', saveSpec: 'git+ssh://git@bitbucket.org/u/p.git#v1' }],
    ['ssh://git@gist.github.com/abc.git', { hosted: { host: 'gist', project: 'abc' }, url: 'git+ssh://git@gist.github.com/abc.git', cloneUrl: 'https://gist.github.com/abc.git', saveSpec: 'git+ssh://git@gist.github.com/abc.git' }],
    ['git+https://gist.github.com/abc.git', { hosted: { host: 'gist', project: 'abc' }, url: 'git+ssh://git@gist.github.com/abc.git', cloneUrl: 'https://gist.github.com/abc.git', saveSpec: 'git+https://gist.github.com/abc.git' }],
    ['git@host.com:x', { url: 'git+ssh://git@host.com:x', cloneUrl: 'git@host.com:x', saveSpec: 'git+ssh://git@host.com:x' }],
    ['a@b.c:d', { url: 'git+ssh://a@b.c:d', cloneUrl: 'a@b.c:d', saveSpec: 'git+ssh://a@b.c:d' }],
  ]
  test.each(cases)('%p is a git spec %o', (arg, expected) => {
    const { type, name, raw, rawSpec, ...git } = parseSpecArg(arg, WHERE, HOME) as GitSpec
    expect(type).toBe('git')
    expect(raw).toBe(arg)
    expect(git).toEqual({ hosted: undefined, committish: undefined, semverRange: undefined, subdir: undefined, ...expected } as typeof git)
  })
})

describe('parseSpecArg: remote tarballs', () => {
  const cases: [string, string | undefined, string][] = [
    ['https://github.com/u/p/archive/x.tgz', undefined, 'https://github.com/u/p/archive/x.tgz'],
    ['https://gitlab.com/g/p/-/archive/x.tar.gz', undefined, 'https://gitlab.com/g/p/-/archive/x.tar.gz'],
    ['https://bitbucket.org/u/p/get/v1.tar.gz', undefined, 'https://bitbucket.org/u/p/get/v1.tar.gz'],
    ['https://git.sr.ht/~u/p/archive/v1.tar.gz', undefined, 'https://git.sr.ht/~u/p/archive/v1.tar.gz'],
    ['https://x.org/y.tgz', undefined, 'https://x.org/y.tgz'],
    ['http://x.org/y/-/y-1.0.0.tgz', undefined, 'http://x.org/y/-/y-1.0.0.tgz'],
    ['foo@https://x.org/y.tgz', 'foo', 'https://x.org/y.tgz'],
    ['HTTPS://X.ORG/Y.TGZ', undefined, 'HTTPS://X.ORG/Y.TGZ'],
    ['https://github.com/u', undefined, 'https://github.com/u'],
    ['https://github.com/u/p/blob/main/x', undefined, 'https://github.com/u/p/blob/main/x'],
    ['https://github.com/u/p/issues', undefined, 'https://github.com/u/p/issues'],
    ['https://gist.github.com/u/abc/raw', undefined, 'https://gist.github.com/u/abc/raw'],
    ['https://x.org/pkg?x=1#frag', undefined, 'https://x.org/pkg?x=1#frag'],
    ['http://[::1]:8080/x.tgz', undefined, 'http://[::1]:8080/x.tgz'],
    ['https://user:pw@x.org/y.tgz', undefined, 'https://user:pw@x.org/y.tgz'],
    ['https://x.org/a b.tgz', undefined, 'https://x.org/a b.tgz'],
  ]
  test.each(cases)('%p is a remote tarball named %p at %p', (arg, name, url) => {
    expect(parseSpecArg(arg, WHERE, HOME)).toEqual({ type: 'remote', name, raw: arg, rawSpec: expect.any(String), url })
  })
})

describe('parseSpecArg: local tarballs and folders', () => {
  const cases: [string, string, 'file' | 'directory', string, string][] = [
    ['./local', '/w/proj', 'directory', '/w/proj/local', 'file:local'],
    ['../sibling', '/w/proj', 'directory', '/w/sibling', 'file:../sibling'],
    ['/abs/pkg', '/w/proj', 'directory', '/abs/pkg', 'file:/abs/pkg'],
    ['~/in/home', '/w/proj', 'directory', '/home/u/in/home', 'file:~/in/home'],
    ['file:local', '/w/proj', 'directory', '/w/proj/local', 'file:local'],
    ['file:./a/b', '/w/proj', 'directory', '/w/proj/a/b', 'file:a/b'],
    ['file:../x.tgz', '/w/proj', 'file', '/w/x.tgz', 'file:../x.tgz'],
    ['file:/abs/x', '/w/proj', 'directory', '/abs/x', 'file:/abs/x'],
    ['file://abs/x', '/w/proj', 'directory', '/abs/x', 'file:/abs/x'],
    ['file:///abs/x', '/w/proj', 'directory', '/abs/x', 'file:/abs/x'],
    ['file:~/h', '/w/proj', 'directory', '/home/u/h', 'file:~/h'],
    ['file:/../up', '/w/proj', 'directory', '/w/up', 'file:../up'],
    ['file:', '/w/proj', 'directory', '/w/proj', 'file:'],
    ['x.tgz', '/w/proj', 'file', '/w/proj/x.tgz', 'file:x.tgz'],
    ['a/b/c', '/w/proj', 'directory', '/w/proj/a/b/c', 'file:a/b/c'],
    ['foo@file:../foo', '/w/proj', 'directory', '/w/foo', 'file:../foo'],
    ['foo@./foo', '/w/proj', 'directory', '/w/proj/foo', 'file:foo'],
    ['dir with space/x', '/w/proj', 'directory', '/w/proj/dir with space/x', 'file:dir with space/x'],
    ['./a#b', '/w/proj', 'directory', '/w/proj/a#b', 'file:a#b'],
    ['./a?b', '/w/proj', 'directory', '/w/proj/a?b', 'file:a?b'],
    ['./a%41', '/w/proj', 'directory', '/w/proj/a%41', 'file:a%41'],
    ['C:foo', '/w/proj', 'directory', '/w/proj/C:foo', 'file:C:foo'],
    ['.foo', '/w/proj', 'directory', '/w/proj/.foo', 'file:.foo'],
    ['@scope/', '/w/proj', 'directory', '/w/proj/@scope', 'file:@scope'],
    ['@/x', '/w/proj', 'directory', '/w/proj/@/x', 'file:@/x'],
    ['@s/.x', '/w/proj', 'directory', '/w/proj/@s/.x', 'file:@s/.x'],
    ['@s/x/y', '/w/proj', 'directory', '/w/proj/@s/x/y', 'file:@s/x/y'],
    ['x:y', '/w/proj', 'directory', '/w/proj/x:y', 'file:x:y'],
    ['./rel', '/w/other/../proj2', 'directory', '/w/proj2/rel', 'file:rel'],
    ['u p/x', '/w/proj', 'directory', '/w/proj/u p/x', 'file:u p/x'],
    ['u/p/', '/w/proj', 'directory', '/w/proj/u/p', 'file:u/p'],
    ['.u/p', '/w/proj', 'directory', '/w/proj/.u/p', 'file:.u/p'],
    ['./ü', '/w/proj', 'directory', '/w/proj/ü', 'file:ü'],
    ['./a b/c', '/w/proj', 'directory', '/w/proj/a b/c', 'file:a b/c'],
    ['file:a#b', '/w/proj', 'directory', '/w/proj/a#b', 'file:a#b'],
    ['file:a?b', '/w/proj', 'directory', '/w/proj/a?b', 'file:a?b'],
    ['file:./x.TGZ', '/w/proj', 'file', '/w/proj/x.TGZ', 'file:x.TGZ'],
    ['file:x.tar', '/w/proj', 'file', '/w/proj/x.tar', 'file:x.tar'],
    ['./x.tar.gz', '/w/proj', 'file', '/w/proj/x.tar.gz', 'file:x.tar.gz'],
    ['/', '/w/proj', 'directory', '/', 'file:/'],
    ['//x', '/w/proj', 'directory', '/x', 'file:/x'],
    ['///x', '/w/proj', 'directory', '/x', 'file:/x'],
    ['file:////x', '/w/proj', 'directory', '/x', 'file:/x'],
    ['file:..', '/w/proj', 'directory', '/w', 'file:..'],
    ['file:.', '/w/proj', 'directory', '/w/proj', 'file:'],
    ['.', '/w/proj', 'directory', '/w/proj', 'file:'],
    ['..', '/w/proj', 'directory', '/w', 'file:..'],
    ['~/', '/w/proj', 'directory', '/home/u', 'file:~/'],
    ['~/a/../b', '/w/proj', 'directory', '/home/u/b', 'file:~/b'],
    ['file:~/a b', '/w/proj', 'directory', '/home/u/a b', 'file:~/a b'],
    ['file:/~/x', '/w/proj', 'directory', '/home/u/x', 'file:~/x'],
    ['file:%7E/x', '/w/proj', 'directory', '/w/proj/%7E/x', 'file:%7E/x'],
    ['foo@~/x', '/w/proj', 'directory', '/home/u/x', 'file:~/x'],
    ['@s/p@./x', '/w/proj', 'directory', '/w/proj/x', 'file:x'],
    ['@s/p@file:x', '/w/proj', 'directory', '/w/proj/x', 'file:x'],
    ['foo@/abs', '/w/proj', 'directory', '/abs', 'file:/abs'],
    ['a/b@1', '/w/proj', 'directory', '/w/proj/a/b@1', 'file:a/b@1'],
    ['file:x', '/', 'directory', '/x', 'file:x'],
    ['../x', '/', 'directory', '/x', 'file:x'],
    ['./x', '/a b/c', 'directory', '/a b/c/x', 'file:x'],
  ]
  test.each(cases)('%p read in %p is a %s at %p saved as %p', (arg, where, type, path, saveSpec) => {
    expect(parseSpecArg(arg, where, HOME)).toMatchObject({ type, path, saveSpec })
  })
})

describe('parseSpecArg: refused arguments', () => {
  const cases: [string, string][] = [
    ['foo@not a tag', 'EINVALIDTAGNAME'],
    ['foo@%20', 'EINVALIDTAGNAME'],
    ['npm:npm:foo@1', 'EBADSPEC'],
    ['npm:github:u/p', 'EBADSPEC'],
    ['u/p#a::b', 'EBADSPEC'],
    ['u/p#semver:1::x', 'EBADSPEC'],
    ['u/p#semver:1::semver:2', 'EBADSPEC'],
    ['u/p#path:a::path:b', 'EBADSPEC'],
    ['link:../x', 'EUNSUPPORTEDPROTOCOL'],
    ['foo@link:../x', 'EUNSUPPORTEDPROTOCOL'],
    ['foo@workspace:*', 'EUNSUPPORTEDPROTOCOL'],
    ['workspace:^1', 'EUNSUPPORTEDPROTOCOL'],
    ['jsr:@std/fs', 'EUNSUPPORTEDPROTOCOL'],
    ['foo@catalog:', 'EUNSUPPORTEDPROTOCOL'],
    ['ftp://x.org/y.tgz', 'EUNSUPPORTEDPROTOCOL'],
    ['foo bar', 'EINVALIDTAGNAME'],
    ['@scope', 'EINVALIDTAGNAME'],
    ['foo@@1', 'EINVALIDTAGNAME'],
    ['foo@1@2', 'EINVALIDTAGNAME'],
    ['a@b@c', 'EINVALIDTAGNAME'],
    ['@', 'EINVALIDTAGNAME'],
    ['foo:bar', 'EUNSUPPORTEDPROTOCOL'],
    ['ssh://git@example.com/r.git', 'EUNSUPPORTEDPROTOCOL'],
    ['npm:foo@npm:bar', 'EBADSPEC'],
    ['npm:./x', 'EBADSPEC'],
    ['npm:foo@./x', 'EBADSPEC'],
    ['npm:_x@1', 'EINVALIDPACKAGENAME'],
    ['npm:u/p', 'EBADSPEC'],
    ['foo@npm:foo@https://x/y.tgz', 'EBADSPEC'],
    ['x.tgz@1', 'EINVALIDTAGNAME'],
    ['@a/b/c@1', 'EINVALIDPACKAGENAME'],
    ['@a@1', 'EINVALIDPACKAGENAME'],
    ['user@host:r', 'EUNSUPPORTEDPROTOCOL'],
  ]
  test.each(cases)('%p fails with %s', (arg, code) => {
    expect(errorCode(() => parseSpecArg(arg, WHERE, HOME))).toBe(code)
  })
})
