/**
 * release/install.sh end to end, run by dash (POSIX sh) against a local server that serves a
 * release folder made as `bun build.ts --release` makes it, with the real executable.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import packageJson from '../../package.json' with { type: 'json' }
import { tempDir, toolsOnlyPath, type TempDir } from '../helpers/index.ts'
import { hostTarget, releaseFolder, serveFolder, type FolderServer } from './helpers.ts'

const repoRoot = path.resolve(import.meta.dir, '../..')
const script = path.join(repoRoot, 'release/install.sh')
/** what install.sh needs besides a downloader; ldd and uname are the machine's unless faked */
const TOOLS = ['sh', 'uname', 'ldd', 'awk', 'tar', 'gzip', 'mktemp', 'rm', 'mkdir', 'cp', 'chmod', 'mv', 'cut', 'tr', 'cat', 'sha256sum']

let work: TempDir
let releaseDir: string
let server: FolderServer
let curlPath: string
let wgetPath: string

beforeAll(async () => {
  work = tempDir('skiff-install-sh-')
  releaseDir = await releaseFolder(work.path)
  server = serveFolder(releaseDir)
  curlPath = toolsOnlyPath(path.join(work.path, 'with-curl'), [...TOOLS, 'curl'])
  wgetPath = toolsOnlyPath(path.join(work.path, 'with-wget'), [...TOOLS, 'wget'])
}, 120_000)

afterAll(async () => {
  await server?.[Symbol.asyncDispose]()
  await work?.[Symbol.asyncDispose]()
})

interface Run {
  code: number
  stdout: string
  stderr: string
}

/** Runs install.sh; the server lives in this process, so never with a synchronous spawn. */
async function runInstall(options: { dir?: string; path?: string; env?: Record<string, string>; args?: string[] }): Promise<Run> {
  const child = Bun.spawn(['sh', script, ...(options.args ?? [])], {
    cwd: work.path,
    env: {
      PATH: options.path ?? curlPath,
      HOME: path.join(work.path, 'home'),
      SKIFF_DOWNLOAD_URL: server.url,
      ...(options.dir === undefined ? {} : { SKIFF_INSTALL_DIR: options.dir }),
      ...options.env,
    },
    stdout: 'pipe',
    stderr: 'pipe',
    stdin: 'ignore',
  })
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  return { code, stdout, stderr }
}

/** A folder of executable sh scripts, put before the real tools on PATH. */
function fakeTools(name: string, scripts: Record<string, string>): string {
  const dir = path.join(work.path, 'fake', name)
  fs.mkdirSync(dir, { recursive: true })
  for (const [tool, body] of Object.entries(scripts)) fs.writeFileSync(path.join(dir, tool), `#!/bin/sh\n${body}\n`, { mode: 0o755 })
  return dir
}

function versionOf(executable: string): string {
  const run = Bun.spawnSync([executable, '--version'])
  return run.stdout.toString().trim()
}

const archive = () => `skiff-${hostTarget().name}.tar.gz`

describe('install.sh', () => {
  test('downloads the archive for this machine, checks it, installs skiff and prints the PATH line', async () => {
    const dir = path.join(work.path, 'fresh/bin')
    const before = server.requests.length
    const run = await runInstall({ dir })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(server.requests.slice(before)).toEqual([`/${archive()}`, '/SHA256SUMS'])
    expect(versionOf(path.join(dir, 'skiff'))).toBe(packageJson.version)
    expect(fs.statSync(path.join(dir, 'skiff')).mode & 0o777).toBe(0o755)
    expect(run.stdout).toContain(`skiff ${packageJson.version} installed in ${dir}\n`)
    expect(run.stdout).toContain(`  export PATH="${dir}:$PATH"\n`)
    // nothing but the executable is left behind
    expect(fs.readdirSync(dir)).toEqual(['skiff'])
  })

  test('with only wget, and the folder already on PATH: the same install, no PATH line', async () => {
    const dir = path.join(work.path, 'wget/bin')
    const run = await runInstall({ dir, path: `${wgetPath}:${dir}` })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(versionOf(path.join(dir, 'skiff'))).toBe(packageJson.version)
    expect(run.stdout).not.toContain('export PATH')
  })

  test('defaults to ~/.skiff/bin', async () => {
    const home = path.join(work.path, 'home-default')
    const run = await runInstall({ env: { HOME: home } })
    expect(run.code).toBe(0)
    expect(versionOf(path.join(home, '.skiff/bin/skiff'))).toBe(packageJson.version)
  })

  test('a second run replaces the installed skiff in place and says which version it replaced', async () => {
    const dir = path.join(work.path, 'upgrade/bin')
    fs.mkdirSync(dir, { recursive: true })
    fs.writeFileSync(path.join(dir, 'skiff'), '#!/bin/sh\necho 0.0.1\n', { mode: 0o755 })
    const upgrade = await runInstall({ dir })
    expect(upgrade.code).toBe(0)
    expect(upgrade.stdout).toContain(`skiff ${packageJson.version} installed in ${dir} (was 0.0.1)\n`)
    expect(versionOf(path.join(dir, 'skiff'))).toBe(packageJson.version)
    const again = await runInstall({ dir })
    expect(again.code).toBe(0)
    expect(again.stdout).toContain(`skiff ${packageJson.version} installed in ${dir} (reinstalled)\n`)
    expect(fs.readdirSync(dir)).toEqual(['skiff'])
  })

  test('an archive that does not match SHA256SUMS is refused and nothing is installed', async () => {
    const tampered = path.join(work.path, 'tampered')
    fs.mkdirSync(tampered)
    for (const name of fs.readdirSync(releaseDir)) fs.copyFileSync(path.join(releaseDir, name), path.join(tampered, name))
    const bytes = fs.readFileSync(path.join(tampered, archive()))
    bytes[bytes.length - 100] = (bytes[bytes.length - 100] ?? 0) ^ 0xff
    fs.writeFileSync(path.join(tampered, archive()), bytes)
    await using tamperedServer = serveFolder(tampered)
    const dir = path.join(work.path, 'refused/bin')
    const run = await runInstall({ dir, env: { SKIFF_DOWNLOAD_URL: tamperedServer.url } })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`skiff install: ${archive()} does not match SHA256SUMS`)
    expect(run.stderr).toContain('nothing was installed')
    expect(fs.existsSync(path.join(work.path, 'refused'))).toBe(false)
  })

  test('SHA256SUMS without a line for the archive is refused', async () => {
    const partial = path.join(work.path, 'no-sum')
    fs.mkdirSync(partial)
    fs.copyFileSync(path.join(releaseDir, archive()), path.join(partial, archive()))
    fs.writeFileSync(path.join(partial, 'SHA256SUMS'), `${'0'.repeat(64)}  skiff-other.tar.gz\n`)
    await using partialServer = serveFolder(partial)
    const dir = path.join(work.path, 'no-sum-install/bin')
    const run = await runInstall({ dir, env: { SKIFF_DOWNLOAD_URL: partialServer.url } })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`has no line for ${archive()}`)
    expect(fs.existsSync(dir)).toBe(false)
  })

  test('an unknown operating system or CPU is named, and nothing is downloaded', async () => {
    const before = server.requests.length
    const bsd = fakeTools('freebsd', { uname: 'case "$1" in -s) echo FreeBSD ;; -m) echo amd64 ;; esac' })
    const os = await runInstall({ dir: path.join(work.path, 'bsd/bin'), path: `${bsd}:${curlPath}` })
    expect(os.code).toBe(1)
    expect(os.stderr).toContain('skiff install: no skiff build for this operating system: FreeBSD (amd64)')
    expect(os.stderr).toContain('builds exist for Linux (x64, arm64; glibc or musl), macOS (x64, arm64) and Windows (x64)')
    const riscv = fakeTools('riscv', { uname: 'case "$1" in -s) echo Linux ;; -m) echo riscv64 ;; esac' })
    const cpu = await runInstall({ dir: path.join(work.path, 'riscv/bin'), path: `${riscv}:${curlPath}` })
    expect(cpu.code).toBe(1)
    expect(cpu.stderr).toContain('skiff install: no skiff build for this CPU: riscv64 (Linux)')
    expect(server.requests.length).toBe(before)
  })

  test.if(process.platform === 'linux')('on musl without libstdc++ and libgcc it names the apk fix; with them it asks for the musl archive', async () => {
    const alpine = fakeTools('alpine', { ldd: 'echo "musl libc (x86_64)" >&2\necho "Version 1.2.5" >&2\nexit 1' })
    const before = server.requests.length
    const missing = await runInstall({ dir: path.join(work.path, 'alpine/bin'), path: `${alpine}:${curlPath}` })
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('skiff install: skiff for musl (Alpine) needs libstdc++.so.6 libgcc_s.so.1, which this system lacks')
    expect(missing.stderr).toContain('apk add libstdc++ libgcc')
    expect(server.requests.length).toBe(before)

    const libs = path.join(work.path, 'musl-libs')
    fs.mkdirSync(libs, { recursive: true })
    for (const lib of ['libstdc++.so.6', 'libgcc_s.so.1']) fs.writeFileSync(path.join(libs, lib), '')
    const present = await runInstall({ dir: path.join(work.path, 'alpine/bin'), path: `${alpine}:${curlPath}`, env: { LD_LIBRARY_PATH: libs } })
    // the test release holds this machine's (glibc) archive only
    expect(present.code).toBe(1)
    expect(server.requests.slice(before)).toEqual([`/skiff-linux-${process.arch}-musl.tar.gz`])
    expect(present.stderr).toContain(`could not download ${server.url}/skiff-linux-${process.arch}-musl.tar.gz`)
  })

  test('without SKIFF_DOWNLOAD_URL it downloads from the GitHub release of --version, or the latest one', async () => {
    const calls = path.join(work.path, 'curl-calls')
    const offline = fakeTools('recording-curl', { curl: `printf '%s\\n' "$*" >> "${calls}"\nexit 22` })
    const repository = packageJson.repository.url.replace(/^git\+https:\/\/github\.com\//, '').replace(/\.git$/, '')
    const env = { SKIFF_DOWNLOAD_URL: '' }
    const pinned = await runInstall({ dir: path.join(work.path, 'gh/bin'), path: `${offline}:${curlPath}`, args: ['--version', 'v1.2.3'], env })
    expect(pinned.code).toBe(1)
    const latest = await runInstall({ dir: path.join(work.path, 'gh/bin'), path: `${offline}:${curlPath}`, env })
    expect(latest.code).toBe(1)
    const urls = fs.readFileSync(calls, 'utf8').trim().split('\n').map((line) => line.split(' ').at(-1))
    expect(urls).toEqual([
      `https://github.com/${repository}/releases/download/v1.2.3/${archive()}`,
      `https://github.com/${repository}/releases/latest/download/${archive()}`,
    ])
  })

})
