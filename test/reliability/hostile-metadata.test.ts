/**
 * Hostile metadata through `skiff ci`: lockfile locations and names that would place files
 * outside node_modules or print control sequences, bin names and targets that climb out,
 * resolved URLs on other hosts (no credentials go there), plain-http URLs, and a registry name
 * pointed at a foreign tarball.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { createTestRegistry, lockfileFor, writeProject, type LockedPackage, type TestRegistry } from '../registry/index.ts'
import { createFixtureRegistry, listTree, runSkiffFull, storeProblems, tempDir, type SkiffExit } from './fixture.ts'

let registry: TestRegistry
/** another host (another port): tarballs that a lockfile points elsewhere */
let foreign: TestRegistry

const TOKEN = 'npm_TOKENabcdefghijklmnopqrstuvwxyz0123'

beforeAll(async () => {
  registry = await createFixtureRegistry([
    {
      name: 'binny',
      version: '1.0.0',
      bin: { ok: 'index.js', '../../../../climb': 'index.js', 'ctl\u001b[31mred\nline': 'index.js', out: '../../../../outside.txt' },
      files: { 'index.js': '#!/usr/bin/env node\n' },
    },
  ])
  foreign = await createTestRegistry({ packages: [{ name: 'alpha', version: '1.0.0', files: { 'index.js': 'module.exports = "not alpha"\n' } }] })
})

afterAll(async () => {
  await registry.close()
  await foreign.close()
})

type Lock = { packages: Record<string, Record<string, unknown>> }

const packageJson = { name: 'app', version: '1.0.0', dependencies: { alpha: '1.0.0' } }

interface MetadataRun extends SkiffExit {
  base: string
  dir: string
}

async function ciWithLock(base: string, edit: (lock: Lock) => void, options: { npmrc?: string; pj?: Record<string, unknown>; locked?: LockedPackage[] } = {}): Promise<MetadataRun> {
  const pj = options.pj ?? packageJson
  const lock = lockfileFor(registry, pj, options.locked ?? [{ name: 'alpha', version: '1.0.0' }]) as unknown as Lock
  edit(lock)
  const dir = writeProject(path.join(base, 'project'), { packageJson: pj, lockfile: lock as unknown as Record<string, unknown>, ...(options.npmrc === undefined ? {} : { npmrc: options.npmrc }) })
  fs.writeFileSync(path.join(base, 'outside.txt'), 'outside\n')
  const run = await runSkiffFull(dir, ['ci'], { registry: registry.url })
  return { ...run, base, dir }
}

/** Files the run left in the test's folder outside the project's node_modules and the store. */
function writtenOutside(run: MetadataRun): string[] {
  return listTree(run.base).filter((entry) => !/^(project\/node_modules\/|cache\/|home\/)/.test(entry) && !['outside.txt', 'project/', 'project/package.json', 'project/package-lock.json', 'project/node_modules/', 'cache/', 'home/', 'project/.npmrc'].includes(entry))
}

function expectRefusedLock(run: MetadataRun, fragment: string): void {
  expect(run.code).toBe(1)
  const first = run.stderr.split('\n')[0] ?? ''
  expect(first).toStartWith(`error EJSONPARSE ${path.join(run.dir, 'package-lock.json')}: packages[`)
  expect(first).toContain(fragment)
  // control characters reach the terminal escaped, never raw
  expect(run.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/)
  expect(writtenOutside(run)).toEqual([])
  expect(fs.existsSync(path.join(run.dir, 'node_modules'))).toBe(false)
}

describe('hostile metadata through skiff ci', () => {
  const copyOfAlpha = (lock: Lock) => ({ ...lock.packages['node_modules/alpha'] })

  test('a lockfile location climbing out of node_modules with ".." is refused, naming the location, and nothing is written', async () => {
    await using tmp = tempDir()
    const run = await ciWithLock(tmp.path, (lock) => {
      lock.packages['node_modules/../../escaped'] = copyOfAlpha(lock)
    })
    expectRefusedLock(run, '"node_modules/../../escaped"')
  })

  test('a nested location climbing out, an absolute one and one with a control character are refused', async () => {
    for (const location of ['node_modules/alpha/node_modules/../../../../escaped', 'node_modules//tmp/escaped', '/tmp/node_modules/escaped', 'node_modules/al\u001b[2Jpha']) {
      await using tmp = tempDir()
      const run = await ciWithLock(tmp.path, (lock) => {
        lock.packages[location] = copyOfAlpha(lock)
      })
      expectRefusedLock(run, JSON.stringify(location))
    }
  })

  test('a lock entry whose name is not a package name ("..", "/", control characters) is refused, naming it escaped', async () => {
    for (const name of ['../../evil', '@a/b/c', 'al\u001b[2Jpha']) {
      await using tmp = tempDir()
      const run = await ciWithLock(tmp.path, (lock) => {
        ;(lock.packages['node_modules/alpha'] as Record<string, unknown>).name = name
      })
      expectRefusedLock(run, JSON.stringify(name))
    }
  })

  test('bin names with "/", ".." or control characters and bin targets outside the package are neutralised: links stay in .bin and point inside the package', async () => {
    await using tmp = tempDir()
    const run = await ciWithLock(tmp.path, () => {}, {
      pj: { name: 'app', version: '1.0.0', dependencies: { binny: '1.0.0' } },
      locked: [{ name: 'binny', version: '1.0.0' }],
    })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const bin = path.join(run.dir, 'node_modules/.bin')
    expect(listTree(bin)).toEqual(['climb -> ../binny/index.js', 'ok -> ../binny/index.js'])
    expect(fs.statSync(path.join(run.base, 'outside.txt')).mode & 0o777).toBe(0o644)
    expect(writtenOutside(run)).toEqual([])
  })

  test('a resolved URL on another host gets no credentials, while the registry host gets its token', async () => {
    await using tmp = tempDir()
    const host = new URL(registry.url).host
    const before = { registry: registry.requests.length, foreign: foreign.requests.length }
    const run = await ciWithLock(
      tmp.path,
      (lock) => {
        const alpha = lock.packages['node_modules/alpha'] as Record<string, unknown>
        alpha.resolved = foreign.tarballUrl('alpha', '1.0.0')
        alpha.integrity = foreign.integrity('alpha', '1.0.0')
      },
      {
        npmrc: `//${host}/:_authToken=${TOKEN}\n`,
        pj: { name: 'app', version: '1.0.0', dependencies: { alpha: '1.0.0', beta: '1.0.0' } },
        locked: [{ name: 'alpha', version: '1.0.0' }, { name: 'beta', version: '1.0.0' }, { name: 'alpha', version: '2.0.0', location: 'node_modules/beta/node_modules/alpha' }],
      },
    )
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const foreignRequests = foreign.requests.slice(before.foreign)
    expect(foreignRequests.map((request) => request.path)).toEqual(['/alpha/-/alpha-1.0.0.tgz'])
    expect(foreignRequests[0]?.headers.authorization).toBeUndefined()
    expect(JSON.stringify(foreignRequests)).not.toContain(TOKEN)
    const own = registry.requests.slice(before.registry)
    expect(own.length).toBeGreaterThan(0)
    for (const request of own) expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`)
  })

  test('a plain-http resolved URL on another host is fetched, with one warning naming the host and no credentials', async () => {
    await using tmp = tempDir()
    const host = new URL(registry.url).host
    const before = registry.requests.length
    const run = await ciWithLock(
      tmp.path,
      (lock) => {
        // a made-up host, reached through the fixture registry acting as the HTTP proxy
        ;(lock.packages['node_modules/alpha'] as Record<string, unknown>).resolved = 'http://tarballs.example.test/alpha/-/alpha-1.0.0.tgz'
      },
      { npmrc: `proxy=${registry.url}\n//${host}/:_authToken=${TOKEN}\n` },
    )
    expect(run.code).toBe(0)
    expect(run.stderr).toBe('warn tarballs from tarballs.example.test come over plain http: anyone on the way could change them, and only the lockfile\'s integrity would notice\n')
    const proxied = registry.requests.slice(before).filter((request) => request.path === '/alpha/-/alpha-1.0.0.tgz')
    expect(proxied).toHaveLength(1)
    expect(proxied[0]?.headers.authorization).toBeUndefined()
    expect(fs.readFileSync(path.join(run.dir, 'node_modules/alpha/index.js'), 'utf8')).toBe('module.exports = "alpha 1"\n')
  })

  test('a registry name pointed at a foreign tarball with the real integrity fails with EINTEGRITY, and nothing is stored', async () => {
    await using tmp = tempDir()
    const run = await ciWithLock(tmp.path, (lock) => {
      ;(lock.packages['node_modules/alpha'] as Record<string, unknown>).resolved = foreign.tarballUrl('alpha', '1.0.0')
    })
    expect(run.code).toBe(1)
    expect(run.stderr).toStartWith('error EINTEGRITY alpha@1.0.0: ')
    expect(run.stderr).toContain(registry.integrity('alpha', '1.0.0'))
    expect(run.stderr).toContain(foreign.integrity('alpha', '1.0.0'))
    expect(listTree(path.join(run.base, 'cache')).filter((entry) => entry.includes('/packages/') && entry.endsWith('index.js'))).toEqual([])
  })

  test('without integrity a foreign tarball is installed as npm does, but stored under its URL, so it never stands in for the verified package', async () => {
    await using tmp = tempDir()
    const cache = path.join(tmp.path, 'cache')
    const run = await ciWithLock(tmp.path, (lock) => {
      const alpha = lock.packages['node_modules/alpha'] as Record<string, unknown>
      alpha.resolved = foreign.tarballUrl('alpha', '1.0.0')
      delete alpha.integrity
    })
    expect(run.code).toBe(0)
    expect(fs.readFileSync(path.join(run.dir, 'node_modules/alpha/index.js'), 'utf8')).toBe('module.exports = "not alpha"\n')
    const keys = fs.readdirSync(path.join(cache, 'v1/packages')).flatMap((fan) => fs.readdirSync(path.join(cache, 'v1/packages', fan)))
    expect(keys).toEqual([expect.stringMatching(/^url-[0-9a-f]{64}$/)])

    await using other = tempDir()
    const honest = writeProject(path.join(other.path, 'project'), { packageJson, lockfile: lockfileFor(registry, packageJson, [{ name: 'alpha', version: '1.0.0' }]) })
    const verified = await runSkiffFull(honest, ['ci'], { registry: registry.url, cache })
    expect(verified.code).toBe(0)
    expect(fs.readFileSync(path.join(honest, 'node_modules/alpha/index.js'), 'utf8')).toBe('module.exports = "alpha 1"\n')
    expect(await storeProblems(cache, registry)).toEqual([])
  })
})
