import { describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { createTestRegistry, lockfileFor, type LockedPackage, type PackageDef, type TestRegistry } from '../registry/index.ts'
import { runSkiff, tempDir } from '../helpers/index.ts'

const packages: PackageDef[] = [
  { name: 'left', version: '1.0.0', files: { 'index.js': 'module.exports = "left 1"\n' } },
  { name: 'left', version: '2.0.0', files: { 'index.js': 'module.exports = "left 2"\n' } },
  {
    name: 'tool',
    version: '1.0.0',
    dependencies: { left: '^2.0.0' },
    bin: { tool: 'bin/tool.js' },
    files: { 'bin/tool.js': '#!/usr/bin/env node\nconsole.log("tool")\n' },
  },
  { name: '@scope/util', version: '1.2.3', files: { 'lib/util.js': 'exports.x = 1\n' } },
  { name: 'devonly', version: '0.1.0', files: { 'index.js': 'dev\n' } },
  { name: 'native-other', version: '1.0.0', os: [process.platform === 'win32' ? 'linux' : 'win32'], files: { 'index.js': 'other\n' } },
  { name: 'extra', version: '1.0.0', files: { 'index.js': 'extra\n' } },
]

const packageJson = {
  name: 'app',
  version: '1.0.0',
  dependencies: { left: '^1.0.0', tool: '^1.0.0', '@scope/util': '^1.2.0' },
  devDependencies: { devonly: '^0.1.0' },
  optionalDependencies: { 'native-other': '^1.0.0', extra: '^1.0.0' },
}

const locked: LockedPackage[] = [
  { name: 'left', version: '1.0.0' },
  { name: 'tool', version: '1.0.0' },
  { name: 'left', version: '2.0.0', location: 'node_modules/tool/node_modules/left' },
  { name: '@scope/util', version: '1.2.3' },
  { name: 'devonly', version: '0.1.0', dev: true },
  { name: 'native-other', version: '1.0.0', optional: true },
  { name: 'extra', version: '1.0.0', optional: true },
]

/** A project folder holding only package-lock.json, as an image layer copies it. */
function lockOnlyProject(root: string, registry: TestRegistry): string {
  const dir = path.join(root, 'project')
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'package-lock.json'), `${JSON.stringify(lockfileFor(registry, packageJson, locked), null, 2)}\n`)
  return dir
}

const tarballRequests = (registry: TestRegistry) => registry.requests.filter((request) => request.path.endsWith('.tgz')).map((request) => request.path).sort()

describe('skiff fetch', () => {
  test('fills the store from package-lock.json alone, makes no node_modules, and ci --offline then installs with the registry gone', async () => {
    await using tmp = tempDir()
    const registry = await createTestRegistry({ packages })
    const dir = lockOnlyProject(tmp.path, registry)
    const fetched = await runSkiff(dir, ['fetch'], { registry: registry.url })
    expect(fetched.stderr).toBe('')
    expect(fetched.code).toBe(0)
    expect(fetched.stdout).toMatch(/^stored 6 packages in .+ · 6 downloaded \(/m)
    expect(fs.readdirSync(dir)).toEqual(['package-lock.json'])
    // every locked package this platform needs, once each; the other platform's is not asked for
    expect(tarballRequests(registry)).toEqual(
      [['@scope/util', '1.2.3'], ['devonly', '0.1.0'], ['extra', '1.0.0'], ['left', '1.0.0'], ['left', '2.0.0'], ['tool', '1.0.0']]
        .map(([name, version]) => registry.tarballPath(name as string, version as string))
        .sort(),
    )
    expect(registry.requests.filter((request) => !request.path.endsWith('.tgz'))).toEqual([])
    await registry.close()

    fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`)
    const ci = await runSkiff(dir, ['ci', '--offline'], { registry: registry.url })
    expect(ci.stderr).toBe('')
    expect(ci.code).toBe(0)
    expect(ci.stdout).toMatch(/added 6 packages in .+ · 6 from cache/)
    expect(fs.readFileSync(path.join(dir, 'node_modules/tool/node_modules/left/index.js'), 'utf8')).toBe('module.exports = "left 2"\n')
    expect(fs.readFileSync(path.join(dir, 'node_modules/devonly/index.js'), 'utf8')).toBe('dev\n')
    expect(fs.readlinkSync(path.join(dir, 'node_modules/.bin/tool'))).toBe('../tool/bin/tool.js')
    expect(fs.existsSync(path.join(dir, 'node_modules/native-other'))).toBe(false)
  })

  test('a second fetch downloads nothing', async () => {
    await using tmp = tempDir()
    await using registry = await createTestRegistry({ packages })
    const dir = lockOnlyProject(tmp.path, registry)
    expect((await runSkiff(dir, ['fetch'], { registry: registry.url })).code).toBe(0)
    const before = registry.requests.length
    const again = await runSkiff(dir, ['fetch'], { registry: registry.url })
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/^stored 6 packages in .+ · 6 from cache · store: .+cache$/m)
    expect(registry.requests.length).toBe(before)
  })

  test('--omit dev leaves dev packages out of the store: ci --offline --omit dev works, a full ci --offline names what is missing', async () => {
    await using tmp = tempDir()
    await using registry = await createTestRegistry({ packages })
    const dir = lockOnlyProject(tmp.path, registry)
    const fetched = await runSkiff(dir, ['fetch', '--omit', 'dev'], { registry: registry.url })
    expect(fetched.code).toBe(0)
    expect(fetched.stdout).toMatch(/^stored 5 packages in /m)
    expect(tarballRequests(registry)).not.toContain(registry.tarballPath('devonly', '0.1.0'))

    fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`)
    const full = await runSkiff(dir, ['ci', '--offline'], { registry: registry.url })
    expect(full.code).toBe(1)
    expect(full.stderr).toContain('ENOTCACHED')
    expect(full.stderr).toContain('devonly@0.1.0')

    const prod = await runSkiff(dir, ['ci', '--offline', '--omit=dev'], { registry: registry.url })
    expect(prod.stderr).toBe('')
    expect(prod.code).toBe(0)
    expect(fs.readdirSync(path.join(dir, 'node_modules')).filter((name) => !name.startsWith('.')).sort()).toEqual(['@scope', 'extra', 'left', 'tool'])
  })

  test('NODE_ENV=production omits dev packages, as ci does', async () => {
    await using tmp = tempDir()
    await using registry = await createTestRegistry({ packages })
    const dir = lockOnlyProject(tmp.path, registry)
    const fetched = await runSkiff(dir, ['fetch'], { registry: registry.url, env: { NODE_ENV: 'production' } })
    expect(fetched.code).toBe(0)
    expect(tarballRequests(registry)).not.toContain(registry.tarballPath('devonly', '0.1.0'))
  })

  test('a required package that cannot be fetched fails the command naming it; an optional one is left out with the others stored', async () => {
    await using tmp = tempDir()
    await using registry = await createTestRegistry({ packages })
    const dir = lockOnlyProject(tmp.path, registry)
    registry.fault(registry.tarballPath('extra', '1.0.0'), { status: 404 })
    const optional = await runSkiff(dir, ['fetch'], { registry: registry.url })
    expect(optional.code).toBe(0)
    expect(optional.stdout).toContain('optional packages skipped (1): extra@1.0.0')
    expect(optional.stdout).toMatch(/^stored 5 packages in /m)

    registry.fault(registry.tarballPath('@scope/util', '1.2.3'), { status: 404 })
    const required = await runSkiff(dir, ['fetch', '--cache', path.join(tmp.path, 'other-cache')], { registry: registry.url })
    expect(required.code).toBe(1)
    expect(required.stderr).toContain('E404')
    expect(required.stderr).toContain('@scope/util')
    expect(fs.readdirSync(dir)).toEqual(['package-lock.json'])
  })

  test('a tampered tarball is refused with EINTEGRITY and nothing is stored for it', async () => {
    await using tmp = tempDir()
    await using registry = await createTestRegistry({ packages })
    const dir = lockOnlyProject(tmp.path, registry)
    registry.fault(registry.tarballPath('left', '1.0.0'), { wrongBytes: true })
    const run = await runSkiff(dir, ['fetch'], { registry: registry.url })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('EINTEGRITY')
    expect(run.stderr).toContain('left@1.0.0')
    registry.clearFaults()
    const before = tarballRequests(registry).length
    const again = await runSkiff(dir, ['fetch'], { registry: registry.url })
    expect(again.code).toBe(0)
    // only the refused package is downloaded again
    expect(tarballRequests(registry).length - before).toBe(1)
  })

  test('without a lockfile it fails with ENOLOCK and writes nothing', async () => {
    await using tmp = tempDir()
    await using registry = await createTestRegistry({ packages })
    const dir = path.join(tmp.path, 'project')
    fs.mkdirSync(dir)
    fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`)
    const run = await runSkiff(dir, ['fetch'], { registry: registry.url })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('ENOLOCK')
    expect(fs.readdirSync(dir)).toEqual(['package.json'])
    expect(registry.requests).toEqual([])
  })
})
