import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { isSkiffError } from '../../src/error/index.ts'
import { filterPackument } from '../../src/resolve/packument-filter.ts'
import { PACKUMENT_TEXT_FORMAT, packumentBytes, packumentForCache, packumentFromBytes } from '../../src/resolve/packument-text.ts'
import { parsePackument, type Packument } from '../../src/resolve/pick-packument.ts'
import { pickVersion } from '../../src/resolve/pick-version.ts'

const encoder = new TextEncoder()
const packumentText = (body: Uint8Array, name: string): string => new TextDecoder().decode(packumentBytes(body, name))
const packumentFromText = (text: string, name: string) => packumentFromBytes(encoder.encode(text), name)
const bytes = (value: unknown): Uint8Array => encoder.encode(typeof value === 'string' ? value : JSON.stringify(value))

const dist = (version: string) => ({
  tarball: `https://registry.test/a/-/a-${version}.tgz`,
  integrity: `sha512-${version}`,
  shasum: 'ab',
  fileCount: 3,
  signatures: [{ keyid: 'k', sig: 's' }],
})

/** A full document as the public registry sends it, with what the resolver never reads around what it does. */
const fullDocument = {
  _id: 'a',
  _rev: '12-abc',
  name: 'a',
  description: 'the "a" package\nwith escapes \\ \u00e9',
  'dist-tags': { latest: '1.1.0', next: '2.0.0-rc.1' },
  versions: {
    '1.0.0': {
      name: 'a',
      version: '1.0.0',
      description: 'first',
      keywords: ['x', { nested: ['}', ']', '"'] }],
      dependencies: { b: '^1.0.0' },
      scripts: { test: 'jest', install: 'node-gyp rebuild', postinstall: 'echo "}"' },
      license: 'MIT',
      maintainers: [{ name: 'm', email: 'm@test' }],
      dist: dist('1.0.0'),
      deprecated: 'use 1.1',
      _npmUser: { name: 'u' },
    },
    '1.1.0': {
      name: 'a',
      version: '1.1.0',
      engines: { node: '>=18' },
      optionalDependencies: { c: '1' },
      peerDependencies: { react: '*' },
      peerDependenciesMeta: { react: { optional: true } },
      bin: { a: './cli.js' },
      funding: 'https://fund.test',
      libc: ['glibc'],
      os: ['linux'],
      cpu: ['x64'],
      workspaces: ['packages/*'],
      bundleDependencies: ['b'],
      _hasShrinkwrap: false,
      dist: dist('1.1.0'),
    },
    '2.0.0-rc.1': { name: 'a', version: '2.0.0-rc.1', license: { type: 'ISC' }, dist: dist('2.0.0-rc.1'), gitHead: 'abc' },
  },
  time: { created: '2020-01-01T00:00:00.000Z', '1.0.0': '2020-01-02T00:00:00.000Z', '1.1.0': '2021-01-01T00:00:00.000Z' },
  readme: '# a\n\n```json\n{"versions": {}}\n```',
  users: { someone: true },
}

/** What parsePackument makes of a JSON text: the packument's contents, or its error message. */
function parsed(text: string, name: string) {
  try {
    return summary(parsePackument(JSON.parse(text), name))
  } catch (error) {
    if (isSkiffError(error)) return error.message
    throw error
  }
}

/** The same for the text form (a version is checked when summary asks for it). */
function fromText(bytes: Uint8Array, name: string) {
  try {
    return summary(packumentFromText(packumentText(bytes, name), name))
  } catch (error) {
    if (isSkiffError(error)) return error.message
    throw error
  }
}

function summary(packument: Packument) {
  return {
    name: packument.name,
    distTags: [...packument.distTags],
    versions: [...packument.versions.keys()].map((version) => [version, packument.versions.get(version)]),
    time: packument.time === undefined ? undefined : [...packument.time],
    modified: packument.modified,
    staged: packument.stagedVersions === undefined ? undefined : [...packument.stagedVersions],
    extras: packument.extras === undefined ? undefined : [...packument.versions.keys()].map((version) => packument.extras?.get(version)),
  }
}

describe('filterPackument', () => {
  test('keeps exactly what the resolver reads from a full document, and little else', () => {
    const text = JSON.stringify(fullDocument, null, 2)
    const filtered = filterPackument(bytes(text))
    expect(parsed(filtered, 'a')).toEqual(parsed(text, 'a'))
    expect(filtered).not.toContain('readme')
    expect(filtered).not.toContain('maintainers')
    expect(filtered).not.toContain('signatures')
    expect(filtered).not.toContain('"test"')
    expect(filtered).toContain('"install":"node-gyp rebuild"')
  })

  test('a member whose key is escaped is kept, and a member listed twice keeps its last value', () => {
    const text = '{"name":"a","versions":{"1.0.0":{"version":"1.0.0","dist":{"tarball":"t"},"depend\\u0065ncies":{"b":"1"},"os":["linux"],"os":["darwin"]}}}'
    for (const packument of [parsePackument(JSON.parse(filterPackument(bytes(text))), 'a'), packumentFromText(packumentText(bytes(text), 'a'), 'a')]) {
      expect(packument.versions.get('1.0.0')?.dependencies).toEqual({ b: '1' })
      expect(packument.versions.get('1.0.0')?.os).toEqual(['darwin'])
    }
  })

  test('values of the wrong kind are kept whole for the reader to judge', () => {
    for (const document of [{ name: 'a', versions: ['1.0.0'] }, { name: 'a', versions: { '1.0.0': 'x' } }, { name: 'a', versions: { '1.0.0': { version: '1.0.0', dist: 'x' } } }]) {
      const text = JSON.stringify(document)
      expect(parsed(filterPackument(bytes(text)), 'a')).toMatch(/^malformed registry document for a/)
      expect(fromText(bytes(text), 'a')).toEqual(parsed(text, 'a'))
    }
    expect(filterPackument(bytes('[1,2]'))).toBe('[1,2]')
  })

  test('a cut-off or broken document is a SyntaxError', () => {
    const text = JSON.stringify(fullDocument)
    for (const broken of [text.slice(0, text.length - 3), text.slice(0, text.indexOf('readme') + 20), '{"name" "a"}', '{"name":"a",}', '{"name":"a"} x', '{"readme":}']) {
      expect(() => JSON.parse(filterPackument(bytes(broken)))).toThrow(SyntaxError)
    }
  })

  test('for any document, what is kept, and the text form, read as the same packument as the whole', () => {
    const key = fc.oneof(
      fc.constantFrom('name', 'version', 'versions', 'dist', 'tarball', 'scripts', 'install', 'dependencies', 'os', 'engines', 'time', 'dist-tags', 'readme', 'x'),
      fc.string({ maxLength: 6 }),
    )
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string({ maxLength: 8 }),
        fc.constantFrom('"', '\\', '}', ']', '\\"', 'é', '\u2028'),
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(key, tie('value'), { maxKeys: 4 }),
      ),
    }))
    const withOthers = <T extends object>(known: fc.Arbitrary<T>) =>
      fc.tuple(fc.dictionary(key, json.value, { maxKeys: 4 }), known).map(([others, fields]) => ({ ...others, ...fields }))
    const version = withOthers(fc.record({
      version: fc.constantFrom('1.0.0', '2.0.0', 'x'),
      dist: fc.oneof(withOthers(fc.record({ tarball: fc.string(), integrity: fc.string(), shasum: fc.string() }, { requiredKeys: ['tarball'] })), json.value),
      dependencies: fc.oneof(fc.dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 })), json.value),
      scripts: fc.oneof(fc.dictionary(fc.constantFrom('install', 'preinstall', 'postinstall', 'test'), json.value), json.value),
      os: json.value,
      license: json.value,
      funding: json.value,
      bundledDependencies: json.value,
    }, { requiredKeys: ['version'] }))
    const document = withOthers(fc.record({
      name: fc.oneof(fc.string({ maxLength: 4 }), json.value),
      'dist-tags': json.value,
      versions: fc.oneof(fc.dictionary(fc.constantFrom('1.0.0', '2.0.0', '__proto__', 'constructor', '10', '2', '01'), version, { maxKeys: 4 }), json.value),
      time: json.value,
      readme: json.value,
    }, { requiredKeys: [] }))
    fc.assert(
      fc.property(document, fc.constantFrom(0, 1), (value, indent) => {
        const text = JSON.stringify(value, null, indent)
        const whole = parsed(text, 'p')
        expect(parsed(filterPackument(bytes(text)), 'p')).toEqual(whole)
        expect(fromText(bytes(text), 'p')).toEqual(whole)
      }),
      { numRuns: 1500 },
    )
  })
})

describe('packument text', () => {
  test('reads back as the packument parsePackument makes of the document, extras included for a full one', () => {
    const fromText = packumentFromText(packumentText(bytes(fullDocument), 'a'), 'a')
    expect(summary(fromText)).toEqual(summary(parsePackument(fullDocument, 'a')) as ReturnType<typeof summary>)
    expect(fromText.extras?.get('1.0.0')).toEqual({ license: 'MIT', scripts: { install: 'node-gyp rebuild', postinstall: 'echo "}"' } })
    expect(fromText.extras?.get('2.0.0-rc.1')).toEqual({ license: { type: 'ISC' } })
  })

  test('a corgi document has no extras and no time; staged versions and modified are kept', () => {
    const corgi = {
      name: 'c',
      modified: '2024-01-01T00:00:00.000Z',
      'dist-tags': { latest: '1.0.0' },
      versions: { '1.0.0': { name: 'c', version: '1.0.0', dist: dist('1.0.0'), hasInstallScript: true } },
      stagedVersions: { versions: { '2.0.0': { name: 'c', version: '2.0.0', dist: dist('2.0.0') } } },
    }
    const fromText = packumentFromText(packumentText(bytes(corgi), 'c'), 'c')
    expect(summary(fromText)).toEqual(summary(parsePackument(corgi, 'c')) as ReturnType<typeof summary>)
    expect(fromText.extras).toBeUndefined()
    expect(fromText.time).toBeUndefined()
  })

  test('versions are listed in the order JSON.parse gives them, array indexes first, and a version listed twice has its last entry', () => {
    const entry = (version: string, dependency: string) => `{"version":"${version}","dist":{"tarball":"t"},"dependencies":{"${dependency}":"1"}}`
    const text = `{"name":"a","versions":{"1.0.0":${entry('1.0.0', 'first')},"10":${entry('10', 'x')},"2":${entry('2', 'y')},"1.0.0":${entry('1.0.0', 'last')}}}`
    const fromText = packumentFromText(packumentText(bytes(text), 'a'), 'a')
    expect([...fromText.versions.keys()]).toEqual(['2', '10', '1.0.0'])
    expect(summary(fromText)).toEqual(summary(parsePackument(JSON.parse(text), 'a')))
    expect(fromText.versions.get('1.0.0')?.dependencies).toEqual({ last: '1' })
  })

  test('a version entry that is not one fails with EBADPACKUMENT when it is asked for; the others are read', () => {
    const text = '{"name":"a","versions":{"1.0.0":{"version":"1.0.0","dist":{"tarball":"t"}},"2.0.0":{"version":2},"3.0.0":{"version":"3.0.0","dist":{"tarball":"t"},"os":[tru]}}}'
    const packument = packumentFromText(packumentText(bytes(text), 'a'), 'a')
    expect(packument.versions.get('1.0.0')?.version).toBe('1.0.0')
    expect(() => packument.versions.get('2.0.0')).toThrow('malformed registry document for a@2.0.0: the version entry has no "version" string')
    expect(() => packument.versions.get('3.0.0')).toThrow('malformed registry document for a@3.0.0: the version entry is not JSON')
  })

  test('the text as the cache keeps it, compressed, reads back as the text; a damaged one is EBADPACKUMENT', () => {
    const bytesOfText = packumentBytes(bytes(fullDocument), 'a')
    const kept = packumentForCache(bytesOfText)
    expect(kept.length).toBeLessThan(bytesOfText.length)
    expect(summary(packumentFromBytes(kept, 'a'))).toEqual(summary(packumentFromBytes(bytesOfText, 'a')))
    expect(() => packumentFromBytes(kept.subarray(0, 12), 'a')).toThrow(expect.objectContaining({ code: 'EBADPACKUMENT' }))
  })

  test('a package without versions reads back empty', () => {
    const fromText = packumentFromText(packumentText(bytes({}), 'e'), 'e')
    expect(fromText.name).toBe('e')
    expect(fromText.versions.size).toBe(0)
  })

  test('versions are picked from the text as from the document', () => {
    const fromText = packumentFromText(packumentText(bytes(fullDocument), 'a'), 'a')
    const parsed = parsePackument(fullDocument, 'a')
    for (const range of ['*', '^1.0.0', '1.0.0', 'next', '>=2.0.0-0', '<1.1.0']) {
      const spec = { type: /^[a-z]+$/.test(range) ? ('tag' as const) : ('range' as const), fetchSpec: range }
      expect(pickVersion(fromText, spec, { nodeVersion: '20.0.0' })).toEqual(pickVersion(parsed, spec, { nodeVersion: '20.0.0' }))
    }
  })

  test('a text of another format or a damaged one is EBADPACKUMENT naming the package', () => {
    const text = packumentText(bytes(fullDocument), 'a')
    const lines = text.split('\n')
    const damaged = [
      text.replace(PACKUMENT_TEXT_FORMAT, 'skiff-packument-0'),
      lines.slice(0, -1).join('\n'),
      `${text}\n{}`,
      text.slice(0, 20),
      '',
    ]
    for (const bad of damaged) {
      expect(() => packumentFromText(bad, 'a')).toThrow(expect.objectContaining({ code: 'EBADPACKUMENT', message: expect.stringContaining('a: ') }))
    }
  })
})
