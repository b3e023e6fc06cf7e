import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { createTestRegistry, lockfileFor, writeProject, type LockedPackage, type PackageDef, type TestRegistry } from '../registry/index.ts'
import { readJson, runSkiff, tempDir } from '../helpers/index.ts'

/** A script that appends `<name>:<event>` to $ORDER_FILE, and whether the tool bin was linked yet. */
const record = 'echo "$npm_package_name:$npm_lifecycle_event:$(test -e "$INIT_CWD/node_modules/.bin/tool" && echo bins || echo nobins)" >> "$ORDER_FILE"'
const phases = { preinstall: record, install: record, postinstall: record }

let registry: TestRegistry

beforeAll(async () => {
  const packages: PackageDef[] = [
    { name: 'tool', version: '1.0.0', bin: { tool: 'cli.js' }, files: { 'cli.js': '#!/bin/sh\necho tool "$@"\n' } },
    { name: 'alpha', version: '1.0.0', dependencies: { tool: '1.0.0' }, scripts: phases },
    { name: 'beta', version: '1.0.0', scripts: phases, dependencies: { gamma: '2.0.0' } },
    { name: 'gamma', version: '1.0.0', scripts: phases },
    { name: 'gamma', version: '2.0.0', scripts: phases },
    { name: '@scope/delta', version: '1.0.0', scripts: { postinstall: record } },
    { name: 'envcheck', version: '1.2.3', config: { port: '8080' }, scripts: { postinstall: 'env | grep -E "^(npm_|INIT_CWD=|NODE=)" | sort > "$ENV_FILE"; echo "$PATH" > "$ENV_FILE.path"' } },
    { name: 'fails', version: '1.0.0', scripts: { postinstall: 'echo first line; echo the reason it broke >&2; exit 7' } },
    { name: 'optfail', version: '1.0.0', scripts: { install: 'exit 3' }, files: { 'index.js': '1\n' } },
    { name: 'pinned', version: '1.0.0', scripts: { postinstall: record } },
    { name: 'denied', version: '1.0.0', scripts: { postinstall: record } },
    { name: 'unlisted', version: '1.0.0', scripts: { postinstall: record } },
    { name: 'gyp', version: '1.0.0', files: { 'binding.gyp': '{ "targets": [] }\n' } },
    { name: 'plain', version: '1.0.0', files: { 'index.js': 'module.exports = 1\n' } },
    // an optional package that fails in one phase, one package only it needs (hoisted) and one the root needs too
    { name: 'opt-post', version: '1.0.0', dependencies: { 'only-for-opt': '1.0.0', shared: '1.0.0' }, bin: { 'opt-post': 'cli.js' }, scripts: { preinstall: record, postinstall: 'echo the build broke; exit 1' }, files: { 'cli.js': '#!/bin/sh\n' } },
    { name: 'opt-pre', version: '1.0.0', dependencies: { 'only-for-opt': '1.0.0', shared: '1.0.0' }, scripts: { preinstall: 'exit 2', postinstall: record } },
    { name: 'only-for-opt', version: '1.0.0', bin: { 'only-for-opt': 'cli.js' }, scripts: { postinstall: record }, files: { 'cli.js': '#!/bin/sh\n' } },
    { name: 'shared', version: '1.0.0', bin: { shared: 'cli.js' }, files: { 'cli.js': '#!/bin/sh\n' } },
  ]
  registry = await createTestRegistry({ packages })
})

afterAll(async () => {
  await registry.close()
})

interface ProjectOptions {
  dependencies: Record<string, string>
  optionalDependencies?: Record<string, string>
  locked: LockedPackage[]
  allowScripts?: Record<string, boolean>
  scripts?: Record<string, string>
}

function project(dir: string, options: ProjectOptions): string {
  const packageJson: Record<string, unknown> = {
    name: 'app',
    version: '1.0.0',
    dependencies: options.dependencies,
    ...(options.optionalDependencies ? { optionalDependencies: options.optionalDependencies } : {}),
    ...(options.scripts ? { scripts: options.scripts } : {}),
    ...(options.allowScripts ? { allowScripts: options.allowScripts } : {}),
  }
  return writeProject(path.join(dir, 'project'), { packageJson, lockfile: lockfileFor(registry, packageJson, options.locked) })
}

/** pinned (allowed) and unlisted, both with a postinstall */
function pinnedAndUnlisted(dir: string): string {
  return project(dir, {
    dependencies: { pinned: '1.0.0', unlisted: '1.0.0' },
    locked: [{ name: 'pinned', version: '1.0.0' }, { name: 'unlisted', version: '1.0.0' }],
    allowScripts: { pinned: true },
  })
}

function lines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').filter((line) => line !== '') : []
}

const allowAll = ['--dangerously-allow-all-scripts']

describe('dependency lifecycle scripts', () => {
  test('run in npm order: every preinstall, then bin links, every install, every postinstall; by depth, then path', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path, {
      dependencies: { alpha: '1.0.0', beta: '1.0.0', gamma: '1.0.0', '@scope/delta': '1.0.0' },
      locked: [
        { name: '@scope/delta', version: '1.0.0' },
        { name: 'alpha', version: '1.0.0' },
        { name: 'beta', version: '1.0.0' },
        { name: 'gamma', version: '2.0.0', location: 'node_modules/beta/node_modules/gamma' },
        { name: 'gamma', version: '1.0.0' },
        { name: 'tool', version: '1.0.0' },
      ],
    })
    const orderFile = path.join(tmp.path, 'order')
    const run = await runSkiff(dir, ['ci', ...allowAll], { registry: registry.url, env: { ORDER_FILE: orderFile } })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(lines(orderFile)).toEqual([
      'alpha:preinstall:nobins',
      'beta:preinstall:nobins',
      'gamma:preinstall:nobins',
      'gamma:preinstall:nobins',
      'alpha:install:bins',
      'beta:install:bins',
      'gamma:install:bins',
      'gamma:install:bins',
      '@scope/delta:postinstall:bins',
      'alpha:postinstall:bins',
      'beta:postinstall:bins',
      'gamma:postinstall:bins',
      'gamma:postinstall:bins',
    ])
  })

  test('see npm’s environment: package fields, lifecycle event and script, resolved, integrity, config, PATH', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path, { dependencies: { envcheck: '1.2.3' }, locked: [{ name: 'envcheck', version: '1.2.3' }], allowScripts: { envcheck: true } })
    const envFile = path.join(tmp.path, 'env')
    const run = await runSkiff(dir, ['ci', '--foreground-scripts'], { registry: registry.url, env: { ENV_FILE: envFile } })
    expect(run.code).toBe(0)
    const env = Object.fromEntries(lines(envFile).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]))
    const pkgDir = path.join(dir, 'node_modules/envcheck')
    expect(env).toMatchObject({
      npm_lifecycle_event: 'postinstall',
      npm_lifecycle_script: expect.stringContaining('env | grep'),
      npm_package_name: 'envcheck',
      npm_package_version: '1.2.3',
      npm_package_config_port: '8080',
      npm_package_json: path.join(pkgDir, 'package.json'),
      npm_package_resolved: registry.tarballUrl('envcheck', '1.2.3'),
      npm_package_integrity: registry.integrity('envcheck', '1.2.3'),
      npm_package_optional: '',
      npm_package_dev: '',
      npm_command: 'ci',
      npm_config_registry: registry.url,
      npm_config_foreground_scripts: 'true',
      npm_config_local_prefix: dir,
      INIT_CWD: dir,
    })
    expect(env.npm_config_user_agent).toStartWith('skiff/')
    expect(env.npm_execpath).toEndWith('npm-cli.js')
    expect(env.npm_node_execpath).toBe(env.NODE as string)
    const pathEntries = (lines(`${envFile}.path`)[0] ?? '').split(':')
    expect(pathEntries.slice(0, 3)).toEqual([path.join(pkgDir, 'node_modules/.bin'), path.join(dir, 'node_modules/node_modules/.bin'), path.join(dir, 'node_modules/.bin')])
    // --foreground-scripts shows npm's banner
    expect(run.stdout).toContain('> envcheck@1.2.3 postinstall')
  })

  test('a failing script of a required package fails the install with the package, the phase, the exit code and its last output', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path, { dependencies: { fails: '1.0.0' }, locked: [{ name: 'fails', version: '1.0.0' }], allowScripts: { fails: true } })
    const run = await runSkiff(dir, ['ci'], { registry: registry.url })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('error ELIFECYCLE fails@1.0.0 postinstall: `echo first line; echo the reason it broke >&2; exit 7` exited with code 7')
    expect(run.stderr).toContain('first line')
    expect(run.stderr).toContain('the reason it broke')
    // nothing vouches for the half-built tree
    expect(fs.existsSync(path.join(dir, 'node_modules/.package-lock.json'))).toBe(false)
  })

  test('a failing script of an optional package removes it with a warning, and the install succeeds', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path, {
      dependencies: { plain: '1.0.0' },
      optionalDependencies: { optfail: '1.0.0' },
      locked: [{ name: 'optfail', version: '1.0.0', optional: true }, { name: 'plain', version: '1.0.0' }],
      allowScripts: { optfail: true },
    })
    const run = await runSkiff(dir, ['ci'], { registry: registry.url })
    expect(run.code).toBe(0)
    expect(run.stderr).toContain('warn optional dependency optfail@1.0.0 was removed: its install script failed')
    expect(fs.existsSync(path.join(dir, 'node_modules/optfail'))).toBe(false)
    expect(fs.existsSync(path.join(dir, 'node_modules/plain/index.js'))).toBe(true)
    const hidden = readJson(path.join(dir, 'node_modules/.package-lock.json')) as { packages: Record<string, unknown> }
    expect(Object.keys(hidden.packages)).toEqual(['node_modules/plain'])
  })

  describe('a failing script of an optional package removes its optional set, as npm does', () => {
    /** root -> shared, optional opt -> (only-for-opt, shared); all three hoisted */
    function optionalSetProject(dir: string, opt: string): string {
      return project(dir, {
        dependencies: { shared: '1.0.0' },
        optionalDependencies: { [opt]: '1.0.0' },
        locked: [
          { name: 'only-for-opt', version: '1.0.0', optional: true },
          { name: opt, version: '1.0.0', optional: true },
          { name: 'shared', version: '1.0.0' },
        ],
      })
    }

    function expectOnlyShared(dir: string): void {
      expect(fs.readdirSync(path.join(dir, 'node_modules')).sort()).toEqual(['.bin', '.package-lock.json', 'shared'])
      expect(fs.readdirSync(path.join(dir, 'node_modules/.bin'))).toEqual(['shared'])
      const hidden = readJson(path.join(dir, 'node_modules/.package-lock.json')) as { packages: Record<string, unknown> }
      expect(Object.keys(hidden.packages)).toEqual(['node_modules/shared'])
    }

    test('the package and what only it needs leave node_modules, .bin and the hidden lockfile; package-lock.json stays; the next ci tries again', async () => {
      await using tmp = tempDir()
      const dir = optionalSetProject(tmp.path, 'opt-post')
      const lockText = fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8')
      const orderFile = path.join(tmp.path, 'order')
      const env = { ORDER_FILE: orderFile }
      const run = await runSkiff(dir, ['ci', ...allowAll], { registry: registry.url, env })
      expect(run.code).toBe(0)
      expect(run.stderr).toContain('warn optional dependency opt-post@1.0.0 was removed with what only it needed (only-for-opt): its postinstall script failed')
      expect(run.stderr).toContain('exited with code 1')
      // as npm counts: only what is left was added
      expect(run.stdout).toContain('added 1 package ')
      expectOnlyShared(dir)
      expect(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8')).toBe(lockText)
      expect(lines(orderFile)).toContain('opt-post:preinstall:nobins')

      // npm keeps no memory of the failure: the next install makes the set and runs its scripts again
      const again = await runSkiff(dir, ['ci', ...allowAll], { registry: registry.url, env })
      expect(again.code).toBe(0)
      expect(again.stderr).toContain('warn optional dependency opt-post@1.0.0 was removed')
      expectOnlyShared(dir)
      expect(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8')).toBe(lockText)
      expect(lines(orderFile).filter((line) => line.startsWith('opt-post:preinstall'))).toHaveLength(2)
    })

    test('a set that is the whole tree leaves no .bin links behind', async () => {
      await using tmp = tempDir()
      const dir = project(tmp.path, {
        dependencies: {},
        optionalDependencies: { 'opt-post': '1.0.0' },
        locked: ['only-for-opt', 'opt-post', 'shared'].map((name) => ({ name, version: '1.0.0', optional: true })),
      })
      const run = await runSkiff(dir, ['ci', ...allowAll], { registry: registry.url, env: { ORDER_FILE: path.join(tmp.path, 'order') } })
      expect(run.code).toBe(0)
      expect(run.stderr).toContain('warn optional dependency opt-post@1.0.0 was removed with what only it needed (only-for-opt, shared)')
      expect(fs.readdirSync(path.join(dir, 'node_modules'))).toEqual(['.package-lock.json'])
      const hidden = readJson(path.join(dir, 'node_modules/.package-lock.json')) as { packages: Record<string, unknown> }
      expect(hidden.packages).toEqual({})
    })

    test('the scripts of the set still to come do not run', async () => {
      await using tmp = tempDir()
      const dir = optionalSetProject(tmp.path, 'opt-pre')
      const orderFile = path.join(tmp.path, 'order')
      const run = await runSkiff(dir, ['ci', ...allowAll], { registry: registry.url, env: { ORDER_FILE: orderFile } })
      expect(run.code).toBe(0)
      expect(run.stderr).toContain('warn optional dependency opt-pre@1.0.0 was removed with what only it needed (only-for-opt): its preinstall script failed')
      expect(lines(orderFile)).toEqual([])
      expectOnlyShared(dir)
    })
  })

  test('allowScripts: a name or a pinned version runs, false and a stale pin do not, unlisted packages are named in the summary', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path, {
      dependencies: { alpha: '1.0.0', pinned: '1.0.0', denied: '1.0.0', unlisted: '1.0.0', gamma: '1.0.0' },
      locked: ['alpha', 'denied', 'gamma', 'pinned', 'tool', 'unlisted'].map((name) => ({ name, version: '1.0.0' })),
      allowScripts: { alpha: true, 'pinned@1.0.0': true, denied: false, 'gamma@0.9.0': true },
    })
    const orderFile = path.join(tmp.path, 'order')
    const run = await runSkiff(dir, ['ci'], { registry: registry.url, env: { ORDER_FILE: orderFile } })
    expect(run.code).toBe(0)
    expect(lines(orderFile).map((line) => line.split(':').slice(0, 2).join(':'))).toEqual(['alpha:preinstall', 'alpha:install', 'alpha:postinstall', 'pinned:postinstall'])
    // npm's warning on stderr, after the summary, with the next step
    const warning = run.stderr.slice(run.stderr.indexOf('warn 2 packages have'))
    expect(warning.split('\n').slice(0, 2)).toEqual(['warn 2 packages have install scripts not yet covered by allowScripts:', `  gamma@1.0.0 (${Object.entries(phases).map(([event, script]) => `${event}: ${script}`).join('; ')})`])
    expect(warning).toContain(`  unlisted@1.0.0 (postinstall: ${record})\n\nThey were not run. Run \`skiff install-scripts ls\` to review, or \`skiff install-scripts approve <pkg>\` to allow.\n`)
    expect(run.stdout).not.toContain('install scripts')
    const json = await runSkiff(dir, ['ci', '--json'], { registry: registry.url, env: { ORDER_FILE: orderFile } })
    const unreviewed = (JSON.parse(json.stdout) as { unreviewedScripts: Array<{ name: string; version: string; path: string }> }).unreviewedScripts
    expect(unreviewed.map(({ name, version, path: folder }) => [name, version, folder])).toEqual([
      ['gamma', '1.0.0', path.join(dir, 'node_modules/gamma')],
      ['unlisted', '1.0.0', path.join(dir, 'node_modules/unlisted')],
    ])
  })

  test('--strict-allow-scripts fails the install before any script runs when one is not covered', async () => {
    await using tmp = tempDir()
    const dir = pinnedAndUnlisted(tmp.path)
    const orderFile = path.join(tmp.path, 'order')
    const run = await runSkiff(dir, ['ci', '--strict-allow-scripts'], { registry: registry.url, env: { ORDER_FILE: orderFile } })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('error ESTRICTALLOWSCRIPTS --strict-allow-scripts: 1 package(s) have install scripts not covered by allowScripts')
    expect(run.stderr).toContain(`unlisted@1.0.0 (postinstall: ${record})`)
    expect(lines(orderFile)).toEqual([])
  })

  test('scripts held back run on a later install that keeps the package in place, once they may run', async () => {
    await using tmp = tempDir()
    const dir = pinnedAndUnlisted(tmp.path)
    const orderFile = path.join(tmp.path, 'order')
    const env = { ORDER_FILE: orderFile }
    expect((await runSkiff(dir, ['ci', '--ignore-scripts'], { registry: registry.url, env })).code).toBe(0)
    expect(lines(orderFile)).toEqual([])
    // what was held back is remembered outside node_modules, which holds only what npm puts there
    expect(fs.readdirSync(path.join(dir, 'node_modules')).filter((name) => name.startsWith('.')).sort()).toEqual(['.package-lock.json'])
    expect((await runSkiff(dir, ['ci'], { registry: registry.url, env })).code).toBe(0)
    expect(lines(orderFile)).toEqual(['pinned:postinstall:nobins'])
    const packageJsonFile = path.join(dir, 'package.json')
    const packageJson = readJson(packageJsonFile) as Record<string, unknown>
    fs.writeFileSync(packageJsonFile, JSON.stringify({ ...packageJson, allowScripts: { pinned: true, unlisted: true } }, null, 2))
    const third = await runSkiff(dir, ['ci', '--verbose'], { registry: registry.url, env })
    expect(third.code).toBe(0)
    // node_modules was kept (nothing re-linked), and only the newly allowed script ran
    expect(third.stdout).toContain('up to date in ')
    expect(lines(orderFile)).toEqual(['pinned:postinstall:nobins', 'unlisted:postinstall:nobins'])
    expect((await runSkiff(dir, ['ci'], { registry: registry.url, env })).code).toBe(0)
    expect(lines(orderFile)).toHaveLength(2)
  })

  test('--allow-scripts is refused in a project install, where allowScripts belongs in package.json', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path, { dependencies: { plain: '1.0.0' }, locked: [{ name: 'plain', version: '1.0.0' }] })
    const run = await runSkiff(dir, ['ci', '--allow-scripts=plain'], { registry: registry.url })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('EALLOWSCRIPTS')
  })

  test('allow-scripts in .npmrc applies when package.json has no allowScripts', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path, { dependencies: { pinned: '1.0.0' }, locked: [{ name: 'pinned', version: '1.0.0' }] })
    fs.writeFileSync(path.join(dir, '.npmrc'), 'allow-scripts=pinned\n')
    const orderFile = path.join(tmp.path, 'order')
    const run = await runSkiff(dir, ['ci'], { registry: registry.url, env: { ORDER_FILE: orderFile } })
    expect(run.code).toBe(0)
    expect(lines(orderFile)).toEqual(['pinned:postinstall:nobins'])
  })

  test('a package with binding.gyp and no install script gets node-gyp rebuild, which says when there is no compiler', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path, { dependencies: { gyp: '1.0.0' }, locked: [{ name: 'gyp', version: '1.0.0' }], allowScripts: { gyp: true } })
    const bin = path.join(tmp.path, 'bin')
    fs.mkdirSync(bin)
    for (const tool of ['sh', 'env', 'grep', 'sort', 'cat', 'rm', 'mkdir']) {
      const found = Bun.which(tool)
      if (found) fs.symlinkSync(found, path.join(bin, tool))
    }
    const run = await runSkiff(dir, ['ci'], { registry: registry.url, env: { PATH: bin } })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('gyp@1.0.0 install: `node-gyp rebuild`')
    expect(run.stderr).toContain('there is no C/C++ build toolchain on PATH (missing: python3 make c++)')
    expect(run.stderr).toContain('hint: node-gyp compiles native code')
  })

  test('--ignore-scripts runs no script, the root project’s included, and lists none', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path, {
      dependencies: { alpha: '1.0.0', unlisted: '1.0.0' },
      locked: ['alpha', 'tool', 'unlisted'].map((name) => ({ name, version: '1.0.0' })),
      allowScripts: { alpha: true },
      scripts: { postinstall: record },
    })
    const orderFile = path.join(tmp.path, 'order')
    const run = await runSkiff(dir, ['ci', '--ignore-scripts'], { registry: registry.url, env: { ORDER_FILE: orderFile } })
    expect(run.code).toBe(0)
    expect(lines(orderFile)).toEqual([])
    expect(run.stderr).not.toContain('install scripts not yet covered')
    expect(fs.readlinkSync(path.join(dir, 'node_modules/.bin/tool'))).toBe('../tool/cli.js')
  })

  test('packages with install scripts get private copies; others share the store’s files', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path, {
      dependencies: { optfail: '1.0.0', plain: '1.0.0' },
      locked: [{ name: 'optfail', version: '1.0.0' }, { name: 'plain', version: '1.0.0' }],
      allowScripts: { optfail: false },
    })
    const run = await runSkiff(dir, ['ci', '--backend', 'hardlink'], { registry: registry.url })
    expect(run.code).toBe(0)
    expect(fs.statSync(path.join(dir, 'node_modules/optfail/index.js')).nlink).toBe(1)
    expect(fs.statSync(path.join(dir, 'node_modules/plain/index.js')).nlink).toBeGreaterThan(1)
  })
})

describe('root lifecycle scripts', () => {
  test('ci runs the project’s preinstall, install, postinstall, prepublish, preprepare, prepare, postprepare after the dependencies', async () => {
    await using tmp = tempDir()
    const events = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare', 'prepack']
    const dir = project(tmp.path, {
      dependencies: { pinned: '1.0.0' },
      locked: [{ name: 'pinned', version: '1.0.0' }],
      allowScripts: { pinned: true },
      scripts: Object.fromEntries(events.map((event) => [event, record])),
    })
    const orderFile = path.join(tmp.path, 'order')
    const run = await runSkiff(dir, ['ci'], { registry: registry.url, env: { ORDER_FILE: orderFile } })
    expect(run.code).toBe(0)
    expect(lines(orderFile).map((line) => line.split(':').slice(0, 2).join(':'))).toEqual([
      'pinned:postinstall',
      ...events.filter((event) => event !== 'prepack').map((event) => `app:${event}`),
    ])
    expect(run.stdout).toContain('> app@1.0.0 preinstall')
  })

  test('a failing root script fails the install with ELIFECYCLE', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path, { dependencies: { plain: '1.0.0' }, locked: [{ name: 'plain', version: '1.0.0' }], scripts: { prepare: 'exit 4' } })
    const run = await runSkiff(dir, ['ci'], { registry: registry.url })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('error ELIFECYCLE app@1.0.0 prepare: `exit 4` exited with code 4')
  })

  test('install with no package named runs them too; install <pkg> does not', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'project'), {
      packageJson: { name: 'app', version: '1.0.0', dependencies: { plain: '1.0.0' }, scripts: { postinstall: record } },
    })
    const orderFile = path.join(tmp.path, 'order')
    const first = await runSkiff(dir, ['install'], { registry: registry.url, env: { ORDER_FILE: orderFile } })
    expect(first.code).toBe(0)
    expect(lines(orderFile)).toEqual(['app:postinstall:nobins'])
    const second = await runSkiff(dir, ['install', 'tool@1.0.0'], { registry: registry.url, env: { ORDER_FILE: orderFile } })
    expect(second.code).toBe(0)
    expect(lines(orderFile)).toEqual(['app:postinstall:nobins'])
  })

  test('a workspace runs preinstall, prepare, install and postinstall, and its bins are linked after prepare built them', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'project'), {
      packageJson: { name: 'app', version: '1.0.0', workspaces: ['packages/*'], scripts: { postinstall: record } },
    })
    writeProject(path.join(dir, 'packages/lib'), {
      packageJson: {
        name: 'lib',
        version: '1.0.0',
        bin: { libcli: 'dist/cli.sh' },
        scripts: { preinstall: record, prepare: `${record} && mkdir -p dist && printf '#!/bin/sh\\necho libcli ran\\n' > dist/cli.sh`, postinstall: record },
      },
    })
    const orderFile = path.join(tmp.path, 'order')
    const run = await runSkiff(dir, ['install'], { registry: registry.url, env: { ORDER_FILE: orderFile } })
    expect(run.code).toBe(0)
    expect(lines(orderFile).map((line) => line.split(':').slice(0, 2).join(':'))).toEqual(['lib:preinstall', 'lib:prepare', 'lib:postinstall', 'app:postinstall'])
    expect(Bun.spawnSync([path.join(dir, 'node_modules/.bin/libcli')]).stdout.toString()).toBe('libcli ran\n')
  })
})
