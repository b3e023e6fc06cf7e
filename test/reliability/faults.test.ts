/**
 * The fault matrix: one test per network fault, through `skiff ci` against the fixture registry.
 * A transient fault is retried and the install ends equal to a clean one; a persistent fault
 * ends with exit code 1, one error paragraph naming the package, the URL and the code, a store
 * holding only sound packages, no half-made package and no hidden lockfile.
 */
import { describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { buildTarballBytes } from '../registry/package-def.ts'
import type { Fault, FaultMatcher } from '../registry/index.ts'
import {
  fixtureSuite,
  FAST_RETRIES,
  halfMadePackages,
  runSkiffFull,
  snapshotNodeModules,
  storeProblems,
  tempDir,
  writeFixtureProject,
  type SkiffExit,
} from './fixture.ts'

/** published cut short: the registry serves these bytes whole, and its integrity is theirs */
const TRUNCATED = { name: 'truncated', version: '1.0.0', tarball: buildTarballBytes({ name: 'truncated', version: '1.0.0', files: { 'index.js': 'x'.repeat(5000) } }).slice(0, 60) }

const suite = fixtureSuite([TRUNCATED])

const BETA = '/beta/-/beta-1.0.0.tgz'

interface FaultRun extends SkiffExit {
  dir: string
  cache: string
  /** requests the registry saw for `path` during the run */
  requestsFor(path: string): number
}

async function ciWithFault(
  base: string,
  faults: Array<[FaultMatcher, Fault]>,
  options: { env?: Record<string, string>; registryUrl?: string; npmrc?: string } = {},
): Promise<FaultRun> {
  const dir = writeFixtureProject(suite.registry, base, options.npmrc === undefined ? {} : { npmrc: options.npmrc })
  const cache = path.join(base, 'cache')
  const before = suite.registry.requests.length
  for (const [matcher, fault] of faults) suite.registry.fault(matcher, fault)
  try {
    const run = await runSkiffFull(dir, ['ci'], { registry: options.registryUrl ?? suite.registry.url, env: { ...FAST_RETRIES, ...options.env } })
    const seen = suite.registry.requests.slice(before)
    return { ...run, dir, cache, requestsFor: (wanted) => seen.filter((request) => request.path === wanted).length }
  } finally {
    suite.registry.clearFaults()
  }
}

/** A failed run: exit 1, one error paragraph with the code, nothing half-made, nothing unsound stored. */
async function expectCleanFailure(run: FaultRun, code: string): Promise<void> {
  expect(run.code).toBe(1)
  expect(run.signal).toBeNull()
  const errorLines = run.stderr.split('\n').filter((line) => line.startsWith('error '))
  if (errorLines.length !== 1 || !errorLines[0]?.startsWith(`error ${code} `)) console.log(run.stderr)
  expect(errorLines).toHaveLength(1)
  expect(errorLines[0]).toStartWith(`error ${code} `)
  // one paragraph: no blank line inside, no stack trace
  expect(run.stderr.trim()).not.toContain('\n\n')
  expect(run.stderr).not.toMatch(/^\s+at /m)
  expect(fs.existsSync(path.join(run.dir, 'node_modules/.package-lock.json'))).toBe(false)
  expect(await halfMadePackages(run.dir, suite.registry)).toEqual([])
  expect(await storeProblems(run.cache, suite.registry)).toEqual([])
}

async function expectCleanSuccess(run: FaultRun): Promise<void> {
  expect(run.stderr).toBe('')
  expect(run.code).toBe(0)
  expect(snapshotNodeModules(run.dir)).toEqual(suite.cleanTree)
  expect(await storeProblems(run.cache, suite.registry)).toEqual([])
}

async function closedPortUrl(): Promise<string> {
  const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response('') })
  const url = `http://127.0.0.1:${server.port}/`
  await server.stop(true)
  return url
}

describe('fault matrix: skiff ci', () => {
  test('connection refused is retried, then fails with EFETCH naming the package and the URL', async () => {
    await using tmp = tempDir()
    const url = await closedPortUrl()
    const dir = writeFixtureProject(suite.registry, tmp.path)
    // the lockfile's resolved URLs point at the fixture registry: send them to the closed port
    const run = await runSkiffFull(dir, ['ci'], {
      registry: url,
      env: { ...FAST_RETRIES, npm_config_replace_registry_host: 'always' },
    })
    await expectCleanFailure({ ...run, dir, cache: path.join(tmp.path, 'cache'), requestsFor: () => 0 }, 'EFETCH')
    expect(run.stderr).toContain(url.replace(/\/$/, ''))
    expect(run.stderr).toMatch(/error EFETCH [a-z@/]+@1\.0\.0: could not fetch /)
  })

  test('a connection reset before the body is retried and the install succeeds', async () => {
    await using tmp = tempDir()
    const run = await ciWithFault(tmp.path, [[BETA, { reset: true, times: 1 }]])
    await expectCleanSuccess(run)
    expect(run.requestsFor(BETA)).toBe(2)
  })

  test('a connection reset in the middle of the body is retried and the install succeeds', async () => {
    await using tmp = tempDir()
    const run = await ciWithFault(tmp.path, [[BETA, { truncateAt: 40, times: 1 }]])
    await expectCleanSuccess(run)
    expect(run.requestsFor(BETA)).toBe(2)
  })

  test('a body cut short on every attempt fails after the retries with EFETCH naming the package', async () => {
    await using tmp = tempDir()
    const run = await ciWithFault(tmp.path, [[BETA, { truncateAt: 40 }]])
    await expectCleanFailure(run, 'EFETCH')
    expect(run.stderr).toContain('beta@1.0.0')
    expect(run.requestsFor(BETA)).toBe(3)
  })

  for (const status of [500, 502, 503]) {
    test(`a ${status} answer is retried and the install succeeds`, async () => {
      await using tmp = tempDir()
      const run = await ciWithFault(tmp.path, [[BETA, { status, times: 2 }]])
      await expectCleanSuccess(run)
      expect(run.requestsFor(BETA)).toBe(3)
    })
  }

  test('a persistent 503 fails after fetch-retries attempts with EHTTP naming the package, the URL and the status', async () => {
    await using tmp = tempDir()
    const run = await ciWithFault(tmp.path, [[BETA, { status: 503 }]])
    await expectCleanFailure(run, 'EHTTP')
    expect(run.stderr).toContain('beta@1.0.0')
    expect(run.stderr).toContain(`${suite.registry.url.replace(/\/$/, '')}${BETA}`)
    expect(run.stderr).toContain('503')
    expect(run.requestsFor(BETA)).toBe(3)
  })

  test('a 429 with Retry-After is retried after waiting and the install succeeds', async () => {
    await using tmp = tempDir()
    const run = await ciWithFault(tmp.path, [[BETA, { status: 429, headers: { 'retry-after': '1' }, times: 1 }]])
    await expectCleanSuccess(run)
    expect(run.requestsFor(BETA)).toBe(2)
  })

  test('a body that stalls trips the stall timeout, which fails with ESTALL naming the URL', async () => {
    await using tmp = tempDir()
    const run = await ciWithFault(tmp.path, [[BETA, { stallAfterBytes: 20 }]], {
      env: { npm_config_fetch_timeout: '300', npm_config_fetch_retries: '1' },
    })
    await expectCleanFailure(run, 'ESTALL')
    expect(run.stderr).toContain(`${suite.registry.url.replace(/\/$/, '')}${BETA}`)
    expect(run.stderr).toContain('300 ms')
    expect(run.requestsFor(BETA)).toBe(2)
  })

  test('a stall on the first attempt only is retried and the install succeeds', async () => {
    await using tmp = tempDir()
    const run = await ciWithFault(tmp.path, [[BETA, { stallAfterBytes: 20, times: 1 }]], { env: { npm_config_fetch_timeout: '300' } })
    await expectCleanSuccess(run)
    expect(run.requestsFor(BETA)).toBe(2)
  })

  test('a tarball the registry serves cut short (integrity and all) fails with EBADTARBALL naming the package, and nothing is stored for it', async () => {
    await using tmp = tempDir()
    const packageJson = { name: 'app', version: '1.0.0', dependencies: { alpha: '1.0.0', truncated: '1.0.0' } }
    const locked = [{ name: 'alpha', version: '1.0.0' }, { name: 'truncated', version: '1.0.0' }]
    const dir = writeFixtureProject(suite.registry, tmp.path, { packageJson, locked })
    const run = await runSkiffFull(dir, ['ci'], { registry: suite.registry.url, env: FAST_RETRIES })
    await expectCleanFailure({ ...run, dir, cache: path.join(tmp.path, 'cache'), requestsFor: () => 0 }, 'EBADTARBALL')
    expect(run.stderr).toContain('truncated@1.0.0: ')
    expect(fs.existsSync(path.join(dir, 'node_modules/truncated'))).toBe(false)
  })

  test('a tarball whose bytes differ from the lockfile fails with EINTEGRITY and stores nothing for it', async () => {
    await using tmp = tempDir()
    const run = await ciWithFault(tmp.path, [[BETA, { wrongBytes: true }]])
    await expectCleanFailure(run, 'EINTEGRITY')
    expect(run.stderr).toContain('beta@1.0.0')
    expect(run.stderr).toContain(suite.registry.integrity('beta', '1.0.0'))
  })

  test('a missing tarball fails with E404 naming the package, the URL and the suite.registry, without retrying', async () => {
    await using tmp = tempDir()
    const run = await ciWithFault(tmp.path, [[BETA, { status: 404 }]])
    await expectCleanFailure(run, 'E404')
    expect(run.stderr).toContain('beta@1.0.0')
    expect(run.stderr).toContain(`${suite.registry.url.replace(/\/$/, '')}${BETA}`)
    expect(run.requestsFor(BETA)).toBe(1)
  })

  for (const [status, code] of [[401, 'E401'], [403, 'E403']] as const) {
    test(`${status} without a token fails with ${code} naming the registry and the .npmrc key to set`, async () => {
      await using tmp = tempDir()
      const run = await ciWithFault(tmp.path, [[BETA, { status }]])
      await expectCleanFailure(run, code)
      const host = new URL(suite.registry.url).host
      expect(run.stderr).toContain(suite.registry.url)
      expect(run.stderr).toContain(`under the key "//${host}/:_authToken"`)
      expect(run.requestsFor(BETA)).toBe(1)
    })

    test(`${status} with a token fails with ${code} naming the .npmrc key that holds it, never the token`, async () => {
      await using tmp = tempDir()
      const host = new URL(suite.registry.url).host
      const token = 'npm_SECRETabcdefghijklmnopqrstuvwxyz0123'
      const run = await ciWithFault(tmp.path, [[BETA, { status }]], { npmrc: `//${host}/:_authToken=${token}\n` })
      await expectCleanFailure(run, code)
      expect(run.stderr).toContain(`//${host}/:_authToken`)
      expect(run.stderr + run.stdout).not.toContain(token)
      expect(run.stderr + run.stdout).not.toContain('SECRET')
    })
  }
})
