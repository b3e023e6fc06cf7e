import { describe, expect, test } from 'bun:test'
import { parseNpmrc } from '../../src/config/parse-npmrc.ts'
import { isSkiffError } from '../../src/error/index.ts'

const read = (text: string) =>
  parseNpmrc(text, '/p/.npmrc').map(({ key, value, isList, section }) => ({ key, value, isList, section }))

describe('parseNpmrc reads npm ini syntax', () => {
  const cases: Array<[string, string, Array<{ key: string; value: string | true; isList?: boolean; section?: string }>]> = [
    ['key = value, spaces trimmed', '  registry =  https://r.example/  ', [{ key: 'registry', value: 'https://r.example/' }]],
    ['comments with ; and # are skipped', '; one\n# two\n   ;three\nomit=dev', [{ key: 'omit', value: 'dev' }]],
    ['an inline ; or # ends an unquoted value', 'a=b ; note\nc=d#e', [{ key: 'a', value: 'b' }, { key: 'c', value: 'd' }]],
    ['an escaped \\; or \\# stays in the value', 'a=b\\;c\\#d', [{ key: 'a', value: 'b;c#d' }]],
    ['double quotes are a JSON string', 'a="x ; y\\n"', [{ key: 'a', value: 'x ; y\n' }]],
    ['single quotes keep the text between them', "a='x # y'", [{ key: 'a', value: 'x # y' }]],
    ['a bare key is true', 'ignore-scripts', [{ key: 'ignore-scripts', value: true }]],
    ['the key ends at the first =', '//r.example/:_authToken=abc=def', [{ key: '//r.example/:_authToken', value: 'abc=def' }]],
    ['key[] lines are list entries', 'ca[]=a\nca[]=b', [{ key: 'ca', value: 'a', isList: true }, { key: 'ca', value: 'b', isList: true }]],
    ['CRLF line ends', 'a=1\r\nb=2\r\n', [{ key: 'a', value: '1' }, { key: 'b', value: '2' }]],
    ['keys after [section] carry it', 'a=1\n[sec]\nb=2', [{ key: 'a', value: '1' }, { key: 'b', value: '2', section: 'sec' }]],
    ['an empty value is an empty string', 'a=', [{ key: 'a', value: '' }]],
  ]
  for (const [name, text, expected] of cases) {
    test(name, () => {
      expect(read(text)).toEqual(expected.map((entry) => ({ isList: false, section: undefined, ...entry })))
    })
  }
})

describe('parseNpmrc rejects lines npm would misread, naming file and line', () => {
  const cases: Array<[string, string, number, string]> = [
    ['a line with no key before =', 'a=1\n=oops', 2, 'no key before "="'],
    ['a section header without ]', 'a=1\nb=2\n[broken', 3, 'closing "]"'],
    ['an invalid double-quoted value', 'a="bad \\q"', 1, 'not a valid double-quoted string'],
    ['an unterminated double quote', 'x=1\na="open', 2, 'must end with one'],
    ['[]= with no key', '[]=x', 1, 'needs a key name'],
  ]
  for (const [name, text, line, fact] of cases) {
    test(name, () => {
      let caught: unknown
      try {
        parseNpmrc(text, '/p/.npmrc')
      } catch (error) {
        caught = error
      }
      expect(isSkiffError(caught)).toBe(true)
      if (!isSkiffError(caught)) return
      expect(caught.code).toBe('ECONFIG')
      expect(caught.message).toContain(`/p/.npmrc:${line}:`)
      expect(caught.message).toContain(fact)
      expect(caught.details.file).toBe('/p/.npmrc')
    })
  }
})
