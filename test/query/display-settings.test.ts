import { expect, test } from 'bun:test'
import { isUnicodeLocale, readBooleanSetting } from '../../src/query/index.ts'

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
