import { afterAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { isEngineCompatible, nodeVersionSettled, probeNodeVersion, type EngineVersions } from '../../src/link/index.ts'
import { defaultNodeVersion } from '../../src/resolve/pick-version.ts'

describe('isEngineCompatible', () => {
  const cases: [string, Record<string, string> | string[] | undefined, EngineVersions, boolean][] = [
    ['no engines', undefined, { nodeVersion: 'v20.0.0' }, true],
    ['node range met', { node: '>=18' }, { nodeVersion: 'v20.0.0' }, true],
    ['node range missed', { node: '>=22' }, { nodeVersion: 'v20.0.0' }, false],
    ['a prerelease node meets a plain range', { node: '>=20' }, { nodeVersion: 'v21.0.0-pre' }, true],
    ['an unparseable node range', { node: 'banana' }, { nodeVersion: 'v20.0.0' }, false],
    ['an empty node range', { node: '' }, { nodeVersion: 'v20.0.0' }, true],
    ['no node version to compare', { node: '>=99' }, { nodeVersion: '' }, true],
    ['npm range without an npm version', { npm: '>=99' }, { nodeVersion: 'v20.0.0' }, true],
    ['npm range missed', { npm: '>=12' }, { nodeVersion: 'v20.0.0', npmVersion: '11.19.1' }, false],
    ['npm range met', { npm: '>=11' }, { nodeVersion: 'v20.0.0', npmVersion: '11.19.1' }, true],
    ['other engines are ignored', { bun: '>=9' }, { nodeVersion: 'v20.0.0' }, true],
    ['an engines array (old packages) never fails', ['node >= 99'], { nodeVersion: 'v20.0.0' }, true],
  ]
  test.each(cases)('%s: %o with %o is %p', (_, engines, versions, expected) => {
    expect(isEngineCompatible(engines === undefined ? {} : { engines }, versions)).toBe(expected)
  })
})

describe('defaultNodeVersion', () => {
  const tempDirs: string[] = []
  afterAll(() => {
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true })
  })

  function pathWithNode(script: string | undefined): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-'))
    tempDirs.push(dir)
    if (script !== undefined) fs.writeFileSync(path.join(dir, 'node'), `#!/bin/sh\n${script}\n`, { mode: 0o755 })
    return dir
  }

  test('is the version the node on PATH prints', () => {
    expect(defaultNodeVersion({ searchPath: pathWithNode('echo v18.19.1') })).toBe('v18.19.1')
  })

  test("is Bun's process.version when there is no node on PATH", () => {
    expect(defaultNodeVersion({ searchPath: pathWithNode(undefined) })).toBe(process.version)
  })

  test("is Bun's process.version when node fails or prints no version", () => {
    expect(defaultNodeVersion({ searchPath: pathWithNode('exit 3') })).toBe(process.version)
    expect(defaultNodeVersion({ searchPath: pathWithNode('echo hello') })).toBe(process.version)
  })

  test('asks node once per PATH', () => {
    const dir = pathWithNode('echo v16.0.0')
    expect(defaultNodeVersion({ searchPath: dir })).toBe('v16.0.0')
    fs.writeFileSync(path.join(dir, 'node'), '#!/bin/sh\necho v17.0.0\n', { mode: 0o755 })
    expect(defaultNodeVersion({ searchPath: dir })).toBe('v16.0.0')
  })

  test('with a memo file, a later process asks the same node executable nothing, and a replaced one again', () => {
    const dir = pathWithNode('echo v16.1.0')
    const memoFile = path.join(dir, 'memo.json')
    const node = path.join(dir, 'node')
    const askedBy = (script: string) => `#!/bin/sh\necho asked >> ${dir}/asked\n${script}\n`
    fs.writeFileSync(node, askedBy('echo v16.1.0'), { mode: 0o755 })
    // a fresh process is a fresh search path key here: each call below is told apart by a trailing ':'
    expect(defaultNodeVersion({ searchPath: dir, memoFile })).toBe('v16.1.0')
    expect(defaultNodeVersion({ searchPath: `${dir}:`, memoFile })).toBe('v16.1.0')
    expect(fs.readFileSync(path.join(dir, 'asked'), 'utf8')).toBe('asked\n')
    fs.writeFileSync(node, askedBy('echo v16.20.0 '), { mode: 0o755 })
    expect(defaultNodeVersion({ searchPath: `${dir}::`, memoFile })).toBe('v16.20.0')
    expect(fs.readFileSync(path.join(dir, 'asked'), 'utf8')).toBe('asked\nasked\n')
  })

  test('a probe started before the question answers it: node is started once, in the background', async () => {
    const dir = pathWithNode('')
    const memoFile = path.join(dir, 'memo.json')
    fs.writeFileSync(path.join(dir, 'node'), `#!/bin/sh\necho asked >> ${dir}/asked\necho v19.2.0\n`, { mode: 0o755 })
    probeNodeVersion({ searchPath: dir, memoFile })
    await nodeVersionSettled({ searchPath: dir, memoFile })
    expect(defaultNodeVersion({ searchPath: dir, memoFile })).toBe('v19.2.0')
    expect(Object.values(JSON.parse(fs.readFileSync(memoFile, 'utf8')))).toEqual(['v19.2.0'])
    expect(fs.readFileSync(path.join(dir, 'asked'), 'utf8')).toBe('asked\n')
    // a second probe of the same PATH starts nothing
    probeNodeVersion({ searchPath: dir, memoFile })
    await Bun.sleep(50)
    expect(fs.readFileSync(path.join(dir, 'asked'), 'utf8')).toBe('asked\n')
  })
})
