import { expect, test } from 'bun:test'
import { isUnicodeLocale, readBooleanSetting, shouldColor } from '../../src/query/index.ts'

const colorCases: Array<[string, unknown, boolean, Record<string, string>, boolean]> = [
  ['a terminal by default', undefined, true, {}, true],
  ['no terminal by default', undefined, false, {}, false],
  ['NO_COLOR on a terminal', undefined, true, { NO_COLOR: '1' }, false],
  ['NO_COLOR=0 on a terminal', undefined, true, { NO_COLOR: '0' }, true],
  ['color=always without a terminal', 'always', false, {}, true],
  ['color=false on a terminal', 'false', true, {}, false],
  ['--no-color on a terminal', false, true, {}, false],
]

test.each(colorCases)('colors: %s', (_name, setting, isTTY, env, expected) => {
  expect(shouldColor(setting, isTTY, env)).toBe(expected)
})

test('unicode lines with a UTF-8 locale, LC_ALL first', () => {
  expect(isUnicodeLocale({ LANG: 'en_US.UTF-8' })).toBe(true)
  expect(isUnicodeLocale({ LANG: 'C.utf8' })).toBe(true)
  expect(isUnicodeLocale({ LC_ALL: 'C', LANG: 'en_US.UTF-8' })).toBe(false)
  expect(isUnicodeLocale({})).toBe(false)
})

test('a boolean flag wins over its configured value', () => {
  expect(readBooleanSetting(false, 'true')).toBe(false)
  expect(readBooleanSetting(undefined, 'true')).toBe(true)
  expect(readBooleanSetting(undefined, undefined)).toBe(false)
})
