/**
 * The fault matrix of `skiff install` (resolution from the registry): a package or a version
 * that does not exist names the chain of packages that require it; a packument that is not JSON,
 * a persistent 5xx, a stall, a 401 end with one clear error. In every case package.json,
 * package-lock.json and node_modules are left as they were.
 */
import { describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import type { Fault, FaultMatcher } from '../registry/index.ts'
import { FAST_RETRIES, fixtureSuite, runSkiffFull, tempDir, type SkiffExit } from './fixture.ts'

const suite = fixtureSuite([
  { name: 'needs-ghost', version: '1.0.0', dependencies: { ghost: '^1.0.0' } },
  { name: 'needs-alpha-9', version: '1.0.0', dependencies: { alpha: '^9.0.0' } },
  { name: 'top', version: '1.0.0', dependencies: { 'needs-ghost': '^1.0.0' } },
  { name: 'top-9', version: '1.0.0', dependencies: { 'needs-alpha-9': '^1.0.0' } },
])

interface InstallRun extends SkiffExit {
  dir: string
  /** the project's files before the run */
  before: Record<string, string>
}

async function install(base: string, dependencies: Record<string, string>, faults: Array<[FaultMatcher, Fault]> = [], env: Record<string, string> = {}): Promise<InstallRun> {
  const dir = path.join(base, 'project')
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'app', version: '1.0.0', dependencies }, null, 2)}\n`)
  const before = Object.fromEntries(fs.readdirSync(dir).map((name) => [name, fs.readFileSync(path.join(dir, name), 'utf8')]))
  for (const [matcher, fault] of faults) suite.registry.fault(matcher, fault)
  try {
    const run = await runSkiffFull(dir, ['install'], { registry: suite.registry.url, env: { ...FAST_RETRIES, ...env } })
    return { ...run, dir, before }
  } finally {
    suite.registry.clearFaults()
  }
}

function expectFailedCleanly(run: InstallRun, code: string): void {
  expect(run.code).toBe(1)
  expect(run.stderr.split('\n').filter((line) => line.startsWith('error '))).toEqual([expect.stringMatching(new RegExp(`^error ${code} `))])
  const after = Object.fromEntries(fs.readdirSync(run.dir).map((name) => [name, fs.readFileSync(path.join(run.dir, name), 'utf8')]))
  expect(after).toEqual(run.before)
}

describe('fault matrix: skiff install', () => {
  test('a package missing from the registry fails with E404 naming it and the chain of packages that require it', async () => {
    await using tmp = tempDir()
    const run = await install(tmp.path, { top: '^1.0.0' })
    expectFailedCleanly(run, 'E404')
    expect(run.stderr).toContain('ghost')
    expect(run.stderr).toContain('ghost@^1.0.0 from needs-ghost@1.0.0')
    expect(run.stderr).toContain('needs-ghost@^1.0.0 from top@1.0.0')
    expect(run.stderr).toContain('top@^1.0.0 from the root project')
  })

  test('a version that does not exist fails with ETARGET naming the versions there are and the chain that asks for it', async () => {
    await using tmp = tempDir()
    const run = await install(tmp.path, { 'top-9': '^1.0.0' })
    expectFailedCleanly(run, 'ETARGET')
    expect(run.stderr).toContain('No matching version found for alpha@^9.0.0')
    expect(run.stderr).toContain('newest of each major: 2.0.0 (latest), 1.0.0, of 2 versions')
    expect(run.stderr).toContain('alpha@^9.0.0 from needs-alpha-9@1.0.0')
    expect(run.stderr).toContain('needs-alpha-9@^1.0.0 from top-9@1.0.0')
  })

  test('a packument that is not JSON fails with EJSONPARSE naming the package and the URL', async () => {
    await using tmp = tempDir()
    const run = await install(tmp.path, { alpha: '^1.0.0' }, [['/alpha', { status: 200, body: '<html>proxy error</html>' }]])
    expectFailedCleanly(run, 'EJSONPARSE')
    expect(run.stderr).toContain(`alpha: the registry sent metadata that is not JSON (${suite.registry.url}alpha)`)
  })

  test('a packument answering 503 every time fails with EHTTP after the retries', async () => {
    await using tmp = tempDir()
    const before = suite.registry.requests.length
    const run = await install(tmp.path, { alpha: '^1.0.0' }, [['/alpha', { status: 503 }]])
    expectFailedCleanly(run, 'EHTTP')
    expect(suite.registry.requests.slice(before).filter((request) => request.path === '/alpha')).toHaveLength(3)
  })

  test('a packument answering 503 once is retried and the install succeeds', async () => {
    await using tmp = tempDir()
    const run = await install(tmp.path, { alpha: '^1.0.0' }, [['/alpha', { status: 503, times: 1 }]])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(fs.readFileSync(path.join(run.dir, 'node_modules/alpha/index.js'), 'utf8')).toBe('module.exports = "alpha 1"\n')
  })

  test('a packument that stalls fails with ESTALL naming the URL', async () => {
    await using tmp = tempDir()
    const run = await install(tmp.path, { alpha: '^1.0.0' }, [['/alpha', { stallAfterBytes: 10 }]], { npm_config_fetch_timeout: '300', npm_config_fetch_retries: '0' })
    expectFailedCleanly(run, 'ESTALL')
    expect(run.stderr).toContain(`no data from ${suite.registry.url}alpha for 300 ms`)
  })

  test('a packument answering 401 fails with E401 telling which .npmrc key to set, readable', async () => {
    await using tmp = tempDir()
    const run = await install(tmp.path, { alpha: '^1.0.0' }, [['/alpha', { status: 401 }]])
    expectFailedCleanly(run, 'E401')
    const key = `//${new URL(suite.registry.url).host}/:_authToken`
    expect(run.stderr).toContain(key)
    expect(run.stderr).not.toContain('***')
  })
})
