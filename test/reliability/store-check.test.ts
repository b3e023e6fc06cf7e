/**
 * The store is shared by every project on the machine, and its files are hardlinked into
 * node_modules: an edit through one project's node_modules, or damage inside the store itself,
 * must never reach a project installed later. Each stored package is checked before it is
 * linked (every file present, of its stored size, not modified after it was stored); a damaged
 * one is downloaded again and replaced, never linked, never a lasting failure.
 */
import { describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import type { TestRegistry } from '../registry/index.ts'
import { fixtureSuite, halfMadePackages, runSkiffFull, snapshotNodeModules, storeProblems, tempDir, writeFixtureProject } from './fixture.ts'

const suite = fixtureSuite()

function storedFile(cache: string, registry: TestRegistry, name: string, version: string, file: string): string {
  const key = Buffer.from(registry.integrity(name, version).slice('sha512-'.length), 'base64').toString('hex')
  return path.join(cache, 'v1', 'packages', key.slice(0, 2), key, 'content', file)
}

function tarballRequests(registry: TestRegistry, since: number, tarball: string): number {
  return registry.requests.slice(since).filter((request) => request.path === tarball).length
}

const ALPHA_TARBALL = '/alpha/-/alpha-1.0.0.tgz'
const HEAVY_TARBALL = '/heavy/-/heavy-1.0.0.tgz'

/** Two projects of the fixture on one store; the first one installed. */
async function installedPair(base: string): Promise<{ first: string; second: string; cache: string }> {
  const cache = path.join(base, 'shared-cache')
  const first = writeFixtureProject(suite.registry, path.join(base, 'first'))
  const second = writeFixtureProject(suite.registry, path.join(base, 'second'))
  const run = await runSkiffFull(first, ['ci'], { registry: suite.registry.url, cache })
  expect(run.code).toBe(0)
  return { first, second, cache }
}

describe('the store cannot be poisoned', () => {
  test("an edit written into one project's node_modules does not reach a project installed later", async () => {
    await using tmp = tempDir()
    const { first, second, cache } = await installedPair(tmp.path)
    // what patch-package does: write into the file in place, through the hardlink
    fs.writeFileSync(path.join(first, 'node_modules/alpha/index.js'), 'module.exports = 42\n')
    expect(fs.readFileSync(storedFile(cache, suite.registry, 'alpha', '1.0.0', 'index.js'), 'utf8')).toBe('module.exports = 42\n')

    const before = suite.registry.requests.length
    const run = await runSkiffFull(second, ['ci'], { registry: suite.registry.url, cache })
    expect(run.code).toBe(0)
    expect(run.stderr).toBe('warn the cached copy of alpha@1.0.0 is not as it was stored (index.js has 20 bytes where 27 were stored); downloading it again\n')
    expect(fs.readFileSync(path.join(second, 'node_modules/alpha/index.js'), 'utf8')).toBe('module.exports = "alpha 1"\n')
    expect(snapshotNodeModules(second)).toEqual(suite.cleanTree)
    expect(tarballRequests(suite.registry, before, ALPHA_TARBALL)).toBe(1)
    // the first project keeps its own edit; the store holds the package as published again
    expect(fs.readFileSync(path.join(first, 'node_modules/alpha/index.js'), 'utf8')).toBe('module.exports = 42\n')
    expect(await storeProblems(cache, suite.registry)).toEqual([])
  })

  test('an edit of the same size is found by its time: the file was modified after it was stored', async () => {
    await using tmp = tempDir()
    const { first, second, cache } = await installedPair(tmp.path)
    fs.writeFileSync(path.join(first, 'node_modules/alpha/index.js'), 'module.exports = "ALPHA 1"\n')
    const run = await runSkiffFull(second, ['ci'], { registry: suite.registry.url, cache })
    expect(run.code).toBe(0)
    expect(run.stderr).toContain('alpha@1.0.0 is not as it was stored (index.js was modified after it was stored)')
    expect(snapshotNodeModules(second)).toEqual(suite.cleanTree)
    expect(await storeProblems(cache, suite.registry)).toEqual([])
  })

  test('a file overwritten inside the store is not linked: the package is downloaded again', async () => {
    await using tmp = tempDir()
    const { second, cache } = await installedPair(tmp.path)
    fs.writeFileSync(storedFile(cache, suite.registry, 'heavy', '1.0.0', 'lib/part-7/file-7.js'), 'tampered\n')
    const before = suite.registry.requests.length
    const run = await runSkiffFull(second, ['ci'], { registry: suite.registry.url, cache })
    expect(run.code).toBe(0)
    expect(run.stderr).toContain('heavy@1.0.0 is not as it was stored (lib/part-7/file-7.js')
    expect(tarballRequests(suite.registry, before, HEAVY_TARBALL)).toBe(1)
    expect(await halfMadePackages(second, suite.registry)).toEqual([])
    expect(snapshotNodeModules(second)).toEqual(suite.cleanTree)
    expect(await storeProblems(cache, suite.registry)).toEqual([])
  })

  test('a marker that cannot be read any more (cut short, garbage) is downloaded again, by ci and by fetch', async () => {
    await using tmp = tempDir()
    const { second, cache } = await installedPair(tmp.path)
    const marker = path.join(path.dirname(storedFile(cache, suite.registry, 'heavy', '1.0.0', 'x')), '..', 'index.json')
    fs.writeFileSync(marker, '{"version":3,"key":"')
    const before = suite.registry.requests.length
    const run = await runSkiffFull(second, ['ci'], { registry: suite.registry.url, cache })
    expect(run.code).toBe(0)
    expect(tarballRequests(suite.registry, before, HEAVY_TARBALL)).toBe(1)
    expect(snapshotNodeModules(second)).toEqual(suite.cleanTree)
    expect(await storeProblems(cache, suite.registry)).toEqual([])

    fs.writeFileSync(marker, 'garbage')
    const third = writeFixtureProject(suite.registry, path.join(tmp.path, 'third'))
    const fetched = await runSkiffFull(third, ['fetch'], { registry: suite.registry.url, cache })
    expect(fetched.code).toBe(0)
    expect(tarballRequests(suite.registry, before, HEAVY_TARBALL)).toBe(2)
    expect(await storeProblems(cache, suite.registry)).toEqual([])
  })

  test('a file deleted from the store is downloaded again, and every later install works', async () => {
    await using tmp = tempDir()
    const { second, cache } = await installedPair(tmp.path)
    fs.rmSync(storedFile(cache, suite.registry, 'heavy', '1.0.0', 'lib/part-3/file-123.js'))
    const run = await runSkiffFull(second, ['ci'], { registry: suite.registry.url, cache })
    expect(run.code).toBe(0)
    expect(run.stderr).toContain('heavy@1.0.0 is not as it was stored (lib/part-3/file-123.js is missing)')
    expect(snapshotNodeModules(second)).toEqual(suite.cleanTree)
    const third = writeFixtureProject(suite.registry, path.join(tmp.path, 'third'))
    const before = suite.registry.requests.length
    const again = await runSkiffFull(third, ['ci'], { registry: suite.registry.url, cache })
    expect(again.code).toBe(0)
    expect(again.stderr).toBe('')
    expect(tarballRequests(suite.registry, before, HEAVY_TARBALL)).toBe(0)
    expect(await storeProblems(cache, suite.registry)).toEqual([])
  })

  test('a package whose stored copy is damaged is linked sound at every place the tree holds it', async () => {
    await using tmp = tempDir()
    const { second, cache } = await installedPair(tmp.path)
    // alpha@2.0.0 sits under beta; damage it, then install
    fs.rmSync(storedFile(cache, suite.registry, 'alpha', '2.0.0', 'index.js'))
    const run = await runSkiffFull(second, ['ci'], { registry: suite.registry.url, cache })
    expect(run.code).toBe(0)
    expect(fs.readFileSync(path.join(second, 'node_modules/beta/node_modules/alpha/index.js'), 'utf8')).toBe('module.exports = "alpha 2"\n')
    expect(snapshotNodeModules(second)).toEqual(suite.cleanTree)
  })
})
