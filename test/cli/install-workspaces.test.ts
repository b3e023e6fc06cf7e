import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { createTestRegistry, writeProject, type TestRegistry } from '../registry/index.ts'
import { listTree, readJson, runSkiff, tempDir } from '../helpers/index.ts'

// What npm 11 does, checked by hand on the same shape of project: `install -w x` locks the
// whole tree but installs only x's link, folder and what they reach; the rest of
// node_modules stays as it is, and the hidden lockfile lists what is on disk.
let registry: TestRegistry

beforeAll(async () => {
  registry = await createTestRegistry({
    packages: [
      { name: 'rootdep', version: '1.0.0', bin: { rd: 'cli.js' }, files: { 'cli.js': '#!/usr/bin/env node\n' } },
      { name: 'rootdep', version: '1.1.0', bin: { rd: 'cli.js' }, files: { 'cli.js': '#!/usr/bin/env node\n' } },
      { name: 'xdep', version: '1.0.0', dependencies: { shared: '^1.0.0' }, bin: { xd: 'cli.js' }, files: { 'cli.js': '#!/usr/bin/env node\n' } },
      { name: 'ydep', version: '1.0.0', bin: { yd: 'cli.js' }, files: { 'cli.js': '#!/usr/bin/env node\n' } },
      { name: 'ydep', version: '2.0.0', bin: { yd: 'cli.js' }, files: { 'cli.js': '#!/usr/bin/env node\n' } },
      { name: 'shared', version: '1.0.0' },
    ],
  })
})

afterAll(async () => {
  await registry.close()
})

const rootJson = { name: 'mono', version: '1.0.0', workspaces: ['packages/*'], dependencies: { rootdep: '1.0.0' } }

function writeMonorepo(dir: string): string {
  writeProject(dir, { packageJson: rootJson })
  writeProject(path.join(dir, 'packages/x'), { packageJson: { name: 'x', version: '1.0.0', dependencies: { xdep: '^1.0.0' } } })
  writeProject(path.join(dir, 'packages/y'), { packageJson: { name: 'y', version: '1.0.0', dependencies: { ydep: '^1.0.0' } } })
  return dir
}

const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), 'utf8')
const hiddenPackages = (dir: string) => (readJson(path.join(dir, 'node_modules/.package-lock.json')) as { packages: Record<string, { version?: string }> }).packages
const topLevel = (dir: string) => fs.readdirSync(path.join(dir, 'node_modules')).sort()

async function skiff(dir: string, args: string[]): Promise<void> {
  const run = await runSkiff(dir, args, { registry: registry.url })
  expect(run.stderr).toBe('')
  expect(run.code).toBe(0)
}

/** A clean `skiff install` of the same project, to compare with. */
async function cleanInstall(base: string): Promise<{ tree: string[]; hidden: string; lock: string }> {
  const dir = writeMonorepo(path.join(base, 'clean'))
  await skiff(dir, ['install'])
  return { tree: listTree(path.join(dir, 'node_modules')), hidden: read(dir, 'node_modules/.package-lock.json'), lock: read(dir, 'package-lock.json') }
}

describe('skiff install -w', () => {
  test("-w x in a fresh project installs only x's dependencies, locks the whole tree, and a later install completes it as a clean install does", async () => {
    await using tmp = tempDir()
    const clean = await cleanInstall(tmp.path)
    const dir = writeMonorepo(path.join(tmp.path, 'project'))

    await skiff(dir, ['install', '-w', 'x'])
    expect(topLevel(dir)).toEqual(['.bin', '.package-lock.json', 'shared', 'x', 'xdep'])
    expect(fs.readdirSync(path.join(dir, 'node_modules/.bin'))).toEqual(['xd'])
    expect(read(dir, 'package-lock.json')).toBe(clean.lock)
    expect(Object.keys(hiddenPackages(dir))).toEqual(['node_modules/shared', 'node_modules/x', 'node_modules/xdep', 'packages/x'])
    // the workspace's package.json is not rewritten when nothing is added to it
    expect(read(dir, 'packages/x/package.json')).toBe(`${JSON.stringify({ name: 'x', version: '1.0.0', dependencies: { xdep: '^1.0.0' } }, null, 2)}\n`)

    await skiff(dir, ['install'])
    expect(listTree(path.join(dir, 'node_modules'))).toEqual(clean.tree)
    expect(read(dir, 'node_modules/.package-lock.json')).toBe(clean.hidden)
    expect(read(dir, 'package-lock.json')).toBe(clean.lock)
  })

  test("--include-workspace-root adds the root's own dependencies; --workspaces installs every workspace and not the root's", async () => {
    await using tmp = tempDir()
    const withRoot = writeMonorepo(path.join(tmp.path, 'with-root'))
    await skiff(withRoot, ['install', '-w', 'x', '--include-workspace-root'])
    expect(topLevel(withRoot)).toEqual(['.bin', '.package-lock.json', 'rootdep', 'shared', 'x', 'xdep'])
    expect(Object.keys(hiddenPackages(withRoot))).toEqual(['node_modules/rootdep', 'node_modules/shared', 'node_modules/x', 'node_modules/xdep', 'packages/x'])

    const all = writeMonorepo(path.join(tmp.path, 'all'))
    await skiff(all, ['install', '--workspaces'])
    expect(topLevel(all)).toEqual(['.bin', '.package-lock.json', 'shared', 'x', 'xdep', 'y', 'ydep'])
    expect(fs.readdirSync(path.join(all, 'node_modules/.bin')).sort()).toEqual(['xd', 'yd'])
    expect(Object.keys(hiddenPackages(all))).toEqual(['node_modules/shared', 'node_modules/x', 'node_modules/xdep', 'node_modules/y', 'node_modules/ydep', 'packages/x', 'packages/y'])
  })

  test("-w x leaves the rest of node_modules as it is: a root dependency the lockfile moved stays at its old version, in the hidden lockfile too", async () => {
    await using tmp = tempDir()
    const dir = writeMonorepo(path.join(tmp.path, 'project'))
    await skiff(dir, ['install'])
    writeProject(dir, { packageJson: { ...rootJson, dependencies: { rootdep: '1.1.0' } } })

    await skiff(dir, ['install', '-w', 'x'])
    expect((readJson(path.join(dir, 'package-lock.json')) as { packages: Record<string, { version?: string }> }).packages['node_modules/rootdep']?.version).toBe('1.1.0')
    expect((readJson(path.join(dir, 'node_modules/rootdep/package.json')) as { version: string }).version).toBe('1.0.0')
    expect(hiddenPackages(dir)['node_modules/rootdep']?.version).toBe('1.0.0')
    expect(topLevel(dir)).toEqual(['.bin', '.package-lock.json', 'rootdep', 'shared', 'x', 'xdep', 'y', 'ydep'])
    expect(fs.existsSync(path.join(dir, 'packages/y/package.json'))).toBe(true)

    await skiff(dir, ['install', '-w', 'x', '--include-workspace-root'])
    expect((readJson(path.join(dir, 'node_modules/rootdep/package.json')) as { version: string }).version).toBe('1.1.0')
    expect(hiddenPackages(dir)['node_modules/rootdep']?.version).toBe('1.1.0')
  })

  test('-w x over a node_modules whose hidden lockfile cannot be trusted installs the whole tree rather than lose what is there', async () => {
    await using tmp = tempDir()
    const clean = await cleanInstall(tmp.path)
    const dir = writeMonorepo(path.join(tmp.path, 'project'))
    await skiff(dir, ['install'])
    // a folder the hidden lockfile does not list
    fs.mkdirSync(path.join(dir, 'node_modules/stray'))

    await skiff(dir, ['install', '-w', 'x'])
    expect(listTree(path.join(dir, 'node_modules'))).toEqual(clean.tree)
    expect(read(dir, 'node_modules/.package-lock.json')).toBe(clean.hidden)
  })
})

describe('skiff ci -w', () => {
  test("ci -w x leaves only x's dependencies in node_modules, as npm ci -w removes node_modules first", async () => {
    await using tmp = tempDir()
    const dir = writeMonorepo(path.join(tmp.path, 'project'))
    await skiff(dir, ['install'])
    const lock = read(dir, 'package-lock.json')

    await skiff(dir, ['ci', '-w', 'x'])
    expect(topLevel(dir)).toEqual(['.bin', '.package-lock.json', 'shared', 'x', 'xdep'])
    expect(fs.readdirSync(path.join(dir, 'node_modules/.bin'))).toEqual(['xd'])
    expect(Object.keys(hiddenPackages(dir))).toEqual(['node_modules/shared', 'node_modules/x', 'node_modules/xdep', 'packages/x'])
    expect(read(dir, 'package-lock.json')).toBe(lock)

    const unknown = await runSkiff(dir, ['ci', '-w', 'nope'], { registry: registry.url })
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('no workspace named nope')
  })
})

describe('skiff ci, cold cache', () => {
  const tarballsAsked = (from: number) =>
    registry.requests
      .slice(from)
      .filter((request) => request.path.endsWith('.tgz'))
      .map((request) => path.basename(request.path))
      .sort()

  test('ci into an empty node_modules downloads every package of the tree, and ci -w x only those of x', async () => {
    await using tmp = tempDir()
    const dir = writeMonorepo(path.join(tmp.path, 'project'))
    await skiff(dir, ['install'])
    const fresh = () => {
      fs.rmSync(path.join(tmp.path, 'cache'), { recursive: true })
      fs.rmSync(path.join(dir, 'node_modules'), { recursive: true })
      return registry.requests.length
    }
    let from = fresh()
    await skiff(dir, ['ci', '-w', 'x'])
    expect(tarballsAsked(from)).toEqual(['shared-1.0.0.tgz', 'xdep-1.0.0.tgz'])

    from = fresh()
    await skiff(dir, ['ci'])
    expect(tarballsAsked(from)).toEqual(['rootdep-1.0.0.tgz', 'shared-1.0.0.tgz', 'xdep-1.0.0.tgz', 'ydep-1.0.0.tgz'])
  })
})

// npm writes the root's and the workspaces' entries from their package.json on every install
// and drops what nothing reaches any more (both checked by hand with npm 11.19: same lockfile)
describe('skiff install after package.json files are edited by hand', () => {
  test('a dependency taken out of the root package.json leaves the lockfile and node_modules', async () => {
    await using tmp = tempDir()
    const dir = writeMonorepo(path.join(tmp.path, 'project'))
    await skiff(dir, ['install'])
    const { dependencies: _removed, ...withoutRootdep } = rootJson
    fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(withoutRootdep, null, 2)}\n`)
    await skiff(dir, ['install'])
    const lock = readJson(path.join(dir, 'package-lock.json')) as { packages: Record<string, { dependencies?: Record<string, string> }> }
    expect(Object.keys(lock.packages).filter((location) => location.includes('rootdep'))).toEqual([])
    expect(lock.packages['']?.dependencies).toBeUndefined()
    expect(topLevel(dir)).not.toContain('rootdep')
    expect(Object.keys(hiddenPackages(dir)).filter((location) => location.includes('rootdep'))).toEqual([])
    expect(fs.existsSync(path.join(dir, 'node_modules/.bin/rd'))).toBe(false)
  })

  test("a dependency taken out of a workspace's package.json, by hand or by uninstall -w, leaves the lockfile and node_modules", async () => {
    await using tmp = tempDir()
    const byHand = writeMonorepo(path.join(tmp.path, 'by-hand'))
    const byCommand = writeMonorepo(path.join(tmp.path, 'by-command'))
    for (const dir of [byHand, byCommand]) await skiff(dir, ['install'])
    fs.writeFileSync(path.join(byHand, 'packages/y/package.json'), `${JSON.stringify({ name: 'y', version: '1.0.0' }, null, 2)}\n`)
    await skiff(byHand, ['install'])
    await skiff(byCommand, ['uninstall', 'ydep', '-w', 'y'])
    for (const dir of [byHand, byCommand]) {
      const lock = readJson(path.join(dir, 'package-lock.json')) as { packages: Record<string, { dependencies?: Record<string, string> }> }
      expect(Object.keys(lock.packages).filter((location) => location.includes('ydep'))).toEqual([])
      expect(lock.packages['packages/y']?.dependencies).toBeUndefined()
      expect(topLevel(dir)).not.toContain('ydep')
      expect(fs.existsSync(path.join(dir, 'node_modules/.bin/yd'))).toBe(false)
      expect(topLevel(dir)).toContain('xdep')
    }
    expect(read(byCommand, 'package-lock.json')).toBe(read(byHand, 'package-lock.json'))
  })

  test("a workspace's dependency moved to a new major by hand is resolved again: its lock entry, the locked version and the files follow", async () => {
    await using tmp = tempDir()
    const dir = writeMonorepo(path.join(tmp.path, 'project'))
    await skiff(dir, ['install'])
    fs.writeFileSync(path.join(dir, 'packages/y/package.json'), `${JSON.stringify({ name: 'y', version: '1.0.0', dependencies: { ydep: '^2.0.0' } }, null, 2)}\n`)
    await skiff(dir, ['install'])
    const lock = readJson(path.join(dir, 'package-lock.json')) as { packages: Record<string, { version?: string; dependencies?: Record<string, string> }> }
    expect(lock.packages['packages/y']?.dependencies).toEqual({ ydep: '^2.0.0' })
    const ydeps = Object.entries(lock.packages).filter(([location]) => location.endsWith('node_modules/ydep'))
    expect(ydeps.map(([, entry]) => entry.version)).toEqual(['2.0.0'])
    const [location] = ydeps[0] ?? ['']
    expect((readJson(path.join(dir, location, 'package.json')) as { version: string }).version).toBe('2.0.0')
    const again = await runSkiff(dir, ['install', '--verbose'], { registry: registry.url })
    expect(again.code).toBe(0)
    expect(again.stderr).not.toContain('timing resolve')
  })
})
