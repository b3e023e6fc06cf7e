import { describe, expect, test } from 'bun:test'
import { isLeftover, parseStagingName, stagingName } from '../../src/store/staging-name.ts'

const self = { host: 'aaaaaaaa', pid: 100 }
const HOUR = 60 * 60 * 1000
const alive = new Set([100, 200])
const context = (ageMs: number) => ({ ageMs, olderThanMs: HOUR, self, isAlive: (pid: number) => alive.has(pid) })
const key = 'f'.repeat(128)

describe('staging names', () => {
  test('carry the owner host and pid', () => {
    expect(parseStagingName(stagingName(key, { host: 'bbbbbbbb', pid: 42 }))).toEqual({ host: 'bbbbbbbb', pid: 42 })
    expect(parseStagingName(stagingName(`url-${'0'.repeat(64)}`, self))).toEqual(self)
    expect(parseStagingName('random-folder')).toBeUndefined()
  })

  test.each([
    ['a young folder of a live process on this host is kept', `${key}.aaaaaaaa.200.x1`, 1000, false],
    ['a young folder of this very process is kept', `${key}.aaaaaaaa.100.x1`, 1000, false],
    ['a young folder of a dead process on this host is a leftover', `${key}.aaaaaaaa.300.x1`, 1000, true],
    ['a young folder of another host is kept (its pid means nothing here)', `${key}.bbbbbbbb.300.x1`, 1000, false],
    ['an old folder is a leftover whoever made it', `${key}.aaaaaaaa.200.x1`, 2 * HOUR, true],
    ['an old folder of another shape is a leftover', 'whatever', 2 * HOUR, true],
    ['a young folder of another shape is kept', 'whatever', 1000, false],
  ])('%s', (_name, name, ageMs, expected) => {
    expect(isLeftover(name, context(ageMs))).toBe(expected)
  })
})
