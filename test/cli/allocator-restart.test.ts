/**
 * A big install into a cold cache starts skiff again with the allocator's purges held back
 * (allocator-restart.ts): which runs do, and that the second start finishes the install as the
 * first would have.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { wantsAllocatorRestart, type RestartInput } from '../../src/cli/allocator-restart.ts'
import { runSkiff, tempDir } from '../helpers/index.ts'
import { createTestRegistry, writeProject, type TestRegistry } from '../registry/index.ts'

const NAMES = Array.from({ length: 40 }, (_, i) => `part-${i}`)

describe('wantsAllocatorRestart', () => {
  function project(files: Record<string, string>): { input: RestartInput; [Symbol.dispose](): void } {
    const tmp = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'skiff-restart-'))
    const projectDir = path.join(tmp, 'project')
    fs.mkdirSync(projectDir)
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(projectDir, name), text)
    return {
      input: { command: 'ci', projectDir, cacheDir: path.join(tmp, 'cache'), global: false, env: {} },
      [Symbol.dispose]: () => fs.rmSync(tmp, { recursive: true, force: true }),
    }
  }
  const bigLock = JSON.stringify({ lockfileVersion: 3, packages: { '': {} }, padding: 'x'.repeat(260 * 1024) })
  const manyDeps = JSON.stringify({ dependencies: Object.fromEntries(NAMES.map((name) => [name, '^1.0.0'])) })

  test('a big lockfile and a cold cache: yes', () => {
    using dir = project({ 'package.json': '{}', 'package-lock.json': bigLock })
    expect(wantsAllocatorRestart(dir.input)).toBe(true)
    expect(wantsAllocatorRestart({ ...dir.input, command: 'install' })).toBe(true)
  })

  test('no lockfile and forty dependencies: yes; a few: no', () => {
    using many = project({ 'package.json': manyDeps })
    expect(wantsAllocatorRestart({ ...many.input, command: 'install' })).toBe(true)
    using few = project({ 'package.json': JSON.stringify({ dependencies: { a: '1' }, devDependencies: { b: '1' } }) })
    expect(wantsAllocatorRestart({ ...few.input, command: 'install' })).toBe(false)
  })

  test('no: a small lockfile (which wins over package.json), a warm cache, the setting given, a global install, another command', () => {
    using small = project({ 'package.json': manyDeps, 'package-lock.json': '{"lockfileVersion":3,"packages":{"":{}}}' })
    expect(wantsAllocatorRestart(small.input)).toBe(false)
    using big = project({ 'package.json': '{}', 'package-lock.json': bigLock })
    expect(wantsAllocatorRestart({ ...big.input, env: { MIMALLOC_PURGE_DELAY: '10' } })).toBe(false)
    expect(wantsAllocatorRestart({ ...big.input, global: true })).toBe(false)
    expect(wantsAllocatorRestart({ ...big.input, command: 'ls' })).toBe(false)
    fs.mkdirSync(path.join(big.input.cacheDir, 'v1'), { recursive: true })
    expect(wantsAllocatorRestart(big.input)).toBe(false)
  })

  test('an unreadable package.json is left to the install to report', () => {
    using dir = project({ 'package.json': '{ not json' })
    expect(wantsAllocatorRestart({ ...dir.input, command: 'install' })).toBe(false)
  })
})

describe('skiff started again', () => {
  let registry: TestRegistry

  beforeAll(async () => {
    registry = await createTestRegistry({ packages: NAMES.map((name) => ({ name, version: '1.0.0', files: { 'index.js': `${name}\n` } })) })
  })

  afterAll(async () => {
    await registry.close()
  })

  test('installs what one start installs, says so in --timings, and counts the first start in its time', async () => {
    await using tmp = tempDir()
    const packageJson = {
      name: 'app',
      version: '1.0.0',
      // what the project's own scripts see: the environment skiff was given, not the restart's
      scripts: { postinstall: 'echo "[${MIMALLOC_PURGE_DELAY-unset}] [${SKIFF_FIRST_START_MS-unset}]" > seen-env.txt' },
      dependencies: Object.fromEntries(NAMES.map((name) => [name, '^1.0.0'])),
    }
    const dir = writeProject(path.join(tmp.path, 'project'), { packageJson })
    // killed if it never ends: a second start that started a third would loop
    const run = await runSkiff(dir, ['install', '--timings'], { registry: registry.url, cache: path.join(tmp.path, 'cold-cache'), kill: { signal: 'SIGKILL', afterMs: 30_000 } })
    expect(run.code).toBe(0)
    expect(run.stderr).toMatch(/^timing start skiff \(twice\) /m)
    expect(run.stdout).toContain('added 40 packages')
    for (const name of NAMES) expect(fs.readFileSync(path.join(dir, 'node_modules', name, 'index.js'), 'utf8')).toBe(`${name}\n`)
    const lock = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> }
    expect(Object.keys(lock.packages).length).toBe(41)
    expect(fs.readFileSync(path.join(dir, 'seen-env.txt'), 'utf8')).toBe('[unset] [unset]\n')

    // the same project once more from a cold cache, with the setting given: one start
    fs.rmSync(path.join(dir, 'node_modules'), { recursive: true })
    const given = await runSkiff(dir, ['ci', '--timings'], { registry: registry.url, cache: path.join(tmp.path, 'other-cache'), env: { MIMALLOC_PURGE_DELAY: '10' } })
    expect(given.code).toBe(0)
    expect(given.stderr).toMatch(/^timing start skiff {2,}0ms/m)
    expect(fs.readFileSync(path.join(dir, 'node_modules', 'part-0', 'index.js'), 'utf8')).toBe('part-0\n')
  })
})
