import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { runSkiff, tempDir } from '../helpers/index.ts'
import { createTestRegistry, lockfileFor, writeProject, type TestRegistry } from '../registry/index.ts'

let registry: TestRegistry

const shBin = (text: string) => ({ content: `#!/bin/sh\necho ${text} "$@" "[$npm_lifecycle_event]"\n`, mode: 0o755 })

beforeAll(async () => {
  registry = await createTestRegistry({
    packages: [
      { name: 'tool', version: '1.0.0', bin: { tool: 'cli.sh' }, files: { 'cli.sh': shBin('local tool') } },
      { name: 'hello-cli', version: '1.0.0', bin: { 'hello-cli': 'cli.sh' }, files: { 'cli.sh': shBin('hello 1.0.0') } },
      { name: 'hello-cli', version: '1.1.0', bin: { 'hello-cli': 'cli.sh' }, dependencies: { dep: '^1.0.0' }, files: { 'cli.sh': shBin('hello 1.1.0') } },
      { name: 'dep', version: '1.0.0', files: { 'index.js': '1\n' } },
      {
        name: 'multi',
        version: '2.0.0',
        bin: { 'multi-a': 'a.sh', multi: 'main.sh' },
        scripts: { postinstall: 'touch postinstall-ran' },
        files: { 'a.sh': shBin('multi-a'), 'main.sh': shBin('multi main') },
      },
    ],
  })
})

afterAll(async () => {
  await registry.close()
})

const tarballRequests = () => registry.requests.filter((request) => request.path.endsWith('.tgz')).length

function project(dir: string): string {
  const packageJson = { name: 'app', version: '1.0.0', dependencies: { tool: '1.0.0' } }
  return writeProject(path.join(dir, 'project'), { packageJson, lockfile: lockfileFor(registry, packageJson, [{ name: 'tool', version: '1.0.0' }]) })
}

describe('skiff exec', () => {
  test('runs a bin of the project’s node_modules with its arguments, as the npx event', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path)
    expect((await runSkiff(dir, ['ci'], { registry: registry.url })).code).toBe(0)
    const run = await runSkiff(dir, ['exec', 'tool', '--flag', 'two words'], { registry: registry.url })
    expect(run.stderr).toBe('')
    expect(run.stdout).toBe('local tool --flag two words [npx]\n')
    expect((await runSkiff(path.join(dir, 'node_modules'), ['x', 'tool'], { registry: registry.url })).stdout).toBe('local tool [npx]\n')
  })

  test('fetches a package that is not installed into the exec cache, runs its bin, and reuses the cache', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path)
    const before = tarballRequests()
    const first = await runSkiff(dir, ['x', 'hello-cli', 'world'], { registry: registry.url })
    expect(first.stdout).toBe('hello 1.1.0 world [npx]\n')
    expect(first.stderr).toContain('The following package was not found and will be installed: hello-cli@1.1.0')
    expect(first.code).toBe(0)
    expect(tarballRequests()).toBe(before + 2)
    const cacheRoot = path.join(tmp.path, 'cache', 'v1', 'exec')
    const [folder] = fs.readdirSync(cacheRoot)
    expect(JSON.parse(fs.readFileSync(path.join(cacheRoot, folder as string, 'package.json'), 'utf8')).dependencies).toEqual({ 'hello-cli': '1.1.0' })
    expect(fs.existsSync(path.join(cacheRoot, folder as string, 'node_modules/dep/index.js'))).toBe(true)

    const second = await runSkiff(dir, ['x', 'hello-cli', 'again'], { registry: registry.url })
    expect(second.stdout).toBe('hello 1.1.0 again [npx]\n')
    expect(second.stderr).toBe('')
    expect(tarballRequests()).toBe(before + 2)
  })

  test('an exact version, --package with -c, and the bin named like the package among several', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path)
    expect((await runSkiff(dir, ['exec', '--yes', 'hello-cli@1.0.0'], { registry: registry.url })).stdout).toBe('hello 1.0.0 [npx]\n')
    const call = await runSkiff(dir, ['exec', '-p', 'multi@2.0.0', '-c', 'multi-a from-call'], { registry: registry.url })
    expect(call.stdout).toBe('multi-a from-call [npx]\n')
    expect((await runSkiff(dir, ['exec', '--yes', 'multi@2.0.0'], { registry: registry.url })).stdout).toBe('multi main [npx]\n')
  })

  test('install scripts of fetched packages run only with --allow-scripts; the project’s allowScripts does not apply', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'project'), { packageJson: { name: 'app', version: '1.0.0', allowScripts: { multi: true } } })
    const held = await runSkiff(dir, ['exec', '--yes', 'multi@2.0.0'], { registry: registry.url })
    expect(held.code).toBe(0)
    expect(held.stderr).toContain('warn 1 package has install scripts not yet covered by allowScripts:\n  multi@2.0.0 (postinstall: touch postinstall-ran)\n\nThey were not run. Run `skiff exec --allow-scripts=multi` to allow them once, or `skiff config set allow-scripts=multi --location=user` to allow them for good.')
    const cacheRoot = path.join(tmp.path, 'cache', 'v1', 'exec')
    const installed = path.join(cacheRoot, fs.readdirSync(cacheRoot)[0] as string, 'node_modules/multi')
    expect(fs.existsSync(path.join(installed, 'postinstall-ran'))).toBe(false)
    fs.rmSync(cacheRoot, { recursive: true })
    const allowed = await runSkiff(dir, ['exec', '--yes', '--allow-scripts=multi', 'multi@2.0.0'], { registry: registry.url })
    expect(allowed.code).toBe(0)
    expect(fs.existsSync(path.join(path.join(cacheRoot, fs.readdirSync(cacheRoot)[0] as string, 'node_modules/multi'), 'postinstall-ran'))).toBe(true)
  })

  test.each([
    ['--no', ['--no'], {}, undefined],
    ['-n', ['-n'], {}, undefined],
    ['--yes=false', ['--yes=false'], {}, undefined],
    ['npm_config_yes=false', [], { npm_config_yes: 'false' }, undefined],
    ['yes=false in the project .npmrc', [], {}, 'yes=false\n'],
  ])('yes set to false (%s) refuses to install what is missing, with npx\'s words, and installs nothing', async (_name, flags, env, npmrc) => {
    await using tmp = tempDir()
    const dir = project(tmp.path)
    if (npmrc !== undefined) fs.writeFileSync(path.join(dir, '.npmrc'), npmrc)
    const before = tarballRequests()
    const run = await runSkiff(dir, ['exec', ...flags, 'hello-cli'], { registry: registry.url, env })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('npx canceled due to missing packages and no YES option: ["hello-cli@1.1.0"]')
    expect(run.stdout).toBe('')
    expect(tarballRequests()).toBe(before)
    expect(fs.existsSync(path.join(tmp.path, 'cache', 'v1', 'exec'))).toBe(false)
  })

  test('with yes unset and no terminal (CI), it warns and installs, as npx does; --yes after yes=false in .npmrc wins', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path)
    const ci = await runSkiff(dir, ['x', 'hello-cli@1.0.0'], { registry: registry.url, env: { CI: 'true' } })
    expect(ci.code).toBe(0)
    expect(ci.stderr).toContain('The following package was not found and will be installed: hello-cli@1.0.0')
    fs.writeFileSync(path.join(dir, '.npmrc'), 'yes=false\n')
    const yes = await runSkiff(dir, ['x', '-y', 'hello-cli@1.1.0'], { registry: registry.url })
    expect(yes.code).toBe(0)
    expect(yes.stdout).toBe('hello 1.1.0 [npx]\n')
  })
})
