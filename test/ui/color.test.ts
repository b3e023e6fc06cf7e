import { expect, test } from 'bun:test'
import { canDrawLive, shouldColor } from '../../src/ui/color.ts'

const colorCases: Array<[string, unknown, boolean, Record<string, string>, boolean]> = [
  ['a terminal by default', undefined, true, {}, true],
  ['no terminal by default', undefined, false, {}, false],
  ['NO_COLOR on a terminal', undefined, true, { NO_COLOR: '1' }, false],
  ['NO_COLOR=0 on a terminal', undefined, true, { NO_COLOR: '0' }, true],
  ['color=always without a terminal', 'always', false, {}, true],
  ['color=false on a terminal', 'false', true, {}, false],
  ['--no-color on a terminal', false, true, {}, false],
  ['FORCE_COLOR=0 on a terminal', undefined, true, { FORCE_COLOR: '0' }, false],
  ['FORCE_COLOR=1 without a terminal', undefined, false, { FORCE_COLOR: '1' }, true],
  ['TERM=dumb on a terminal', undefined, true, { TERM: 'dumb' }, false],
  ['--no-color wins over FORCE_COLOR', false, true, { FORCE_COLOR: '1' }, false],
]

test.each(colorCases)('colors: %s', (_name, setting, isTTY, env, expected) => {
  expect(shouldColor(setting, isTTY, env)).toBe(expected)
})

test('the live progress line only on a terminal that is not CI and not dumb', () => {
  expect(canDrawLive(true, {})).toBe(true)
  expect(canDrawLive(false, {})).toBe(false)
  expect(canDrawLive(true, { CI: 'true' })).toBe(false)
  expect(canDrawLive(true, { TERM: 'dumb' })).toBe(false)
})
