import { describe, expect, test } from 'bun:test'
import {
  identityFromTarballUrl,
  parseAllowScriptsList,
  resolvePolicy,
  scriptVerdict,
  trustedIdentity,
  validatePolicy,
  type PolicyNode,
} from '../../src/scripts/allow-scripts.ts'
import { isSkiffError } from '../../src/error/index.ts'

const projectDir = '/work/project'
const esbuild: PolicyNode = { name: 'esbuild', version: '0.25.1', resolved: 'https://registry.npmjs.org/esbuild/-/esbuild-0.25.1.tgz' }
const scoped: PolicyNode = { name: '@swc/core', version: '1.3.0', resolved: 'https://r.example/@swc/core/-/core-1.3.0.tgz' }

describe('scriptVerdict', () => {
  test.each([
    ['a bare name allows every version', { esbuild: true }, esbuild, true],
    ['name@* allows every version', { 'esbuild@*': true }, esbuild, true],
    ['a pinned version allows that version', { 'esbuild@0.25.1': true }, esbuild, true],
    ['a pinned version does not allow another', { 'esbuild@0.25.0': true }, esbuild, null],
    ['exact versions joined by || allow each of them', { 'esbuild@0.25.0 || 0.25.1': true }, esbuild, true],
    ['a semver range never matches', { 'esbuild@^0.25.0': true }, esbuild, null],
    ['a dist-tag never matches', { 'esbuild@latest': true }, esbuild, null],
    ['false denies', { esbuild: false }, esbuild, false],
    ['a deny wins over an allow', { esbuild: true, 'esbuild@0.25.1': false }, esbuild, false],
    ['another package is not covered', { sharp: true }, esbuild, null],
    ['scoped names match by the registry URL', { '@swc/core@1.3.0': true }, scoped, true],
  ] as const)('%s', (_, policy, node, verdict) => {
    expect(scriptVerdict(node, policy, projectDir)).toBe(verdict)
  })

  test('the name comes from the resolved URL, not from what the folder or package.json claims', () => {
    const disguised: PolicyNode = { name: 'esbuild', version: '0.25.1', resolved: 'https://registry.npmjs.org/evil/-/evil-0.25.1.tgz' }
    expect(scriptVerdict(disguised, { esbuild: true }, projectDir)).toBeNull()
    expect(scriptVerdict(disguised, { evil: true }, projectDir)).toBe(true)
  })

  test('bundled packages are never covered', () => {
    expect(scriptVerdict({ ...esbuild, inBundle: true }, { esbuild: true }, projectDir)).toBeNull()
  })

  test('without a resolved URL a pin cannot be verified: an allow is refused, a deny still blocks', () => {
    const unresolved: PolicyNode = { name: 'esbuild', version: '0.25.1' }
    expect(scriptVerdict(unresolved, { 'esbuild@0.25.1': true }, projectDir)).toBeNull()
    expect(scriptVerdict(unresolved, { 'esbuild@0.25.1': false }, projectDir)).toBe(false)
    expect(scriptVerdict(unresolved, { esbuild: true }, projectDir)).toBe(true)
  })

  test('an alias without a resolved URL has no trusted name', () => {
    expect(trustedIdentity({ name: 'trusted', lockedName: 'naughty', version: '1.0.0' })).toBeNull()
  })

  test('a tarball dependency matches its file: key, a registry-style key does not match it', () => {
    const local: PolicyNode = { name: 'dep', version: '1.0.0', resolved: 'file:../dep/dep-1.0.0.tgz' }
    expect(scriptVerdict(local, { 'file:../dep/dep-1.0.0.tgz': true }, projectDir)).toBe(true)
    expect(scriptVerdict(local, { dep: true }, projectDir)).toBeNull()
  })

  test('a git dependency matches its repository, and a short commit prefix of its resolved sha', () => {
    const git: PolicyNode = { name: 'tool', version: '1.0.0', resolved: 'git+ssh://git@github.com/acme/tool.git#0123456789abcdef0123456789abcdef01234567' }
    expect(scriptVerdict(git, { 'github:acme/tool': true }, projectDir)).toBe(true)
    expect(scriptVerdict(git, { 'github:acme/tool#0123456': true }, projectDir)).toBe(true)
    expect(scriptVerdict(git, { 'github:acme/tool#7654321': true }, projectDir)).toBeNull()
    expect(scriptVerdict(git, { 'github:acme/other': true }, projectDir)).toBeNull()
  })
})

describe('identityFromTarballUrl', () => {
  test.each([
    ['https://registry.npmjs.org/a/-/a-1.2.3.tgz', { name: 'a', version: '1.2.3' }],
    ['https://registry.npmjs.org/@s/a/-/a-1.2.3-beta.1.tgz', { name: '@s/a', version: '1.2.3-beta.1' }],
    ['https://r.example/npm/mirror/@s%2fa/-/a-2.0.0.tgz', { name: '@s/a', version: '2.0.0' }],
    ['https://r.example/a/-/b-1.0.0.tgz', null],
    ['https://r.example/a.tgz', null],
    ['file:../a-1.0.0.tgz', null],
  ])('%s', (url, identity) => {
    expect(identityFromTarballUrl(url)).toEqual(identity)
  })
})

describe('resolvePolicy', () => {
  test('package.json wins over .npmrc, with a warning that .npmrc is ignored', () => {
    const resolved = resolvePolicy({ packageJson: { esbuild: true }, npmrc: ['sharp'], projectScoped: true, projectDir })
    expect(resolved).toEqual({
      policy: { esbuild: true },
      source: 'package.json',
      warnings: ['.npmrc allow-scripts is ignored because package.json has an allowScripts field'],
    })
  })

  test('.npmrc applies when package.json has no allowScripts', () => {
    expect(resolvePolicy({ packageJson: {}, npmrc: ['sharp', 'esbuild@0.25.1'], projectScoped: true, projectDir }).policy).toEqual({ sharp: true, 'esbuild@0.25.1': true })
  })

  test('--allow-scripts is refused in a project install (EALLOWSCRIPTS) and used by exec, which ignores package.json', () => {
    let thrown: unknown
    try {
      resolvePolicy({ cli: ['esbuild'], projectScoped: true, projectDir })
    } catch (error) {
      thrown = error
    }
    expect(isSkiffError(thrown) && thrown.code).toBe('EALLOWSCRIPTS')
    expect(resolvePolicy({ cli: ['esbuild'], packageJson: { sharp: true }, projectScoped: false, projectDir })).toEqual({ policy: { esbuild: true }, source: 'cli', warnings: [] })
    expect(resolvePolicy({ packageJson: { sharp: true }, projectScoped: false, projectDir }).policy).toBeNull()
  })

  test('ranges, dist-tags and non-boolean values are dropped with a warning', () => {
    const { policy, warnings } = validatePolicy({ 'a@^1.0.0': true, 'b@latest': true, c: 'yes', d: true }, 'package.json', projectDir)
    expect(policy).toEqual({ d: true })
    expect(warnings).toHaveLength(3)
  })

  test('the allow-scripts list splits on commas and drops blanks', () => {
    expect(parseAllowScriptsList(['a, b', ',c,'])).toEqual(['a', 'b', 'c'])
  })
})
