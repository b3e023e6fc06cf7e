/**
 * Fuzzing the .npmrc reader: any text, and lines built from the characters its syntax gives a
 * meaning to. It may only refuse with ECONFIG (naming the file, line and column); typing the
 * settings likewise; and plain `key=value` lines read back as written.
 */
import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { layerFromNpmrc } from '../../src/config/layers.ts'
import { parseNpmrc } from '../../src/config/parse-npmrc.ts'
import { isSkiffError } from '../../src/error/index.ts'
import { FUZZ_TIMEOUT_MS, fuzzParameters, onlySkiffErrors } from './fuzz-runs.ts'

const FILE = '/p/.npmrc'

const token = fc.constantFrom('=', '[', ']', '[]', ';', '#', '\\', '"', "'", ' ', '\t', '\r', '\n', '${', '}', '${HOME}', '${NOPE}', '//r.example/:', '_authToken', 'registry', 'fetch-retries', 'omit', 'ca', 'true', '1', 'x')
const syntaxText = fc.array(fc.oneof(token, fc.string({ maxLength: 4 })), { maxLength: 30 }).map((parts) => parts.join(''))

describe('fuzz: .npmrc reader', () => {
  test('any text is read or refused with ECONFIG naming the file, the line and the column', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), syntaxText), (text) => {
        try {
          parseNpmrc(text, FILE)
        } catch (error) {
          if (!isSkiffError(error) || error.code !== 'ECONFIG') throw error
          expect(error.message).toMatch(/^\/p\/\.npmrc:\d+:\d+: /)
        }
      }),
      fuzzParameters(6000),
    )
  }, FUZZ_TIMEOUT_MS)

  test('typing the settings of any text (env expansion, known keys, credentials) refuses only with ECONFIG', () => {
    const context = { env: { HOME: '/home/u', TOKEN: 't0k3n' }, home: '/home/u', baseDir: '/p' }
    fc.assert(
      fc.property(syntaxText, fc.constantFrom('global' as const, 'user' as const, 'project' as const), (text, origin) => {
        onlySkiffErrors(['ECONFIG'], () => layerFromNpmrc(text, FILE, origin, context))
      }),
      fuzzParameters(6000),
    )
  }, FUZZ_TIMEOUT_MS)

  test('plain key=value lines read back as written', () => {
    const key = fc.stringMatching(/^[a-z@/:_.-][a-z0-9@/:_.-]{0,20}$/).filter((text) => !text.endsWith('[]'))
    const value = fc.stringMatching(/^[A-Za-z0-9@/:_.,+=-]{0,20}$/)
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { maxLength: 8 }), fc.constantFrom('\n', '\r\n'), (pairs, newline) => {
        const text = pairs.map(([k, v]) => `${k}=${v}`).join(newline)
        const read = parseNpmrc(text, FILE).map((entry) => [entry.key, entry.value])
        expect(read).toEqual(pairs)
      }),
      fuzzParameters(2000),
    )
  }, FUZZ_TIMEOUT_MS)
})
