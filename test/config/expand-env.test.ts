import { expect, test } from 'bun:test'
import { expandEnv } from '../../src/config/expand-env.ts'

const env = { TOKEN: 'tok', EMPTY: '' }

test.each([
  ['${TOKEN} is replaced by its value', 'a-${TOKEN}-b', 'a-tok-b', []],
  ['an unset ${VAR} stays as written and is reported', '${NOPE}', '${NOPE}', ['NOPE']],
  ['${VAR?} of an unset variable is empty', 'x${NOPE?}y', 'xy', []],
  ['${VAR?} of a set variable is its value', '${TOKEN?}', 'tok', []],
  ['a set but empty variable expands to empty', '[${EMPTY}]', '[]', []],
  ['one backslash escapes the reference', '\\${TOKEN}', '${TOKEN}', []],
  ['two backslashes keep one and expand', '\\\\${TOKEN}', '\\tok', []],
  ['three backslashes keep one and stay literal', '\\\\\\${TOKEN}', '\\${TOKEN}', []],
  ['several references in one value', '${TOKEN}:${TOKEN}', 'tok:tok', []],
])('%s', (_name, text, expected, unset) => {
  expect(expandEnv(text, env)).toEqual({ text: expected, unset })
})
