import { describe, expect, test } from 'bun:test'
import { parseSpec, type GitSpec } from '../../src/spec/index.ts'
import { errorCode, HOME, WHERE } from './spec-fixtures.ts'

// Every expectation below is what npm 11.19's own npm-package-arg (13.0.2) answers for
// npa.resolve(name, spec, where) on the same input, with HOME=/home/u.

describe('parseSpec: registry specs', () => {
  const cases: [string, string, 'version' | 'range' | 'tag', string, string][] = [
    ['foo', '^1.0.0', 'range', 'foo', '^1.0.0'],
    ['foo', '', 'range', 'foo', ''],
    ['foo', ' 1.2.3 ', 'version', 'foo', '1.2.3'],
    ['foo', 'latest', 'tag', 'foo', 'latest'],
    ['foo', '1', 'range', 'foo', '1'],
    ['foo', '*', 'range', 'foo', '*'],
    ['foo', 'x', 'range', 'foo', 'x'],
    ['foo', 'beta', 'tag', 'foo', 'beta'],
    ['foo', '>=1.0.0 <2.0.0 || ^3', 'range', 'foo', '>=1.0.0 <2.0.0 || ^3'],
    ['Foo', '1.0.0', 'version', 'Foo', '1.0.0'],
    ['@s/p', 'next', 'tag', '@s/p', 'next'],
    ['foo', 'v1.2.3', 'version', 'foo', 'v1.2.3'],
    ['foo', '1.2.3-beta.1', 'version', 'foo', '1.2.3-beta.1'],
    ['foo', '~1.2.3-rc.0', 'range', 'foo', '~1.2.3-rc.0'],
    ['foo', '\t1.0.0', 'version', 'foo', '1.0.0'],
    ['foo', 'v1', 'range', 'foo', 'v1'],
    ['foo', 'next-1', 'tag', 'foo', 'next-1'],
    ['foo', '1.0.0 - 2.0.0', 'range', 'foo', '1.0.0 - 2.0.0'],
    ['foo', '>= 1.2', 'range', 'foo', '>= 1.2'],
    ['foo', '~ 1.2', 'range', 'foo', '~ 1.2'],
  ]
  test.each(cases)('%p: %p is a %s spec of %p with fetch spec %p', (name, rawSpec, type, expectedName, fetchSpec) => {
    expect(parseSpec(name, rawSpec, WHERE, HOME)).toEqual({ type, name: expectedName, raw: `${name}@${rawSpec}`, rawSpec, fetchSpec })
  })
})

describe('parseSpec: npm: aliases', () => {
  const cases: [string, string, string, string, string, string][] = [
    ['foo', 'npm:bar@^2', 'foo', 'range', 'bar', '^2'],
    ['foo', 'npm:@s/bar', 'foo', 'range', '@s/bar', '*'],
  ]
  test.each(cases)('%p: %p installs as %p a %s spec of %p with fetch spec %p', (name, rawSpec, folder, type, realName, fetchSpec) => {
    const spec = parseSpec(name, rawSpec, WHERE, HOME)
    expect(spec).toMatchObject({ type: 'alias', name: folder, subSpec: { type, name: realName, fetchSpec } })
  })
})

describe('parseSpec: git specs', () => {
  const cases: [string | undefined, string, Partial<GitSpec>][] = [
    ['foo', 'foo/bar', { hosted: { host: 'github', user: 'foo', project: 'bar' }, url: 'git+ssh://git@github.com/foo/bar.git', cloneUrl: 'https://github.com/foo/bar.git', saveSpec: 'github:foo/bar' }],
    ['foo', 'github:u/p', { hosted: { host: 'github', user: 'u', project: 'p' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', saveSpec: 'github:u/p' }],
    ['foo', 'u/p#v1', { hosted: { host: 'github', user: 'u', project: 'p', committish: 'v1' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', committish: 'v1', saveSpec: 'github:u/p#v1' }],
    [undefined, 'github:u/p', { hosted: { host: 'github', user: 'u', project: 'p' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', saveSpec: 'github:u/p' }],
    ['foo', 'git+ssh://git@github.com:u/p.git#semver:^2', { hosted: { host: 'github', user: 'u', project: 'p', committish: 'semver:^2' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', semverRange: '^2', saveSpec: 'git+ssh://git@github.com/u/p.git#semver:^2' }],
    ['foo', 'git+https://user@github.com/u/p.git', { hosted: { host: 'github', user: 'u', project: 'p', auth: 'user' }, url: 'git+https://user@github.com/u/p.git', cloneUrl: 'https://user@github.com/u/p.git', saveSpec: 'git+https://user@github.com/u/p.git' }],
    ['foo', 'https://user:p@git.sr.ht/~u/p', { hosted: { host: 'sourcehut', user: '~u', project: 'p', auth: 'user:p' }, url: 'git+https://git.sr.ht/~u/p', cloneUrl: 'https://git.sr.ht/~u/p', saveSpec: 'https://git.sr.ht/~u/p' }],
    ['foo', 'github:u/p#semver:^1', { hosted: { host: 'github', user: 'u', project: 'p', committish: 'semver:^1' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', semverRange: '^1', saveSpec: 'github:u/p#semver:^1' }],
    ['foo', 'u/p', { hosted: { host: 'github', user: 'u', project: 'p' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', saveSpec: 'github:u/p' }],
    ['foo', 'git+ssh://git@example.com:22/r.git', { url: 'git+ssh://git@example.com:22/r.git', cloneUrl: 'ssh://git@example.com:22/r.git', saveSpec: 'git+ssh://git@example.com:22/r.git' }],
    ['foo', 'tag/x', { hosted: { host: 'github', user: 'tag', project: 'x' }, url: 'git+ssh://git@github.com/tag/x.git', cloneUrl: 'https://github.com/tag/x.git', saveSpec: 'github:tag/x' }],
    ['foo', 'git://github.com/u/p.git#semver:1.x', { hosted: { host: 'github', user: 'u', project: 'p', committish: 'semver:1.x' }, url: 'git+ssh://git@github.com/u/p.git', cloneUrl: 'https://github.com/u/p.git', semverRange: '1.x', saveSpec: 'git://github.com/u/p.git#semver:1.x' }],
  ]
  test.each(cases)('%p: %p is a git spec %o', (name, rawSpec, expected) => {
    const { type, raw, ...git } = parseSpec(name, rawSpec, WHERE, HOME) as GitSpec
    expect(type).toBe('git')
    expect(raw).toBe(name === undefined ? rawSpec : `${name}@${rawSpec}`)
    expect(git).toEqual({ name, rawSpec, hosted: undefined, committish: undefined, semverRange: undefined, subdir: undefined, ...expected } as typeof git)
  })
})

describe('parseSpec: remote tarballs', () => {
  const cases: [string, string, string, string][] = [
    ['foo', 'https://x.org/f.tgz', 'foo', 'https://x.org/f.tgz'],
  ]
  test.each(cases)('%p: %p is a remote tarball of %p at %p', (name, rawSpec, expectedName, url) => {
    expect(parseSpec(name, rawSpec, WHERE, HOME)).toEqual({ type: 'remote', name: expectedName, raw: `${name}@${rawSpec}`, rawSpec, url })
  })
})

describe('parseSpec: local tarballs and folders', () => {
  const cases: [string | undefined, string, string, 'file' | 'directory', string, string][] = [
    ['foo', 'file:../foo', '/w/proj', 'directory', '/w/foo', 'file:../foo'],
    ['foo', 'file:foo.tgz', '/w/proj', 'file', '/w/proj/foo.tgz', 'file:foo.tgz'],
    ['foo', '../foo', '/w/proj', 'directory', '/w/foo', 'file:../foo'],
    ['foo', 'git@example.com:u/r.git', '/w/proj', 'directory', '/w/proj/git@example.com:u/r.git', 'file:git@example.com:u/r.git'],
    ['foo', '~/x', '/w/proj', 'directory', '/home/u/x', 'file:~/x'],
    ['foo', 'file:~', '/w/proj', 'directory', '/home/u', 'file:~'],
    ['foo', 'c:x', '/w/proj', 'directory', '/w/proj/c:x', 'file:c:x'],
    [undefined, './x', '/w/proj', 'directory', '/w/proj/x', 'file:x'],
    ['foo', 'file:sub dir', '/w/proj', 'directory', '/w/proj/sub dir', 'file:sub dir'],
    ['foo', 'file:a%20b', '/w/proj', 'directory', '/w/proj/a%20b', 'file:a%20b'],
    ['foo', '/abs path/x', '/w/proj', 'directory', '/abs path/x', 'file:/abs path/x'],
    ['foo', 'file://localhost/x', '/w/proj', 'directory', '/localhost/x', 'file:/localhost/x'],
    ['foo', '../../x', '/w/a/b', 'directory', '/w/x', 'file:../../x'],
    ['foo', 'file:', '/w/proj', 'directory', '/w/proj', 'file:'],
    ['foo', 'file:./', '/w/proj', 'directory', '/w/proj', 'file:'],
    ['foo', 'FILE:x', '/w/proj', 'directory', '/w/proj/FILE:x', 'file:FILE:x'],
    ['foo', 'a:b', '/w/proj', 'directory', '/w/proj/a:b', 'file:a:b'],
    ['foo', 'x.TAR', '/w/proj', 'file', '/w/proj/x.TAR', 'file:x.TAR'],
    ['foo', 'file:../x', '/w/a#b', 'directory', '/w/x', 'file:../x'],
  ]
  test.each(cases)('%p: %p read in %p is a %s at %p saved as %p', (name, rawSpec, where, type, path, saveSpec) => {
    expect(parseSpec(name, rawSpec, where, HOME)).toMatchObject({ type, name, path, saveSpec })
  })
})

describe('parseSpec: refused specs', () => {
  const cases: [string, string, string][] = [
    ['foo', 'a b', 'EINVALIDTAGNAME'],
    ['foo', 'npm:bar@github:u/p', 'EBADSPEC'],
    ['foo', 'git@example.com:r.git', 'EINVALIDTAGNAME'],
    ['foo', 'link:../foo', 'EUNSUPPORTEDPROTOCOL'],
    ['foo', 'workspace:*', 'EUNSUPPORTEDPROTOCOL'],
    ['foo', 'catalog:', 'EUNSUPPORTEDPROTOCOL'],
    ['_bad', '1.0.0', 'EINVALIDPACKAGENAME'],
    ['foo', 'tag%', 'EINVALIDTAGNAME'],
    ['foo', 'npm:bar@file:x', 'EBADSPEC'],
    ['foo', 'npm:bar@u/p', 'EBADSPEC'],
  ]
  test.each(cases)('%p: %p fails with %s', (name, rawSpec, code) => {
    expect(errorCode(() => parseSpec(name, rawSpec, WHERE, HOME))).toBe(code)
  })
})

describe('parseSpec: where skiff is stricter than npm', () => {
  test('a registry spec without a package name fails with EINVALIDPACKAGENAME (npm returns a nameless spec)', () => {
    expect(errorCode(() => parseSpec(undefined, '^1', WHERE, HOME))).toBe('EINVALIDPACKAGENAME')
    expect(errorCode(() => parseSpec('', '1.0.0', WHERE, HOME))).toBe('EINVALIDPACKAGENAME')
  })

  test('a host shortcut without a user fails with EBADSPEC (npm would clone github.com/null/<project>)', () => {
    expect(errorCode(() => parseSpec('foo', 'github:foo', WHERE, HOME))).toBe('EBADSPEC')
  })
})

describe('parseSpec: messages', () => {
  test('an invalid name is named in the message, with what is wrong with it', () => {
    expect(() => parseSpec('_bad', '1.0.0', WHERE, HOME)).toThrow('invalid package name "_bad" in "_bad@1.0.0": a name cannot start with "_"')
  })

  test('an unsupported protocol is named in the message', () => {
    expect(() => parseSpec('foo', 'workspace:*', WHERE, HOME)).toThrow('unsupported spec type "workspace:" in "foo@workspace:*"')
  })

  test('an invalid tag is named in the message', () => {
    expect(() => parseSpec('foo', 'a b', WHERE, HOME)).toThrow('invalid tag name "a b" in "foo@a b"')
  })
})

describe('parseSpec: defaults', () => {
  test('a relative path is resolved against the current folder when no folder is given', () => {
    expect(parseSpec('foo', './x')).toMatchObject({ type: 'directory', path: `${process.cwd()}/x`, saveSpec: 'file:x' })
  })

  test('a relative folder to resolve against is made absolute first', () => {
    expect(parseSpec('foo', 'file:x', 'sub', HOME)).toMatchObject({ path: `${process.cwd()}/sub/x`, saveSpec: 'file:x' })
  })
})

describe('parseSpec of a plain version or caret/tilde range', () => {
  test('gives what the full classification gives, for names seen before', async () => {
    const { default: fc } = await import('fast-check')
    const { classifySpec, contextFor } = await import('../../src/spec/parse-spec.ts')
    const part = fc.oneof(fc.constantFrom('0', '1', '10', '01', 'x'), fc.nat(99999).map(String))
    const spec = fc.tuple(fc.constantFrom('', '^', '~', '=', 'v', '>='), fc.array(part, { minLength: 1, maxLength: 4 }), fc.constantFrom('', '-rc.1', ' '))
      .map(([prefix, parts, suffix]) => `${prefix}${parts.join('.')}${suffix}`)
    const outcome = (read: () => unknown) => {
      try {
        return read()
      } catch (error) {
        return String(error)
      }
    }
    for (const name of ['a', '@s/b', 'c-d']) parseSpec(name, '*', '/')
    fc.assert(
      fc.property(fc.constantFrom('a', '@s/b', 'c-d'), spec, (name, rawSpec) => {
        const full = outcome(() => classifySpec({ name, raw: `${name}@${rawSpec}`, rawSpec }, contextFor('/', undefined)))
        expect(outcome(() => parseSpec(name, rawSpec, '/'))).toEqual(full)
      }),
      { numRuns: 3000 },
    )
  })
})
