/**
 * Fuzzing the spec parser: any name and spec, and specs built from the prefixes and pieces its
 * classification looks at. It may only refuse with the spec error codes; a `name@spec` argument
 * means what the same name and spec mean in package.json.
 */
import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import type { ErrorCode } from '../../src/error/index.ts'
import { parseSpec, parseSpecArg } from '../../src/spec/index.ts'
import { FUZZ_TIMEOUT_MS, fuzzParameters, onlySkiffErrors } from './fuzz-runs.ts'

const SPEC_ERRORS: ErrorCode[] = ['EINVALIDPACKAGENAME', 'EINVALIDTAGNAME', 'EUNSUPPORTEDPROTOCOL', 'EBADSPEC']
const WHERE = '/p'
const HOME = '/home/u'

const prefix = fc.constantFrom('', 'npm:', 'file:', 'file://', 'git+ssh://', 'git+https://', 'git://', 'github:', 'gitlab:', 'bitbucket:', 'gist:', 'http://', 'https://', 'link:', 'workspace:', '~/', './', '../', '/', 'C:', '@', '#', 'user/', 'semver:')
const piece = fc.constantFrom('^1.2.3', '~1', '1.x', '>=1 <2', '*', 'latest', 'a', 'b/c', '@s/p', 'x.tgz', '.tar.gz', '#main', '#semver:^1', '::path:sub', '%2f', '..', ':', '@', 'git@host:u/p.git', 'u:p@h', '||', ' ')
const specText = fc.tuple(prefix, fc.array(fc.oneof(piece, fc.string({ maxLength: 4 })), { maxLength: 5 })).map(([start, rest]) => `${start}${rest.join('')}`)
const name = fc.oneof(fc.constant(undefined), fc.stringMatching(/^(@[a-z]{1,4}\/)?[a-z][a-z0-9._-]{0,6}$/), fc.string({ maxLength: 8 }))

describe('fuzz: spec parser', () => {
  test('any name and spec are classified or refused with a spec error code', () => {
    fc.assert(
      fc.property(name, fc.oneof(fc.string(), specText), (dependency, spec) => {
        onlySkiffErrors(SPEC_ERRORS, () => parseSpec(dependency, spec, WHERE, HOME))
      }),
      fuzzParameters(8000),
    )
  }, FUZZ_TIMEOUT_MS)

  test('any command-line argument is classified or refused with a spec error code', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), specText), (arg) => {
        onlySkiffErrors(SPEC_ERRORS, () => parseSpecArg(arg, WHERE, HOME))
      }),
      fuzzParameters(8000),
    )
  }, FUZZ_TIMEOUT_MS)

  test('"name@range" as an argument means what the name and range mean in package.json', () => {
    const validName = fc.stringMatching(/^(@[a-z]{1,4}\/)?[a-z][a-z0-9-]{0,6}$/)
    const range = fc.constantFrom('1.2.3', '^1.0.0', '~2.1', '>=1 <3', '*', 'latest', 'next', '1.x', 'npm:other@^2')
    fc.assert(
      fc.property(validName, range, (dependency, spec) => {
        const fromArg = parseSpecArg(`${dependency}@${spec}`, WHERE, HOME)
        const fromPackageJson = parseSpec(dependency, spec, WHERE, HOME)
        expect(fromArg).toEqual(fromPackageJson)
      }),
      fuzzParameters(2000),
    )
  }, FUZZ_TIMEOUT_MS)
})
