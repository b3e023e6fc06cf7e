import { describe, expect, test } from 'bun:test'
import { validatePackageName } from '../../src/spec/index.ts'

// [name, usable as a dependency, acceptable for a new publish, error count, warning count],
// as validate-npm-package-name 7.0.2 (bundled with npm 11.19) answers.
const cases: [string, boolean, boolean, number, number][] = [
  ['some-package', true, true, 0, 0],
  ['example.com', true, true, 0, 0],
  ['under_score', true, true, 0, 0],
  ['123numeric', true, true, 0, 0],
  ['@npm/thingy', true, true, 0, 0],
  ['@jane/foo.js', true, true, 0, 0],
  ['a'.repeat(214), true, true, 0, 0],
  ['crazy!', true, false, 0, 1],
  ['@npm-zors/money!time.js', true, false, 0, 1],
  ['~tilde', true, false, 0, 1],
  ["it's", true, false, 0, 1],
  ['@s/p(x)', true, false, 0, 1],
  ['http', true, false, 0, 1],
  ['process', true, false, 0, 1],
  ['CAPITAL-LETTERS', true, false, 0, 1],
  ['@NPM/Thingy', true, false, 0, 1],
  ['A'.repeat(215), true, false, 0, 2],
  ['', false, false, 1, 0],
  ['.start-with-period', false, false, 1, 0],
  ['-start-with-hyphen', false, false, 1, 0],
  ['_start-with-underscore', false, false, 1, 0],
  ['contain:colons', false, false, 1, 0],
  [' leading-space', false, false, 2, 0],
  ['trailing-space ', false, false, 2, 0],
  ['s/l/a/s/h/e/s', false, false, 1, 0],
  ['node_modules', false, false, 1, 0],
  ['NODE_MODULES', false, false, 1, 1],
  ['favicon.ico', false, false, 1, 0],
  ['fs/promises', false, false, 1, 1],
  ['node:test', false, false, 1, 1],
  ['node:fs', false, false, 1, 0],
  ['@scope/.dot', false, false, 1, 0],
  ['@/x', false, false, 1, 0],
  ['@scope/', false, false, 1, 0],
  ['@scope/a/b', false, false, 1, 0],
  ['ünicode', false, false, 1, 0],
  ['with space', false, false, 1, 0],
  ['(x)/y', false, false, 1, 0],
  ['a%20b', false, false, 1, 0],
  ['@s%2Fp', false, false, 1, 1],
]

describe('validatePackageName', () => {
  test.each(cases)('%p: usable %p, publishable %p, %p errors, %p warnings', (name, old, fresh, errors, warnings) => {
    const result = validatePackageName(name)
    expect([result.validForOldPackages, result.validForNewPackages, result.errors.length, result.warnings.length])
      .toEqual([old, fresh, errors, warnings])
  })

  test('the errors say what is wrong with the name', () => {
    expect(validatePackageName('_x').errors).toEqual(['a name cannot start with "_"'])
    expect(validatePackageName('favicon.ico').errors).toEqual(['"favicon.ico" is reserved'])
  })
})
