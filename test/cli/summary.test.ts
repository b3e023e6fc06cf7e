/**
 * What an install says when it ends, in npm's words and counts: up to date, added, removed
 * (nested packages counted), changed; npm's --json lists; deprecation warnings for what it
 * installed, from the lockfile (ci) or the registry (install).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import path from 'node:path'
import { runSkiff, tempDir } from '../helpers/index.ts'
import { createTestRegistry, lockfileFor, writeProject, type TestRegistry } from '../registry/index.ts'

let registry: TestRegistry

beforeAll(async () => {
  registry = await createTestRegistry({
    packages: [
      { name: 'tree-top', version: '1.0.0', dependencies: { left: '1.0.0', right: '1.0.0' } },
      { name: 'left', version: '1.0.0', dependencies: { leaf: '1.0.0' } },
      { name: 'right', version: '1.0.0', dependencies: { leaf: '2.0.0' } },
      { name: 'leaf', version: '1.0.0' },
      { name: 'leaf', version: '2.0.0' },
      { name: 'base', version: '1.0.0' },
      { name: 'base', version: '1.1.0' },
      { name: 'old-thing', version: '1.0.0', deprecated: 'old-thing is no longer maintained, use base' },
    ],
  })
})

afterAll(async () => {
  await registry.close()
})

const app = (dir: string, dependencies: Record<string, string> = {}) => writeProject(path.join(dir, 'app'), { packageJson: { name: 'app', version: '1.0.0', dependencies } })
const summaryLine = (stdout: string) => stdout.trim().split('\n').at(-1)?.replace(/ in \d+(\.\d+)?m?s.*$/, '')

describe('the last line', () => {
  test('adding counts every package; a no-op install is "up to date"; removing counts nested packages too', async () => {
    await using tmp = tempDir()
    const dir = app(tmp.path)
    const add = await runSkiff(dir, ['install', 'tree-top'], { registry: registry.url })
    expect(summaryLine(add.stdout)).toBe('added 5 packages')
    const again = await runSkiff(dir, ['install'], { registry: registry.url })
    expect(again.stdout).toMatch(/^up to date in \d+ms\n$/)
    const rm = await runSkiff(dir, ['rm', 'tree-top'], { registry: registry.url })
    expect(summaryLine(rm.stdout)).toBe('removed 5 packages')
  })

  test('an update is "changed 1 package"; adding and removing at once reads as npm writes it', async () => {
    await using tmp = tempDir()
    const packageJson = { name: 'app', version: '1.0.0', dependencies: { base: '^1.0.0', leaf: '1.0.0' } }
    const dir = writeProject(path.join(tmp.path, 'app'), { packageJson, lockfile: lockfileFor(registry, packageJson, [{ name: 'base', version: '1.0.0' }, { name: 'leaf', version: '1.0.0' }]) })
    expect((await runSkiff(dir, ['ci'], { registry: registry.url })).code).toBe(0)
    const update = await runSkiff(dir, ['update', 'base'], { registry: registry.url })
    expect(summaryLine(update.stdout)).toBe('changed 1 package')
    const swap = await runSkiff(dir, ['install', 'old-thing', 'tree-top'], { registry: registry.url })
    expect(summaryLine(swap.stdout)).toBe('added 5 packages')
    const both = await runSkiff(dir, ['uninstall', 'tree-top', 'leaf'], { registry: registry.url })
    expect(summaryLine(both.stdout)).toBe('removed 5 packages')
  })

  test("--json has npm's add, change and remove lists and counts, then skiff's fields", async () => {
    await using tmp = tempDir()
    const packageJson = { name: 'app', version: '1.0.0', dependencies: { base: '^1.0.0', leaf: '1.0.0' } }
    const dir = writeProject(path.join(tmp.path, 'app'), { packageJson, lockfile: lockfileFor(registry, packageJson, [{ name: 'base', version: '1.0.0' }, { name: 'leaf', version: '1.0.0' }]) })
    const ci = JSON.parse((await runSkiff(dir, ['ci', '--json'], { registry: registry.url })).stdout) as Record<string, unknown>
    expect(Object.keys(ci).slice(0, 7)).toEqual(['add', 'added', 'change', 'changed', 'remove', 'removed', 'ok'])
    expect(ci.add).toEqual([
      { name: 'base', version: '1.0.0', path: path.join(dir, 'node_modules/base') },
      { name: 'leaf', version: '1.0.0', path: path.join(dir, 'node_modules/leaf') },
    ])
    const update = JSON.parse((await runSkiff(dir, ['update', 'base', '--json'], { registry: registry.url })).stdout) as Record<string, unknown>
    expect(update).toMatchObject({
      add: [],
      added: 0,
      change: [{ from: { name: 'base', version: '1.0.0', path: path.join(dir, 'node_modules/base') }, to: { name: 'base', version: '1.1.0', path: path.join(dir, 'node_modules/base') } }],
      changed: 1,
      remove: [],
      removed: 0,
      ok: true,
    })
    const rm = JSON.parse((await runSkiff(dir, ['rm', 'leaf', '--json'], { registry: registry.url })).stdout) as Record<string, unknown>
    expect(rm).toMatchObject({ remove: [{ name: 'leaf', version: '1.0.0', path: path.join(dir, 'node_modules/leaf') }], removed: 1 })
  })
})

describe('deprecated packages', () => {
  test('install warns for the versions it picked that the registry marks deprecated, as npm does', async () => {
    await using tmp = tempDir()
    const dir = app(tmp.path)
    const run = await runSkiff(dir, ['install', 'old-thing', 'base'], { registry: registry.url })
    expect(run.code).toBe(0)
    expect(run.stderr).toBe('warn deprecated old-thing@1.0.0: old-thing is no longer maintained, use base\n')
    const again = await runSkiff(dir, ['install'], { registry: registry.url })
    expect(again.stderr).toBe('')
  })

  test("ci warns from the lockfile's deprecated fields", async () => {
    await using tmp = tempDir()
    const packageJson = { name: 'app', version: '1.0.0', dependencies: { base: '1.0.0', 'old-thing': '1.0.0' } }
    const lock = lockfileFor(registry, packageJson, [{ name: 'base', version: '1.0.0' }, { name: 'old-thing', version: '1.0.0' }]) as { packages: Record<string, Record<string, unknown>> }
    expect(lock.packages['node_modules/old-thing']?.deprecated).toBe('old-thing is no longer maintained, use base')
    ;(lock.packages['node_modules/base'] as Record<string, unknown>).deprecated = 'base 1.0.0 has a bug, use 1.1.0'
    const dir = writeProject(path.join(tmp.path, 'app'), { packageJson, lockfile: lock })
    const run = await runSkiff(dir, ['ci'], { registry: registry.url })
    expect(run.code).toBe(0)
    expect(run.stderr).toBe('warn deprecated base@1.0.0: base 1.0.0 has a bug, use 1.1.0\nwarn deprecated old-thing@1.0.0: old-thing is no longer maintained, use base\n')
  })
})
