import { describe, expect, test } from 'bun:test'
import { findJsonSyntaxProblem } from '../../src/lockfile/parse-json.ts'

describe('findJsonSyntaxProblem', () => {
  const cases: [string, string, { line: number; column: number } | undefined][] = [
    ['valid JSON', '{"a": [1, -2.5e3, true, null, "x\\u00e9"]}', undefined],
    ['a trailing comma in an object', '{\n  "a": 1,\n}', { line: 3, column: 1 }],
    ['a trailing comma in an array', '[1,\n 2,\n]', { line: 3, column: 1 }],
    ['a missing comma', '{\n  "a": 1\n  "b": 2\n}', { line: 3, column: 3 }],
    ['a single-quoted string', "{'a': 1}", { line: 1, column: 2 }],
    ['an unterminated string', '{"a": "b', { line: 1, column: 9 }],
    ['a bad escape', '["\\x"]', { line: 1, column: 4 }],
    ['a raw newline in a string', '["a\nb"]', { line: 1, column: 4 }],
    ['a leading zero followed by digits', '[01]', { line: 1, column: 3 }],
    ['text after the value', '{} {}', { line: 1, column: 4 }],
    ['an empty text', '', { line: 1, column: 1 }],
  ]
  for (const [what, text, where] of cases) {
    test(`locates ${what}`, () => {
      const problem = findJsonSyntaxProblem(text)
      expect(problem === undefined ? undefined : { line: problem.line, column: problem.column }).toEqual(where)
      let parsed = true
      try {
        JSON.parse(text)
      } catch {
        parsed = false
      }
      expect(parsed).toBe(where === undefined)
    })
  }
})
