/**
 * skiff cache dir | verify | clean | prune: the store's folder for CI cache keys, a check of
 * every entry against what was stored, removal of everything or of what no install used for
 * N days, none of it while an install holds the store.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { runSkiff, tempDir } from '../helpers/index.ts'
import { createTestRegistry, lockfileFor, writeProject, type TestRegistry } from '../registry/index.ts'

let registry: TestRegistry

beforeAll(async () => {
  registry = await createTestRegistry({
    packages: [
      { name: 'alpha', version: '1.0.0', files: { 'index.js': 'alpha\n' } },
      { name: 'beta', version: '1.0.0', files: { 'index.js': 'beta\n' } },
    ],
  })
})

afterAll(async () => {
  await registry.close()
})

function project(base: string, folder: string, names: string[]): string {
  const packageJson = { name: folder, version: '1.0.0', dependencies: Object.fromEntries(names.map((name) => [name, '1.0.0'])) }
  return writeProject(path.join(base, folder), { packageJson, lockfile: lockfileFor(registry, packageJson, names.map((name) => ({ name, version: '1.0.0' }))) })
}

const keyOf = (name: string) => Buffer.from(registry.integrity(name, '1.0.0').slice('sha512-'.length), 'base64').toString('hex')
const entryOf = (cache: string, name: string) => path.join(cache, 'v1', 'packages', keyOf(name).slice(0, 2), keyOf(name))

describe('skiff cache', () => {
  test('dir prints the cache folder: SKIFF_CACHE_DIR, or --cache', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path, 'app', [])
    expect(await runSkiff(dir, ['cache', 'dir'])).toEqual({ code: 0, stdout: `${path.join(tmp.path, 'cache')}\n`, stderr: '' })
    expect((await runSkiff(dir, ['cache', 'dir', '--cache', '../elsewhere'])).stdout).toBe(`${path.join(tmp.path, 'elsewhere')}\n`)
  })

  test('verify checks every entry, removes a damaged one and names it; the next install downloads it again', async () => {
    await using tmp = tempDir()
    const cache = path.join(tmp.path, 'cache')
    const dir = project(tmp.path, 'app', ['alpha', 'beta'])
    expect((await runSkiff(dir, ['ci'], { registry: registry.url })).code).toBe(0)
    const sound = await runSkiff(dir, ['cache', 'verify'])
    expect(sound.code).toBe(0)
    expect(sound.stdout).toContain(`Cache verified (${cache})\nContent verified: 2 (`)
    expect(sound.stdout).toContain('Corrupted content removed: 0\n')

    fs.appendFileSync(path.join(entryOf(cache, 'beta'), 'content', 'index.js'), 'tampered\n')
    const damaged = await runSkiff(dir, ['cache', 'verify'])
    expect(damaged.stdout).toContain('Content verified: 1 (')
    expect(damaged.stdout).toContain('Corrupted content removed: 1\n  beta@1.0.0: index.js has 14 bytes where 5 were stored\n')
    expect(fs.existsSync(entryOf(cache, 'beta'))).toBe(false)
    expect(fs.existsSync(entryOf(cache, 'alpha'))).toBe(true)

    const fetched = () => registry.requests.filter((request) => request.path === registry.tarballPath('beta', '1.0.0')).length
    const before = fetched()
    fs.rmSync(path.join(dir, 'node_modules'), { recursive: true })
    expect((await runSkiff(dir, ['ci'], { registry: registry.url })).code).toBe(0)
    expect(fetched()).toBe(before + 1)
    expect(fs.readFileSync(path.join(dir, 'node_modules/beta/index.js'), 'utf8')).toBe('beta\n')
  })

  test('clean asks for --force as npm does, then removes everything in the cache but the folder itself', async () => {
    await using tmp = tempDir()
    const cache = path.join(tmp.path, 'cache')
    const dir = project(tmp.path, 'app', ['alpha'])
    expect((await runSkiff(dir, ['ci'], { registry: registry.url })).code).toBe(0)
    const refused = await runSkiff(dir, ['cache', 'clean'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('error EUSAGE skiff cache clean deletes every package in the cache')
    expect(fs.existsSync(entryOf(cache, 'alpha'))).toBe(true)
    const clean = await runSkiff(dir, ['cache', 'clean', '--force'])
    expect(clean.code).toBe(0)
    expect(clean.stdout).toStartWith(`removed the cache at ${cache}: 1 package (`)
    expect(fs.readdirSync(path.join(cache, 'v1')).sort()).toEqual(['holders'])
    expect(fs.readFileSync(path.join(dir, 'node_modules/alpha/index.js'), 'utf8')).toBe('alpha\n')
  })

  test('prune --days N removes what no install used in N days and was not stored in them; what an install links counts as used', async () => {
    await using tmp = tempDir()
    const cache = path.join(tmp.path, 'cache')
    expect((await runSkiff(project(tmp.path, 'both', ['alpha', 'beta']), ['ci'], { registry: registry.url })).code).toBe(0)
    // as if all that happened 40 days ago
    const usedDir = path.join(cache, 'v1', 'used')
    const longAgo = new Date(Date.now() - 40 * 24 * 60 * 60 * 1000)
    for (const log of fs.readdirSync(usedDir)) fs.renameSync(path.join(usedDir, log), path.join(usedDir, `${longAgo.toISOString().slice(0, 10)}.log`))
    for (const name of ['alpha', 'beta']) fs.utimesSync(path.join(entryOf(cache, name), 'index.json'), longAgo, longAgo)
    const one = project(tmp.path, 'one', ['alpha'])
    expect((await runSkiff(one, ['ci'], { registry: registry.url })).code).toBe(0)

    const prune = await runSkiff(one, ['cache', 'prune', '--days', '30'])
    expect(prune.code).toBe(0)
    expect(prune.stdout).toMatch(/^removed 1 package no install used in the last 30 days \(\d+ B\), kept 1, in /)
    expect(fs.existsSync(entryOf(cache, 'beta'))).toBe(false)
    expect(fs.existsSync(entryOf(cache, 'alpha'))).toBe(true)
    expect(fs.readdirSync(usedDir)).toEqual([`${new Date().toISOString().slice(0, 10)}.log`])
  })

  test('nothing is removed while an install holds the store: the cache command waits, then gives up with ELOCKED', async () => {
    await using tmp = tempDir()
    const cache = path.join(tmp.path, 'cache')
    const dir = project(tmp.path, 'app', ['alpha'])
    expect((await runSkiff(dir, ['ci'], { registry: registry.url })).code).toBe(0)
    // a live process of this host holding the store, as an install does while it runs
    const holder = Bun.spawn(['sleep', '30'])
    const host = new Bun.CryptoHasher('sha256').update(os.hostname()).digest('hex').slice(0, 8)
    const holderFile = path.join(cache, 'v1', 'holders', `${host}.${holder.pid}.test1234`)
    fs.writeFileSync(holderFile, '')
    try {
      const blocked = await runSkiff(dir, ['cache', 'clean', '--force'], { env: { npm_config_lock_timeout: '300' } })
      expect(blocked.code).toBe(1)
      expect(blocked.stderr).toContain(`waiting for the install using the store (process ${holder.pid}) to finish`)
      expect(blocked.stderr).toContain(`error ELOCKED an install is using the store (process ${holder.pid})`)
      expect(fs.existsSync(entryOf(cache, 'alpha'))).toBe(true)
    } finally {
      holder.kill()
      await holder.exited
    }
    expect((await runSkiff(dir, ['cache', 'clean', '--force'])).code).toBe(0)
    expect(fs.existsSync(entryOf(cache, 'alpha'))).toBe(false)
  })

  test('an install waits while a cache command has the store, then gives up with ELOCKED, having changed nothing', async () => {
    await using tmp = tempDir()
    const cache = path.join(tmp.path, 'cache')
    const dir = project(tmp.path, 'app', ['alpha'])
    const owner = Bun.spawn(['sleep', '30'])
    const host = new Bun.CryptoHasher('sha256').update(os.hostname()).digest('hex').slice(0, 8)
    fs.mkdirSync(path.join(cache, 'v1'), { recursive: true })
    fs.writeFileSync(path.join(cache, 'v1', 'maintenance.lock'), JSON.stringify({ host, pid: owner.pid }))
    try {
      const blocked = await runSkiff(dir, ['ci'], { registry: registry.url, env: { npm_config_lock_timeout: '300' } })
      expect(blocked.code).toBe(1)
      expect(blocked.stderr).toContain(`error ELOCKED the store is being cleaned (process ${owner.pid})`)
      expect(fs.existsSync(path.join(dir, 'node_modules'))).toBe(false)
    } finally {
      owner.kill()
      await owner.exited
    }
    // its owner gone, the lock is stale and the install goes ahead
    expect((await runSkiff(dir, ['ci'], { registry: registry.url })).code).toBe(0)
  })
})
