import { describe, expect, test } from 'bun:test'
import { errnoCode, SkiffError } from '../../src/error/index.ts'
import { parsePackument } from '../../src/resolve/pick-version.ts'

const dist = { tarball: 'https://registry.test/a/-/a-1.0.0.tgz', integrity: 'sha512-abc', shasum: 'deadbeef' }

function failure(json: unknown): SkiffError {
  try {
    parsePackument(json, 'a')
  } catch (error) {
    if (error instanceof SkiffError) return error
    throw error
  }
  throw new Error('expected parsePackument to fail')
}

describe('parsePackument: malformed documents', () => {
  const cases: [string, unknown, string][] = [
    ['a document that is not an object', ['a'], 'malformed registry document for a: the document is not a JSON object'],
    ['null', null, 'malformed registry document for a: the document is not a JSON object'],
    ['versions that are not an object', { name: 'a', versions: ['1.0.0'] }, 'malformed registry document for a: "versions" is not an object'],
    ['a version entry that is not an object', { name: 'a', versions: { '1.0.0': 'x' } }, 'malformed registry document for a@1.0.0: the version entry is not an object'],
    ['a version entry without a version', { name: 'a', versions: { '1.0.0': { dist } } }, 'malformed registry document for a@1.0.0: the version entry has no "version" string'],
    ['a version entry without dist', { name: 'a', versions: { '1.0.0': { version: '1.0.0' } } }, 'malformed registry document for a@1.0.0: the version entry has no "dist.tarball" URL'],
    ['a dist without a tarball', { name: 'a', versions: { '1.0.0': { version: '1.0.0', dist: { shasum: 'x' } } } }, 'malformed registry document for a@1.0.0: the version entry has no "dist.tarball" URL'],
  ]
  test.each(cases)('%s fails with EBADPACKUMENT naming the package', (_, json, message) => {
    const error = failure(json)
    expect(errnoCode(error)).toBe('EBADPACKUMENT')
    expect(error.message).toBe(message)
  })
})

describe('parsePackument: well-formed documents', () => {
  test('a corgi document becomes a packument with Maps of versions and dist-tags', () => {
    const published = {
      name: 'a',
      version: '1.0.0',
      dependencies: { b: '^1.0.0' },
      optionalDependencies: { c: '2' },
      peerDependencies: { react: '>=18' },
      peerDependenciesMeta: { react: { optional: true } },
      bin: { a: 'bin/a.js' },
      engines: { node: '>=18' },
      os: ['linux'],
      cpu: ['x64', 'arm64'],
      hasInstallScript: true,
      deprecated: 'use b',
      dist,
    }
    const packument = parsePackument({
      name: 'a',
      modified: '2024-01-01T00:00:00.000Z',
      'dist-tags': { latest: '1.0.0', broken: 7 },
      versions: { '1.0.0': { ...published, _hasShrinkwrap: false, scripts: { test: 'x' } } },
    }, 'a')
    expect(packument.name).toBe('a')
    expect(packument.modified).toBe('2024-01-01T00:00:00.000Z')
    expect(packument.time).toBeUndefined()
    expect([...packument.distTags]).toEqual([['latest', '1.0.0']])
    expect(packument.versions.get('1.0.0')).toEqual({ ...published, hasShrinkwrap: false })
  })

  test('a full document keeps time per version, license and funding', () => {
    const packument = parsePackument({
      name: 'a',
      'dist-tags': {},
      time: { created: '2020-01-01T00:00:00.000Z', '1.0.0': '2020-01-02T00:00:00.000Z', unpublished: { time: 'x' } },
      versions: { '1.0.0': { version: '1.0.0', license: 'MIT', funding: { url: 'https://fund.test' }, libc: ['glibc'], dist } },
    }, 'a')
    expect([...(packument.time ?? [])]).toEqual([['created', '2020-01-01T00:00:00.000Z'], ['1.0.0', '2020-01-02T00:00:00.000Z']])
    expect(packument.versions.get('1.0.0')).toMatchObject({ name: 'a', license: 'MIT', funding: { url: 'https://fund.test' }, libc: ['glibc'] })
  })

  test('odd values from old publishes are kept where npm keeps them and dropped where they have the wrong type', () => {
    const packument = parsePackument({
      name: 'a',
      versions: {
        '1.0.0': {
          version: '1.0.0',
          engines: ['node >= 0.8'],
          bundledDependencies: ['b', 3],
          bin: 'cli.js',
          os: 'darwin',
          dependencies: { b: '1', c: null },
          deprecated: true,
          hasInstallScript: 'yes',
          license: 42,
          dist,
        },
        '1.0.1': { version: '1.0.1', bundleDependencies: true, deprecated: '', dependencies: ['b'], dist },
      },
    }, 'a')
    expect(packument.versions.get('1.0.0')).toEqual({
      name: 'a',
      version: '1.0.0',
      engines: ['node >= 0.8'],
      bundleDependencies: ['b'],
      bin: 'cli.js',
      os: 'darwin',
      dependencies: { b: '1' },
      deprecated: 'true',
      dist,
    })
    expect(packument.versions.get('1.0.1')).toEqual({ name: 'a', version: '1.0.1', bundleDependencies: true, dist })
  })

  test('a document without versions or dist-tags has none, and takes the name it was asked for', () => {
    const packument = parsePackument({}, 'a')
    expect(packument.name).toBe('a')
    expect(packument.versions.size).toBe(0)
    expect(packument.distTags.size).toBe(0)
  })

  test('a tag or version named like an Object property is found only when the registry sent it', () => {
    const packument = parsePackument({ name: 'a', 'dist-tags': { latest: '1.0.0' }, versions: { '1.0.0': { version: '1.0.0', dist } } }, 'a')
    expect(packument.distTags.get('constructor')).toBeUndefined()
    expect(packument.versions.get('__proto__')).toBeUndefined()
    const dependencies = parsePackument(JSON.parse('{"versions":{"1.0.0":{"version":"1.0.0","dist":{"tarball":"t"},"dependencies":{"__proto__":"1"}}}}'), 'a')
      .versions.get('1.0.0')?.dependencies
    expect(Object.keys(dependencies ?? {})).toEqual(['__proto__'])
    expect(Object.getPrototypeOf(dependencies)).toBe(Object.prototype)
  })

  test('staged versions are read from stagedVersions.versions', () => {
    const packument = parsePackument({ name: 'a', versions: {}, stagedVersions: { versions: { '2.0.0': { version: '2.0.0', dist } } } }, 'a')
    expect([...(packument.stagedVersions?.keys() ?? [])]).toEqual(['2.0.0'])
  })
})
