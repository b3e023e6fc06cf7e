import { afterEach, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as tar from 'tar'
import { createTestRegistry, lockfileFor, sriSha512, type TestRegistry, writeProject } from './index.ts'

const CORGI = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*'
const temps: string[] = []
afterEach(() => {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-'))
  temps.push(dir)
  return dir
}

interface PackumentBody {
  time: Record<string, string>
  versions: Record<string, Record<string, unknown>>
}

async function getJson(registry: TestRegistry, urlPath: string, accept = 'application/json') {
  const response = await fetch(new URL(urlPath.slice(1), registry.url), { headers: { accept } })
  return { status: response.status, headers: response.headers, body: (await response.json()) as PackumentBody }
}

describe('fixture registry', () => {
  test('serves a tarball whose integrity is computed from its bytes and which node-tar extracts', async () => {
    await using registry = await createTestRegistry({
      packages: [{
        name: 'a', version: '1.0.0', bin: 'cli.js', license: 'MIT',
        files: { 'cli.js': { content: '#!/usr/bin/env node\n', mode: 0o755 }, 'lib/index.js': 'module.exports = 1\n' },
      }],
    })
    const response = await fetch(registry.tarballUrl('a', '1.0.0'))
    const bytes = new Uint8Array(await response.arrayBuffer())
    expect(sriSha512(bytes)).toBe(registry.integrity('a', '1.0.0'))
    const dir = tempDir()
    fs.writeFileSync(path.join(dir, 'a.tgz'), bytes)
    await tar.x({ file: path.join(dir, 'a.tgz'), cwd: dir })
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package', 'package.json'), 'utf8'))
    expect(manifest).toEqual({ name: 'a', version: '1.0.0', bin: 'cli.js', license: 'MIT' })
    expect(fs.statSync(path.join(dir, 'package', 'cli.js')).mode & 0o777).toBe(0o755)
    expect(fs.readFileSync(path.join(dir, 'package', 'lib', 'index.js'), 'utf8')).toBe('module.exports = 1\n')
  })

  test('builds the same bytes for the same definition', async () => {
    const def = { name: 'same', version: '2.0.0', files: { 'x.js': 'x' } }
    await using one = await createTestRegistry({ packages: [def] })
    await using two = await createTestRegistry({ packages: [def] })
    expect(one.integrity('same', '2.0.0')).toBe(two.integrity('same', '2.0.0'))
  })

  test('answers corgi or full packuments by Accept', async () => {
    await using registry = await createTestRegistry({
      packages: [
        { name: 'a', version: '1.0.0', scripts: { postinstall: 'node x' }, license: 'MIT', libc: ['glibc'] },
        { name: 'a', version: '1.1.0', deprecated: 'use 2' },
      ],
    })
    const corgi = await getJson(registry, '/a', CORGI)
    expect(corgi.headers.get('content-type')).toBe('application/vnd.npm.install-v1+json')
    expect(Object.keys(corgi.body).sort()).toEqual(['dist-tags', 'modified', 'name', 'versions'])
    expect(corgi.body.versions['1.0.0']?.hasInstallScript).toBe(true)
    expect(corgi.body.versions['1.0.0']?.license).toBeUndefined()
    expect(corgi.body.versions['1.0.0']?.libc).toBeUndefined()
    expect(corgi.body.versions['1.1.0']?.deprecated).toBe('use 2')
    const full = await getJson(registry, '/a')
    expect(full.body.time['1.0.0']).toBe('2020-01-01T00:00:00.000Z')
    expect(full.body.versions['1.0.0']?.scripts).toEqual({ postinstall: 'node x' })
    expect(full.body.versions['1.0.0']?.dist).toEqual({
      tarball: registry.tarballUrl('a', '1.0.0'),
      integrity: registry.integrity('a', '1.0.0'),
      shasum: registry.shasum('a', '1.0.0'),
    })
  })

  test('latest is the highest non-prerelease unless a def names it', async () => {
    await using registry = await createTestRegistry({
      packages: [
        { name: 'a', version: '1.0.0' }, { name: 'a', version: '2.0.0-beta.1', distTags: ['next'] }, { name: 'a', version: '1.5.0' },
        { name: 'b', version: '1.0.0' }, { name: 'b', version: '2.0.0' }, { name: 'b', version: '1.2.0', distTags: ['latest'] },
      ],
    })
    expect(registry.packument('a')['dist-tags']).toEqual({ latest: '1.5.0', next: '2.0.0-beta.1' })
    expect(registry.packument('b')['dist-tags']).toEqual({ latest: '1.2.0' })
  })

  test('serves scoped packages at @scope%2fname and @scope/name with unscoped tarball names', async () => {
    await using registry = await createTestRegistry({ packages: [{ name: '@s/p', version: '1.0.0' }] })
    expect(registry.packumentPath('@s/p')).toBe('/@s%2fp')
    expect(registry.tarballPath('@s/p', '1.0.0')).toBe('/@s/p/-/p-1.0.0.tgz')
    expect((await getJson(registry, '/@s%2fp')).status).toBe(200)
    expect((await getJson(registry, '/@s/p')).status).toBe(200)
    expect((await fetch(registry.tarballUrl('@s/p', '1.0.0'))).status).toBe(200)
  })

  test('revalidates with ETag and If-Modified-Since, and a new version changes the ETag', async () => {
    await using registry = await createTestRegistry({ packages: [{ name: 'a', version: '1.0.0' }] })
    const first = await fetch(`${registry.url}a`, { headers: { accept: CORGI } })
    const etag = first.headers.get('etag') ?? ''
    const lastModified = first.headers.get('last-modified') ?? ''
    expect((await fetch(`${registry.url}a`, { headers: { accept: CORGI, 'if-none-match': etag } })).status).toBe(304)
    expect((await fetch(`${registry.url}a`, { headers: { accept: CORGI, 'if-modified-since': lastModified } })).status).toBe(304)
    registry.add({ name: 'a', version: '1.0.1' })
    expect((await fetch(`${registry.url}a`, { headers: { accept: CORGI, 'if-none-match': etag } })).status).toBe(200)
  })

  test('records every request; unknown packages are 404, unknown paths 418 and kept in unexpected', async () => {
    await using registry = await createTestRegistry()
    expect((await fetch(`${registry.url}missing`)).status).toBe(404)
    expect((await fetch(`${registry.url}-/npm/v1/security/advisories/bulk`, { method: 'POST' })).status).toBe(418)
    expect(registry.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'GET /missing',
      'POST /-/npm/v1/security/advisories/bulk',
    ])
    expect(registry.unexpected.map((request) => request.url)).toEqual(['/-/npm/v1/security/advisories/bulk'])
  })
})

describe('fixture registry faults', () => {
  const def = { name: 'a', version: '1.0.0', files: { 'big.txt': 'x'.repeat(5000) } }

  test('a status fault answers that many times, then the real response', async () => {
    await using registry = await createTestRegistry({ packages: [def] })
    registry.fault('/a', { status: 503, body: 'busy', headers: { 'retry-after': '1' }, times: 2 })
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${registry.url}a`)).status)
    expect(statuses).toEqual([503, 503, 200])
  })

  test('wrongBytes serves a tarball of the same length with other bytes', async () => {
    await using registry = await createTestRegistry({ packages: [def] })
    registry.fault(registry.tarballPath('a', '1.0.0'), { wrongBytes: true, times: 1 })
    const bytes = new Uint8Array(await (await fetch(registry.tarballUrl('a', '1.0.0'))).arrayBuffer())
    expect(bytes.length).toBe(registry.tarballBytes('a', '1.0.0').length)
    expect(sriSha512(bytes)).not.toBe(registry.integrity('a', '1.0.0'))
  })

  test('truncateAt and reset break the connection mid-body', async () => {
    await using registry = await createTestRegistry({ packages: [def] })
    registry.fault(/\.tgz$/, { truncateAt: 10, times: 1 })
    registry.fault(/\.tgz$/, { reset: true, times: 1 })
    for (let i = 0; i < 2; i++) {
      const error = await fetch(registry.tarballUrl('a', '1.0.0')).then((response) => response.arrayBuffer()).then(() => undefined, (caught: unknown) => caught)
      expect((error as { code?: string } | undefined)?.code).toBe('ECONNRESET')
    }
    expect((await fetch(registry.tarballUrl('a', '1.0.0'))).status).toBe(200)
  })

  test('stallAfterBytes sends that much and then nothing', async () => {
    await using registry = await createTestRegistry({ packages: [def] })
    registry.fault(/\.tgz$/, { stallAfterBytes: 20 })
    const response = await fetch(registry.tarballUrl('a', '1.0.0'), { signal: AbortSignal.timeout(300) })
    const reader = response.body?.getReader()
    let received = 0
    const outcome = await (async () => {
      for (;;) {
        const chunk = await reader?.read()
        if (!chunk || chunk.done) return 'ended'
        received += chunk.value.length
      }
    })().catch((error: unknown) => (error as Error).name)
    expect(outcome).toBe('TimeoutError')
    expect(received).toBe(20)
  })

  test('a predicate matcher sees the recorded request', async () => {
    await using registry = await createTestRegistry({ packages: [def] })
    registry.fault((request) => request.headers['x-test'] === 'yes', { status: 500 })
    expect((await fetch(`${registry.url}a`, { headers: { 'x-test': 'yes' } })).status).toBe(500)
    expect((await fetch(`${registry.url}a`)).status).toBe(200)
  })
})

describe('project helpers', () => {
  test('lockfileFor writes the entries npm writes, in npm key order, from the served packages', async () => {
    await using registry = await createTestRegistry({
      packages: [
        { name: 'a', version: '1.0.0', license: 'MIT', dependencies: { b: '^1.0.0' }, bin: 'cli.js', engines: { node: '>=18' }, files: { 'cli.js': '' } },
        { name: 'b', version: '1.0.0', os: ['linux'], cpu: ['x64'], scripts: { install: 'node build.js' } },
      ],
    })
    const packageJson = { name: 'app', version: '1.0.0', dependencies: { a: '^1.0.0' }, devDependencies: {} }
    const lock = lockfileFor(registry, packageJson, [
      { name: 'b', version: '1.0.0', dev: true },
      { name: 'a', version: '1.0.0' },
    ])
    expect(JSON.stringify(lock, null, 2)).toBe(JSON.stringify({
      name: 'app',
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name: 'app', version: '1.0.0', dependencies: { a: '^1.0.0' }, devDependencies: {} },
        'node_modules/a': {
          version: '1.0.0',
          resolved: registry.tarballUrl('a', '1.0.0'),
          integrity: registry.integrity('a', '1.0.0'),
          license: 'MIT',
          dependencies: { b: '^1.0.0' },
          bin: { a: 'cli.js' },
          engines: { node: '>=18' },
        },
        'node_modules/b': {
          version: '1.0.0',
          resolved: registry.tarballUrl('b', '1.0.0'),
          integrity: registry.integrity('b', '1.0.0'),
          cpu: ['x64'],
          dev: true,
          hasInstallScript: true,
          os: ['linux'],
        },
      },
    }, null, 2))
    const dir = writeProject(path.join(tempDir(), 'app'), { packageJson, lockfile: lock, npmrc: `registry=${registry.url}\n` })
    expect(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8')).toBe(`${JSON.stringify(lock, null, 2)}\n`)
    expect(fs.readFileSync(path.join(dir, '.npmrc'), 'utf8')).toBe(`registry=${registry.url}\n`)
  })
})
