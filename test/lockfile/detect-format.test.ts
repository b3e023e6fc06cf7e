import { describe, expect, test } from 'bun:test'
import { detectFormat } from '../../src/lockfile/index.ts'

describe('detectFormat', () => {
  const cases: [string, string, { indent: string; newline: string }][] = [
    ['two spaces and LF', '{\n  "name": "a"\n}\n', { indent: '  ', newline: '\n' }],
    ['tabs', '{\n\t"name": "a"\n}\n', { indent: '\t', newline: '\n' }],
    ['four spaces and CRLF', '{\r\n    "name": "a"\r\n}\r\n', { indent: '    ', newline: '\r\n' }],
    ['a byte order mark before the brace', '\uFEFF{\n   "name": "a"\n}', { indent: '   ', newline: '\n' }],
    ['an empty object keeps the defaults', '{}\n', { indent: '  ', newline: '\n' }],
    ['one line gives no indent and no newline, so the writer uses its defaults', '{"name":"a"}', { indent: '', newline: '' }],
    ['blank lines after the brace are part of the newline', '{\n\n  "a": 1\n}', { indent: '  ', newline: '\n\n' }],
  ]
  for (const [what, text, expected] of cases) {
    test(`reads ${what}`, () => expect(detectFormat(text)).toEqual(expected))
  }
})
