import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import path from 'node:path'
import { createTestRegistry, lockfileFor, writeProject, type LockedPackage, type TestRegistry } from '../registry/index.ts'
import { runSkiff, tempDir } from '../helpers/index.ts'

let registry: TestRegistry

beforeAll(async () => {
  registry = await createTestRegistry({
    packages: [
      { name: 'base', version: '1.0.0' },
      { name: 'base', version: '1.1.0' },
      { name: 'base', version: '2.0.0' },
      { name: 'helper', version: '3.1.4' },
      { name: 'tool', version: '1.0.0', dependencies: { base: '^1.0.0' } },
    ],
  })
})

afterAll(async () => {
  await registry.close()
})

async function installed(dir: string, packageJson: Record<string, unknown>, locked: LockedPackage[]): Promise<string> {
  const project = writeProject(path.join(dir, 'project'), { packageJson, lockfile: lockfileFor(registry, packageJson, locked) })
  expect((await runSkiff(project, ['ci'], { registry: registry.url })).code).toBe(0)
  return project
}

describe('skiff outdated', () => {
  test('lists what has a newer version, with npm\'s columns, and exits 1', async () => {
    await using tmp = tempDir()
    const dir = await installed(tmp.path, { name: 'app', version: '1.0.0', dependencies: { base: '^1.0.0', helper: '^3.0.0', tool: '1' } }, [
      { name: 'base', version: '1.0.0' },
      { name: 'helper', version: '3.1.4' },
      { name: 'tool', version: '1.0.0' },
    ])
    const run = await runSkiff(dir, ['outdated'], { registry: registry.url })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(1)
    expect(run.stdout).toBe([
      'Package  Current  Wanted  Latest  Location           Depended by',
      'base       1.0.0   1.1.0   2.0.0  node_modules/base  project',
      '',
    ].join('\n'))
  })

  test('--all includes dependencies of dependencies; --json and --parseable', async () => {
    await using tmp = tempDir()
    const dir = await installed(tmp.path, { name: 'app', version: '1.0.0', dependencies: { base: '^2.0.0', tool: '1' } }, [
      { name: 'base', version: '2.0.0' },
      { name: 'tool', version: '1.0.0' },
      { name: 'base', version: '1.0.0', location: 'node_modules/tool/node_modules/base' },
    ])
    expect((await runSkiff(dir, ['outdated'], { registry: registry.url })).code).toBe(0)
    const all = await runSkiff(dir, ['outdated', '--all', '--json'], { registry: registry.url })
    expect(all.code).toBe(1)
    expect(JSON.parse(all.stdout)).toEqual({
      base: { current: '1.0.0', wanted: '1.1.0', latest: '2.0.0', dependent: 'tool', location: path.join(dir, 'node_modules/tool/node_modules/base') },
    })
    const parseable = await runSkiff(dir, ['outdated', '--all', '--parseable'], { registry: registry.url })
    expect(parseable.stdout).toBe(`${path.join(dir, 'node_modules/tool/node_modules/base')}:base@1.1.0:base@1.0.0:base@2.0.0:tool\n`)
  })

  test('nothing outdated prints nothing and exits 0; --json prints {}', async () => {
    await using tmp = tempDir()
    const dir = await installed(tmp.path, { name: 'app', version: '1.0.0', dependencies: { helper: '^3.0.0' } }, [{ name: 'helper', version: '3.1.4' }])
    const run = await runSkiff(dir, ['outdated'], { registry: registry.url })
    expect(run.code).toBe(0)
    expect(run.stdout).toBe('')
    expect((await runSkiff(dir, ['outdated', '--json'], { registry: registry.url })).stdout).toBe('{}\n')
  })

  test('a dependency that is not installed is MISSING; one the registry does not know is left out', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'project'), { packageJson: { name: 'app', version: '1.0.0', dependencies: { helper: '^3.0.0', unknown: '^1.0.0' } } })
    const run = await runSkiff(dir, ['outdated'], { registry: registry.url })
    expect(run.code).toBe(1)
    expect(run.stdout).toBe([
      'Package  Current  Wanted  Latest  Location  Depended by',
      'helper   MISSING   3.1.4   3.1.4  -         project',
      '',
    ].join('\n'))
    expect(registry.requests.some((request) => request.path === '/unknown')).toBe(true)
  })
})
