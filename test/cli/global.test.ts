/**
 * Global installs as npm makes them: `<prefix>/lib/node_modules/<name>` with everything inside
 * its own folder, bins linked into `<prefix>/bin`, nothing written in the current folder, and
 * the bins runnable on a machine without node.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { listTree, readJson, runSkiff, tempDir, type RunOptions } from '../helpers/index.ts'
import { createTestRegistry, writeProject, type TestRegistry } from '../registry/index.ts'

let registry: TestRegistry
let tools: ReturnType<typeof tempDir>
/** a PATH with a shell and a few tools, and no node */
let noNodePath: string

const nodeBin = (text: string) => ({ content: `#!/usr/bin/env node\nconsole.log(${JSON.stringify(text)} + (process.versions.bun ? ' on bun' : ' on node'))\n`, mode: 0o755 })

beforeAll(async () => {
  registry = await createTestRegistry({
    packages: [
      { name: 'tsc-like', version: '1.0.0', bin: { tsc: 'bin/tsc', 'tsc-old': 'bin/old' }, dependencies: { helper: '^1.0.0' }, files: { 'bin/tsc': nodeBin('Version 1.0.0'), 'bin/old': nodeBin('old') } },
      { name: 'tsc-like', version: '2.0.0', bin: { tsc: 'bin/tsc' }, dependencies: { helper: '^1.0.0' }, files: { 'bin/tsc': nodeBin('Version 2.0.0') } },
      { name: 'helper', version: '1.0.0', bin: { 'helper-bin': 'cli.js' }, files: { 'cli.js': nodeBin('helper') } },
      { name: 'with-peer', version: '1.0.0', peerDependencies: { 'peer-dep': '^1.0.0' }, files: { 'index.js': '1\n' } },
      { name: 'peer-dep', version: '1.0.0', files: { 'index.js': 'peer\n' } },
      { name: 'takes-tsc', version: '1.0.0', bin: { tsc: 'other.js' }, files: { 'other.js': nodeBin('not tsc') } },
    ],
  })
  tools = tempDir('skiff-tools-')
  noNodePath = tools.path
  for (const tool of ['sh', 'env', 'cat', 'ls', 'rm', 'mkdir', 'dirname', 'basename']) {
    const found = Bun.which(tool)
    if (found) fs.symlinkSync(found, path.join(noNodePath, tool))
  }
})

afterAll(async () => {
  await registry.close()
  await tools[Symbol.asyncDispose]()
})

function setup(base: string): { cwd: string; prefix: string; run: (args: string[], options?: RunOptions) => ReturnType<typeof runSkiff> } {
  const cwd = path.join(base, 'work')
  const prefix = path.join(base, 'prefix')
  fs.mkdirSync(cwd, { recursive: true })
  return { cwd, prefix, run: (args, options = {}) => runSkiff(cwd, args, { registry: registry.url, ...options }) }
}

const readLink = (file: string) => fs.readlinkSync(file)

describe('skiff install -g', () => {
  test('installs into <prefix>/lib/node_modules with its dependencies inside, links its bins into <prefix>/bin, and writes nothing in the current folder', async () => {
    await using tmp = tempDir()
    const { cwd, prefix, run } = setup(tmp.path)
    const result = await run(['install', '-g', '--prefix', prefix, 'tsc-like@1'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toStartWith('added 2 packages in ')
    expect(fs.readdirSync(cwd)).toEqual([])
    expect(listTree(path.join(prefix, 'lib'))).toEqual([
      'node_modules/',
      'node_modules/tsc-like/',
      'node_modules/tsc-like/bin/',
      'node_modules/tsc-like/bin/old',
      'node_modules/tsc-like/bin/tsc',
      'node_modules/tsc-like/node_modules/',
      'node_modules/tsc-like/node_modules/.bin/',
      'node_modules/tsc-like/node_modules/.bin/helper-bin -> ../helper/cli.js',
      'node_modules/tsc-like/node_modules/helper/',
      'node_modules/tsc-like/node_modules/helper/cli.js',
      'node_modules/tsc-like/node_modules/helper/package.json',
      'node_modules/tsc-like/package.json',
    ])
    expect(listTree(path.join(prefix, 'bin'))).toEqual(['tsc -> ../lib/node_modules/tsc-like/bin/tsc', 'tsc-old -> ../lib/node_modules/tsc-like/bin/old'])
  })

  test('the prefix comes from npm_config_prefix and from the user .npmrc too; a project .npmrc is not read in global mode', async () => {
    await using tmp = tempDir()
    const { prefix, run } = setup(tmp.path)
    expect((await run(['i', '-g', 'helper'], { env: { npm_config_prefix: prefix } })).code).toBe(0)
    expect(fs.existsSync(path.join(prefix, 'lib/node_modules/helper/package.json'))).toBe(true)
    const home = path.join(tmp.path, 'home')
    fs.mkdirSync(home, { recursive: true })
    fs.writeFileSync(path.join(home, '.npmrc'), `prefix=${path.join(tmp.path, 'user-prefix')}\n`)
    const project = writeProject(path.join(tmp.path, 'project'), { packageJson: { name: 'app', version: '1.0.0' }, npmrc: `prefix=${path.join(tmp.path, 'project-prefix')}\n` })
    expect((await runSkiff(project, ['i', '-g', 'helper'], { registry: registry.url, home })).code).toBe(0)
    expect(fs.existsSync(path.join(tmp.path, 'user-prefix/bin/helper-bin'))).toBe(true)
    expect(fs.existsSync(path.join(tmp.path, 'project-prefix'))).toBe(false)
    expect(readJson(path.join(project, 'package.json'))).toEqual({ name: 'app', version: '1.0.0' })
  })

  test("a global package's peer dependencies go inside its own folder, not beside it", async () => {
    await using tmp = tempDir()
    const { prefix, run } = setup(tmp.path)
    expect((await run(['install', '-g', '--prefix', prefix, 'with-peer'])).code).toBe(0)
    expect(fs.readdirSync(path.join(prefix, 'lib/node_modules'))).toEqual(['with-peer'])
    expect(fs.readFileSync(path.join(prefix, 'lib/node_modules/with-peer/node_modules/peer-dep/index.js'), 'utf8')).toBe('peer\n')
  })

  test('installing again replaces the package (changed), removes bins the new version dropped, and leaves the other global packages alone', async () => {
    await using tmp = tempDir()
    const { prefix, run } = setup(tmp.path)
    expect((await run(['install', '-g', '--prefix', prefix, 'tsc-like@1', 'with-peer'])).code).toBe(0)
    const peerBefore = fs.statSync(path.join(prefix, 'lib/node_modules/with-peer/index.js')).ino
    const again = await run(['install', '-g', '--prefix', prefix, 'tsc-like@2'])
    expect(again.code).toBe(0)
    expect(again.stdout).toStartWith('changed 2 packages in ')
    expect(listTree(path.join(prefix, 'bin'))).toEqual(['tsc -> ../lib/node_modules/tsc-like/bin/tsc'])
    expect((readJson(path.join(prefix, 'lib/node_modules/tsc-like/package.json')) as { version: string }).version).toBe('2.0.0')
    expect(fs.statSync(path.join(prefix, 'lib/node_modules/with-peer/index.js')).ino).toBe(peerBefore)
    expect(fs.readdirSync(path.join(prefix, 'lib/node_modules')).sort()).toEqual(['tsc-like', 'with-peer'])
  })

  test('a bin another global package holds is EEXIST and nothing changes; --force takes it over', async () => {
    await using tmp = tempDir()
    const { prefix, run } = setup(tmp.path)
    expect((await run(['install', '-g', '--prefix', prefix, 'tsc-like@2'])).code).toBe(0)
    const clash = await run(['install', '-g', '--prefix', prefix, 'takes-tsc'])
    expect(clash.code).toBe(1)
    expect(clash.stderr).toContain(`error EEXIST takes-tsc: the bin "tsc" is already in ${prefix}/bin: ${prefix}/bin/tsc belongs to tsc-like`)
    expect(fs.readdirSync(path.join(prefix, 'lib/node_modules'))).toEqual(['tsc-like'])
    expect(readLink(path.join(prefix, 'bin/tsc'))).toBe('../lib/node_modules/tsc-like/bin/tsc')
    expect((await run(['install', '-g', '--prefix', prefix, '--force', 'takes-tsc'])).code).toBe(0)
    expect(readLink(path.join(prefix, 'bin/tsc'))).toBe('../lib/node_modules/takes-tsc/other.js')
  })

  test('ls -g lists the global packages; uninstall -g in a project removes the global one only; update -g reinstalls at the latest version', async () => {
    await using tmp = tempDir()
    const { prefix, run } = setup(tmp.path)
    expect((await run(['install', '-g', '--prefix', prefix, 'tsc-like@1', 'helper'])).code).toBe(0)
    const ls = await run(['ls', '-g', '--prefix', prefix])
    expect(ls.stdout).toBe(`${prefix}/lib\n├── helper@1.0.0\n└── tsc-like@1.0.0\n\n`)

    const project = writeProject(path.join(tmp.path, 'project'), { packageJson: { name: 'app', version: '1.0.0', dependencies: { helper: '^1.0.0' } } })
    const rm = await runSkiff(project, ['uninstall', '-g', '--prefix', prefix, 'helper'], { registry: registry.url })
    expect(rm.code).toBe(0)
    expect(rm.stdout).toStartWith('removed 1 package in ')
    expect(readJson(path.join(project, 'package.json'))).toEqual({ name: 'app', version: '1.0.0', dependencies: { helper: '^1.0.0' } })
    expect(fs.readdirSync(path.join(prefix, 'lib/node_modules'))).toEqual(['tsc-like'])
    expect(fs.existsSync(path.join(prefix, 'bin/helper-bin'))).toBe(false)

    const update = await run(['update', '-g', '--prefix', prefix])
    expect(update.code).toBe(0)
    expect((readJson(path.join(prefix, 'lib/node_modules/tsc-like/package.json')) as { version: string }).version).toBe('2.0.0')
  })

  test('a failed install puts the version it was replacing back, with its bins', async () => {
    await using tmp = tempDir()
    const { prefix, run } = setup(tmp.path)
    expect((await run(['install', '-g', '--prefix', prefix, 'tsc-like@1'])).code).toBe(0)
    registry.fault(registry.tarballPath('tsc-like', '2.0.0'), { status: 404 })
    try {
      const failed = await run(['install', '-g', '--prefix', prefix, 'tsc-like@2'])
      expect(failed.code).toBe(1)
      expect(failed.stderr).toContain('tsc-like@2.0.0')
    } finally {
      registry.clearFaults()
    }
    expect((readJson(path.join(prefix, 'lib/node_modules/tsc-like/package.json')) as { version: string }).version).toBe('1.0.0')
    expect(fs.readdirSync(path.join(prefix, 'lib/node_modules'))).toEqual(['tsc-like'])
    expect(listTree(path.join(prefix, 'bin'))).toEqual(['tsc -> ../lib/node_modules/tsc-like/bin/tsc', 'tsc-old -> ../lib/node_modules/tsc-like/bin/old'])
  })

  test('ci and dedupe do not take -g', async () => {
    await using tmp = tempDir()
    const { prefix, run } = setup(tmp.path)
    const ci = await run(['ci', '-g', '--prefix', prefix])
    expect(ci.code).toBe(1)
    expect(ci.stderr).toContain('error EUSAGE `skiff ci` does not work for global packages')
    expect((await run(['dedupe', '-g', '--prefix', prefix])).stderr).toContain('error EUSAGE `skiff dedupe` does not work for global packages')
  })

  test('with no node on PATH the global bins still run: a node shim goes beside them, said once, and goes once node is on PATH', async () => {
    await using tmp = tempDir()
    const { prefix, run } = setup(tmp.path)
    const binDir = path.join(prefix, 'bin')
    const PATH = `${binDir}:${noNodePath}`
    expect(Bun.which('node', { PATH: noNodePath })).toBeNull()
    const first = await run(['install', '-g', '--prefix', prefix, 'tsc-like@2'], { env: { PATH } })
    expect(first.code).toBe(0)
    expect(first.stderr).toBe(`no node on PATH: ${binDir}/node now runs the global packages' bins with skiff's own runtime (Bun); it goes once a node is on PATH\n`)
    const tsc = Bun.spawnSync(['tsc', '--version'], { env: { PATH }, cwd: tmp.path })
    expect(tsc.stdout.toString()).toBe('Version 2.0.0 on bun\n')
    expect(tsc.exitCode).toBe(0)
    const second = await run(['install', '-g', '--prefix', prefix, 'helper'], { env: { PATH } })
    expect(second.stderr).toBe('')

    const realNode = path.dirname(Bun.which('node') as string)
    const withNode = await run(['install', '-g', '--prefix', prefix, 'helper'], { env: { PATH: `${binDir}:${noNodePath}:${realNode}` } })
    expect(withNode.code).toBe(0)
    expect(withNode.stderr).toContain(`removed ${binDir}/node, skiff's stand-in for node`)
    expect(fs.existsSync(path.join(binDir, 'node'))).toBe(false)
  })
})
