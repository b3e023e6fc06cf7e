/**
 * The everyday commands around a project: init (and init <initializer>), pkg, config, prefix,
 * root, prune, each as npm does it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { readJson, runSkiff, tempDir } from '../helpers/index.ts'
import { createTestRegistry, lockfileFor, writeProject, type TestRegistry } from '../registry/index.ts'

let registry: TestRegistry

beforeAll(async () => {
  registry = await createTestRegistry({
    packages: [
      { name: 'base', version: '1.0.0', files: { 'index.js': '1\n' } },
      { name: 'devtool', version: '1.0.0', files: { 'index.js': 'dev\n' } },
      { name: 'create-hello', version: '1.0.0', bin: { 'create-hello': 'cli.sh' }, files: { 'cli.sh': { content: '#!/bin/sh\necho "made $1" > made.txt\n', mode: 0o755 } } },
    ],
  })
})

afterAll(async () => {
  await registry.close()
})

describe('skiff init', () => {
  test('-y writes what npm init -y writes: name from the folder, README description, bin, directories, GitHub repository', async () => {
    await using tmp = tempDir()
    const dir = path.join(tmp.path, 'node-my-tool.js')
    fs.mkdirSync(path.join(dir, 'bin'), { recursive: true })
    fs.mkdirSync(path.join(dir, 'test'))
    fs.mkdirSync(path.join(dir, '.git'))
    fs.writeFileSync(path.join(dir, 'README.md'), '# my tool\n\nDoes one thing\nwell.\n\nMore.\n')
    fs.writeFileSync(path.join(dir, 'bin', 'cli.js'), '')
    fs.writeFileSync(path.join(dir, 'main.js'), '')
    fs.writeFileSync(path.join(dir, '.git', 'config'), '[core]\n\tbare = false\n[remote "origin"]\n\turl = git@github.com:acme/my-tool.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n')
    const run = await runSkiff(dir, ['init', '-y', '--scope', 'acme'])
    expect(run.code).toBe(0)
    const written = fs.readFileSync(path.join(dir, 'package.json'), 'utf8')
    expect(run.stdout).toBe(`Wrote to ${path.join(dir, 'package.json')}:\n\n${written}\n\n`)
    expect(JSON.parse(written)).toEqual({
      name: '@acme/my-tool',
      version: '1.0.0',
      description: 'Does one thing well.',
      main: 'main.js',
      bin: { 'my-tool': 'bin/cli.js' },
      directories: { test: 'test' },
      scripts: { test: 'echo "Error: no test specified" && exit 1' },
      repository: { type: 'git', url: 'git+https://github.com/acme/my-tool.git' },
      keywords: [],
      author: '',
      license: 'ISC',
      type: 'commonjs',
      bugs: { url: 'https://github.com/acme/my-tool/issues' },
      homepage: 'https://github.com/acme/my-tool#readme',
    })
    expect(Object.keys(JSON.parse(written))).toEqual(['name', 'version', 'description', 'main', 'bin', 'directories', 'scripts', 'repository', 'keywords', 'author', 'license', 'type', 'bugs', 'homepage'])
  })

  test('-y completes an existing package.json, keeping its fields and their order, and init-* settings fill the rest', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'app'), { packageJson: { version: '0.3.0', dependencies: { base: '^1.0.0' } }, npmrc: 'init-author-name=Ada\ninit-author-email=ada@example.org\ninit-license=MIT\n' })
    expect((await runSkiff(dir, ['init', '-y'])).code).toBe(0)
    expect(readJson(path.join(dir, 'package.json'))).toEqual({
      version: '0.3.0',
      dependencies: { base: '^1.0.0' },
      name: 'app',
      description: '',
      main: 'index.js',
      scripts: { test: 'echo "Error: no test specified" && exit 1' },
      keywords: [],
      author: 'Ada <ada@example.org>',
      license: 'MIT',
      type: 'commonjs',
    })
  })

  test('init <initializer> runs create-<initializer> with the arguments, through exec', async () => {
    await using tmp = tempDir()
    const dir = path.join(tmp.path, 'here')
    fs.mkdirSync(dir)
    const run = await runSkiff(dir, ['init', 'hello', 'my-app'], { registry: registry.url })
    expect(run.code).toBe(0)
    expect(fs.readFileSync(path.join(dir, 'made.txt'), 'utf8')).toBe('made my-app\n')
    expect(fs.existsSync(path.join(dir, 'package.json'))).toBe(false)
  })
})

describe('skiff pkg', () => {
  test('get, set and delete fields with npm pkg keys, keeping the file’s indent', async () => {
    await using tmp = tempDir()
    const dir = path.join(tmp.path, 'app')
    fs.mkdirSync(dir)
    fs.writeFileSync(path.join(dir, 'package.json'), '{\n\t"name": "app",\n\t"version": "1.0.0",\n\t"scripts": {\n\t\t"test": "jest"\n\t}\n}\n')
    expect((await runSkiff(dir, ['pkg', 'get', 'name'])).stdout).toBe('"app"\n')
    expect((await runSkiff(dir, ['pkg', 'get', 'name', 'scripts.test'])).stdout).toBe('{\n  "name": "app",\n  "scripts.test": "jest"\n}\n')
    expect((await runSkiff(dir, ['pkg', 'get', 'nope'])).stdout).toBe('{}\n')
    expect((await runSkiff(dir, ['pkg', 'set', 'scripts.build=tsc -p .', 'files[]=dist', 'files[]=lib'])).code).toBe(0)
    expect((await runSkiff(dir, ['pkg', 'set', '--json', 'engines={"node":">=20"}', 'private=true'])).code).toBe(0)
    expect((await runSkiff(dir, ['pkg', 'delete', 'scripts.test', 'files[0]'])).code).toBe(0)
    expect(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).toBe('{\n\t"name": "app",\n\t"version": "1.0.0",\n\t"scripts": {\n\t\t"build": "tsc -p ."\n\t},\n\t"files": [\n\t\t"lib"\n\t],\n\t"engines": {\n\t\t"node": ">=20"\n\t},\n\t"private": true\n}\n')
    const bad = await runSkiff(dir, ['pkg', 'set', 'lonely'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('error EUSAGE skiff pkg set expects key=value pairs, not "lonely"')
  })
})

describe('skiff config', () => {
  test('set writes the user .npmrc (--location project the project one), get reads the winning value, delete removes it', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'app'), { packageJson: { name: 'app', version: '1.0.0' } })
    const home = path.join(tmp.path, 'home')
    expect((await runSkiff(dir, ['config', 'set', 'fetch-retries=5', 'save-exact', 'true'])).code).toBe(0)
    expect(fs.readFileSync(path.join(home, '.npmrc'), 'utf8')).toBe('fetch-retries=5\nsave-exact=true\n')
    expect((await runSkiff(dir, ['config', 'set', 'fetch-retries=7', '--location', 'project'])).code).toBe(0)
    expect(fs.readFileSync(path.join(dir, '.npmrc'), 'utf8')).toBe('fetch-retries=7\n')
    expect((await runSkiff(dir, ['config', 'get', 'fetch-retries'])).stdout).toBe('7\n')
    expect((await runSkiff(dir, ['get', 'save-exact', 'fetch-retries'])).stdout).toBe('save-exact=true\nfetch-retries=7\n')
    expect((await runSkiff(dir, ['config', 'get', 'not-a-setting'])).stdout).toBe('undefined\n')
    expect((await runSkiff(dir, ['config', 'delete', 'save-exact'])).code).toBe(0)
    expect(fs.readFileSync(path.join(home, '.npmrc'), 'utf8')).toBe('fetch-retries=5\n')
  })

  test('list shows each layer with its file, credentials as (protected)', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'app'), { packageJson: { name: 'app', version: '1.0.0' }, npmrc: '//registry.example/:_authToken=secret-token-value\nsave-prefix=~\n' })
    const run = await runSkiff(dir, ['config', 'list', '--fetch-timeout=5000'], { env: { npm_config_fetch_retries: '3' } })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain([
      `; "project" config from ${path.join(dir, '.npmrc')}`,
      '',
      '//registry.example/:_authToken = (protected)',
      'save-prefix = "~"',
      '',
      '; "env" config from environment',
      '',
      'fetch-retries = 3',
      '',
      '; "cli" config from command line options',
      '',
      'fetch-timeout = 5000',
    ].join('\n'))
    expect(run.stdout).not.toContain('secret-token-value')
  })
})

describe('skiff prefix, root and prune', () => {
  test('prefix and root name the project folder and its node_modules from a subfolder; -g the global ones', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'app'), { packageJson: { name: 'app', version: '1.0.0' } })
    const sub = path.join(dir, 'src', 'deep')
    fs.mkdirSync(sub, { recursive: true })
    expect((await runSkiff(sub, ['prefix'])).stdout).toBe(`${dir}\n`)
    expect((await runSkiff(sub, ['root'])).stdout).toBe(`${dir}/node_modules\n`)
    const prefix = path.join(tmp.path, 'global')
    expect((await runSkiff(sub, ['prefix', '-g', '--prefix', prefix])).stdout).toBe(`${prefix}\n`)
    expect((await runSkiff(sub, ['root', '-g', '--prefix', prefix])).stdout).toBe(`${prefix}/lib/node_modules\n`)
  })

  test('prune --omit=dev removes the dev packages and leaves package.json and the lockfile alone', async () => {
    await using tmp = tempDir()
    const packageJson = { name: 'app', version: '1.0.0', dependencies: { base: '1.0.0' }, devDependencies: { devtool: '1.0.0' } }
    const dir = writeProject(path.join(tmp.path, 'app'), { packageJson, lockfile: lockfileFor(registry, packageJson, [{ name: 'base', version: '1.0.0' }, { name: 'devtool', version: '1.0.0', dev: true }]) })
    expect((await runSkiff(dir, ['ci'], { registry: registry.url })).code).toBe(0)
    const lockBefore = fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8')
    const run = await runSkiff(dir, ['prune', '--omit=dev'], { registry: registry.url })
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^removed 1 package in /)
    expect(fs.existsSync(path.join(dir, 'node_modules/devtool'))).toBe(false)
    expect(fs.existsSync(path.join(dir, 'node_modules/base/index.js'))).toBe(true)
    expect(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8')).toBe(lockBefore)
  })
})
