/**
 * Lockfiles as real projects commit them, installed as npm 11 installs them: the project's own
 * bundleDependencies, entries without `resolved` or `integrity`, lockfileVersion 1, engines and
 * engine-strict, entries nothing needs, omit-lockfile-registry-resolved on a current lock.
 * Each lockfile here has the shape npm (or an older npm) wrote for the same package.json.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { listTree, readJson, runSkiff, tempDir, type SkiffRun } from '../helpers/index.ts'
import { createTestRegistry, lockfileFor, writeProject, type LockedPackage, type ProjectFiles, type TestRegistry } from '../registry/index.ts'

let registry: TestRegistry

beforeAll(async () => {
  registry = await createTestRegistry({
    packages: [
      { name: 'tiny', version: '1.0.0', license: 'MIT', files: { 'index.js': 'module.exports = 1\n' } },
      { name: 'tiny', version: '2.0.0', license: 'MIT', files: { 'index.js': 'module.exports = 2\n' } },
      { name: 'uses-tiny', version: '1.0.0', license: 'MIT', dependencies: { tiny: '^2.0.0' }, files: { 'index.js': 'require("tiny")\n' } },
      {
        name: 'sock',
        version: '1.0.0',
        peerDependencies: { validate: '>=1.0.0' },
        peerDependenciesMeta: { validate: { optional: true } },
        files: { 'index.js': 'try { require("validate") } catch {}\n' },
      },
      {
        name: 'validate',
        version: '1.0.0',
        dependencies: { gyp: '^1.0.0' },
        scripts: { install: 'node -e "require(\'fs\').writeFileSync(\'built\', \'\')"' },
        files: { 'index.js': '1\n' },
      },
      { name: 'gyp', version: '1.0.0', bin: { gyp: 'bin.js' }, files: { 'bin.js': '#!/usr/bin/env node\n' } },
      { name: 'future', version: '1.0.0', engines: { node: '>=99' } },
      { name: 'cli-tool', version: '1.0.0', license: 'ISC', bin: { 'cli-tool': 'cli.js' }, engines: { node: '>=4' }, files: { 'cli.js': '#!/usr/bin/env node\n' } },
      { name: 'mac-only', version: '1.0.0', license: 'MIT', os: ['darwin'], engines: { node: '>=8' } },
      {
        name: 'bundler',
        version: '1.0.0',
        dependencies: { inner: '1.0.0' },
        bundleDependencies: ['inner'],
        files: { 'node_modules/inner/package.json': '{"name":"inner","version":"1.0.0"}\n', 'node_modules/inner/index.js': 'inner\n' },
      },
      { name: 'node-18-only', version: '1.0.0', engines: { node: '=18.0.0' } },
      // the Node version Bun reports, which skiff reports to scripts when no node is on PATH
      { name: 'bun-node-only', version: '1.0.0', engines: { node: `=${process.version}` } },
    ],
  })
})

afterAll(async () => {
  await registry.close()
})

type Lock = { packages: Record<string, Record<string, unknown>> } & Record<string, unknown>

function lockOf(packageJson: Record<string, unknown>, locked: LockedPackage[]): Lock {
  return lockfileFor(registry, packageJson, locked) as Lock
}

/** The project written in a temp folder, and skiff run there against the fixture registry. */
async function skiffIn(tmpDir: string, files: ProjectFiles, args: string[], env: Record<string, string> = {}): Promise<{ dir: string; run: SkiffRun }> {
  const dir = writeProject(path.join(tmpDir, 'project'), files)
  return { dir, run: await runSkiff(dir, args, { registry: registry.url, env }) }
}

function packagesIn(dir: string): string[] {
  return listTree(path.join(dir, 'node_modules')).filter((entry) => entry.endsWith('/package.json')).map((entry) => entry.slice(0, -'/package.json'.length)).sort()
}

describe("the project's own bundleDependencies", () => {
  // npm install --package-lock-only marks the bundled package and everything under it inBundle
  const packageJson = { name: 'app', version: '1.0.0', dependencies: { 'uses-tiny': '1.0.0', tiny: '1.0.0' }, bundleDependencies: ['uses-tiny'] }
  function bundledLock(): Lock {
    const lock = lockOf(packageJson, [
      { name: 'tiny', version: '1.0.0' },
      { name: 'uses-tiny', version: '1.0.0' },
      { name: 'tiny', version: '2.0.0', location: 'node_modules/uses-tiny/node_modules/tiny' },
    ])
    const root = lock.packages['']
    if (root) lock.packages[''] = { name: root.name, version: root.version, bundleDependencies: ['uses-tiny'], dependencies: root.dependencies }
    for (const location of ['node_modules/uses-tiny', 'node_modules/uses-tiny/node_modules/tiny']) {
      const entry = lock.packages[location]
      if (entry) entry.inBundle = true
    }
    return lock
  }

  test('ci fetches every package the root bundles, nested ones included: the root is no tarball', async () => {
    await using tmp = tempDir()
    const { dir, run } = await skiffIn(tmp.path, { packageJson, lockfile: bundledLock() }, ['ci'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(packagesIn(dir)).toEqual(['tiny', 'uses-tiny', 'uses-tiny/node_modules/tiny'])
    expect(fs.readFileSync(path.join(dir, 'node_modules/uses-tiny/node_modules/tiny/index.js'), 'utf8')).toBe('module.exports = 2\n')
    const hidden = readJson(path.join(dir, 'node_modules/.package-lock.json')) as Lock
    expect(Object.keys(hidden.packages)).toEqual(['node_modules/tiny', 'node_modules/uses-tiny', 'node_modules/uses-tiny/node_modules/tiny'])
  })
})

describe('entries nothing reaches but an optional peer dependency', () => {
  // npm 11.19 with ws and its optional peer utf-8-validate (and node-gyp-build) locked, flagged
  // extraneous or not: arborist finds them extraneous when it loads the lockfile and prunes them
  const packageJson = { name: 'app', version: '1.0.0', dependencies: { sock: '1.0.0' } }
  function lockWithPeer(flagged: boolean): Lock {
    const lock = lockOf(packageJson, [{ name: 'sock', version: '1.0.0' }, { name: 'validate', version: '1.0.0' }, { name: 'gyp', version: '1.0.0' }])
    if (flagged) for (const name of ['validate', 'gyp']) Object.assign(lock.packages[`node_modules/${name}`] ?? {}, { extraneous: true })
    return lock
  }

  for (const flagged of [true, false]) {
    test(`ci installs neither them nor their bins and runs none of their scripts (${flagged ? 'flagged' : 'not flagged'} extraneous)`, async () => {
      await using tmp = tempDir()
      const dir = writeProject(path.join(tmp.path, 'project'), { packageJson, lockfile: lockWithPeer(flagged) })
      const lockBefore = fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8')
      const run = await runSkiff(dir, ['ci', '--dangerously-allow-all-scripts'], { registry: registry.url })
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      expect(packagesIn(dir)).toEqual(['sock'])
      expect(fs.existsSync(path.join(dir, 'node_modules/.bin'))).toBe(false)
      const hidden = readJson(path.join(dir, 'node_modules/.package-lock.json')) as Lock
      expect(Object.keys(hidden.packages)).toEqual(['node_modules/sock'])
      expect(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8')).toBe(lockBefore)
    })
  }

  test('install writes the lockfile without them, as npm install does, and installs only the rest', async () => {
    await using tmp = tempDir()
    const { dir, run } = await skiffIn(tmp.path, { packageJson, lockfile: lockWithPeer(true) }, ['install', '--ignore-scripts'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(packagesIn(dir)).toEqual(['sock'])
    expect(readJson(path.join(dir, 'package-lock.json'))).toEqual(lockOf(packageJson, [{ name: 'sock', version: '1.0.0' }]))
    expect(registry.requests.filter((request) => !request.path.endsWith('.tgz'))).toEqual([])
  })
})

describe('flags a lockfile records wrongly', () => {
  // npm computes dev / optional / peer from the edges every time it loads a lockfile: a hand-merged
  // lock that calls a dependency dev and a devDependency prod is installed and rewritten by the edges
  const packageJson = { name: 'app', version: '1.0.0', dependencies: { tiny: '1.0.0' }, devDependencies: { 'uses-tiny': '1.0.0' } }
  const right: LockedPackage[] = [
    { name: 'tiny', version: '1.0.0' },
    { name: 'uses-tiny', version: '1.0.0', dev: true },
    { name: 'tiny', version: '2.0.0', location: 'node_modules/uses-tiny/node_modules/tiny', dev: true },
  ]
  const wrong: LockedPackage[] = [
    { name: 'tiny', version: '1.0.0', dev: true },
    { name: 'uses-tiny', version: '1.0.0' },
    { name: 'tiny', version: '2.0.0', location: 'node_modules/uses-tiny/node_modules/tiny', optional: true },
  ]

  test('ci --omit=dev leaves out what the edges make dev, not what the lockfile says', async () => {
    await using tmp = tempDir()
    const { dir, run } = await skiffIn(tmp.path, { packageJson, lockfile: lockOf(packageJson, wrong) }, ['ci', '--omit=dev'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(packagesIn(dir)).toEqual(['tiny'])
  })

  test('install --package-lock-only writes the flags npm computes', async () => {
    await using tmp = tempDir()
    const { dir, run } = await skiffIn(tmp.path, { packageJson, lockfile: lockOf(packageJson, wrong) }, ['install', '--package-lock-only'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(readJson(path.join(dir, 'package-lock.json'))).toEqual(lockOf(packageJson, right))
  })
})

/** A folder for PATH holding only a `node` that reports `version`. */
function fakeNodeDir(dir: string, version: string): string {
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'node'), `#!/bin/sh\necho ${version}\n`, { mode: 0o755 })
  return dir
}

describe('optional packages whose engines exclude the running node', () => {
  const packageJson = { name: 'app', version: '1.0.0', optionalDependencies: { future: '1.0.0' } }

  for (const npmrc of ['', 'engine-strict=true\n']) {
    test(`ci leaves them out${npmrc ? ', engine-strict or not' : ''}`, async () => {
      await using tmp = tempDir()
      const lockfile = lockOf(packageJson, [{ name: 'future', version: '1.0.0', optional: true }])
      const { dir, run } = await skiffIn(tmp.path, { packageJson, lockfile, npmrc }, ['ci'])
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      expect(packagesIn(dir)).toEqual([])
    })
  }

  test('the node that counts is the one on PATH, else the Node version skiff reports to scripts', async () => {
    await using tmp = tempDir()
    const packageJson = { name: 'app', version: '1.0.0', optionalDependencies: { 'node-18-only': '1.0.0', 'bun-node-only': '1.0.0' } }
    const lockfile = lockOf(packageJson, [{ name: 'bun-node-only', version: '1.0.0', optional: true }, { name: 'node-18-only', version: '1.0.0', optional: true }])
    const withNode = await skiffIn(path.join(tmp.path, 'a'), { packageJson, lockfile }, ['ci'], { PATH: fakeNodeDir(path.join(tmp.path, 'bin'), 'v18.0.0') })
    expect(withNode.run.stderr).toBe('')
    expect(packagesIn(withNode.dir)).toEqual(['node-18-only'])
    const withoutNode = await skiffIn(path.join(tmp.path, 'b'), { packageJson, lockfile }, ['ci'], { PATH: path.join(tmp.path, 'empty') })
    expect(withoutNode.run.stderr).toBe('')
    expect(packagesIn(withoutNode.dir)).toEqual(['bun-node-only'])
  })
})

describe('engine-strict', () => {
  const packageJson = { name: 'app', version: '1.0.0', dependencies: { future: '1.0.0' } }
  const lockfile = () => lockOf(packageJson, [{ name: 'future', version: '1.0.0' }])

  test('install --package-lock-only fails with EBADENGINE for a required package and writes no lockfile', async () => {
    await using tmp = tempDir()
    const { dir, run } = await skiffIn(tmp.path, { packageJson, npmrc: 'engine-strict=true\n' }, ['install', '--package-lock-only'])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('EBADENGINE')
    expect(run.stderr).toContain('future@1.0.0 requires {"node":">=99"}')
    expect(fs.existsSync(path.join(dir, 'package-lock.json'))).toBe(false)
  })

  for (const command of ['ci', 'install']) {
    test(`${command} fails with EBADENGINE and makes no node_modules, the lockfile left as it was`, async () => {
      await using tmp = tempDir()
      const { dir, run } = await skiffIn(tmp.path, { packageJson, lockfile: lockfile(), npmrc: 'engine-strict=true\n' }, [command])
      expect(run.code).toBe(1)
      expect(run.stderr).toContain('EBADENGINE')
      expect(fs.existsSync(path.join(dir, 'node_modules'))).toBe(false)
      expect(readJson(path.join(dir, 'package-lock.json'))).toEqual(lockfile())
    })
  }

  test('without it, ci installs the package with a warning naming it', async () => {
    await using tmp = tempDir()
    const { dir, run } = await skiffIn(tmp.path, { packageJson, lockfile: lockfile() }, ['ci'])
    expect(run.code).toBe(0)
    expect(run.stderr).toContain('Unsupported engine for future@1.0.0')
    expect(packagesIn(dir)).toEqual(['future'])
  })
})

/** The requests the registry answered while `run` ran, as paths. */
async function requestsDuring(run: () => Promise<unknown>): Promise<string[]> {
  const before = registry.requests.length
  await run()
  return registry.requests.slice(before).map((request) => request.path)
}

describe('entries with neither resolved nor integrity', () => {
  // some npm versions and hand-merged branches leave entries with only a version: npm installs
  // each as name@version from the registry, and leaves the entry as it was
  const packageJson = { name: 'app', version: '1.0.0', dependencies: { tiny: '1.0.0', bundler: '1.0.0' } }
  function bareLock(): Lock {
    const lock = lockOf(packageJson, [{ name: 'tiny', version: '1.0.0' }, { name: 'bundler', version: '1.0.0' }])
    lock.packages['node_modules/tiny'] = { version: '1.0.0', license: 'MIT' }
    // comes inside bundler's tarball: nothing fetches it
    lock.packages['node_modules/bundler/node_modules/inner'] = { version: '1.0.0', inBundle: true }
    return lock
  }

  for (const command of ['ci', 'install']) {
    test(`${command} fetches it as name@version from the registry and leaves the lockfile and the entry as they were`, async () => {
      await using tmp = tempDir()
      let result: { dir: string; run: SkiffRun } | undefined
      const requested = await requestsDuring(async () => {
        result = await skiffIn(tmp.path, { packageJson, lockfile: bareLock() }, [command])
      })
      const { dir, run } = result as { dir: string; run: SkiffRun }
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      expect(fs.readFileSync(path.join(dir, 'node_modules/tiny/index.js'), 'utf8')).toBe('module.exports = 1\n')
      expect(fs.readFileSync(path.join(dir, 'node_modules/bundler/node_modules/inner/index.js'), 'utf8')).toBe('inner\n')
      expect(requested.sort()).toEqual(['/bundler/-/bundler-1.0.0.tgz', '/tiny', '/tiny/-/tiny-1.0.0.tgz'])
      expect(readJson(path.join(dir, 'package-lock.json'))).toEqual(bareLock())
      const hidden = readJson(path.join(dir, 'node_modules/.package-lock.json')) as Lock
      expect(hidden.packages['node_modules/tiny']).toEqual({ version: '1.0.0', license: 'MIT' })
    })
  }

  for (const command of ['ci', 'install']) {
    test(`${command} again with the tree in place asks the registry for nothing: what stays needs no source`, async () => {
      await using tmp = tempDir()
      const { dir } = await skiffIn(tmp.path, { packageJson, lockfile: bareLock() }, ['ci'])
      const requested = await requestsDuring(async () => {
        const again = await runSkiff(dir, [command], { registry: registry.url })
        expect(again.stderr).toBe('')
        expect(again.code).toBe(0)
      })
      expect(requested).toEqual([])
      expect(packagesIn(dir)).toEqual(['bundler', 'bundler/node_modules/inner', 'tiny'])
    })
  }

  test('fetch fills the store (and the metadata cache) so that ci --offline then installs it', async () => {
    await using tmp = tempDir()
    const { dir, run } = await skiffIn(tmp.path, { packageJson, lockfile: bareLock() }, ['fetch'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const requested = await requestsDuring(async () => {
      const offline = await runSkiff(dir, ['ci', '--offline'], { registry: registry.url })
      expect(offline.stderr).toBe('')
      expect(offline.code).toBe(0)
    })
    expect(requested).toEqual([])
    expect(packagesIn(dir)).toEqual(['bundler', 'bundler/node_modules/inner', 'tiny'])
  })

  test('a lockfile that has everything costs no registry document, only tarballs', async () => {
    await using tmp = tempDir()
    const lockfile = lockOf(packageJson, [{ name: 'tiny', version: '1.0.0' }, { name: 'bundler', version: '1.0.0' }])
    lockfile.packages['node_modules/bundler/node_modules/inner'] = { version: '1.0.0', inBundle: true }
    const requested = await requestsDuring(() => skiffIn(tmp.path, { packageJson, lockfile }, ['ci']))
    expect(requested.sort()).toEqual(['/bundler/-/bundler-1.0.0.tgz', '/tiny/-/tiny-1.0.0.tgz'])
  })

  test('one with no version either is left out with a warning, as npm leaves a damaged entry out', async () => {
    await using tmp = tempDir()
    const lock = bareLock()
    lock.packages['node_modules/tiny'] = { license: 'MIT' }
    const { dir, run } = await skiffIn(tmp.path, { packageJson: { ...packageJson, dependencies: { bundler: '1.0.0' } }, lockfile: lock }, ['ci'])
    expect(run.code).toBe(0)
    expect(run.stderr).toContain('invalid or damaged lockfile: node_modules/tiny')
    expect(packagesIn(dir)).toEqual(['bundler', 'bundler/node_modules/inner'])
  })
})

describe('lockfileVersion 1', () => {
  // npm 6 wrote no bin, os, cpu, engines or license: npm 11 fetches each package's manifest
  // ("old lockfile ... supplemental metadata must be fetched from the registry")
  const packageJson = { name: 'app', version: '1.0.0', dependencies: { 'cli-tool': '1.0.0' }, optionalDependencies: { 'mac-only': '1.0.0' } }
  function v1Lock(): Record<string, unknown> {
    const locked = (name: string, extra: Record<string, unknown> = {}) => ({
      version: '1.0.0',
      resolved: registry.tarballUrl(name, '1.0.0'),
      integrity: registry.integrity(name, '1.0.0'),
      ...extra,
    })
    return { name: 'app', version: '1.0.0', lockfileVersion: 1, requires: true, dependencies: { 'cli-tool': locked('cli-tool'), 'mac-only': locked('mac-only', { optional: true }) } }
  }

  test('ci links bins and leaves out packages for other platforms, from the registry manifests, fetching no tarball it does not install', async () => {
    await using tmp = tempDir()
    let result: { dir: string; run: SkiffRun } | undefined
    const requested = await requestsDuring(async () => {
      result = await skiffIn(tmp.path, { packageJson, lockfile: v1Lock() }, ['ci'])
    })
    const { dir, run } = result as { dir: string; run: SkiffRun }
    expect(run.code).toBe(0)
    expect(run.stderr).toContain('created with an old version of npm')
    expect(packagesIn(dir)).toEqual(process.platform === 'darwin' ? ['cli-tool', 'mac-only'] : ['cli-tool'])
    expect(fs.readlinkSync(path.join(dir, 'node_modules/.bin/cli-tool'))).toBe('../cli-tool/cli.js')
    if (process.platform !== 'darwin') expect(requested).not.toContain('/mac-only/-/mac-only-1.0.0.tgz')
  })

  test('install --package-lock-only writes the lockfileVersion 3 npm writes, with what the manifests say', async () => {
    await using tmp = tempDir()
    const { dir, run } = await skiffIn(tmp.path, { packageJson, lockfile: v1Lock() }, ['install', '--package-lock-only'])
    expect(run.code).toBe(0)
    expect(readJson(path.join(dir, 'package-lock.json'))).toEqual(
      lockOf(packageJson, [{ name: 'cli-tool', version: '1.0.0' }, { name: 'mac-only', version: '1.0.0', optional: true }]),
    )
  })
})

describe('omit-lockfile-registry-resolved with a current lockfile', () => {
  // npm writes the lockfile (and the hidden one) from its tree: the registry packages' resolved
  // go, even when nothing else changes; a package asked for by URL keeps its own
  const packageJson = () => ({ name: 'app', version: '1.0.0', dependencies: { tiny: '1.0.0', 'uses-tiny': registry.tarballUrl('uses-tiny', '1.0.0') } })
  const locked = (omitResolved: boolean): LockedPackage[] => [
    { name: 'tiny', version: '1.0.0', omitResolved },
    { name: 'uses-tiny', version: '1.0.0' },
    { name: 'tiny', version: '2.0.0', location: 'node_modules/uses-tiny/node_modules/tiny', omitResolved },
  ]
  const npmrc = 'omit-lockfile-registry-resolved=true\n'

  test('install writes the lockfile and the hidden one without them', async () => {
    await using tmp = tempDir()
    const { dir, run } = await skiffIn(tmp.path, { packageJson: packageJson(), lockfile: lockOf(packageJson(), locked(false)), npmrc }, ['install'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(readJson(path.join(dir, 'package-lock.json'))).toEqual(lockOf(packageJson(), locked(true)))
    const hidden = readJson(path.join(dir, 'node_modules/.package-lock.json')) as Lock
    expect(Object.entries(hidden.packages).filter(([, entry]) => entry.resolved !== undefined).map(([location]) => location)).toEqual(['node_modules/uses-tiny'])
    expect(packagesIn(dir)).toEqual(['tiny', 'uses-tiny', 'uses-tiny/node_modules/tiny'])
  })

  test('ci leaves them out of the hidden lockfile, every time', async () => {
    await using tmp = tempDir()
    const { dir } = await skiffIn(tmp.path, { packageJson: packageJson(), lockfile: lockOf(packageJson(), locked(false)), npmrc }, ['ci'])
    // the third run starts from nothing, with the check's outcome remembered from the first
    for (let run = 0; run < 3; run++) {
      if (run === 2) fs.rmSync(path.join(dir, 'node_modules'), { recursive: true })
      if (run > 0) expect((await runSkiff(dir, ['ci'], { registry: registry.url })).code).toBe(0)
      const hidden = readJson(path.join(dir, 'node_modules/.package-lock.json')) as Lock
      expect(Object.entries(hidden.packages).filter(([, entry]) => entry.resolved !== undefined).map(([location]) => location)).toEqual(['node_modules/uses-tiny'])
    }
  })
})
