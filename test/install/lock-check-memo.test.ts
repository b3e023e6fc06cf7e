import { describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createLockCheckMemo, type LockCheckInputs } from '../../src/install/lock-check-memo.ts'

const inputs: LockCheckInputs = {
  packageJsonText: '{"dependencies":{"a":"^1.0.0"}}',
  lockfileBytes: new TextEncoder().encode('{"lockfileVersion":3}'),
  localManifests: new Map([['packages/x', { name: 'x' }]]),
  legacyPeerDeps: false,
  omitLockfileRegistryResolved: false,
}

function tempDir(): { dir: string; [Symbol.dispose](): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-'))
  return { dir, [Symbol.dispose]: () => fs.rmSync(dir, { recursive: true, force: true }) }
}

function counter(remember = true): { runs: number; check: () => { unreached: string[] } | undefined } {
  const state = {
    runs: 0,
    check: () => {
      state.runs++
      return remember ? { unreached: ['node_modules/gone'] } : undefined
    },
  }
  return state
}

describe('LockCheckMemo', () => {
  test('a check that passed is not run again for the same inputs, even by another memo on the same folder', () => {
    using tmp = tempDir()
    const count = counter()
    createLockCheckMemo(tmp.dir, 'build 1').checkOnce(inputs, count.check)
    createLockCheckMemo(tmp.dir, 'build 1').checkOnce({ ...inputs, localManifests: new Map(inputs.localManifests) }, count.check)
    expect(count.runs).toBe(1)
  })

  test.each([
    ['package.json', { packageJsonText: '{"dependencies":{"a":"^2.0.0"}}' }],
    ['the lockfile', { lockfileBytes: new TextEncoder().encode('{"lockfileVersion":2}') }],
    ['a local manifest', { localManifests: new Map([['packages/x', { name: 'y' }]]) }],
    ['legacy-peer-deps', { legacyPeerDeps: true }],
    ['omit-lockfile-registry-resolved', { omitLockfileRegistryResolved: true }],
  ])('a change of %s runs the check again', (_what, change) => {
    using tmp = tempDir()
    const count = counter()
    const memo = createLockCheckMemo(tmp.dir, 'build 1')
    memo.checkOnce(inputs, count.check)
    memo.checkOnce({ ...inputs, ...change }, count.check)
    expect(count.runs).toBe(2)
  })

  test('another build runs the check again', () => {
    using tmp = tempDir()
    const count = counter()
    createLockCheckMemo(tmp.dir, 'build 1').checkOnce(inputs, count.check)
    createLockCheckMemo(tmp.dir, 'build 2').checkOnce(inputs, count.check)
    expect(count.runs).toBe(2)
  })

  test('what the check found is given back as it was, by a later memo on the same folder', () => {
    using tmp = tempDir()
    const count = counter()
    expect(createLockCheckMemo(tmp.dir, 'build 1').checkOnce(inputs, count.check)).toEqual({ unreached: ['node_modules/gone'] })
    expect(createLockCheckMemo(tmp.dir, 'build 1').checkOnce(inputs, count.check)).toEqual({ unreached: ['node_modules/gone'] })
    expect(count.runs).toBe(1)
  })

  test('a remembered outcome that cannot be read back runs the check again', () => {
    using tmp = tempDir()
    const count = counter()
    const memo = createLockCheckMemo(tmp.dir, 'build 1')
    memo.checkOnce(inputs, count.check)
    for (const name of fs.readdirSync(tmp.dir)) fs.writeFileSync(path.join(tmp.dir, name), '{"unreach')
    expect(memo.checkOnce(inputs, count.check)).toEqual({ unreached: ['node_modules/gone'] })
    expect(count.runs).toBe(2)
  })

  test('a check that fails is not remembered and its error passes through', () => {
    using tmp = tempDir()
    const memo = createLockCheckMemo(tmp.dir, 'build 1')
    const failing = () => {
      throw new Error('out of sync')
    }
    expect(() => memo.checkOnce(inputs, failing)).toThrow('out of sync')
    expect(() => memo.checkOnce(inputs, failing)).toThrow('out of sync')
    expect(fs.readdirSync(tmp.dir)).toEqual([])
  })

  test('a check that passed but asks not to be remembered runs again', () => {
    using tmp = tempDir()
    const count = counter(false)
    const memo = createLockCheckMemo(tmp.dir, 'build 1')
    memo.checkOnce(inputs, count.check)
    memo.checkOnce(inputs, count.check)
    expect(count.runs).toBe(2)
    expect(fs.readdirSync(tmp.dir)).toEqual([])
  })

  test('a folder that cannot be written costs the check each time, never an error', () => {
    using tmp = tempDir()
    const blocked = path.join(tmp.dir, 'file')
    fs.writeFileSync(blocked, '')
    const count = counter()
    const memo = createLockCheckMemo(path.join(blocked, 'memo'), 'build 1')
    memo.checkOnce(inputs, count.check)
    memo.checkOnce(inputs, count.check)
    expect(count.runs).toBe(2)
  })
})
