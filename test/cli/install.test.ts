import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { createTestRegistry, holdAnswers, lockfileFor, writeProject, type TestRegistry } from '../registry/index.ts'
import { readJson, runSkiff, tempDir } from '../helpers/index.ts'
import { detectPlatform } from '../../src/link/detect-platform.ts'

let registry: TestRegistry
const otherLibc = detectPlatform().libc === 'musl' ? 'glibc' : 'musl'

beforeAll(async () => {
  registry = await createTestRegistry({
    packages: [
      { name: 'base', version: '1.0.0', license: 'MIT', files: { 'index.js': 'base 1\n' } },
      { name: 'base', version: '1.1.0', license: 'MIT', files: { 'index.js': 'base 1.1\n' } },
      { name: 'base', version: '2.0.0', license: 'MIT', files: { 'index.js': 'base 2\n' } },
      { name: 'uses-base', version: '1.0.0', dependencies: { base: '^2.0.0' }, bin: { ub: 'cli.js' }, files: { 'cli.js': '#!/usr/bin/env node\n' } },
      { name: 'helper', version: '3.1.4', license: 'ISC' },
      { name: 'wants-newer-base', version: '1.0.0', dependencies: { base: '^1.1.0' } },
      { name: 'for-other-libc', version: '1.0.0', os: ['linux'], libc: [otherLibc], files: { 'index.js': 'other libc\n' } },
    ],
  })
})

afterAll(async () => {
  await registry.close()
})

const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), 'utf8')

describe('skiff install', () => {
  test('installs package.json from the registry and writes a lockfile; a second run resolves nothing', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'project'), {
      packageJson: { name: 'app', version: '1.0.0', dependencies: { base: '^1.0.0', 'uses-base': '1' } },
    })
    const run = await runSkiff(dir, ['install'], { registry: registry.url })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(read(dir, 'node_modules/base/index.js')).toBe('base 1.1\n')
    expect(read(dir, 'node_modules/uses-base/node_modules/base/index.js')).toBe('base 2\n')
    const lock = readJson(path.join(dir, 'package-lock.json')) as { lockfileVersion: number; packages: Record<string, { version?: string; license?: string; resolved?: string }> }
    expect(lock.lockfileVersion).toBe(3)
    expect(lock.packages['node_modules/base']).toMatchObject({ version: '1.1.0', license: 'MIT', resolved: registry.tarballUrl('base', '1.1.0') })
    expect(lock.packages['node_modules/uses-base/node_modules/base']?.version).toBe('2.0.0')
    expect(fs.readlinkSync(path.join(dir, 'node_modules/.bin/ub'))).toBe('../uses-base/cli.js')

    const packumentsBefore = registry.requests.filter((r) => !r.path.endsWith('.tgz')).length
    const lockBefore = read(dir, 'package-lock.json')
    const second = await runSkiff(dir, ['install'], { registry: registry.url })
    expect(second.code).toBe(0)
    expect(registry.requests.filter((r) => !r.path.endsWith('.tgz')).length).toBe(packumentsBefore)
    expect(read(dir, 'package-lock.json')).toBe(lockBefore)
  })

  test("a dependency's tarball is fetched while the resolution waits for its siblings' documents", async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'project'), { packageJson: { name: 'app', version: '1.0.0', dependencies: { helper: '^3.0.0', 'uses-base': '1' } } })
    // uses-base's document is held until helper's tarball is asked for: the root's dependencies
    // are placed together, once every document has come, so a tarball asked for only once its
    // package is placed never is, and the hold is let go after a while
    const { value: run, reached } = await holdAnswers(registry, (requested) => requested === '/uses-base', (requested) => requested.endsWith('/helper-3.1.4.tgz'), 4_000, () =>
      runSkiff(dir, ['install'], { registry: registry.url }))
    expect(run.code).toBe(0)
    expect(reached).toBe(true)
    expect(read(dir, 'node_modules/uses-base/package.json')).toContain('"uses-base"')
    expect(read(dir, 'node_modules/base/package.json')).toContain('"2.0.0"')
  }, 15_000)

  test('install <name> adds it to package.json with a caret range, keeps the other locked versions', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'project'), { packageJson: { name: 'app', version: '1.0.0', dependencies: { base: '1.0.0' } } })
    expect((await runSkiff(dir, ['install'], { registry: registry.url })).code).toBe(0)
    const run = await runSkiff(dir, ['install', 'helper'], { registry: registry.url })
    expect(run.code).toBe(0)
    expect((readJson(path.join(dir, 'package.json')) as { dependencies: Record<string, string> }).dependencies).toEqual({ base: '1.0.0', helper: '^3.1.4' })
    expect(read(dir, 'node_modules/base/index.js')).toBe('base 1\n')
    expect(fs.existsSync(path.join(dir, 'node_modules/helper/package.json'))).toBe(true)
  })

  test('-D -E saves an exact devDependency', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'project'), { packageJson: { name: 'app', version: '1.0.0' } })
    const run = await runSkiff(dir, ['install', '-D', '-E', 'base@1'], { registry: registry.url })
    expect(run.code).toBe(0)
    expect(readJson(path.join(dir, 'package.json'))).toEqual({ name: 'app', version: '1.0.0', devDependencies: { base: '1.1.0' } })
    const lock = readJson(path.join(dir, 'package-lock.json')) as { packages: Record<string, { dev?: boolean }> }
    expect(lock.packages['node_modules/base']?.dev).toBe(true)
  })

  test('-O saves an optional dependency; the lock root entry also lists it under dependencies as typed, as npm writes it, until the next install', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'project'), { packageJson: { name: 'app', version: '1.0.0', dependencies: { base: '1.0.0' } } })
    const run = await runSkiff(dir, ['install', '-O', 'helper'], { registry: registry.url })
    expect(run.code).toBe(0)
    expect(readJson(path.join(dir, 'package.json'))).toEqual({ name: 'app', version: '1.0.0', dependencies: { base: '1.0.0' }, optionalDependencies: { helper: '^3.1.4' } })
    type Root = { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }
    const rootEntry = () => (readJson(path.join(dir, 'package-lock.json')) as { packages: Record<string, Root> }).packages['']
    expect(rootEntry()).toMatchObject({ dependencies: { base: '1.0.0', helper: '*' }, optionalDependencies: { helper: '^3.1.4' } })
    expect((await runSkiff(dir, ['install'], { registry: registry.url })).code).toBe(0)
    expect(rootEntry()?.dependencies).toEqual({ base: '1.0.0' })
    expect(rootEntry()?.optionalDependencies).toEqual({ helper: '^3.1.4' })
  })

  test('save-exact and save-prefix from .npmrc shape the saved range; the flags win over them', async () => {
    await using tmp = tempDir()
    const deps = (dir: string) => (readJson(path.join(dir, 'package.json')) as { dependencies: Record<string, string> }).dependencies
    const exact = writeProject(path.join(tmp.path, 'exact'), { packageJson: { name: 'app', version: '1.0.0' }, npmrc: 'save-exact=true\n' })
    expect((await runSkiff(exact, ['install', 'helper'], { registry: registry.url })).code).toBe(0)
    expect(deps(exact)).toEqual({ helper: '3.1.4' })
    const tilde = writeProject(path.join(tmp.path, 'tilde'), { packageJson: { name: 'app', version: '1.0.0' }, npmrc: 'save-prefix=~\n' })
    expect((await runSkiff(tilde, ['install', 'helper'], { registry: registry.url })).code).toBe(0)
    expect(deps(tilde)).toEqual({ helper: '~3.1.4' })
    expect((await runSkiff(tilde, ['install', 'base', '--save-prefix', '>='], { registry: registry.url })).code).toBe(0)
    expect(deps(tilde)).toEqual({ base: '>=2.0.0', helper: '~3.1.4' })
  })

  test('install <package> in a folder without package.json creates one, as npm; a bare install there is ENOPACKAGEJSON and writes nothing', async () => {
    await using tmp = tempDir()
    const dir = path.join(tmp.path, 'empty')
    fs.mkdirSync(dir)
    const bare = await runSkiff(dir, ['install'], { registry: registry.url })
    expect(bare.code).toBe(1)
    expect(bare.stderr).toContain(`ENOPACKAGEJSON could not read package.json: ${path.join(dir, 'package.json')} does not exist`)
    expect(fs.readdirSync(dir)).toEqual([])
    const add = await runSkiff(dir, ['install', 'helper'], { registry: registry.url })
    expect(add.code).toBe(0)
    expect(read(dir, 'package.json')).toBe('{\n  "dependencies": {\n    "helper": "^3.1.4"\n  }\n}\n')
    const lock = readJson(path.join(dir, 'package-lock.json')) as { name: string; packages: Record<string, unknown> }
    expect(lock.name).toBe('empty')
    expect(lock.packages['']).toEqual({ dependencies: { helper: '^3.1.4' } })
    expect(fs.existsSync(path.join(dir, 'node_modules/helper/package.json'))).toBe(true)
  })

  test('a bare install leaves package.json byte for byte as it was: unsorted lists, no final newline', async () => {
    await using tmp = tempDir()
    const dir = path.join(tmp.path, 'project')
    fs.mkdirSync(dir)
    const text = '{"name":"app","version":"1.0.0","dependencies":{"helper":"^3.0.0","base":"^1.0.0"}}'
    fs.writeFileSync(path.join(dir, 'package.json'), text)
    expect((await runSkiff(dir, ['install'], { registry: registry.url })).code).toBe(0)
    expect(read(dir, 'package.json')).toBe(text)
    expect(fs.existsSync(path.join(dir, 'node_modules/helper/package.json'))).toBe(true)
  })

  test('a version that does not exist is ETARGET and leaves package.json and the lockfile untouched', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'project'), { packageJson: { name: 'app', version: '1.0.0', dependencies: { base: '^1.0.0' } } })
    expect((await runSkiff(dir, ['install'], { registry: registry.url })).code).toBe(0)
    const packageJsonBefore = read(dir, 'package.json')
    const lockBefore = read(dir, 'package-lock.json')
    const run = await runSkiff(dir, ['install', 'base@^9'], { registry: registry.url })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('ETARGET')
    expect(run.stderr).toContain('base@^9')
    expect(read(dir, 'package.json')).toBe(packageJsonBefore)
    expect(read(dir, 'package-lock.json')).toBe(lockBefore)
  })

  test('an unknown package is E404 naming it', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'project'), { packageJson: { name: 'app', version: '1.0.0' } })
    const run = await runSkiff(dir, ['install', 'no-such-package'], { registry: registry.url })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('E404')
    expect(run.stderr).toContain('no-such-package')
    expect(fs.existsSync(path.join(dir, 'package-lock.json'))).toBe(false)
    expect(readJson(path.join(dir, 'package.json'))).toEqual({ name: 'app', version: '1.0.0' })
  })

  test('--package-lock-only writes the lockfile and touches no node_modules', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'project'), { packageJson: { name: 'app', version: '1.0.0', dependencies: { 'uses-base': '^1.0.0' } } })
    const tarballs = () => registry.requests.filter((r) => r.path.endsWith('.tgz')).length
    const tarballsBefore = tarballs()
    const run = await runSkiff(dir, ['install', '--package-lock-only'], { registry: registry.url })
    expect(run.code).toBe(0)
    expect(fs.existsSync(path.join(dir, 'node_modules'))).toBe(false)
    expect(tarballs()).toBe(tarballsBefore)
    const lock = readJson(path.join(dir, 'package-lock.json')) as { packages: Record<string, unknown> }
    expect(Object.keys(lock.packages)).toEqual(['', 'node_modules/base', 'node_modules/uses-base'])
  })

  test.if(process.platform === 'linux')('an optional package built for the other C library is locked but its tarball is never fetched', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'project'), {
      packageJson: { name: 'app', version: '1.0.0', dependencies: { base: '1.0.0' }, optionalDependencies: { 'for-other-libc': '1.0.0' } },
    })
    const fetched = () => registry.requests.filter((r) => r.path.endsWith('.tgz') && r.path.includes('for-other-libc')).length
    const run = await runSkiff(dir, ['install'], { registry: registry.url })
    expect(run.code).toBe(0)
    expect(fs.existsSync(path.join(dir, 'node_modules/base/index.js'))).toBe(true)
    expect(fs.existsSync(path.join(dir, 'node_modules/for-other-libc'))).toBe(false)
    const lock = readJson(path.join(dir, 'package-lock.json')) as { packages: Record<string, { libc?: string[]; optional?: boolean }> }
    expect(lock.packages['node_modules/for-other-libc']).toMatchObject({ libc: [otherLibc], optional: true })
    expect(fetched()).toBe(0)
  })

  test('uninstall removes the dependency from package.json, the lockfile and node_modules', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'project'), { packageJson: { name: 'app', version: '1.0.0', dependencies: { base: '^1.0.0', helper: '^3.0.0' } } })
    expect((await runSkiff(dir, ['install'], { registry: registry.url })).code).toBe(0)
    const run = await runSkiff(dir, ['uninstall', 'helper'], { registry: registry.url })
    expect(run.code).toBe(0)
    expect((readJson(path.join(dir, 'package.json')) as { dependencies: object }).dependencies).toEqual({ base: '^1.0.0' })
    expect(Object.keys((readJson(path.join(dir, 'package-lock.json')) as { packages: object }).packages)).toEqual(['', 'node_modules/base'])
    expect(fs.existsSync(path.join(dir, 'node_modules/helper'))).toBe(false)
  })

  test('--no-save installs the package without writing it into package.json or the lockfile, as npm', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'project'), { packageJson: { name: 'app', version: '1.0.0', dependencies: { base: '1.0.0' } } })
    expect((await runSkiff(dir, ['install'], { registry: registry.url })).code).toBe(0)
    const lockBefore = read(dir, 'package-lock.json')
    const run = await runSkiff(dir, ['install', '--no-save', 'helper'], { registry: registry.url })
    expect(run.code).toBe(0)
    expect(readJson(path.join(dir, 'package.json'))).toEqual({ name: 'app', version: '1.0.0', dependencies: { base: '1.0.0' } })
    expect(read(dir, 'package-lock.json')).toBe(lockBefore)
    expect(fs.existsSync(path.join(dir, 'node_modules/helper/package.json'))).toBe(true)
  })

  test('package-lock=false: the install neither reads nor writes package-lock.json, and node_modules gets its hidden lockfile', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'project'), { packageJson: { name: 'app', version: '1.0.0', dependencies: { base: '^1.0.0' } }, npmrc: 'package-lock=false\n' })
    // a stale lockfile that pins base@1.0.0: ignored, so the newest 1.x is installed
    fs.writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify(lockfileFor(registry, { name: 'app', version: '1.0.0', dependencies: { base: '^1.0.0' } }, [{ name: 'base', version: '1.0.0' }]), null, 2))
    const lockBefore = read(dir, 'package-lock.json')
    expect((await runSkiff(dir, ['install', 'helper'], { registry: registry.url })).code).toBe(0)
    expect(read(dir, 'node_modules/base/index.js')).toBe('base 1.1\n')
    expect(read(dir, 'package-lock.json')).toBe(lockBefore)
    expect(fs.existsSync(path.join(dir, 'node_modules/.package-lock.json'))).toBe(true)
    expect((readJson(path.join(dir, 'package.json')) as { dependencies: Record<string, string> }).dependencies).toEqual({ base: '^1.0.0', helper: '^3.1.4' })
  })

  test('dedupe replaces a nested duplicate with one copy at the top that satisfies both', async () => {
    await using tmp = tempDir()
    const packageJson = { name: 'app', version: '1.0.0', dependencies: { base: '^1.0.0', 'wants-newer-base': '^1.0.0' } }
    const dir = writeProject(path.join(tmp.path, 'project'), {
      packageJson,
      lockfile: lockfileFor(registry, packageJson, [
        { name: 'base', version: '1.0.0' },
        { name: 'wants-newer-base', version: '1.0.0' },
        { name: 'base', version: '1.1.0', location: 'node_modules/wants-newer-base/node_modules/base' },
      ]),
    })
    expect((await runSkiff(dir, ['ci'], { registry: registry.url })).code).toBe(0)
    const run = await runSkiff(dir, ['dedupe'], { registry: registry.url })
    expect(run.code).toBe(0)
    const lock = readJson(path.join(dir, 'package-lock.json')) as { packages: Record<string, { version?: string }> }
    expect(Object.keys(lock.packages)).toEqual(['', 'node_modules/base', 'node_modules/wants-newer-base'])
    expect(lock.packages['node_modules/base']?.version).toBe('1.1.0')
    expect(read(dir, 'node_modules/base/index.js')).toBe('base 1.1\n')
    expect(fs.existsSync(path.join(dir, 'node_modules/wants-newer-base/node_modules'))).toBe(false)
    expect(readJson(path.join(dir, 'package.json'))).toEqual(packageJson)
  })

  test('-w adds to a workspace: its package.json and lock entry get the saved range, the root stays as it was', async () => {
    await using tmp = tempDir()
    const root = { name: 'mono', version: '1.0.0', workspaces: ['packages/*'] }
    const dir = writeProject(path.join(tmp.path, 'project'), { packageJson: root })
    writeProject(path.join(dir, 'packages/a'), { packageJson: { name: 'a', version: '0.1.0' } })
    writeProject(path.join(dir, 'packages/b'), { packageJson: { name: 'b', version: '0.2.0' } })
    const run = await runSkiff(dir, ['install', 'helper', '-w', 'a'], { registry: registry.url })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(readJson(path.join(dir, 'package.json'))).toEqual(root)
    expect(readJson(path.join(dir, 'packages/a/package.json'))).toEqual({ name: 'a', version: '0.1.0', dependencies: { helper: '^3.1.4' } })
    expect(readJson(path.join(dir, 'packages/b/package.json'))).toEqual({ name: 'b', version: '0.2.0' })
    const lock = readJson(path.join(dir, 'package-lock.json')) as { packages: Record<string, Record<string, unknown>> }
    expect(lock.packages['packages/a']).toEqual({ version: '0.1.0', dependencies: { helper: '^3.1.4' } })
    expect(lock.packages['node_modules/a']).toEqual({ resolved: 'packages/a', link: true })
    expect(fs.readlinkSync(path.join(dir, 'node_modules/a'))).toBe('../packages/a')
    expect(fs.existsSync(path.join(dir, 'node_modules/helper/package.json'))).toBe(true)

    const unknown = await runSkiff(dir, ['install', 'helper', '-w', 'nope'], { registry: registry.url })
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('no workspace named nope')
  })

  test('update moves locked versions up within package.json ranges; --save writes the new ranges', async () => {
    await using tmp = tempDir()
    const packageJson = { name: 'app', version: '1.0.0', dependencies: { base: '^1.0.0', helper: '3.1.4' } }
    const dir = writeProject(path.join(tmp.path, 'project'), {
      packageJson,
      lockfile: lockfileFor(registry, packageJson, [{ name: 'base', version: '1.0.0' }, { name: 'helper', version: '3.1.4' }]),
    })
    const run = await runSkiff(dir, ['update'], { registry: registry.url })
    expect(run.code).toBe(0)
    expect(read(dir, 'node_modules/base/index.js')).toBe('base 1.1\n')
    expect(readJson(path.join(dir, 'package.json'))).toEqual(packageJson)
    const saved = await runSkiff(dir, ['update', '--save'], { registry: registry.url })
    expect(saved.code).toBe(0)
    expect((readJson(path.join(dir, 'package.json')) as { dependencies: object }).dependencies).toEqual({ base: '^1.1.0', helper: '3.1.4' })
    const lock = readJson(path.join(dir, 'package-lock.json')) as { packages: Record<string, { dependencies?: object }> }
    expect(lock.packages['']?.dependencies).toEqual({ base: '^1.1.0', helper: '3.1.4' })
  })
})
