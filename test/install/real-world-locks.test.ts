/**
 * Lockfiles as real projects commit them, installed as npm 11 installs them: the project's own
 * bundleDependencies, entries without `resolved` or `integrity`, lockfileVersion 1, engines and
 * engine-strict, entries nothing needs, omit-lockfile-registry-resolved on a current lock.
 * Each lockfile here has the shape npm (or an older npm) wrote for the same package.json.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { listTree, readJson, runSkiff, tempDir } from '../helpers/index.ts'
import { createTestRegistry, lockfileFor, writeProject, type LockedPackage, type TestRegistry } from '../registry/index.ts'

let registry: TestRegistry

beforeAll(async () => {
  registry = await createTestRegistry({
    packages: [
      { name: 'tiny', version: '1.0.0', license: 'MIT', files: { 'index.js': 'module.exports = 1\n' } },
      { name: 'tiny', version: '2.0.0', license: 'MIT', files: { 'index.js': 'module.exports = 2\n' } },
      { name: 'uses-tiny', version: '1.0.0', license: 'MIT', dependencies: { tiny: '^2.0.0' }, files: { 'index.js': 'require("tiny")\n' } },
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
    const dir = writeProject(path.join(tmp.path, 'project'), { packageJson, lockfile: bundledLock() })
    const run = await runSkiff(dir, ['ci'], { registry: registry.url })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(packagesIn(dir)).toEqual(['tiny', 'uses-tiny', 'uses-tiny/node_modules/tiny'])
    expect(fs.readFileSync(path.join(dir, 'node_modules/uses-tiny/node_modules/tiny/index.js'), 'utf8')).toBe('module.exports = 2\n')
    const hidden = readJson(path.join(dir, 'node_modules/.package-lock.json')) as Lock
    expect(Object.keys(hidden.packages)).toEqual(['node_modules/tiny', 'node_modules/uses-tiny', 'node_modules/uses-tiny/node_modules/tiny'])
  })
})
