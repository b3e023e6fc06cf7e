/**
 * The command line as npm users type it: flags before the command, npm's shorthands and
 * bun's spellings, unknown flags warned about, typos answered with a suggestion, help that
 * fits a terminal and a CI log.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { readJson, runSkiff, tempDir } from '../helpers/index.ts'
import { createTestRegistry, writeProject, type TestRegistry } from '../registry/index.ts'
import packageJson from '../../package.json' with { type: 'json' }

let registry: TestRegistry

beforeAll(async () => {
  registry = await createTestRegistry({ packages: [{ name: 'base', version: '1.0.0', files: { 'index.js': '1\n' } }] })
})

afterAll(async () => {
  await registry.close()
})

const app = (dir: string) => writeProject(path.join(dir, 'app'), { packageJson: { name: 'app', version: '1.0.0' } })
const manifest = (dir: string) => readJson(path.join(dir, 'package.json')) as Record<string, unknown>

describe('flags', () => {
  test('an unknown flag is warned about as npm does, with the flag it is close to, and ignored', async () => {
    await using tmp = tempDir()
    const dir = app(tmp.path)
    const run = await runSkiff(dir, ['install', '--save-dve', 'base'], { registry: registry.url })
    expect(run.code).toBe(0)
    expect(run.stderr).toContain('warn Unknown cli config "--save-dve": it is ignored. Did you mean "--save-dev"?')
    expect(manifest(dir).dependencies).toEqual({ base: '^1.0.0' })
    const ls = await runSkiff(dir, ['ls', '--deph=0'], { registry: registry.url })
    expect(ls.stderr).toContain('warn Unknown cli config "--deph": it is ignored. Did you mean "--depth"?')
    const ci = await runSkiff(dir, ['ci', '--producton'], { registry: registry.url })
    expect(ci.code).toBe(0)
    expect(ci.stderr).toContain('warn Unknown cli config "--producton": it is ignored. Did you mean "--production"?')
  })

  test("npm's settings no command lists are taken without a warning (--no-audit, --no-fund, --fetch-retries 0)", async () => {
    await using tmp = tempDir()
    const dir = app(tmp.path)
    const run = await runSkiff(dir, ['install', '--no-audit', '--no-fund', '--fetch-retries', '0', 'base'], { registry: registry.url })
    expect(run.code).toBe(0)
    expect(run.stderr).toBe('')
  })

  test.each([['-d'], ['--dev']])("bun's %s saves to devDependencies when packages are named", async (flag) => {
    await using tmp = tempDir()
    const dir = app(tmp.path)
    const run = await runSkiff(dir, ['add', flag, 'base'], { registry: registry.url })
    expect(run.code).toBe(0)
    expect(manifest(dir).devDependencies).toEqual({ base: '^1.0.0' })
    expect(manifest(dir).dependencies).toBeUndefined()
  })

  test('--version after a command, -v and -V print the version and do nothing else', async () => {
    await using tmp = tempDir()
    const dir = app(tmp.path)
    const requests = registry.requests.length
    for (const args of [['install', '--version'], ['-V'], ['-v'], ['ls', '-v']]) {
      const run = await runSkiff(dir, args, { registry: registry.url })
      expect({ args, code: run.code, stdout: run.stdout }).toEqual({ args, code: 0, stdout: `${packageJson.version}\n` })
    }
    expect(fs.existsSync(path.join(dir, 'package-lock.json'))).toBe(false)
    expect(registry.requests.length).toBe(requests)
  })
})

describe('options before the command', () => {
  test('skiff --prefix <dir> install and skiff -C <dir> ls act on that folder', async () => {
    await using tmp = tempDir()
    const dir = app(tmp.path)
    const elsewhere = path.join(tmp.path, 'elsewhere')
    fs.mkdirSync(elsewhere)
    const run = await runSkiff(elsewhere, ['--prefix', '../app', 'install', 'base'], { registry: registry.url })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(manifest(dir).dependencies).toEqual({ base: '^1.0.0' })
    expect(fs.existsSync(path.join(elsewhere, 'package.json'))).toBe(false)
    const ls = await runSkiff(elsewhere, ['-C', dir, 'ls'], { registry: registry.url })
    expect(ls.stdout).toContain('base@1.0.0')
  })

  test('skiff -w <workspace> install adds to that workspace', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'mono'), { packageJson: { name: 'mono', version: '1.0.0', workspaces: ['packages/*'] } })
    writeProject(path.join(dir, 'packages/a'), { packageJson: { name: 'a', version: '1.0.0' } })
    const run = await runSkiff(dir, ['-w', 'a', 'install', 'base'], { registry: registry.url })
    expect(run.code).toBe(0)
    expect(manifest(path.join(dir, 'packages/a')).dependencies).toEqual({ base: '^1.0.0' })
  })

  test('--prefix naming a folder that does not exist: install <pkg> makes it, install names the missing package.json', async () => {
    await using tmp = tempDir()
    const missing = path.join(tmp.path, 'new', 'project')
    const bare = await runSkiff(tmp.path, ['install', '--prefix', missing], { registry: registry.url })
    expect(bare.code).toBe(1)
    expect(bare.stderr).toContain(`error ENOPACKAGEJSON could not read package.json: ${missing}/package.json does not exist`)
    expect(fs.existsSync(missing)).toBe(false)
    const run = await runSkiff(tmp.path, ['install', '--prefix', missing, 'base'], { registry: registry.url })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(manifest(missing).dependencies).toEqual({ base: '^1.0.0' })
    expect(fs.existsSync(path.join(missing, 'node_modules/base/index.js'))).toBe(true)
  })
})

describe('local paths', () => {
  test.each([['./nope', 'nope/package.json'], ['./empty', 'empty/package.json'], ['./nope.tgz', 'nope.tgz'], ['file:../zz', '../zz/package.json']])(
    'install %s that is not there is ENOENT naming the path, with no stack, and changes nothing',
    async (spec, file) => {
      await using tmp = tempDir()
      const dir = app(tmp.path)
      fs.mkdirSync(path.join(dir, 'empty'))
      const run = await runSkiff(dir, ['install', spec], { registry: registry.url })
      expect(run.code).toBe(1)
      expect(run.stderr.split('\n')[0]).toBe(`error ENOENT could not read ${path.resolve(dir, file)}: no such file or directory`)
      expect(run.stderr).not.toContain('EINTERNAL')
      expect(run.stderr).not.toContain('    at ')
      expect(manifest(dir)).toEqual({ name: 'app', version: '1.0.0' })
      expect(fs.existsSync(path.join(dir, 'package-lock.json'))).toBe(false)
    },
  )
})

describe('commands', () => {
  test('a typo gets npm\'s suggestion, a script name too', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'app'), { packageJson: { name: 'app', version: '1.0.0', scripts: { build: 'true' } } })
    const typo = await runSkiff(dir, ['instll'])
    expect(typo.code).toBe(1)
    expect(typo.stderr).toBe([
      'error EUSAGE Unknown command: "instll"',
      '  Did you mean this?',
      '    skiff install # Install the dependencies of package.json, or add packages to it',
      '  hint: to see the commands, run: skiff help',
      '',
    ].join('\n'))
    expect((await runSkiff(dir, ['buld'])).stderr).toContain('skiff run build # run the "build" package script')
  })

  test.each([['publish', 'npm publish'], ['login', 'npm login'], ['audit', 'npm audit']])('skiff %s says in one line what to use instead, exit 1', async (command, instead) => {
    await using tmp = tempDir()
    const run = await runSkiff(app(tmp.path), [command])
    expect(run.code).toBe(1)
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(run.stderr).toStartWith(`error EUNSUPPORTED skiff does not do \`${command}\`: use ${instead}`)
  })

  test('skiff help install prints the install help, as skiff install --help does', async () => {
    await using tmp = tempDir()
    const dir = app(tmp.path)
    const help = await runSkiff(dir, ['help', 'install'])
    expect(help.code).toBe(0)
    expect(help.stdout).toStartWith('Install the dependencies of package.json, or add packages to it\n\nUsage:\nskiff install')
    expect(help.stdout).toContain('aliases: i, add,')
    expect((await runSkiff(dir, ['install', '--help'])).stdout).toBe(help.stdout)
  })
})

describe('help text', () => {
  const commands = ['', 'ci', 'fetch', 'install', 'uninstall', 'update', 'dedupe', 'run', 'test', 'exec', 'rebuild', 'install-scripts', 'ls', 'why', 'outdated', 'view', 'cache', 'config', 'pkg', 'init', 'prefix', 'root', 'prune']
  test.each(commands)('skiff %s --help: no colour codes even with FORCE_COLOR, lines within 80 columns, no trailing spaces', async (command) => {
    await using tmp = tempDir()
    const run = await runSkiff(app(tmp.path), [...(command === '' ? [] : [command]), '--help'], { env: { FORCE_COLOR: '1' } })
    expect(run.code).toBe(0)
    expect(run.stdout).not.toContain('\x1b')
    for (const line of run.stdout.split('\n')) {
      expect(line.length).toBeLessThanOrEqual(80)
      expect(line).toBe(line.trimEnd())
    }
  })
})
