/**
 * Installs running at once: projects sharing one store, two runs in one project (the project
 * lock), and a low open-files limit.
 */
import { describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { SkiffError } from '../../src/error/index.ts'
import { acquireProjectLock, LOCK_FILE } from '../../src/install/project-lock.ts'
import {
  fixtureSuite,
  HEAVY_FILES,
  runSkiffFull,
  snapshotNodeModules,
  startSkiff,
  storeProblems,
  tempDir,
  waitFor,
  writeFixtureProject,
} from './fixture.ts'

const suite = fixtureSuite()

async function deadPid(): Promise<number> {
  const child = Bun.spawn(['true'])
  await child.exited
  return child.pid
}

function writeLock(dir: string, owner: { pid: number; host: string; token?: string }): void {
  fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ token: 'someone-else', ...owner }))
}

describe('installs at once', () => {
  test('three projects installing at once into one empty store all succeed, and the store holds each package once and sound', async () => {
    await using tmp = tempDir()
    const cache = path.join(tmp.path, 'shared-cache')
    const dirs = ['one', 'two', 'three'].map((name) => writeFixtureProject(suite.registry, path.join(tmp.path, name)))
    const runs = await Promise.all(dirs.map((dir) => runSkiffFull(dir, ['ci'], { registry: suite.registry.url, cache })))
    for (const run of runs) {
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
    }
    for (const dir of dirs) expect(snapshotNodeModules(dir)).toEqual(suite.cleanTree)
    expect(await storeProblems(cache, suite.registry)).toEqual([])
  }, 30_000)

  test('a second install in the same project waits for the first, says so, then runs; both succeed and the tree equals a clean install', async () => {
    await using tmp = tempDir()
    const dir = writeFixtureProject(suite.registry, tmp.path)
    const BETA = '/beta/-/beta-1.0.0.tgz'
    suite.registry.fault(BETA, { delayMs: 1500, times: 1 })
    try {
      const before = suite.registry.requests.length
      const first = startSkiff(dir, ['ci'], { registry: suite.registry.url })
      await waitFor(() => suite.registry.requests.slice(before).some((request) => request.path === BETA), 'the first run to download beta')
      expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(true)
      const second = startSkiff(dir, ['ci'], { registry: suite.registry.url })
      const [one, two] = await Promise.all([first.exited, second.exited])
      expect(one.stderr).toBe('')
      expect(one.code).toBe(0)
      expect(two.stderr).toContain(`waiting for the install already running in this project (process ${first.pid}) to finish`)
      expect(two.code).toBe(0)
      expect(snapshotNodeModules(dir)).toEqual(suite.cleanTree)
      expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false)
    } finally {
      suite.registry.clearFaults()
    }
  }, 30_000)

  test('a lock held by a live process fails with ELOCKED after lock-timeout, naming the owner and the lock file, touching nothing', async () => {
    await using tmp = tempDir()
    const dir = writeFixtureProject(suite.registry, tmp.path)
    writeLock(dir, { pid: process.pid, host: os.hostname() })
    const run = await runSkiffFull(dir, ['ci'], { registry: suite.registry.url, env: { npm_config_lock_timeout: '200' } })
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/^error ELOCKED /m)
    expect(run.stderr).toContain(`process ${process.pid} on ${os.hostname()}`)
    expect(run.stderr).toContain(path.join(dir, LOCK_FILE))
    expect(fs.existsSync(path.join(dir, 'node_modules'))).toBe(false)
    expect(JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid })
  })

  test('the lock of a process that died is taken over, and released when the install ends', async () => {
    await using tmp = tempDir()
    const dir = writeFixtureProject(suite.registry, tmp.path)
    writeLock(dir, { pid: await deadPid(), host: os.hostname() })
    const run = await runSkiffFull(dir, ['ci'], { registry: suite.registry.url, env: { npm_config_lock_timeout: '200' } })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(snapshotNodeModules(dir)).toEqual(suite.cleanTree)
    expect(fs.readdirSync(dir).filter((name) => name.startsWith(LOCK_FILE))).toEqual([])
  })

  test(`an open-files limit of 256 still installs a package of ${HEAVY_FILES} files and the rest of the tree`, async () => {
    await using tmp = tempDir()
    const dir = writeFixtureProject(suite.registry, tmp.path)
    const run = await runSkiffFull(dir, ['ci'], { registry: suite.registry.url, shell: 'ulimit -n 256' })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(snapshotNodeModules(dir)).toEqual(suite.cleanTree)
    expect(await storeProblems(path.join(tmp.path, 'cache'), suite.registry)).toEqual([])
  }, 30_000)
})

describe('project lock', () => {
  const host = 'this-host'

  test('a lock of another host is waited on while its owner keeps touching it, and taken over once nobody has for staleAfterMs', async () => {
    await using tmp = tempDir()
    writeLock(tmp.path, { pid: 2, host: 'another-host' })
    const waited = await acquireProjectLock({ projectDir: tmp.path, timeoutMs: 60, pollMs: 10, self: { pid: 1, host }, isAlive: () => false }).catch((caught: unknown) => caught)
    expect((waited as SkiffError).code).toBe('ELOCKED')
    expect((waited as SkiffError).message).toContain('process 2 on another-host')
    const old = new Date(Date.now() - 60_000)
    fs.utimesSync(path.join(tmp.path, LOCK_FILE), old, old)
    const lock = await acquireProjectLock({ projectDir: tmp.path, timeoutMs: 60, pollMs: 10, self: { pid: 1, host } })
    expect(JSON.parse(fs.readFileSync(path.join(tmp.path, LOCK_FILE), 'utf8'))).toMatchObject({ pid: 1, host })
    await lock[Symbol.asyncDispose]()
  })

  test('a lock holding this process\'s own pid is an earlier run\'s (a container reuses pids) and is taken over at once', async () => {
    await using tmp = tempDir()
    writeLock(tmp.path, { pid: 1, host })
    const lock = await acquireProjectLock({ projectDir: tmp.path, timeoutMs: 30, pollMs: 10, self: { pid: 1, host }, isAlive: () => true })
    expect(JSON.parse(fs.readFileSync(path.join(tmp.path, LOCK_FILE), 'utf8')).token).not.toBe('someone-else')
    await lock[Symbol.asyncDispose]()
  })

  test('the owner touches its lock while it holds it, so a waiter never finds it stale', async () => {
    await using tmp = tempDir()
    const file = path.join(tmp.path, LOCK_FILE)
    const lock = await acquireProjectLock({ projectDir: tmp.path, timeoutMs: 30, self: { pid: 1, host }, heartbeatMs: 10 })
    const old = new Date(Date.now() - 60_000)
    fs.utimesSync(file, old, old)
    await waitFor(() => Date.now() - fs.statSync(file).mtimeMs < 30_000, 'the owner to touch its lock')
    await lock[Symbol.asyncDispose]()
    expect(fs.existsSync(file)).toBe(false)
  })

  test('a lock file that cannot be read is taken over once it is old, and waited on while it is new', async () => {
    await using tmp = tempDir()
    const file = path.join(tmp.path, LOCK_FILE)
    fs.writeFileSync(file, '{"pid": 12')
    const waited = await acquireProjectLock({ projectDir: tmp.path, timeoutMs: 30, pollMs: 10, self: { pid: 1, host } }).catch((caught: unknown) => caught)
    expect((waited as SkiffError).code).toBe('ELOCKED')
    const old = new Date(Date.now() - 60_000)
    fs.utimesSync(file, old, old)
    const lock = await acquireProjectLock({ projectDir: tmp.path, timeoutMs: 30, pollMs: 10, self: { pid: 1, host } })
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ pid: 1, host })
    await lock[Symbol.asyncDispose]()
    expect(fs.readdirSync(tmp.path)).toEqual([])
  })

  test('waiting ends when the signal aborts, with its reason', async () => {
    await using tmp = tempDir()
    writeLock(tmp.path, { pid: 2, host })
    const controller = new AbortController()
    const told: unknown[] = []
    const waiting = acquireProjectLock({
      projectDir: tmp.path,
      timeoutMs: 60_000,
      pollMs: 10,
      self: { pid: 1, host },
      isAlive: () => true,
      signal: controller.signal,
      onWait: (owner) => told.push(owner?.pid),
    }).catch((caught: unknown) => caught)
    controller.abort(new SkiffError('EABORT', 'stopped by SIGINT'))
    expect(((await waiting) as SkiffError).code).toBe('EABORT')
    expect(told).toEqual([2])
  })

  test('release leaves a lock alone that another owner holds now', async () => {
    await using tmp = tempDir()
    const lock = await acquireProjectLock({ projectDir: tmp.path, timeoutMs: 30, self: { pid: 1, host } })
    writeLock(tmp.path, { pid: 3, host })
    await lock[Symbol.asyncDispose]()
    expect(JSON.parse(fs.readFileSync(path.join(tmp.path, LOCK_FILE), 'utf8'))).toMatchObject({ pid: 3 })
  })
})
