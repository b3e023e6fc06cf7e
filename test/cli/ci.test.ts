import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { createTestRegistry, lockfileFor, writeProject, type LockedPackage, type TestRegistry } from '../registry/index.ts'
import { listTree, readJson, runSkiff, tempDir } from '../helpers/index.ts'

let registry: TestRegistry

beforeAll(async () => {
  registry = await createTestRegistry({
    packages: [
      { name: 'left', version: '1.0.0', files: { 'index.js': 'module.exports = "left 1"\n' } },
      { name: 'left', version: '2.0.0', files: { 'index.js': 'module.exports = "left 2"\n' } },
      {
        name: 'tool',
        version: '1.0.0',
        dependencies: { left: '^2.0.0' },
        bin: { tool: 'bin/tool.js' },
        files: { 'bin/tool.js': '#!/usr/bin/env node\nconsole.log("tool")\n' },
      },
      { name: '@scope/util', version: '1.2.3', license: 'MIT', files: { 'lib/util.js': 'exports.x = 1\n', 'README.md': '# util\n' } },
      { name: 'devonly', version: '0.1.0', files: { 'index.js': '1\n' } },
      { name: 'native-mac', version: '1.0.0', os: ['darwin'], cpu: ['arm64'], files: { 'index.js': 'mac\n' } },
      { name: 'gone', version: '1.0.0' },
      // a binding for another machine, and the runtime only it depends on
      { name: 'wasm-bind', version: '1.0.0', cpu: ['wasm32'], dependencies: { 'wasm-runtime': '^1.0.0' } },
      { name: 'wasm-runtime', version: '1.0.0' },
    ],
  })
})

afterAll(async () => {
  await registry.close()
})

const packageJson = {
  name: 'app',
  version: '1.0.0',
  dependencies: { left: '^1.0.0', tool: '^1.0.0', '@scope/util': '^1.2.0' },
  devDependencies: { devonly: '^0.1.0' },
  optionalDependencies: { 'native-mac': '^1.0.0' },
}

const locked: LockedPackage[] = [
  { name: 'left', version: '1.0.0' },
  { name: 'tool', version: '1.0.0' },
  { name: 'left', version: '2.0.0', location: 'node_modules/tool/node_modules/left' },
  { name: '@scope/util', version: '1.2.3' },
  { name: 'devonly', version: '0.1.0', dev: true },
  { name: 'native-mac', version: '1.0.0', optional: true },
]

function project(dir: string, overrides: { packageJson?: Record<string, unknown>; locked?: LockedPackage[] } = {}): string {
  const pj = overrides.packageJson ?? packageJson
  return writeProject(path.join(dir, 'project'), { packageJson: pj, lockfile: lockfileFor(registry, pj, overrides.locked ?? locked) })
}

function read(dir: string, file: string): string {
  return fs.readFileSync(path.join(dir, file), 'utf8')
}

describe('skiff ci', () => {
  test('installs the locked tree: nested versions, scoped packages, bin links and the hidden lockfile', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path)
    const run = await runSkiff(dir, ['ci'], { registry: registry.url })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(read(dir, 'node_modules/left/index.js')).toBe('module.exports = "left 1"\n')
    expect(read(dir, 'node_modules/tool/node_modules/left/index.js')).toBe('module.exports = "left 2"\n')
    expect(read(dir, 'node_modules/@scope/util/lib/util.js')).toBe('exports.x = 1\n')
    expect(read(dir, 'node_modules/devonly/index.js')).toBe('1\n')
    expect(fs.readlinkSync(path.join(dir, 'node_modules/.bin/tool'))).toBe('../tool/bin/tool.js')
    expect(fs.statSync(path.join(dir, 'node_modules/tool/bin/tool.js')).mode & 0o111).toBe(0o111)
    // built for darwin/arm64 and optional: skipped on this machine
    expect(fs.existsSync(path.join(dir, 'node_modules/native-mac'))).toBe(process.platform === 'darwin' && process.arch === 'arm64')
    const hidden = readJson(path.join(dir, 'node_modules/.package-lock.json')) as { packages: Record<string, unknown> }
    expect(Object.keys(hidden.packages)).toContain('node_modules/tool/node_modules/left')
    expect(Object.keys(hidden.packages)).not.toContain('')
    expect(run.stdout).toMatch(/added 5 packages in/)
  })

  test('fails with ENOLOCK and names the fix when there is no lockfile', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'project'), { packageJson })
    const run = await runSkiff(dir, ['ci'], { registry: registry.url })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('ENOLOCK')
    expect(run.stderr).toContain('skiff install')
    expect(fs.existsSync(path.join(dir, 'node_modules'))).toBe(false)
  })

  test('fails with ELOCKSYNC listing every mismatch when package.json changed', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path)
    const changed = { ...packageJson, dependencies: { ...packageJson.dependencies, left: '^2.0.0', extra: '^1.0.0' } }
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(changed, null, 2))
    const run = await runSkiff(dir, ['ci'], { registry: registry.url })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('ELOCKSYNC')
    expect(run.stderr).toContain('Missing: extra@^1.0.0 from lock file')
    expect(run.stderr).toContain("Invalid: lock file's left@1.0.0 does not satisfy left@^2.0.0")
    expect(registry.requests.filter((r) => r.path.includes('/extra'))).toHaveLength(0)
  })

  test('a locked package nothing depends on any more (taken out of package.json by hand) is left out, as npm ci leaves it out', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path)
    const { tool: _removed, ...dependencies } = packageJson.dependencies
    fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ ...packageJson, dependencies }, null, 2)}\n`)
    const lockBefore = read(dir, 'package-lock.json')
    // the second run finds the tree in place; the third starts from nothing, with the check's
    // outcome (what to leave out) remembered in the cache from the first
    for (let run = 0; run < 3; run++) {
      if (run === 2) fs.rmSync(path.join(dir, 'node_modules'), { recursive: true })
      const ci = await runSkiff(dir, ['ci'], { registry: registry.url })
      expect(ci.stderr).toBe('')
      expect(ci.code).toBe(0)
      expect(fs.existsSync(path.join(dir, 'node_modules/tool'))).toBe(false)
      expect(fs.existsSync(path.join(dir, 'node_modules/.bin/tool'))).toBe(false)
      expect(read(dir, 'node_modules/left/index.js')).toBe('module.exports = "left 1"\n')
      const hidden = readJson(path.join(dir, 'node_modules/.package-lock.json')) as { packages: Record<string, unknown> }
      expect(Object.keys(hidden.packages).filter((location) => location.includes('tool'))).toEqual([])
    }
    expect(read(dir, 'package-lock.json')).toBe(lockBefore)
  })

  test('--omit dev and NODE_ENV=production leave dev packages out', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path)
    const run = await runSkiff(dir, ['ci', '--omit', 'dev'], { registry: registry.url })
    expect(run.code).toBe(0)
    expect(fs.existsSync(path.join(dir, 'node_modules/devonly'))).toBe(false)
    expect(fs.existsSync(path.join(dir, 'node_modules/left'))).toBe(true)

    await using tmp2 = tempDir()
    const dir2 = project(tmp2.path)
    const prod = await runSkiff(dir2, ['ci'], { registry: registry.url, env: { NODE_ENV: 'production' } })
    expect(prod.code).toBe(0)
    expect(fs.existsSync(path.join(dir2, 'node_modules/devonly'))).toBe(false)
  })

  test('a tampered tarball fails with EINTEGRITY naming the package, and nothing is stored or linked for it', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path)
    registry.fault('/@scope/util/-/util-1.2.3.tgz', { wrongBytes: true })
    try {
      const run = await runSkiff(dir, ['ci'], { registry: registry.url })
      expect(run.code).toBe(1)
      expect(run.stderr).toContain('EINTEGRITY')
      expect(run.stderr).toContain('@scope/util@1.2.3')
      expect(fs.existsSync(path.join(dir, 'node_modules/@scope/util'))).toBe(false)
      expect(fs.existsSync(path.join(dir, 'node_modules/.package-lock.json'))).toBe(false)
      const store = listTree(path.join(tmp.path, 'cache'))
      expect(store.filter((entry) => entry.endsWith('lib/util.js'))).toEqual([])
    } finally {
      registry.clearFaults()
    }
  })

  test('a second run with nothing changed changes nothing and downloads nothing', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path)
    expect((await runSkiff(dir, ['ci'], { registry: registry.url })).code).toBe(0)
    // folders are made per install (files are hardlinks into the store): a kept folder keeps its
    // inode and change time
    const identity = () => {
      const stat = fs.statSync(path.join(dir, 'node_modules/left'), { bigint: true })
      return `${stat.ino}:${stat.ctimeNs}`
    }
    const before = identity()
    const requestsBefore = registry.requests.length
    const second = await runSkiff(dir, ['ci'], { registry: registry.url })
    expect(second.code).toBe(0)
    expect(registry.requests.length).toBe(requestsBefore)
    expect(identity()).toBe(before)
    expect(second.stdout).toMatch(/^up to date in \d+ms\n$/)
  })

  test('an existing install is updated in place to equal a clean install of the new lockfile', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path)
    expect((await runSkiff(dir, ['ci'], { registry: registry.url })).code).toBe(0)
    // an untouched folder keeps its inode and its change time (a freed inode can be reused, so both)
    const identity = (file: string) => {
      const stat = fs.statSync(path.join(dir, file), { bigint: true })
      return `${stat.ino}:${stat.ctimeNs}`
    }
    const untouched = identity('node_modules/@scope/util/lib')

    const next = { ...packageJson, dependencies: { left: '^2.0.0', '@scope/util': '^1.2.0' } }
    const nextLocked: LockedPackage[] = [
      { name: 'left', version: '2.0.0' },
      { name: '@scope/util', version: '1.2.3' },
      { name: 'devonly', version: '0.1.0', dev: true },
      { name: 'native-mac', version: '1.0.0', optional: true },
    ]
    writeProject(dir, { packageJson: next, lockfile: lockfileFor(registry, next, nextLocked) })
    const run = await runSkiff(dir, ['ci'], { registry: registry.url })
    expect(run.code).toBe(0)
    expect(identity('node_modules/@scope/util/lib')).toBe(untouched)

    await using clean = tempDir()
    const cleanDir = writeProject(path.join(clean.path, 'project'), { packageJson: next, lockfile: lockfileFor(registry, next, nextLocked) })
    expect((await runSkiff(cleanDir, ['ci'], { registry: registry.url })).code).toBe(0)
    const withoutHidden = (entries: string[]) => entries.filter((entry) => !entry.includes('.package-lock.json'))
    expect(withoutHidden(listTree(path.join(dir, 'node_modules')))).toEqual(withoutHidden(listTree(path.join(cleanDir, 'node_modules'))))
    expect(read(dir, 'node_modules/left/index.js')).toBe('module.exports = "left 2"\n')
  })

  test('a registry error is retried and the install succeeds', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path)
    registry.fault('/left/-/left-1.0.0.tgz', { status: 503, times: 1 })
    try {
      const run = await runSkiff(dir, ['ci'], { registry: registry.url, env: { npm_config_fetch_retry_mintimeout: '10', npm_config_fetch_retry_maxtimeout: '20' } })
      expect(run.code).toBe(0)
      expect(read(dir, 'node_modules/left/index.js')).toBe('module.exports = "left 1"\n')
    } finally {
      registry.clearFaults()
    }
  })

  test('a missing tarball fails with E404 naming the package and the URL', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path)
    registry.fault('/tool/-/tool-1.0.0.tgz', { status: 404 })
    try {
      const run = await runSkiff(dir, ['ci'], { registry: registry.url })
      expect(run.code).toBe(1)
      expect(run.stderr).toContain('E404')
      expect(run.stderr).toContain('tool@1.0.0')
      expect(fs.existsSync(path.join(dir, 'node_modules/.package-lock.json'))).toBe(false)
    } finally {
      registry.clearFaults()
    }
  })

  test('--json prints one JSON document with the result', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path)
    const run = await runSkiff(dir, ['ci', '--json'], { registry: registry.url })
    expect(run.code).toBe(0)
    const result = JSON.parse(run.stdout) as { ok: boolean; added: number; downloaded: number }
    expect(result.ok).toBe(true)
    expect(result.added).toBe(5)
  })

  test('--timings prints each step, the lanes and the worker threads on stderr, and --json carries them', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path)
    // one link worker, where a tree this small is linked on the main thread by default
    const run = await runSkiff(dir, ['ci', '--timings', '--link-workers', '1'], { registry: registry.url })
    expect(run.code).toBe(0)
    expect(run.stdout).not.toContain('timing')
    for (const step of ['start skiff', 'read package.json and lockfile', 'plan', 'fetch, extract and link', 'bin links', 'hidden lockfile', 'total']) {
      expect(run.stderr).toMatch(new RegExp(`^timing ${step} .*ms`, 'm'))
    }
    expect(run.stderr).toMatch(/^timing lane fetch: 5 jobs, busy \d+ms/m)
    expect(run.stderr).toMatch(/^timing lane link: 5 jobs/m)
    expect(run.stderr).toMatch(/^timing threads link workers \(1\): user \d+ms, sys \d+ms$/m)
    expect(run.stderr).toMatch(/^timing threads main thread \(1\): user \d+ms, sys \d+ms$/m)

    await using again = tempDir()
    const json = await runSkiff(project(again.path), ['ci', '--timings', '--json'], { registry: registry.url })
    expect(json.code).toBe(0)
    const result = JSON.parse(json.stdout) as { timings: { steps: Array<{ name: string; wallMs: number }>; lanes: Array<{ name: string; jobs: number }> } }
    expect(result.timings.steps.map((step) => step.name)).toContain('fetch, extract and link')
    expect(result.timings.lanes.find((lane) => lane.name === 'extract')?.jobs).toBe(5)
    expect(json.stderr).not.toContain('timing')
  })

  test('a second project installs from the shared store without downloading', async () => {
    await using tmp = tempDir()
    const cache = path.join(tmp.path, 'shared-cache')
    const first = project(path.join(tmp.path, 'one'))
    expect((await runSkiff(first, ['ci'], { registry: registry.url, cache })).code).toBe(0)
    const before = registry.requests.filter((r) => r.path.endsWith('.tgz')).length
    const second = project(path.join(tmp.path, 'two'))
    const run = await runSkiff(second, ['ci', '--json'], { registry: registry.url, cache })
    expect(run.code).toBe(0)
    expect(registry.requests.filter((r) => r.path.endsWith('.tgz')).length).toBe(before)
    const result = JSON.parse(run.stdout) as { downloaded: number; fromCache: number }
    expect(result.downloaded).toBe(0)
    expect(result.fromCache).toBe(5)
  })
})

describe('skiff ci, cold cache', () => {
  test('downloads only what it installs: not an optional package for another machine, nor what only that package needs', async () => {
    await using tmp = tempDir()
    const dir = path.join(tmp.path, 'project')
    writeProject(dir, { packageJson: { name: 'app', version: '1.0.0', dependencies: { left: '1.0.0' }, optionalDependencies: { 'wasm-bind': '^1.0.0' } } })
    const install = await runSkiff(dir, ['install'], { registry: registry.url })
    expect(install.code).toBe(0)
    expect(Object.keys((readJson(path.join(dir, 'package-lock.json')) as { packages: object }).packages)).toContain('node_modules/wasm-runtime')
    fs.rmSync(path.join(tmp.path, 'cache'), { recursive: true })
    fs.rmSync(path.join(dir, 'node_modules'), { recursive: true })
    const from = registry.requests.length
    const run = await runSkiff(dir, ['ci'], { registry: registry.url })
    expect(run.code).toBe(0)
    expect(run.stdout).toStartWith('added 1 package in ')
    expect(run.stdout).toContain('1 downloaded')
    const tarballs = registry.requests.slice(from).filter((request) => request.path.endsWith('.tgz')).map((request) => path.basename(request.path))
    expect(tarballs).toEqual(['left-1.0.0.tgz'])
  })
})
