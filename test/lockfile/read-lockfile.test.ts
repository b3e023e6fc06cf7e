import { describe, expect, test } from 'bun:test'
import path from 'node:path'
import { isSkiffError } from '../../src/error/index.ts'
import { readHiddenLockfile, readLockfile, type LockEntry } from '../../src/lockfile/index.ts'
import { caught, createProject, FIXTURES } from './helpers.ts'

const v3 = (name: string, version: string) =>
  JSON.stringify({
    name: 'app',
    lockfileVersion: 3,
    requires: true,
    packages: { '': { name: 'app' }, [`node_modules/${name}`]: { version } },
  })

describe('readLockfile', () => {
  test('npm-shrinkwrap.json wins over package-lock.json', async () => {
    using project = createProject({ 'npm-shrinkwrap.json': v3('a', '1.0.0'), 'package-lock.json': v3('b', '2.0.0') })
    const lock = await readLockfile(project.dir)
    expect(lock?.kind).toBe('npm-shrinkwrap.json')
    expect(lock?.file).toBe(path.join(project.dir, 'npm-shrinkwrap.json'))
    expect([...(lock?.packages.keys() ?? [])]).toEqual(['', 'node_modules/a'])
  })

  test('an empty npm-shrinkwrap.json counts as absent, as in npm', async () => {
    using project = createProject({ 'npm-shrinkwrap.json': '', 'package-lock.json': v3('b', '2.0.0') })
    expect((await readLockfile(project.dir))?.kind).toBe('package-lock.json')
  })

  test('a project without a lockfile has none', async () => {
    using project = createProject({ 'package.json': '{}' })
    expect(await readLockfile(project.dir)).toBeUndefined()
  })

  test('lockfileVersion 2 is read from packages and its legacy dependencies are ignored', async () => {
    const text = JSON.stringify({
      name: 'app',
      lockfileVersion: 2,
      requires: true,
      packages: { '': { name: 'app', dependencies: { a: '^1' } }, 'node_modules/a': { version: '1.0.0' } },
      dependencies: { a: { version: '9.9.9' } },
    })
    using project = createProject({ 'package-lock.json': text })
    const lock = await readLockfile(project.dir)
    expect(lock?.lockfileVersion).toBe(2)
    expect(lock?.packages.get('node_modules/a')).toEqual({ version: '1.0.0' })
  })

  // expected-packages.json is what arborist's Shrinkwrap.load produced for the same files
  // (npm 11.19); v1-extra adds the bundleDependencies that loadVirtual assigns to a parent.
  for (const fixture of ['v1', 'v1-extra']) {
    test(`a lockfileVersion 1 file (${fixture}) converts to the packages npm derives from it`, async () => {
      const dir = path.join(FIXTURES, fixture)
      const lock = await readLockfile(dir)
      const expected: unknown = await Bun.file(path.join(dir, 'expected-packages.json')).json()
      expect(lock?.lockfileVersion).toBe(1)
      expect(lock === undefined ? undefined : Object.fromEntries(lock.packages)).toEqual(expected as Record<string, LockEntry>)
    })
  }

  test('v1 leaves what it cannot tell undefined', async () => {
    const lock = await readLockfile(path.join(FIXTURES, 'v1'))
    const react = lock?.packages.get('node_modules/react')
    expect(react?.version).toBe('18.3.1')
    for (const field of ['bin', 'os', 'cpu', 'engines', 'license', 'hasInstallScript']) expect(react?.[field]).toBeUndefined()
  })
})

describe('readLockfile errors', () => {
  test('malformed JSON is EJSONPARSE naming the file, the line and the column', async () => {
    using project = createProject({ 'package-lock.json': '{\n  "name": "app",\n  "lockfileVersion": 3\n  "packages": {}\n}\n' })
    const error = await caught(() => readLockfile(project.dir))
    if (!isSkiffError(error)) throw error
    expect(error.code).toBe('EJSONPARSE')
    expect(error.details.file).toBe(path.join(project.dir, 'package-lock.json'))
    expect(error.message).toContain('package-lock.json')
    expect(error.message).toContain('line 4, column 3')
    expect(error.hint).toBeString()
  })

  test('git conflict markers get a hint that says so', async () => {
    const text = '{\n<<<<<<< HEAD\n  "name": "a"\n=======\n  "name": "b"\n>>>>>>> branch\n}\n'
    using project = createProject({ 'package-lock.json': text })
    const error = await caught(() => readLockfile(project.dir))
    if (!isSkiffError(error)) throw error
    expect(error.message).toContain('line 2, column 1')
    expect(error.hint).toContain('merge conflict')
  })

  const structural: [string, unknown, string][] = [
    ['the document is not an object', [], 'must contain a JSON object'],
    ['packages is not an object', { lockfileVersion: 3, packages: [] }, '"packages" must be an object'],
    ['an entry is not an object', { lockfileVersion: 3, packages: { 'node_modules/a': '1.0.0' } }, 'packages["node_modules/a"] must be an object'],
    ['a dependency map holds a number', { lockfileVersion: 3, packages: { 'node_modules/a': { dependencies: { b: 1 } } } }, 'packages["node_modules/a"].dependencies must be an object of strings'],
    ['a flag is a string', { lockfileVersion: 3, packages: { 'node_modules/a': { dev: 'yes' } } }, 'packages["node_modules/a"].dev must be true or false'],
    ['lockfileVersion is a string', { lockfileVersion: '3', packages: {} }, 'lockfileVersion must be 1, 2 or 3'],
    ['a v1 node is not an object', { lockfileVersion: 1, dependencies: { a: true } }, 'dependencies["a"] must be an object'],
  ]
  for (const [what, document, message] of structural) {
    test(`EJSONPARSE names the key when ${what}`, async () => {
      using project = createProject({ 'package-lock.json': JSON.stringify(document) })
      const error = await caught(() => readLockfile(project.dir))
      if (!isSkiffError(error)) throw error
      expect(error.code).toBe('EJSONPARSE')
      expect(error.message).toContain(message)
      expect(error.message).toContain('package-lock.json')
    })
  }
})

describe('readHiddenLockfile', () => {
  test('reads node_modules/.package-lock.json as a hidden lockfile', async () => {
    using project = createProject({ 'node_modules/.package-lock.json': v3('a', '1.0.0') })
    const hidden = await readHiddenLockfile(project.dir)
    expect(hidden?.kind).toBe('hidden')
    expect(hidden?.packages.get('node_modules/a')).toEqual({ version: '1.0.0' })
  })

  test('an unreadable hidden lockfile is ignored like a missing one, as npm does', async () => {
    using project = createProject({ 'node_modules/.package-lock.json': '{"packages": ' })
    expect(await readHiddenLockfile(project.dir)).toBeUndefined()
  })
})
