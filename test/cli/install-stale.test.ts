/**
 * Adding or removing one dependency in an installed project asks the registry for what npm
 * asks for, and leaves the rest of node_modules as it was. npm 11.19, on the same kind of
 * project (`npm install is-odd@3.0.1` in an installed tree that does not hold is-number 6,
 * then `npm uninstall is-odd`, `--loglevel http`): the add fetches is-odd's and is-number's
 * documents and their two tarballs, the removal fetches nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { createTestRegistry, holdAnswers, lockfileFor, writeProject, type TestRegistry } from '../registry/index.ts'
import { runSkiff, tempDir } from '../helpers/index.ts'

let registry: TestRegistry

beforeAll(async () => {
  registry = await createTestRegistry({
    packages: [
      { name: 'app-lib', version: '1.0.0', dependencies: { util: '^2.0.0', shared: '^1.0.0' }, files: { 'index.js': 'app-lib\n' } },
      { name: 'util', version: '2.0.0', dependencies: { shared: '^1.0.0' } },
      { name: 'util', version: '2.1.0', dependencies: { shared: '^1.0.0' } },
      { name: 'shared', version: '1.0.0' },
      { name: 'shared', version: '1.2.0' },
      // a plugin host with an optional peer nothing installs: npm never fetches the peer
      { name: 'host', version: '1.0.0', peerDependencies: { 'opt-peer': '^1.0.0', shared: '^1.0.0' }, peerDependenciesMeta: { 'opt-peer': { optional: true } } },
      { name: 'opt-peer', version: '1.0.0' },
      { name: 'is-number', version: '7.0.0' },
      { name: 'is-number', version: '6.0.0' },
      { name: 'is-odd', version: '3.0.1', dependencies: { 'is-number': '^6.0.0' } },
      { name: 'trio', version: '1.0.0', dependencies: { 'part-a': '^1.0.0', 'part-b': '^1.0.0', 'part-c': '^1.0.0' } },
      { name: 'part-a', version: '1.0.0' },
      { name: 'part-b', version: '1.0.0' },
      { name: 'part-c', version: '1.0.0' },
      { name: 'chain-a', version: '1.0.0', dependencies: { 'chain-b': '^1.0.0' } },
      { name: 'chain-b', version: '1.0.0', dependencies: { 'chain-c': '^1.0.0' } },
      { name: 'chain-c', version: '1.0.0' },
    ],
  })
})

afterAll(async () => {
  await registry.close()
})

/**
 * What was asked for since `from`: `name` for a document (packument, or one version's
 * document: this registry answers the abbreviated form, which lacks a version's license), the
 * tarball path for a tarball; sorted, each once.
 */
const asked = (from: number): string[] => {
  const paths = registry.requests.slice(from).map((request) => request.path)
  const what = paths.map((requested) => requested.includes('/-/') ? requested : requested.replace(/^\/((?:@[^/]+\/)?[^/]+).*$/, '$1'))
  return [...new Set(what)].sort()
}

describe('a stale install', () => {
  test('adding one dependency asks only for its documents and tarballs, removing it asks for nothing; the rest stays linked as it was', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'project'), {
      packageJson: { name: 'app', version: '1.0.0', dependencies: { 'app-lib': '^1.0.0', host: '^1.0.0', 'is-number': '^7.0.0' } },
    })
    const first = await runSkiff(dir, ['install'], { registry: registry.url })
    expect(first.code).toBe(0)
    // npm reads the optional peer's document with the peer set, and installs nothing of it
    expect(asked(0).filter((request) => request.includes('opt-peer'))).toEqual(['opt-peer'])
    const inode = (file: string) => fs.statSync(path.join(dir, 'node_modules', file)).ino
    const before = inode('app-lib/index.js')

    const beforeAdd = registry.requests.length
    const add = await runSkiff(dir, ['install', 'is-odd@3.0.1'], { registry: registry.url })
    expect(add.code).toBe(0)
    expect(asked(beforeAdd)).toEqual([
      '/is-number/-/is-number-6.0.0.tgz',
      '/is-odd/-/is-odd-3.0.1.tgz',
      'is-number',
      'is-odd',
    ])
    expect(fs.existsSync(path.join(dir, 'node_modules/is-odd/node_modules/is-number/package.json'))).toBe(true)
    expect(inode('app-lib/index.js')).toBe(before)

    const beforeRemove = registry.requests.length
    const remove = await runSkiff(dir, ['uninstall', 'is-odd'], { registry: registry.url })
    expect(remove.code).toBe(0)
    expect(asked(beforeRemove)).toEqual([])
    expect(fs.existsSync(path.join(dir, 'node_modules/is-odd'))).toBe(false)
    expect(inode('app-lib/index.js')).toBe(before)
    expect(registry.unexpected).toEqual([])
  })

  test('the documents a locked package lacks are asked for at once, not one after another', async () => {
    await using tmp = tempDir()
    const packageJson = { name: 'app', version: '1.0.0', dependencies: { trio: '^1.0.0' } }
    // the lockfile holds trio but none of its three dependencies
    const dir = writeProject(path.join(tmp.path, 'project'), { packageJson, lockfile: lockfileFor(registry, packageJson, [{ name: 'trio', version: '1.0.0' }]) })
    // no document of the three is answered until all three were asked for; asked for one after
    // another, the second never comes, and the hold is let go after a while so the install ends
    const asked = new Set<string>()
    const isPart = (requested: string) => /^\/part-[abc]$/.test(requested)
    const { value: run, reached } = await holdAnswers(registry, isPart, (requested) => isPart(requested) && asked.add(requested).size === 3, 10_000, () =>
      runSkiff(dir, ['install', '--package-lock-only'], { registry: registry.url }))
    expect(run.code).toBe(0)
    expect(reached).toBe(true)
    const lock = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> }
    expect(Object.keys(lock.packages).sort()).toEqual(['', 'node_modules/part-a', 'node_modules/part-b', 'node_modules/part-c', 'node_modules/trio'])
  })

  test('with outdated copies in the metadata cache, a chain of new dependencies is asked for at once, not one link per answer', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'project'), { packageJson: { name: 'app', version: '1.0.0', dependencies: { 'is-number': '^7.0.0' } } })
    expect((await runSkiff(dir, ['install', 'chain-a@1.0.0'], { registry: registry.url })).code).toBe(0)
    expect((await runSkiff(dir, ['uninstall', 'chain-a'], { registry: registry.url })).code).toBe(0)
    // the cache holds all three documents, without a max-age: each is asked for again. chain-a's
    // is held until chain-c's was asked for too, which only the cached copies can tell of
    const beforeAdd = registry.requests.length
    const { value: add, reached } = await holdAnswers(registry, (requested) => requested === '/chain-a', (requested) => requested === '/chain-c', 4_000, () =>
      runSkiff(dir, ['install', 'chain-a@1.0.0'], { registry: registry.url }))
    expect(add.code).toBe(0)
    expect(reached).toBe(true)
    expect(asked(beforeAdd).filter((request) => !request.includes('/-/'))).toEqual(['chain-a', 'chain-b', 'chain-c'])
    expect(fs.existsSync(path.join(dir, 'node_modules/chain-c/package.json'))).toBe(true)
  }, 15_000)

  test('--loglevel http prints each registry request as npm does', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'project'), { packageJson: { name: 'app', version: '1.0.0' } })
    const before = registry.requests.filter((request) => request.path.includes('is-')).length
    const run = await runSkiff(dir, ['install', 'is-odd@3.0.1', '--loglevel', 'http'], { registry: registry.url })
    expect(run.code).toBe(0)
    const lines = run.stderr.split('\n').filter((line) => line.startsWith('http fetch '))
    const shape = lines.map((line) => line.replace(/ \d+ms /, ' <n>ms ')).sort()
    expect(shape).toEqual([
      `http fetch GET 200 ${registry.url}is-number <n>ms (cache miss)`,
      `http fetch GET 200 ${registry.url}is-number/-/is-number-6.0.0.tgz <n>ms (cache miss)`,
      `http fetch GET 200 ${registry.url}is-number/6.0.0 <n>ms (cache miss)`,
      `http fetch GET 200 ${registry.url}is-odd <n>ms (cache miss)`,
      `http fetch GET 200 ${registry.url}is-odd/-/is-odd-3.0.1.tgz <n>ms (cache miss)`,
      `http fetch GET 200 ${registry.url}is-odd/3.0.1 <n>ms (cache miss)`,
    ])
    expect(lines.length).toBe(registry.requests.filter((request) => request.path.includes('is-')).length - before)

    // the documents are cached with their ETag: asked again, the registry answers 304
    fs.rmSync(path.join(dir, 'package-lock.json'))
    const again = await runSkiff(dir, ['install', '--package-lock-only', '--loglevel', 'http'], { registry: registry.url })
    expect(again.code).toBe(0)
    expect(again.stderr).toContain(`http fetch GET 200 ${registry.url}is-odd `)
    expect(again.stderr).toMatch(/is-odd \d+ms \(cache revalidated\)/)
  })

  test('--timings shows each document as a job of the metadata lanes: asked for, read on a worker thread, written into the cache', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'project'), { packageJson: { name: 'app', version: '1.0.0' } })
    const run = await runSkiff(dir, ['install', 'is-odd@3.0.1', '--package-lock-only', '--timings'], { registry: registry.url })
    expect(run.code).toBe(0)
    expect(run.stderr).toMatch(/^timing lane metadata: 2 jobs, busy \d+ms/m)
    expect(run.stderr).toMatch(/^timing lane metadata reading: 2 jobs/m)
    expect(run.stderr).toMatch(/^timing lane metadata cache writes: [12] jobs/m)
    expect(run.stderr).toMatch(/^timing make package-lock\.json /m)
  })

  test('below loglevel http no request is printed', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'project'), { packageJson: { name: 'app', version: '1.0.0' } })
    const run = await runSkiff(dir, ['install', 'is-odd@3.0.1'], { registry: registry.url })
    expect(run.code).toBe(0)
    expect(run.stderr).not.toContain('http fetch')
  })
})
