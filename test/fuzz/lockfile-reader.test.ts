/**
 * Fuzzing the lockfile reader: any text, any JSON, and lockfile-shaped documents whose fields
 * hold values of any type. The reader may only refuse with EJSONPARSE; what it accepts, the
 * writer writes and the reader reads back to the same model (and the same text again).
 */
import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { parseLockfile, serializeLockfile, type Lockfile } from '../../src/lockfile/index.ts'
import { FUZZ_TIMEOUT_MS, fuzzParameters, onlySkiffErrors } from './fuzz-runs.ts'

const FILE = '/p/package-lock.json'
const options = { file: FILE, kind: 'package-lock.json' as const }
const parse = (text: string): Lockfile | undefined => onlySkiffErrors(['EJSONPARSE'], () => parseLockfile(text, options))

const name = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9._-]{0,8}$/),
  fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,5}$/), fc.stringMatching(/^[a-z][a-z0-9.-]{0,6}$/)).map(([scope, bare]) => `@${scope}/${bare}`),
)
const hostileName = fc.oneof(name, fc.constantFrom('..', '.', '', '../x', 'a/b/c', '/abs', 'node_modules', 'a\\b', 'x\u001b[2J'), fc.string({ maxLength: 6 }))
const location = fc.array(hostileName, { minLength: 1, maxLength: 3 }).map((names) => names.map((part) => `node_modules/${part}`).join('/'))
const folder = fc.constantFrom('', 'packages/a', '../lib', 'packages/a/node_modules/b')

const anyValue = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.string({ maxLength: 4 }), fc.integer()), { maxKeys: 2 }))
const FIELDS = ['name', 'version', 'resolved', 'integrity', 'link', 'dev', 'optional', 'devOptional', 'peer', 'inBundle', 'hasInstallScript', 'license', 'bin', 'engines', 'os', 'cpu', 'dependencies', 'optionalDependencies', 'peerDependencies', 'peerDependenciesMeta', 'bundleDependencies', 'workspaces', 'funding', 'unknownField']
const anyEntry = fc.dictionary(fc.constantFrom(...FIELDS), anyValue, { maxKeys: 6 })

const shapedDocument = fc.record(
  {
    name: anyValue,
    version: anyValue,
    lockfileVersion: fc.oneof(fc.constantFrom(1, 2, 3), anyValue),
    requires: anyValue,
    packages: fc.oneof(fc.dictionary(fc.oneof(location, folder), anyEntry, { maxKeys: 5 }), anyValue),
    dependencies: fc.oneof(fc.dictionary(hostileName, fc.oneof(anyEntry, anyValue), { maxKeys: 3 }), anyValue),
  },
  { requiredKeys: [] },
)

/** Lockfiles the reader must accept: valid names and locations, fields of their documented types. */
const validEntry = fc.record(
  {
    version: fc.stringMatching(/^[0-9]\.[0-9]{1,2}\.[0-9]$/),
    resolved: fc.constant('https://registry.npmjs.org/x/-/x-1.0.0.tgz'),
    integrity: fc.constant('sha512-AAAA'),
    dev: fc.constant(true),
    optional: fc.constant(true),
    license: fc.constantFrom('MIT', 'ISC'),
    dependencies: fc.dictionary(name, fc.constantFrom('^1.0.0', '*', '~2.1.0'), { maxKeys: 3 }),
    bin: fc.dictionary(name, fc.constantFrom('cli.js', 'bin/x.js'), { maxKeys: 2 }),
    engines: fc.constant({ node: '>=18' }),
  },
  { requiredKeys: ['version'] },
)
const validDocument = fc
  .tuple(fc.uniqueArray(fc.array(name, { minLength: 1, maxLength: 2 }), { maxLength: 6, selector: (names) => names.join('/') }), fc.array(validEntry, { minLength: 6, maxLength: 6 }))
  .map(([locations, entries]) => {
    const packages: Record<string, unknown> = { '': { name: 'app', version: '1.0.0' } }
    locations.forEach((names, i) => {
      packages[names.map((part) => `node_modules/${part}`).join('/')] = entries[i]
    })
    return { name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages }
  })

describe('fuzz: lockfile reader', () => {
  test('any text is read or refused with EJSONPARSE', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json()), (text) => void parse(text)), fuzzParameters(5000))
  }, FUZZ_TIMEOUT_MS)

  test('any lockfile-shaped document, hostile locations and wrong types included, is read or refused with EJSONPARSE', () => {
    fc.assert(fc.property(shapedDocument, (document) => void parse(JSON.stringify(document))), fuzzParameters(5000))
  }, FUZZ_TIMEOUT_MS)

  test('an accepted location never climbs out of node_modules, is never absolute and holds no control character', () => {
    fc.assert(
      fc.property(shapedDocument, (document) => {
        const lock = parse(JSON.stringify(document))
        for (const location of lock?.packages.keys() ?? []) {
          if (!location.includes('node_modules')) continue
          expect(location.split('/').filter((part) => part === '..' || part === '.')).toEqual([])
          expect(location.startsWith('/')).toBe(false)
          expect(/[\u0000-\u001f\u007f\\]/.test(location)).toBe(false)
        }
      }),
      fuzzParameters(5000),
    )
  }, FUZZ_TIMEOUT_MS)

  test('a valid lockfile is read, written and read back to the same model, and written again to the same text', () => {
    fc.assert(
      fc.property(validDocument, fc.constantFrom('  ', '\t', '    '), fc.constantFrom('\n', '\r\n'), (document, indent, newline) => {
        const first = parseLockfile(JSON.stringify(document), options)
        const text = serializeLockfile(first, { indent, newline })
        const second = parseLockfile(text, options)
        expect(Object.fromEntries(second.packages)).toEqual(Object.fromEntries(first.packages))
        expect(serializeLockfile(second, { indent, newline })).toBe(text)
      }),
      fuzzParameters(1000),
    )
  }, FUZZ_TIMEOUT_MS)
})
