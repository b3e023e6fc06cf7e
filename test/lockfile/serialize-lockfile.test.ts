import { describe, expect, test } from 'bun:test'
import path from 'node:path'
import { detectFormat, parseLockfile, readLockfile, serializeLockfile, type LockEntry, type Lockfile } from '../../src/lockfile/index.ts'
import { FIXTURES, PROJECT_FIXTURES } from './helpers.ts'

const lockOf = (packages: Record<string, LockEntry>, extra: Partial<Lockfile> = {}): Lockfile => ({
  file: '/p/package-lock.json',
  kind: 'package-lock.json',
  lockfileVersion: 3,
  name: 'app',
  version: '1.0.0',
  packages: new Map(Object.entries(packages)),
  ...extra,
})

describe('serializeLockfile', () => {
  for (const fixture of ['small', 'medium', 'antd']) {
    test(`reading then writing the ${fixture} lockfile npm 11 wrote gives the same bytes`, async () => {
      const dir = path.join(PROJECT_FIXTURES, fixture)
      const file = path.join(dir, 'package-lock.json')
      const text = await Bun.file(file).text()
      const format = detectFormat(await Bun.file(path.join(dir, 'package.json')).text())
      expect(serializeLockfile(parseLockfile(text, { file, kind: 'package-lock.json' }), format)).toBe(text)
    })
  }

  test('orders top keys, then non-object values before objects, preferred keys first, the rest by locale', () => {
    const lock = lockOf({
      'node_modules/b': {
        peerDependencies: { z: '1' },
        license: 'MIT',
        dependencies: { y: '1', x: '1' },
        os: ['linux'],
        integrity: 'sha512-x',
        dev: true,
        version: '1.0.0',
        bin: { b: 'cli.js' },
        resolved: 'https://r/b.tgz',
        name: 'real-b',
      },
      '': { version: '1.0.0', name: 'app', dependencies: { b: '^1' } },
    })
    expect(serializeLockfile(lock, { indent: 2, newline: '\n' })).toBe(`{
  "name": "app",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "app",
      "version": "1.0.0",
      "dependencies": {
        "b": "^1"
      }
    },
    "node_modules/b": {
      "name": "real-b",
      "version": "1.0.0",
      "resolved": "https://r/b.tgz",
      "integrity": "sha512-x",
      "dev": true,
      "license": "MIT",
      "os": [
        "linux"
      ],
      "dependencies": {
        "x": "1",
        "y": "1"
      },
      "bin": {
        "b": "cli.js"
      },
      "peerDependencies": {
        "z": "1"
      }
    }
  }
}
`)
  })

  test('sorts locations as Node 20 localeCompare(b, "en") does (ICU root collation)', () => {
    // the order node 20.20 gives for these keys; Bun must agree
    const nodeOrder = [
      '', 'node_modules/_a', 'node_modules/-a', 'node_modules/@a-b/c', 'node_modules/@a/b', 'node_modules/@A/b',
      'node_modules/@a/b-c', 'node_modules/@a/bc', 'node_modules/@ab/c', 'node_modules/@type/x', 'node_modules/@types/node',
      'node_modules/@typescript-eslint/parser', 'node_modules/~a', 'node_modules/1a', 'node_modules/a', 'node_modules/A',
      'node_modules/a_b', 'node_modules/a-b', 'node_modules/a.b', 'node_modules/a/node_modules/b', 'node_modules/a1',
      'node_modules/a10', 'node_modules/a2', 'node_modules/ab', 'node_modules/z', 'node_modules/Z', 'packages/x',
    ]
    const shuffled = [...nodeOrder].reverse()
    const lock = lockOf(Object.fromEntries(shuffled.map((location) => [location, { version: '1.0.0' }])))
    const written = JSON.parse(serializeLockfile(lock, { indent: 2, newline: '\n' })) as { packages: object }
    expect(Object.keys(written.packages)).toEqual(nodeOrder)
  })

  const formats: [string, { indent: string | number; newline: string }, string][] = [
    ['tabs', { indent: '\t', newline: '\n' }, '{\n\t"name": "app",\n\t"version": "1.0.0",\n\t"lockfileVersion": 3,\n\t"requires": true,\n\t"packages": {}\n}\n'],
    ['CRLF', { indent: '  ', newline: '\r\n' }, '{\r\n  "name": "app",\r\n  "version": "1.0.0",\r\n  "lockfileVersion": 3,\r\n  "requires": true,\r\n  "packages": {}\r\n}\r\n'],
    ['a one-line package.json (npm falls back to 2 spaces and LF)', { indent: '', newline: '' }, '{\n  "name": "app",\n  "version": "1.0.0",\n  "lockfileVersion": 3,\n  "requires": true,\n  "packages": {}\n}\n'],
    ['a numeric indent', { indent: 4, newline: '\n' }, '{\n    "name": "app",\n    "version": "1.0.0",\n    "lockfileVersion": 3,\n    "requires": true,\n    "packages": {}\n}\n'],
  ]
  for (const [what, format, expected] of formats) {
    test(`writes with ${what}`, () => expect(serializeLockfile(lockOf({}), format)).toBe(expected))
  }

  // written by npm 11.19 with --lockfile-version 2 (v2-hand: a hand-made lock with git, alias,
  // bundle, links, tarballs and an extraneous package, as npm rewrites it after loading it)
  for (const fixture of ['v2-ws', 'v2-loc', 'v2-v1', 'v2-hand']) {
    test(`a lockfileVersion 2 file (${fixture}) is written back as npm writes it, legacy dependencies included`, async () => {
      const dir = path.join(FIXTURES, fixture)
      const lock = await readLockfile(dir)
      if (lock === undefined) throw new Error('fixture missing')
      const format = detectFormat(await Bun.file(path.join(dir, 'package.json')).text())
      expect(serializeLockfile(lock, format)).toBe(await Bun.file(path.join(dir, 'package-lock.json')).text())
    })
  }

  test('with legacyPeerDeps a v2 package that has only peer dependencies gets no empty requires', async () => {
    const dir = path.join(FIXTURES, 'v2-hand')
    const lock = await readLockfile(dir)
    if (lock === undefined) throw new Error('fixture missing')
    const written = serializeLockfile(lock, { indent: 2, newline: '\n', legacyPeerDeps: true })
    expect(written).toBe(await Bun.file(path.join(dir, 'expected-legacy-peer-deps.json')).text())
  })

  test('a lockfileVersion 1 file is written back as version 3', async () => {
    const lock = await readLockfile(path.join(FIXTURES, 'v1'))
    if (lock === undefined) throw new Error('fixture missing')
    const written = JSON.parse(serializeLockfile(lock, { indent: 2, newline: '\n' })) as Record<string, unknown>
    expect(written.lockfileVersion).toBe(3)
    expect(written.dependencies).toBeUndefined()
  })
})
