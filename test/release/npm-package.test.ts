/**
 * The npm packages as `bun build.ts --npm` writes them (this machine's target only), packed by
 * `npm pack` and installed from the tarballs: globally by npm, and into a project by skiff.
 * The registry is the fixture registry, which holds none of them: everything comes from the
 * tarballs.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import packageJson from '../../package.json' with { type: 'json' }
import { npmPackageName, TARGETS, writeMainPackage, writePlatformPackage } from '../../release/index.ts'
import { compiledSkiff, runSkiff, tempDir, type TempDir } from '../helpers/index.ts'
import { createTestRegistry, type TestRegistry } from '../registry/index.ts'
import { hostTarget } from './helpers.ts'

const launcher = createRequire(import.meta.url)('../../release/npm-launcher.cjs') as {
  platformPackage(platform: string, arch: string, musl: boolean): { name: string; exe: string }
}

let work: TempDir
let registry: TestRegistry
let mainTarball: string
let platformTarball: string

/** Runs a command; asynchronously, since the fixture registry answers from this process. */
async function run(command: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = Bun.spawn(command, { cwd, env: { ...process.env, ...env }, stdout: 'pipe', stderr: 'pipe', stdin: 'ignore' })
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  return { code, stdout, stderr }
}

/** npm with its own cache and config, talking only to the fixture registry */
function npmEnv(name: string): Record<string, string> {
  return {
    npm_config_cache: path.join(work.path, name, 'npm-cache'),
    npm_config_userconfig: path.join(work.path, name, 'npmrc'),
    npm_config_registry: registry.url,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  }
}

beforeAll(async () => {
  work = tempDir('skiff-npm-package-')
  registry = await createTestRegistry()
  const executable = await compiledSkiff(path.join(work.path, 'build'))
  const npmDir = path.join(work.path, 'npm')
  const platformDir = writePlatformPackage(hostTarget(), executable, npmDir)
  const mainDir = writeMainPackage([hostTarget()], npmDir)
  const packs = path.join(work.path, 'packs')
  fs.mkdirSync(packs)
  for (const dir of [mainDir, platformDir]) {
    const packed = await run(['npm', 'pack', dir, '--pack-destination', packs], work.path, npmEnv('pack'))
    if (packed.code !== 0) throw new Error(`npm pack ${dir}: ${packed.stderr}`)
  }
  mainTarball = path.join(packs, `skiff-${packageJson.version}.tgz`)
  platformTarball = path.join(packs, `skiff-${hostTarget().name}-${packageJson.version}.tgz`)
}, 180_000)

afterAll(async () => {
  await registry?.close()
  await work?.[Symbol.asyncDispose]()
})

describe('the npm packages', () => {
  test('skiff lists the platform package as an optional dependency; the platform package declares its os, cpu and libc', () => {
    const main = JSON.parse(fs.readFileSync(path.join(work.path, 'npm/skiff/package.json'), 'utf8'))
    expect(main).toMatchObject({ name: 'skiff', version: packageJson.version, license: packageJson.license, bin: { skiff: 'bin/skiff' } })
    expect(main.optionalDependencies).toEqual({ [npmPackageName(hostTarget())]: packageJson.version })
    const platform = JSON.parse(fs.readFileSync(path.join(work.path, 'npm', npmPackageName(hostTarget()), 'package.json'), 'utf8'))
    const host = hostTarget()
    expect(platform).toMatchObject({ name: `@skiff/${host.name}`, version: packageJson.version, os: [host.os], cpu: [host.cpu] })
    expect(platform.libc).toEqual(host.libc ? [host.libc] : undefined)
  })

  test('the launcher picks the package and executable build.ts makes for every target', () => {
    for (const target of TARGETS) {
      expect(launcher.platformPackage(target.os, target.cpu, target.libc === 'musl')).toEqual({ name: npmPackageName(target), exe: target.exe })
    }
  })

  test('npm install -g of the tarballs: skiff --version runs the native executable', async () => {
    const prefix = path.join(work.path, 'global')
    const installed = await run(['npm', 'install', '-g', '--prefix', prefix, mainTarball, platformTarball], work.path, npmEnv('global'))
    expect(installed.stderr).not.toContain('ERR')
    expect(installed.code).toBe(0)
    const native = path.join(prefix, 'lib/node_modules', npmPackageName(hostTarget()), 'bin', hostTarget().exe)
    expect(fs.statSync(native).mode & 0o111).toBe(0o111)
    const version = await run([path.join(prefix, 'bin/skiff'), '--version'], work.path)
    expect(version).toEqual({ code: 0, stdout: `${packageJson.version}\n`, stderr: '' })
    // arguments and the exit code pass through the launcher
    const unknown = await run([path.join(prefix, 'bin/skiff'), 'no-such-command'], work.path)
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('EUSAGE')
    expect(unknown.stderr).toContain('"no-such-command"')
    expect(registry.unexpected).toEqual([])
  }, 120_000)

  test('without the platform package (--omit=optional) the launcher says which package is missing and how to get it', async () => {
    const prefix = path.join(work.path, 'no-optional')
    const installed = await run(['npm', 'install', '-g', '--prefix', prefix, '--omit=optional', mainTarball], work.path, npmEnv('no-optional'))
    expect(installed.code).toBe(0)
    const version = await run([path.join(prefix, 'bin/skiff'), '--version'], work.path)
    expect(version.code).toBe(1)
    expect(version.stderr).toContain(`skiff: ${npmPackageName(hostTarget())}, the package that holds skiff for this platform`)
    expect(version.stderr).toContain('--omit=optional')
  }, 120_000)

  test('skiff installs the same tarballs into a project, and its .bin/skiff runs', async () => {
    await using tmp = tempDir()
    const project = path.join(tmp.path, 'project')
    fs.mkdirSync(project)
    fs.writeFileSync(path.join(project, 'package.json'), '{ "name": "uses-skiff", "version": "1.0.0" }\n')
    const installed = await runSkiff(project, ['install', mainTarball, platformTarball], { registry: registry.url })
    expect(installed.stderr).toBe('')
    expect(installed.code).toBe(0)
    const version = await run([path.join(project, 'node_modules/.bin/skiff'), '--version'], project)
    expect(version).toEqual({ code: 0, stdout: `${packageJson.version}\n`, stderr: '' })
  }, 120_000)
})
