import { describe, expect, test } from 'bun:test'
import type { PolicyNode } from '../../src/scripts/allow-scripts.ts'
import { applyApproval, applyDeny, classifyUnusedEntries, nameKeyFor, versionedKeyFor } from '../../src/scripts/allow-scripts-writer.ts'

const projectDir = '/work/project'
const at = (version: string): PolicyNode => ({ name: 'canvas', version, resolved: `https://registry.npmjs.org/canvas/-/canvas-${version}.tgz` })

describe('applyApproval', () => {
  test('pins every installed version by default', () => {
    const result = applyApproval({}, [at('2.0.0'), at('3.1.0')], { pin: true, projectDir })
    expect(result.allowScripts).toEqual({ 'canvas@2.0.0': true, 'canvas@3.1.0': true })
    expect(result.changes).toEqual([
      { key: 'canvas@2.0.0', change: 'added' },
      { key: 'canvas@3.1.0', change: 'added' },
    ])
  })

  test('rewrites a stale pin to the installed version and replaces a name-only allow', () => {
    const result = applyApproval({ sharp: true, 'canvas@1.0.0': true, canvas: true }, [at('2.0.0')], { pin: true, projectDir })
    expect(result.allowScripts).toEqual({ sharp: true, 'canvas@2.0.0': true })
    expect(result.changes.map((change) => change.change)).toEqual(['removed-stale', 'added', 'replaced-by-pin'])
  })

  test('leaves multi-version statements alone', () => {
    const result = applyApproval({ 'canvas@1.0.0 || 2.0.0': true }, [at('2.0.0')], { pin: true, projectDir })
    expect(result.allowScripts).toEqual({ 'canvas@1.0.0 || 2.0.0': true, 'canvas@2.0.0': true })
  })

  test('with pinning off writes the name and folds single-version pins into it', () => {
    const result = applyApproval({ 'canvas@1.0.0': true }, [at('2.0.0')], { pin: false, projectDir })
    expect(result.allowScripts).toEqual({ canvas: true })
  })

  test('an existing deny wins: nothing changes and the warning says how to approve', () => {
    const result = applyApproval({ canvas: false }, [at('2.0.0')], { pin: true, projectDir })
    expect(result.allowScripts).toEqual({ canvas: false })
    expect(result.changes).toEqual([])
    expect(result.warning).toBe('canvas is denied; remove the entry from allowScripts to approve canvas.')
  })

  test('a version without a resolved URL is approved by name, with a warning', () => {
    const result = applyApproval({ 'canvas@1.0.0': true }, [{ name: 'canvas', version: '2.0.0' }], { pin: true, projectDir })
    expect(result.allowScripts).toEqual({ canvas: true })
    expect(result.warning).toContain('approved by name (all versions)')
  })
})

describe('applyDeny', () => {
  test('writes name: false and drops the package’s pinned allows', () => {
    const result = applyDeny({ 'canvas@2.0.0': true, sharp: true }, [at('2.0.0')], projectDir)
    expect(result.allowScripts).toEqual({ sharp: true, canvas: false })
    expect(result.changes).toEqual([
      { key: 'canvas@2.0.0', change: 'removed-pinned-allow' },
      { key: 'canvas', change: 'added' },
    ])
  })
})

describe('policy keys', () => {
  test('registry packages are keyed by the name and version in their URL, git ones by their host shortcut', () => {
    expect(nameKeyFor(at('2.0.0'), projectDir)).toBe('canvas')
    expect(versionedKeyFor(at('2.0.0'), projectDir)).toBe('canvas@2.0.0')
    const git: PolicyNode = { name: 'x', resolved: 'git+ssh://git@github.com/acme/x.git#abc123' }
    expect(nameKeyFor(git, projectDir)).toBe('github:acme/x')
    expect(versionedKeyFor(git, projectDir)).toBe('github:acme/x#abc123')
  })
})

describe('classifyUnusedEntries', () => {
  test('drops entries for packages not installed or without scripts, keeps unparseable ones', () => {
    const candidates = [
      { node: at('2.0.0'), hasScripts: true },
      { node: { name: 'lodash', version: '4.17.21', resolved: 'https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz' }, hasScripts: false },
    ]
    const { remaining, removed } = classifyUnusedEntries(
      { canvas: true, 'canvas@1.0.0': true, lodash: false, gone: true, 'not a spec!!': true },
      candidates,
      projectDir,
    )
    expect(remaining).toEqual({ canvas: true, 'not a spec!!': true })
    expect(removed).toEqual([
      { key: 'canvas@1.0.0', value: true, reason: 'not-installed' },
      { key: 'lodash', value: false, reason: 'no-scripts' },
      { key: 'gone', value: true, reason: 'not-installed' },
    ])
  })
})
