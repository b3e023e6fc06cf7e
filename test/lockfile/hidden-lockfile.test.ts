import { describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import {
  buildHiddenLockfile,
  isHiddenLockfileCurrent,
  readHiddenLockfile,
  readTrustedTree,
  writeHiddenLockfile,
  type LockEntry,
  type Lockfile,
} from '../../src/lockfile/index.ts'
import { currentTree } from '../../src/install/tree-check.ts'
import { createProject } from './helpers.ts'

const FORMAT = { indent: '  ', newline: '\n' }

function lockFor(dir: string, packages: Record<string, LockEntry>): Lockfile {
  return {
    file: path.join(dir, 'package-lock.json'),
    kind: 'package-lock.json',
    lockfileVersion: 3,
    name: 'app',
    version: '1.0.0',
    packages: new Map(Object.entries({ '': { name: 'app', version: '1.0.0' }, ...packages })),
  }
}

const PACKAGES: Record<string, LockEntry> = {
  'node_modules/a': { version: '1.0.0' },
  'node_modules/a/node_modules/b': { version: '2.0.0' },
  'node_modules/@s/c': { version: '1.0.0' },
  'node_modules/dev-only': { version: '1.0.0', dev: true },
  'node_modules/ws': { resolved: 'packages/ws', link: true },
  'packages/ws': { name: 'ws', version: '0.0.1' },
}
const INSTALLED = ['', 'node_modules/a', 'node_modules/a/node_modules/b', 'node_modules/@s/c', 'node_modules/ws']

/** Lays out the installed folders (and the .bin folder npm skips), then writes the hidden lockfile. */
async function install(dir: string): Promise<Lockfile> {
  for (const location of INSTALLED.filter((location) => location !== '' && location !== 'node_modules/ws')) {
    fs.mkdirSync(path.join(dir, location), { recursive: true })
    fs.writeFileSync(path.join(dir, location, 'package.json'), '{}')
  }
  fs.mkdirSync(path.join(dir, 'packages/ws'), { recursive: true })
  fs.symlinkSync('../packages/ws', path.join(dir, 'node_modules/ws'))
  fs.mkdirSync(path.join(dir, 'node_modules/.bin'))
  const hidden = buildHiddenLockfile(lockFor(dir, PACKAGES), INSTALLED)
  await writeHiddenLockfile(dir, hidden, FORMAT)
  return hidden
}

function future(file: string) {
  const later = new Date(Date.now() + 60_000)
  fs.utimesSync(file, later, later)
}

describe('buildHiddenLockfile', () => {
  test('lists only installed entries, never the root, and keeps name and version on top', () => {
    const hidden = buildHiddenLockfile(lockFor('/p', PACKAGES), INSTALLED)
    expect(hidden.kind).toBe('hidden')
    expect(hidden.file).toBe('/p/node_modules/.package-lock.json')
    expect(hidden.name).toBe('app')
    expect([...hidden.packages.keys()].sort()).toEqual([
      'node_modules/@s/c',
      'node_modules/a',
      'node_modules/a/node_modules/b',
      'node_modules/ws',
      'packages/ws',
    ])
  })
})

describe('isHiddenLockfileCurrent', () => {
  test('trusts a hidden lockfile written after the install', async () => {
    using project = createProject({})
    await install(project.dir)
    const hidden = await readHiddenLockfile(project.dir)
    if (hidden === undefined) throw new Error('hidden lockfile not written')
    expect(hidden.packages.has('')).toBe(false)
    expect(await isHiddenLockfileCurrent(project.dir, hidden)).toBe(true)
  })

  const changes: [string, (dir: string) => void][] = [
    ['a folder not listed appears in node_modules', (dir) => fs.mkdirSync(path.join(dir, 'node_modules/stray'))],
    ['a listed folder is removed', (dir) => fs.rmSync(path.join(dir, 'node_modules/@s/c'), { recursive: true })],
    ['a nested node_modules gains a package', (dir) => fs.mkdirSync(path.join(dir, 'node_modules/a/node_modules/x'))],
    ['a package folder changed after the lockfile was written', (dir) => future(path.join(dir, 'node_modules/a'))],
    ['a linked workspace folder changed after it', (dir) => future(path.join(dir, 'packages/ws'))],
  ]
  for (const [what, change] of changes) {
    test(`distrusts it when ${what}`, async () => {
      using project = createProject({})
      const hidden = await install(project.dir)
      change(project.dir)
      expect(await isHiddenLockfileCurrent(project.dir, hidden)).toBe(false)
    })
  }

  test('distrusts it when the hidden lockfile is missing', async () => {
    using project = createProject({})
    const hidden = await install(project.dir)
    fs.rmSync(path.join(project.dir, 'node_modules/.package-lock.json'))
    expect(await isHiddenLockfileCurrent(project.dir, hidden)).toBe(false)
  })

  test('ignores dot-folders such as .bin and files in node_modules', async () => {
    using project = createProject({})
    const hidden = await install(project.dir)
    fs.mkdirSync(path.join(project.dir, 'node_modules/.cache'))
    fs.writeFileSync(path.join(project.dir, 'node_modules/.bin/tool'), '')
    const stamp = new Date(fs.statSync(path.join(project.dir, 'node_modules/.package-lock.json')).mtimeMs)
    fs.utimesSync(path.join(project.dir, 'node_modules'), stamp, stamp)
    expect(await isHiddenLockfileCurrent(project.dir, hidden)).toBe(true)
  })
})

describe.each([
  ['in compiled calls', { compiled: true }],
  ['through libc', { compiled: false }],
  ['through node:fs', { nativeIo: false }],
])('readTrustedTree %s', (_way, options) => {
  test('a file changed less than a millisecond after the hidden lockfile was written is a change', async () => {
    using project = createProject({})
    const hidden = await install(project.dir)
    const stampMs = fs.statSync(path.join(project.dir, 'node_modules/.package-lock.json')).mtimeMs
    // the stamp is the time the kernel gave the rename into node_modules, not a rounded Date
    expect(stampMs).toBeGreaterThanOrEqual(fs.statSync(path.join(project.dir, 'node_modules')).mtimeMs)
    expect(readTrustedTree(project.dir, hidden, options)?.changed).toEqual(new Set())
    const soon = (stampMs + 0.3) / 1000
    fs.utimesSync(path.join(project.dir, 'node_modules/a/package.json'), soon, soon)
    expect(readTrustedTree(project.dir, hidden, options)?.changed).toEqual(new Set(['node_modules/a']))
  })

  test('a hidden lockfile stamped in whole milliseconds (another tool, an older install) counts that millisecond as written before it', async () => {
    using project = createProject({})
    const hidden = await install(project.dir)
    const file = path.join(project.dir, 'node_modules/.package-lock.json')
    const stamp = Math.trunc(fs.statSync(file).mtimeMs) + 5
    fs.utimesSync(file, new Date(stamp), new Date(stamp))
    const sameMillisecond = (stamp + 0.6) / 1000
    fs.utimesSync(path.join(project.dir, 'node_modules/a/package.json'), sameMillisecond, sameMillisecond)
    expect(readTrustedTree(project.dir, hidden, options)?.changed).toEqual(new Set())
    const nextMillisecond = (stamp + 1.2) / 1000
    fs.utimesSync(path.join(project.dir, 'node_modules/a/package.json'), nextMillisecond, nextMillisecond)
    expect(readTrustedTree(project.dir, hidden, options)?.changed).toEqual(new Set(['node_modules/a']))
  })
})

describe('currentTree off the main thread', () => {
  const onThread = { offThread: true, offThreadMin: 0 }

  test('gives what the check in place gives: the packages kept, and those changed since', async () => {
    using project = createProject({})
    const hidden = await install(project.dir)
    const kept = await currentTree(project.dir, onThread)
    expect(kept?.packages).toEqual(hidden.packages)
    expect(kept?.changed).toEqual(new Set())
    fs.appendFileSync(path.join(project.dir, 'node_modules/a/node_modules/b/package.json'), ' ')
    expect((await currentTree(project.dir, onThread))?.changed).toEqual(new Set(['node_modules/a/node_modules/b']))
    expect((await currentTree(project.dir))?.changed).toEqual(new Set(['node_modules/a/node_modules/b']))
  })

  test('trusts no tree with a package folder the hidden lockfile does not list', async () => {
    using project = createProject({})
    await install(project.dir)
    fs.mkdirSync(path.join(project.dir, 'node_modules/stray'))
    expect(await currentTree(project.dir, onThread)).toBeUndefined()
  })
})

describe('writeHiddenLockfile with keepIfSame', () => {
  test('leaves a file with the same text as it is, and writes one whose text differs', async () => {
    using project = createProject({})
    const hidden = await install(project.dir)
    const file = path.join(project.dir, 'node_modules/.package-lock.json')
    const before = fs.statSync(file)
    await writeHiddenLockfile(project.dir, hidden, FORMAT, { keepIfSame: true })
    const kept = fs.statSync(file)
    expect([kept.ino, kept.mtimeMs]).toEqual([before.ino, before.mtimeMs])
    const changed = { ...hidden, packages: new Map([...hidden.packages].filter(([location]) => location !== 'node_modules/@s/c')) }
    await writeHiddenLockfile(project.dir, changed, FORMAT, { keepIfSame: true })
    expect(fs.statSync(file).ino).not.toBe(before.ino)
    expect(fs.readFileSync(file, 'utf8')).not.toContain('node_modules/@s/c')
  })
})
